import { ReferenceFileGeocoder, type ReferenceFileCounts, type ReferenceMatchCounts } from '../functions/adapters/geocoding/reference-file-geocoder';
import type { ByteCounter } from '../functions/imports/counted-read-stream';
import { DEFAULT_SOURCE, readImportRows, type ProgramFormat } from '../functions/imports/import-formats';
import { importPrograms, type ImportSummary } from '../functions/use-cases/import-programs';
import { awaitSearchable } from './await-searchable';
import { importDependencies } from './import-dependencies';

export interface ImportFileOptions {
  format: ProgramFormat;
  source?: string;
  dryRun?: boolean;
  /** Archive the stored programs of the source that the file no longer contains. */
  prune?: boolean;
  /** The source edition's date (`dataAsOf`) for rows that do not state one. */
  asOf?: string;
  /** Reference CSVs of known coordinates for rows without their own (`--coordinates`). */
  coordinates?: readonly string[];
  /** Nothing else writes programs meanwhile (see ImportOptions.exclusive): only a local stack seeding itself before it serves. */
  exclusive?: boolean;
  /** Filled in with the bytes read so far, for progress against the file size. */
  bytesRead?: ByteCounter;
  onProgress?: (summary: Readonly<ImportSummary>) => void;
}

export type FileImportSummary = ImportSummary & {
  /** What the reference files held and how many rows they placed, when `coordinates` were given. */
  coordinates?: ReferenceFileCounts & ReferenceMatchCounts;
};

/**
 * Imports one file (or, for formats that merge several, files) into the stack the environment
 * points at, and returns once every accepted row is searchable (and every pruned program gone
 * from search). Expects the environment to be set before it is called.
 */
export async function importFile(files: string | readonly string[], options: ImportFileOptions): Promise<FileImportSummary> {
  const { dynamoDbEndpoint, ...dependencies } = importDependencies();
  const references = options.coordinates?.length ? await ReferenceFileGeocoder.load(options.coordinates) : undefined;
  const rows = readImportRows(typeof files === 'string' ? [files] : files, options.format, { counter: options.bytesRead, asOf: options.asOf });
  const summary: FileImportSummary = await importPrograms(rows, { ...dependencies, ...(references && { geocoder: references }) }, {
    defaultSource: options.source ?? DEFAULT_SOURCE[options.format],
    dryRun: options.dryRun,
    prune: options.prune,
    asOf: options.asOf,
    exclusive: options.exclusive,
    onProgress: options.onProgress,
  });
  if (references) summary.coordinates = { ...references.counts, ...references.matches };
  if (!summary.dryRun && summary.written + summary.archived > 0) await awaitSearchable(dynamoDbEndpoint);
  return summary;
}
