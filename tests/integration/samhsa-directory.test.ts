import ExcelJS from 'exceljs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { documentClient, openSearchClient, dynamoDbConfig, openSearchConfig } from '../support/engines';
import { DynamoDbProgramStore } from '../../functions/adapters/dynamodb/dynamodb-program-store';
import { programIdFor } from '../../functions/domain/program-id';
import { workbookModifiedDate } from '../../functions/imports/samhsa/directory-files';
import { directoryExternalId, directoryIdentity } from '../../functions/imports/samhsa/directory-import';
import { awaitSearchable } from '../../seed/await-searchable';
import { importFile, type FileImportSummary } from '../../seed/import-file';
import { api } from '../support/http';
import { importScratch, runImportCli } from '../support/import-files';

/**
 * The National Directory import end to end, on the real workbooks' Alabama facilities (no other
 * test uses Alabama): the 2023 substance use rows written back as a workbook (header `Name1`, the
 * original's modification date), the 2024 mental health rows as the facilities sheet saved as CSV
 * (header `name1`), placed by the real SAMHSA locator lists.
 */
const DATA = path.resolve('../shared/data');
const SU = path.join(DATA, 'samhsa-national-directory/su-facilities-2023.xlsx');
const MH = path.join(DATA, 'samhsa-national-directory/mh-facilities-2024.xlsx');
const COORDINATES = [path.join(DATA, 'samhsa-substance-use-facilities.csv'), path.join(DATA, 'samhsa-mental-health-facilities.csv')];
const SOURCE = 'test-directory';
const STATE = 'AL';
const MH_AS_OF = '2024-04-30';

const { directory, writeNdjson: writeText } = importScratch('iop-directory-');
const store = new DynamoDbProgramStore(documentClient, dynamoDbConfig.PROGRAMS_TABLE);

interface SheetRow {
  header: string[];
  values: string[];
}

/** The rows of `Facilities List` in one state, read straight from the workbook (not by the importer). */
async function facilitiesIn(file: string, state: string): Promise<{ header: string[]; rows: SheetRow[] }> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.readFile(file);
  const sheet = workbook.getWorksheet('Facilities List')!;
  let header: string[] = [];
  const rows: SheetRow[] = [];
  sheet.eachRow((row, number) => {
    const values = (row.values as unknown[]).slice(1).map((value) => (value === null || value === undefined ? '' : String(value)));
    while (values.length < 13) values.push('');
    if (number === 1) header = values;
    else if (values[5] === state) rows.push({ header, values });
  });
  return { header, rows };
}

const cell = (row: SheetRow, column: string) => row.values[row.header.findIndex((name) => name.toLowerCase() === column)] ?? '';
const codesOf = (row: SheetRow) => new Set(cell(row, 'service_code_info').split(/\s+/));
const identityOf = (row: SheetRow) =>
  directoryIdentity({ name1: cell(row, 'name1'), name2: cell(row, 'name2'), street1: cell(row, 'street1'), zip: cell(row, 'zip') });

