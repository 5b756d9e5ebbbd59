import type { ImportRow } from '../use-cases/import-programs';
import type { ByteCounter } from './counted-read-stream';
import { FINDTREATMENT_SOURCE } from './findtreatment/locator-mapping';
import { readFindtreatmentRows } from './findtreatment/locator-rows';
import { readNativeCsvRows } from './native/native-csv-rows';
import { readNdjsonRows } from './native/ndjson-rows';
import { readSamhsaFacilities, SAMHSA_SOURCE } from '../../seed/samhsa-facilities';

export const IMPORT_FORMATS = ['native', 'csv', 'findtreatment', 'samhsa-csv'] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];

/** The source slug a format's rows get when they do not name one. */
export const DEFAULT_SOURCE: Record<ImportFormat, string> = {
  native: 'ops-seed',
  csv: 'ops-seed',
  findtreatment: FINDTREATMENT_SOURCE,
  'samhsa-csv': SAMHSA_SOURCE,
};

async function* samhsaRows(filePath: string, counter?: ByteCounter): AsyncIterable<ImportRow> {
  for await (const row of readSamhsaFacilities(filePath, counter)) {
    yield row.error !== undefined ? { line: row.line, parseError: row.error } : { line: row.line, value: row.record };
  }
}

export function readImportRows(filePath: string, format: ImportFormat, counter?: ByteCounter): AsyncIterable<ImportRow> {
  switch (format) {
    case 'native':
      return readNdjsonRows(filePath, counter);
    case 'csv':
      return readNativeCsvRows(filePath, counter);
    case 'findtreatment':
      return readFindtreatmentRows(filePath, counter);
    case 'samhsa-csv':
      return samhsaRows(filePath, counter);
  }
}
