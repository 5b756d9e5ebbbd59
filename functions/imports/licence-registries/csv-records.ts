import type { ByteCounter } from '../counted-read-stream';
import { readCsvLines } from '../csv-lines';

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
  let positions: number[] | undefined;
  let width = 0;
  for await (const { line, fields } of readCsvLines(filePath, counter)) {
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