const csvCell = (value: string) => (/[",\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value);

let su: { header: string[]; rows: SheetRow[] };
let mh: { header: string[]; rows: SheetRow[] };
let suFile: string;
let mhFile: string;
let summary: FileImportSummary;

beforeAll(async () => {
  su = await facilitiesIn(SU, STATE);
  mh = await facilitiesIn(MH, STATE);
  const workbook = new ExcelJS.Workbook();
  workbook.modified = new Date(`${await workbookModifiedDate(SU)}T12:00:00Z`);
  const sheet = workbook.addWorksheet('Facilities List');
  sheet.addRow(su.header);
  for (const row of su.rows) sheet.addRow(row.values.map((value) => (value === '' ? null : value)));
  workbook.addWorksheet('Service Code Reference').addRow(['category_code', 'category_name', 'service_code', 'service_name', 'service_description']);
  suFile = path.join(directory, 'su-alabama.xlsx');
  await workbook.xlsx.writeFile(suFile);
  mhFile = writeText('mh-alabama.csv', [mh.header.join(','), ...mh.rows.map((row) => row.values.map(csvCell).join(','))]);
  summary = await importFile([suFile, mhFile], { format: 'samhsa-directory', source: SOURCE, coordinates: COORDINATES, asOf: undefined });
}, 240_000);

afterAll(async () => {
  // Archived, as a prune would, so no later test meets these facilities.
  for await (const page of store.scanAll()) {
    const imported = page.filter((program) => program.source === SOURCE && program.status === 'published');
    if (imported.length > 0) await store.putMany(imported.map((program) => ({ ...program, status: 'archived' as const, version: program.version + 1 })));
  }
  await awaitSearchable(process.env.DYNAMODB_ENDPOINT);
}, 120_000);

describe('samhsa-directory import', () => {
  it('accounts for every row: one program per facility, rows of the same facility merged', () => {
    const identities = new Set([...su.rows, ...mh.rows].map(identityOf));
    expect(su.rows.length).toBeGreaterThan(100);
    expect(summary.rows).toBe(identities.size);
    expect(summary.accepted + summary.rejected).toBe(summary.rows);
    expect(new Set(summary.errors.map((error) => `${error.file}:${error.line}`)).size).toBe(summary.rejected);
    const mergedRows = summary.warnings.filter((warning) => warning.message.startsWith('merged with')).reduce((count, warning) => count + (warning.message.match(/row \d+/g)?.length ?? 0), 0);
    expect(summary.rows + mergedRows).toBe(su.rows.length + mh.rows.length);
    // Most facilities are at an address of SAMHSA's locator lists; the rest sit at their zip centroid.
    expect(summary.located.reference).toBeGreaterThan(summary.accepted * 0.7);
    expect(summary.located.reference + summary.located.zip).toBe(summary.accepted);
    expect(summary.coordinates?.byStreet).toBeGreaterThan(0);
  });

  it('serves Shelby County Treatment Center with exactly what the 2023 workbook says, and no sessions', async () => {
    const response = await api('GET', '/v1/programs?zip=35007&radius=5&limit=100');
    expect(response.status).toBe(200);
    const shelby = (response.body.results as Record<string, unknown>[]).find((result) => result.source === SOURCE && result.name === 'Shelby County Treatment Center');
    expect(shelby).toMatchObject({
      externalId: directoryExternalId(directoryIdentity({ name1: 'Shelby County Treatment Center', name2: '', street1: '750 Highway 31 South', zip: '35007' })),
      phone: '205-216-0200',
      address: { street1: '750 Highway 31 South', city: 'Alabaster', state: 'AL', zip: '35007' },
      levelsOfCare: ['iop', 'outpatient', 'detox'],
      insurance: ['medicaid', 'medicare', 'private', 'self_pay', 'sliding_scale', 'payment_assistance'],
      accreditations: [{ body: 'carf' }],
      licenses: [
        { state: 'AL', type: 'state_substance_use_agency' },
        { state: 'AL', type: 'state_mental_health_department' },
      ],
      locationPrecision: 'exact',
      dataAsOf: await workbookModifiedDate(SU),
    });
    for (const absent of ['sessions', 'programLengthWeeks', 'acceptingNewPatients', 'email', 'website', 'description', 'verifiedAt']) {
      expect(shelby, absent).not.toHaveProperty(absent);
    }
    expect((shelby?.licenses as { number?: string }[]).every((license) => license.number === undefined)).toBe(true);
  });

  it('merges a facility of both editions, dated by the later file, and dates an undated CSV by its file, saying so', async () => {
    const today = new Date().toISOString().slice(0, 10);
    const suIds = new Set(su.rows.map(identityOf));
    const both = mh.rows.find((row) => suIds.has(identityOf(row)) && codesOf(row).has('MH'));
    const suOnly = su.rows.find((row) => !mh.rows.some((other) => identityOf(other) === identityOf(row)) && codesOf(row).has('OP'));
    expect(both).toBeDefined();
    expect(suOnly).toBeDefined();
    const merged = await store.get(programIdFor(SOURCE, directoryExternalId(identityOf(both!))));
    expect(merged?.conditions).toEqual(expect.arrayContaining(['substance_use', 'mental_health']));
    expect(merged?.dataAsOf).toBe(today);
    expect((await store.get(programIdFor(SOURCE, directoryExternalId(identityOf(suOnly!)))))?.dataAsOf).toBe(await workbookModifiedDate(SU));
    expect(summary.warnings).toContainEqual(expect.objectContaining({ path: 'dataAsOf', message: expect.stringContaining('mh-alabama.csv states no edition date') }));

    // --as-of dates every file alike, so every program's date would move.
    const dated = await importFile([suFile, mhFile], { format: 'samhsa-directory', source: SOURCE, coordinates: COORDINATES, asOf: MH_AS_OF, dryRun: true });
    expect(dated.written).toBe(dated.accepted);
  });

  it('counts programs by level of care and payment in Alabama exactly as the workbooks do', async () => {
    const facilities = new Map<string, Set<string>>();
    for (const row of [...su.rows, ...mh.rows]) {
      const identity = identityOf(row);
      facilities.set(identity, new Set([...(facilities.get(identity) ?? []), ...codesOf(row)]));
    }
    // Listed programs: facilities with a service setting, whose address validates.
    const ids = [...facilities].map(([identity]) => programIdFor(SOURCE, directoryExternalId(identity)));
    const stored = await store.getMany(ids);
    const listed = [...facilities].filter(([identity]) => stored.get(programIdFor(SOURCE, directoryExternalId(identity)))?.status === 'published');
    expect(listed.length).toBe(summary.accepted);
    const expected = (codes: string[]) => listed.filter(([, has]) => codes.some((code) => has.has(code))).length;
    const indexed = async (field: string, value: string) => {
      const response = await openSearchClient.count({
        index: openSearchConfig.SEARCH_INDEX_ALIAS,
        body: { query: { bool: { filter: [{ ids: { values: ids } }, { term: { published: true } }, { term: { [field]: value } }] } } } as never,
      });
      return (response.body as { count: number }).count;
    };
    const cases: [string, string, string[]][] = [
      ['levelsOfCare', 'iop', ['OIT']],
      ['levelsOfCare', 'php', ['ODT', 'PHDT']],
      ['levelsOfCare', 'residential', ['RES', 'RS', 'RL', 'RD']],
      ['levelsOfCare', 'detox', ['DT', 'OD', 'RD', 'HID']],
      ['insurance', 'medicaid', ['MD']],
      ['insurance', 'medicare', ['MC']],
      ['insurance', 'private', ['PI']],
      ['insurance', 'sliding_scale', ['SS']],
      ['insurance', 'payment_assistance', ['PA']],
    ];
    for (const [field, value, codes] of cases) {
      const count = expected(codes);
      expect(await indexed(field, value), `${field}=${value}`).toBe(count);
    }
    expect(expected(['OIT'])).toBeGreaterThan(10);
  });

  it('with --prune archives a facility the directory no longer lists, and re-importing the same files changes nothing', async () => {
    const dropped = su.rows.find((row) => codesOf(row).has('OIT') && !mh.rows.some((other) => identityOf(other) === identityOf(row)))!;
    const shorter = writeText('su-shorter.csv', [
      su.header.join(','),
      ...su.rows.filter((row) => row !== dropped).map((row) => row.values.map(csvCell).join(',')),
    ]);
    const asOf = await workbookModifiedDate(SU);
    const pruned = await importFile([shorter, mhFile], { format: 'samhsa-directory', source: SOURCE, coordinates: COORDINATES, asOf, prune: true, dryRun: true });
    expect(pruned.archived).toBe(1);

    const unchanged = await importFile([suFile, mhFile], { format: 'samhsa-directory', source: SOURCE, coordinates: COORDINATES });
    expect(unchanged).toMatchObject({ written: 0, unchanged: summary.accepted, rejected: summary.rejected });
  });

  it('refuses the SAMHSA locator list as a format, pointing to --coordinates', async () => {
    const result = await runImportCli(COORDINATES[0]!, '--format', 'samhsa-csv');
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/state no level of care.*--coordinates/s);
  });
});
