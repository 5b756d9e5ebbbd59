import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ImportSummary } from '../functions/use-cases/import-programs';
import { importFile } from './import-file';

/** The default dataset: real SAMHSA facility locations, read in place from the shared data folder. */
export const DEFAULT_SEED_FILE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../shared/data/samhsa-substance-use-facilities.csv');

export async function seedDefaultData(onProgress?: (summary: Readonly<ImportSummary>) => void): Promise<ImportSummary> {
  return importFile(DEFAULT_SEED_FILE, { format: 'samhsa-csv', onProgress });
}
