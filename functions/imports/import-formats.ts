import type { ImportRow } from '../use-cases/import-programs';
import type { ByteCounter } from './counted-read-stream';
import { FINDTREATMENT_DOWNLOAD_SOURCE, readFindtreatmentDownloadRows } from './findtreatment/download-rows';
import { FINDTREATMENT_SOURCE } from './findtreatment/locator-mapping';
import { readFindtreatmentRows } from './findtreatment/locator-rows';
import { readNativeCsvRows } from './native/native-csv-rows';
import { readNdjsonRows } from './native/ndjson-rows';
import { readSamhsaDirectory, SAMHSA_DIRECTORY_SOURCE } from './samhsa/directory-import';

/** Formats whose rows become programs. */
export const PROGRAM_FORMATS = ['native', 'csv', 'findtreatment', 'findtreatment-download', 'samhsa-directory'] as const;
export type ProgramFormat = (typeof PROGRAM_FORMATS)[number];

/** State licence registries: they attach licences to programs and create none (contract 6b). */
export const LICENCE_REGISTRY_FORMATS = ['ca-dhcs-licenses'] as const;
export type LicenceRegistryFormat = (typeof LICENCE_REGISTRY_FORMATS)[number];

/**
 * Formats that cannot make a program, with what to do instead: the SAMHSA locator lists carry
 * names, addresses and coordinates but no level of care, so they are coordinate references.
 */
export const REFUSED_FORMATS: Readonly<Record<string, string>> = {
  'samhsa-csv':
    'the SAMHSA locator lists (samhsa-*-facilities.csv) state no level of care, so they cannot make a program: ' +
    'give them as coordinate references to a National Directory import instead: ' +
    'npm run import -- WORKBOOK.xlsx --format samhsa-directory --coordinates LIST.csv',
};

export const IMPORT_FORMATS = [...PROGRAM_FORMATS, ...LICENCE_REGISTRY_FORMATS] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];

/** Formats that read several files in one run (rows of the same facility merge across them). */
export const MULTI_FILE_FORMATS: ReadonlySet<ImportFormat> = new Set(['samhsa-directory']);

/** The source slug a format's rows get when they do not name one. */
export const DEFAULT_SOURCE: Record<ProgramFormat, string> = {
  native: 'ops-seed',
  csv: 'ops-seed',
  findtreatment: FINDTREATMENT_SOURCE,
  'findtreatment-download': FINDTREATMENT_DOWNLOAD_SOURCE,
  'samhsa-directory': SAMHSA_DIRECTORY_SOURCE,
};

export function isProgramFormat(format: string): format is ProgramFormat {
  return (PROGRAM_FORMATS as readonly string[]).includes(format);
}

export interface ReadOptions {
  counter?: ByteCounter;
  /** The source edition's date, for formats that can tell it (samhsa-directory). */
  asOf?: string;
}

export function readImportRows(files: readonly string[], format: ProgramFormat, options: ReadOptions = {}): AsyncIterable<ImportRow> {
  const [file, ...more] = files;
  if (file === undefined) throw new Error('no file to import');
  if (more.length > 0 && !MULTI_FILE_FORMATS.has(format)) throw new Error(`--format ${format} reads one file at a time`);
  switch (format) {
    case 'native':
      return readNdjsonRows(file, options.counter);
    case 'csv':
      return readNativeCsvRows(file, options.counter);
    case 'findtreatment':
      return readFindtreatmentRows(file, options.counter);
    case 'findtreatment-download':
      return readFindtreatmentDownloadRows(file, options.counter);
    case 'samhsa-directory':
      return readSamhsaDirectory(files, { asOf: options.asOf, counter: options.counter });
  }
}
