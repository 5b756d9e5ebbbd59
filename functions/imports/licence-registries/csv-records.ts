import { parse } from 'csv-parse';
import { countedReadStream, type ByteCounter } from '../counted-read-stream';

/** One data row of a registry's CSV, its cells by column name (trimmed). */
export type CsvRecord<Column extends string> =
  | { line: number; cells: Record<Column, string> }
  | { line: number; error: string };

/**
 * Streams a publisher's CSV (RFC 4180, optional BOM) one row at a time, cells by header name.
 * The columns a registry reads must all be in the header (else nothing is read: a renamed
 * column would otherwise turn every row into a rejection); other columns are ignored, since a
 * publisher adding one changes nothing we read. `line` is the physical line the row starts on.
 */
export async function* readCsvRecords<Column extends string>(
  filePath: string,
  columns: readonly Column[],
  counter?: ByteCounter,
): AsyncIterable<CsvRecord<Column>> {
  const input = countedReadStream(filePath, counter);
  const parser = input.pipe(parse({ bom: true, raw: true, relax_column_count: true, skip_empty_lines: true }));
  // pipe() does not forward a read error (a missing file): without this the loop waits forever.
  input.on('error', (error) => parser.destroy(error));
  let positions: number[] | undefined;
  let width = 0;
  let nextLine = 1;
  for await (const { record: fields, raw } of parser as AsyncIterable<{ record: string[]; raw: string }>) {
    // Counted from the raw text: the parser's own counter gives where a record ends, not starts.
    const line = nextLine + countLineBreaks(/^(?:\r\n|\r|\n)*/.exec(raw)?.[0] ?? '');
    nextLine += countLineBreaks(raw);
    if (!positions) {
      const header = fields.map((field) => field.trim());
      const missing = columns.filter((column) => !header.includes(column));
      if (missing.length > 0) throw new Error(`${filePath}: the header lacks the columns ${missing.join(', ')}`);
      positions = columns.map((column) => header.indexOf(column));
      width = header.length;
      continue;
    }
    if (fields.length !== width) {
      yield { line, error: `expected ${width} columns, found ${fields.length}` };
      continue;
    }
    const cells = Object.fromEntries(columns.map((column, index) => [column, (fields[positions![index]!] ?? '').trim()]));
    yield { line, cells: cells as Record<Column, string> };
  }
  if (!positions) throw new Error(`${filePath}: empty file (no header)`);
}

function countLineBreaks(text: string): number {
  return text.match(/\r\n|\r|\n/g)?.length ?? 0;
}
