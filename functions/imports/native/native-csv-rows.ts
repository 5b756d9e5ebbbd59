import type { ImportRow } from '../../use-cases/import-programs';
import type { ByteCounter } from '../counted-read-stream';
import { readCsvLines } from '../csv-lines';
import { cellsToRecord, NATIVE_CSV_COLUMNS, type NativeCsvColumn } from './native-csv-columns';

/**
 * Streams native records written as CSV. Columns are found by the header, in any order, and
 * may be left out; an unknown header is a fatal error, since it usually means a misspelt field
 * whose data would otherwise be dropped silently.
 */
export async function* readNativeCsvRows(filePath: string, counter?: ByteCounter): AsyncIterable<ImportRow> {
  let header: NativeCsvColumn[] | undefined;
  for await (const { line, fields } of readCsvLines(filePath, counter)) {
    if (!header) {
      header = readHeader(fields);
      continue;
    }
    if (fields.length !== header.length) {
      yield { line, parseError: `expected ${header.length} columns, found ${fields.length}` };
      continue;
    }
    const cells = new Map(header.map((column, index) => [column, fields[index] ?? '']));
    const result = cellsToRecord(cells);
    const externalId = cells.get('externalId')?.trim();
    if (!result.ok) {
      const source = cells.get('source')?.trim();
      yield {
        line,
        parseError: result.error.message,
        parseErrorPath: result.error.path,
        ...(externalId && { identity: { externalId, ...(source && { source }) } }),
      };
      continue;
    }
    yield { line, value: result.value };
  }
}

function readHeader(fields: readonly string[]): NativeCsvColumn[] {
  const names = fields.map((field) => field.trim());
  const unknown = names.filter((name) => !(NATIVE_CSV_COLUMNS as readonly string[]).includes(name));
  if (unknown.length > 0) throw new Error(`unknown CSV columns: ${unknown.join(', ')} (see seed/FORMATS.md)`);
  if (new Set(names).size !== names.length) throw new Error('a CSV column appears twice in the header');
  return names as NativeCsvColumn[];
}
