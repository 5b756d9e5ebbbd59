import { pipeline } from 'node:stream';
import { parser } from 'stream-json';
import { pick } from 'stream-json/filters/pick.js';
import { streamArray } from 'stream-json/streamers/stream-array.js';
import type { ImportRow } from '../../use-cases/import-programs';
import { countedReadStream, type ByteCounter } from '../counted-read-stream';
import { mapLocatorRow } from './locator-mapping';

/**
 * Streams the rows of a treatment locator export (`{page, totalPages, recordCount, rows[]}`)
 * one at a time, so a file of any size is read in constant memory. A row's `line` is its
 * 1-based position in `rows[]`: the parser does not track physical lines.
 */
export async function* readFindtreatmentRows(filePath: string, counter?: ByteCounter): AsyncIterable<ImportRow> {
  const rows = pipeline(
    countedReadStream(filePath, counter),
    parser.asStream(),
    pick.asStream({ filter: 'rows' }),
    streamArray.asStream(),
    () => undefined,
  );
  let count = 0;
  for await (const { key, value } of rows as AsyncIterable<{ key: number; value: unknown }>) {
    count++;
    const line = key + 1;
    const mapped = mapLocatorRow(value);
    if (!mapped.record) {
      yield { line, parseError: 'is not a locator row (an object)' };
      continue;
    }
    yield { line, value: mapped.record, warnings: mapped.warnings };
  }
  // Empty is refused rather than imported: with --prune it would archive the whole source.
  if (count === 0) throw new Error('not a treatment locator export: no rows[] found');
}
