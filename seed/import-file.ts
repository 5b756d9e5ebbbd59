import { importPrograms, type ImportSummary } from '../functions/use-cases/import-programs';
import { awaitSearchable } from './await-searchable';
import { DEFAULT_SOURCE, readImportRows, type ImportFormat } from './import-formats';

export interface ImportFileOptions {
  format: ImportFormat;
  source?: string;
  dryRun?: boolean;
  onProgress?: (summary: Readonly<ImportSummary>) => void;
}

/**
 * Imports one file into the stack the environment points at, and returns once every accepted
 * row is searchable. Expects the environment to be set before it is called.
 */
export async function importFile(filePath: string, options: ImportFileOptions): Promise<ImportSummary> {
  const { importDependencies, dynamoDbEndpoint } = await import('./import-dependencies');
  const summary = await importPrograms(readImportRows(filePath, options.format), importDependencies, {
    defaultSource: options.source ?? DEFAULT_SOURCE[options.format],
    dryRun: options.dryRun,
    onProgress: options.onProgress,
  });
  if (!summary.dryRun && summary.written > 0) await awaitSearchable(dynamoDbEndpoint);
  return summary;
}
