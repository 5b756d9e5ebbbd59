import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ImportSummary } from '../functions/use-cases/import-programs';
import { importFile, type FileImportSummary } from './import-file';
import { importLicenseRegistryFile, type LicenseRegistryImportSummary } from './import-licenses';

/**
 * The default dataset (seed/README.md): SAMHSA's National Directory, both workbooks, placed by the
 * coordinates of SAMHSA's locator lists, with California's licence register attached. Nothing
 * else: every attribute of a seeded program is one its sources state. Read in place from the
 * shared data folder, never copied.
 */
const DATA = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../shared/data');

export const DEFAULT_SEED = {
  directory: [
    path.join(DATA, 'samhsa-national-directory/su-facilities-2023.xlsx'),
    path.join(DATA, 'samhsa-national-directory/mh-facilities-2024.xlsx'),
  ],
  coordinates: [path.join(DATA, 'samhsa-substance-use-facilities.csv'), path.join(DATA, 'samhsa-mental-health-facilities.csv')],
  licences: path.join(DATA, 'ca-dhcs-sud-licenses/facilities.csv'),
} as const;

export interface DefaultSeedSummary {
  rows: number;
  accepted: number;
  rejected: number;
  programs: FileImportSummary;
  licences: LicenseRegistryImportSummary;
  /** What was loaded, in lines for people: the start log prints them. */
  report: string[];
}

export async function seedDefaultData(onProgress?: (summary: Readonly<ImportSummary>) => void): Promise<DefaultSeedSummary> {
  // A stack seeds itself on its first start, before it serves: nothing else writes programs meanwhile.
  const programs = await importFile(DEFAULT_SEED.directory, { format: 'samhsa-directory', coordinates: DEFAULT_SEED.coordinates, exclusive: true, onProgress });
  const licences = await importLicenseRegistryFile(DEFAULT_SEED.licences, { registry: 'ca-dhcs' });
  const { located } = programs;
  const noLevel = programs.errors.filter((error) => error.path === 'levelsOfCare').length;
  const report = [
    `SAMHSA National Directory (2023 substance use, 2024 mental health): ${programs.rows.toLocaleString('en-US')} facilities ` +
      `from ${DEFAULT_SEED.directory.length} workbooks, ${programs.accepted.toLocaleString('en-US')} listed` +
      (programs.rejected > 0 ? `, ${programs.rejected} not listed (${noLevel} state no level of care; see npm run import --report)` : ''),
    `  coordinates: ${(located.record + located.reference + located.geocoder).toLocaleString('en-US')} exact (SAMHSA locator lists), ` +
      `${located.zip.toLocaleString('en-US')} at their zip centroid`,
    `  California DHCS licences (CC BY 4.0): ${licences.rows.toLocaleString('en-US')} rows, ${licences.matched.toLocaleString('en-US')} matched ` +
      `to ${licences.programsMatched.toLocaleString('en-US')} programs, ${licences.unmatched.toLocaleString('en-US')} unmatched; ` +
      `${licences.licences.expired} expired`,
  ];
  return { rows: programs.rows, accepted: programs.accepted, rejected: programs.rejected, programs, licences, report };
}
