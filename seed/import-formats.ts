import type { ImportRow } from '../functions/use-cases/import-programs';
import { readNdjsonRows } from './ndjson-rows';
import { readSamhsaFacilities } from './samhsa-facilities';

export const IMPORT_FORMATS = ['native', 'samhsa-csv'] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];

/** The source slug a format's rows get when they do not name one. */
export const DEFAULT_SOURCE: Record<ImportFormat, string> = {
  native: 'ops-seed',
  'samhsa-csv': 'samhsa-locator',
};

async function* samhsaRows(filePath: string): AsyncIterable<ImportRow> {
  for await (const row of readSamhsaFacilities(filePath)) {
    yield row.error !== undefined ? { line: row.line, parseError: row.error } : { line: row.line, value: row.record };
  }
}

export function readImportRows(filePath: string, format: ImportFormat): AsyncIterable<ImportRow> {
  switch (format) {
    case 'native':
      return readNdjsonRows(filePath);
    case 'samhsa-csv':
      return samhsaRows(filePath);
  }
}
