import { parse } from 'csv-parse';
import { countedReadStream, type ByteCounter } from './counted-read-stream';

/** One record of a CSV file with the physical line it starts on (the header is line 1). */
export interface CsvLine {
  line: number;
  fields: string[];
}

/**
 * Streams a CSV file (RFC 4180, optional BOM, empty lines skipped) record by record. Every
 * format's CSV reader starts here, so they all number lines the same way: counted from the raw
 * text, since the parser's own counter gives where a record ends (and miscounts CRLF in quotes).
 */
export async function* readCsvLines(filePath: string, counter?: ByteCounter): AsyncIterable<CsvLine> {
  const input = countedReadStream(filePath, counter);
  const parser = input.pipe(parse({ bom: true, raw: true, relax_column_count: true, skip_empty_lines: true }));
  // pipe() does not forward a read error (a missing file): without this the loop waits forever.
  input.on('error', (error) => parser.destroy(error));
  let nextLine = 1;
  for await (const { record: fields, raw } of parser as AsyncIterable<{ record: string[]; raw: string }>) {
    const line = nextLine + countLineBreaks(/^(?:\r\n|\r|\n)*/.exec(raw)?.[0] ?? '');
    nextLine += countLineBreaks(raw);
    yield { line, fields };
  }
}

function countLineBreaks(text: string): number {
  return text.match(/\r\n|\r|\n/g)?.length ?? 0;
}
