import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { ImportRow } from '../functions/use-cases/import-programs';

/** Streams an NDJSON file one row at a time; blank lines are skipped, bad JSON becomes a row error. */
export async function* readNdjsonRows(filePath: string): AsyncIterable<ImportRow> {
  const lines = createInterface({ input: createReadStream(filePath, { encoding: 'utf8' }), crlfDelay: Infinity });
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
