import { importPrograms, type ImportSummary } from '../functions/use-cases/import-programs';
import { awaitSearchable } from './await-searchable';
import type { ByteCounter } from '../functions/imports/counted-read-stream';
import { DEFAULT_SOURCE, readImportRows, type ImportFormat } from '../functions/imports/import-formats';

export interface ImportFileOptions {
  format: ImportFormat;
  source?: string;
  dryRun?: boolean;
  /** Archive the stored programs of the source that the file no longer contains. */
  prune?: boolean;
  /** Filled in with the bytes read so far, for progress against the file size. */
  bytesRead?: ByteCounter;
  onProgress?: (summary: Readonly<ImportSummary>) => void;
}

/**
 * Imports one file into the stack the environment points at, and returns once every accepted
 * row is searchable (and every pruned program gone from search). Expects the environment to be
 * set before it is called.
 */
export async function importFile(filePath: string, options: ImportFileOptions): Promise<ImportSummary> {
  const { importDependencies, dynamoDbEndpoint } = await import('./import-dependencies');
  const summary = await importPrograms(readImportRows(filePath, options.format, options.bytesRead), importDependencies, {
    defaultSource: options.source ?? DEFAULT_SOURCE[options.format],
    dryRun: options.dryRun,
    prune: options.prune,
    onProgress: options.onProgress,
  });
  if (!summary.dryRun && summary.written + summary.archived > 0) await awaitSearchable(dynamoDbEndpoint);
  return summary;
}
