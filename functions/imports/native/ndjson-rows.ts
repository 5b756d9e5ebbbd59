import { createInterface } from 'node:readline';
import type { ImportRow } from '../../use-cases/import-programs';
import { countedReadStream, type ByteCounter } from '../counted-read-stream';

/** Streams an NDJSON file one row at a time; blank lines are skipped, bad JSON becomes a row error. */
export async function* readNdjsonRows(filePath: string, counter?: ByteCounter): AsyncIterable<ImportRow> {
  const input = countedReadStream(filePath, counter).setEncoding('utf8');
  const lines = createInterface({ input, crlfDelay: Infinity });
  let line = 0;
  for await (const text of lines) {
    line++;
    if (text.trim() === '') continue;
    try {
      yield { line, value: JSON.parse(text) as unknown };
    } catch (error) {
      yield { line, parseError: `not valid JSON: ${(error as Error).message}` };
    }
  }
}
