import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { documentClient, openSearchClient, dynamoDbConfig, openSearchConfig, cursorSigningKey } from '../support/engines';
import { DynamoDbProgramStore } from '../../functions/adapters/dynamodb/dynamodb-program-store';
import { OpenSearchSearchIndex } from '../../functions/adapters/opensearch/opensearch-search-index';
import type { ImportRecord, Program } from '../../functions/domain/program';
import { programIdFor } from '../../functions/domain/program-id';
import { importFile } from '../../seed/import-file';
import { csvLine, NATIVE_CSV_COLUMNS, recordToCells } from '../../functions/imports/native/native-csv-columns';
import type { ProgramStore } from '../../functions/ports/program-store';
import { awaitSearchable } from '../../seed/await-searchable';

const LOCATOR_SAMPLE = path.resolve('../shared/data/findtreatment-locator-sample.json');
const directory = mkdtempSync(path.join(tmpdir(), 'iop-import-formats-'));
const store = new DynamoDbProgramStore(documentClient, dynamoDbConfig.PROGRAMS_TABLE);
const searchIndex = new OpenSearchSearchIndex(openSearchClient, openSearchConfig.SEARCH_INDEX_ALIAS, cursorSigningKey);

afterAll(async () => {
  rmSync(directory, { recursive: true, force: true });
  // Thousands of real facilities would otherwise show up in the search tests' neighbourhoods.
  await archiveSources(store, ['findtreatment', 'findtreatment-download', 'test-csv']);
}, 180_000);

const frid = (prefix: string) => programIdFor('findtreatment', prefix);

describe('findtreatment locator export', () => {
  const ids = {
    iop: '39d6ca2b067e9d7bb435d81d51b2c7876939f82b9c92612142d4239277b3d5e6',
    phpTelehealth: '033f7e25c70d28224fa558c9f402b149d98d5939f423a05483d17bddbd09bbab',
  };

  it('imports the real sample with the documented mapping, field by field', async () => {
    const summary = await importFile(LOCATOR_SAMPLE, { format: 'findtreatment' });
    expect(summary).toMatchObject({ rows: 30, accepted: 30, rejected: 0 });

    // Labels read as the service codes they name, through the National Directory's code table.
    const iop = await searchIndex.get(frid(ids.iop));
    expect(iop).toMatchObject({
      source: 'findtreatment',
      externalId: ids.iop,
      name: 'Region Ten Community Services Board',
      phone: '434-972-1800',
      website: 'http://www.regionten.org',
      address: { street1: '800 Preston Avenue', street2: 'Peterson Building', city: 'Charlottesville', state: 'VA', zip: '22903' },
      location: { lat: 38.0364492, lon: -78.4888244 },
      locationPrecision: 'exact',
      // SET "Intensive outpatient treatment" (OIT) and "Outpatient"/"Regular outpatient treatment"/"Outpatient methadone..."
      levelsOfCare: ['iop', 'outpatient'],
      delivery: ['in_person'],
      conditions: ['substance_use'],
      ageGroups: ['young_adults', 'adults'],
      // OL "Spanish", SL "Services for the deaf and hard of hearing"; English is not assumed.
      languages: ['es', 'sgn'],
      // "Federal, or any government funding..." is a funding source with no payer slug.
      insurance: ['medicaid', 'tricare', 'private', 'self_pay', 'sliding_scale'],
      licenses: [
        { state: 'VA', type: 'state_substance_use_agency' },
        { state: 'VA', type: 'state_mental_health_department' },
      ],
      gendersAccepted: ['female', 'male'],
      ownership: 'local_government',
      dataAsOf: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
    });
    // The locator has no organisation name for this row, no sessions, carriers or licence numbers.
    expect(iop).not.toHaveProperty('organization');
    expect(iop).not.toHaveProperty('sessions');
    expect(iop).not.toHaveProperty('accreditations');
    expect(iop?.licenses?.every((license) => license.number === undefined)).toBe(true);

    const php = await searchIndex.get(frid(ids.phpTelehealth));
    expect(php).toMatchObject({
      name: 'Empowering Families Program',
      // "Partial hospitalization/day treatment" (PHDT) and SET "Telemedicine/telehealth"
      levelsOfCare: ['php', 'outpatient'],
      delivery: ['in_person', 'virtual'],
      conditions: ['mental_health'],
      ageGroups: ['children', 'adolescents', 'young_adults', 'adults', 'seniors'],
      insurance: ['medicaid', 'medicare', 'tricare', 'state_plan', 'private', 'self_pay'],
      licenses: [{ state: 'VA', type: 'state_mental_health_department' }],
      ownership: 'private_for_profit',
    });
    expect(php).not.toHaveProperty('languages');
    expect(php).not.toHaveProperty('sessions');
    expect(php).not.toHaveProperty('gendersAccepted');
    expect(summary.warnings).toContainEqual(expect.objectContaining({ path: 'services', message: expect.stringContaining('TAP "Behavior modification"') }));

    // Accredited hospital programme: "Outpatient day treatment or partial hospitalization" and The Joint Commission.
    const stored = await findStored('findtreatment', (program) => program.name === 'Rockingham Memorial Hospital');
    expect(stored).toMatchObject({
      organization: 'Outpatient Behavioral Health',
      levelsOfCare: ['php', 'outpatient'],
      accreditations: [{ body: 'joint_commission' }],
      licenses: [
        { state: 'VA', type: 'state_substance_use_agency' },
        { state: 'VA', type: 'state_mental_health_department' },
        { state: 'VA', type: 'state_department_of_health' },
        { state: 'VA', type: 'hospital_licensing_authority' },
      ],
    });

    const german = await findStored('findtreatment', (program) => program.organization === 'Louisa County Office');
    expect(german).toMatchObject({ languages: ['sgn', 'de'], ageGroups: ['children', 'adolescents', 'young_adults', 'adults'] });

    const carf = await findStored('findtreatment', (program) => program.name === 'Addiction Recovery Systems LLC');
    expect(carf).toMatchObject({ accreditations: [{ body: 'carf' }], medications: ['methadone', 'buprenorphine'], languages: ['es'] });

    const again = await importFile(LOCATOR_SAMPLE, { format: 'findtreatment' });
    expect(again).toMatchObject({ accepted: 30, written: 0, unchanged: 30 });
  });
});

describe('FindTreatment.gov download', () => {
  const DOWNLOAD = path.resolve('../shared/data/findtreatment-download/boston-2025-08-19.csv');

  it('reads one column per code through the same code table, and re-importing changes nothing', async () => {
    const summary = await importFile(DOWNLOAD, { format: 'findtreatment-download', asOf: '2025-08-19' });
    // 662 rows: one per facility and type of care (SU, MH); a facility's rows merge into one program.
    const merged = summary.warnings.filter((warning) => warning.message.startsWith('merged with')).reduce((count, warning) => count + (warning.message.match(/row \d+/g)?.length ?? 0), 0);
    expect(summary.rows + merged).toBe(662);
    expect(summary.rows).toBe(465);
    expect(summary.accepted + summary.rejected).toBe(summary.rows);
    expect(summary.accepted).toBeGreaterThan(450);
    // Columns the reference sheets do not define (ct, msnh, ...) are named once, on the first row.
    expect(summary.warnings).toContainEqual(expect.objectContaining({ line: 2, path: 'header', message: expect.stringMatching(/\bct\b/) }));

    const chelsea = await findStored('findtreatment-download', (program) => program.organization === 'Chelsea Counseling Center');
    expect(chelsea).toMatchObject({
      name: 'North Suffolk Community Services',
      phone: '866-781-6727',
      address: { street1: '301 Broadway', city: 'Chelsea', state: 'MA', zip: '02150' },
      location: { lat: 42.3910401, lon: -71.0366372 },
      levelsOfCare: ['outpatient'],
      // The SU row (sa, sumh) and the MH row (mh, sa) of 301 Broadway, merged.
      conditions: ['substance_use', 'mental_health', 'co_occurring'],
      insurance: ['medicaid', 'medicare', 'tricare', 'state_plan', 'private', 'self_pay', 'payment_assistance'],
      licenses: [
        { state: 'MA', type: 'state_substance_use_agency' },
        { state: 'MA', type: 'state_mental_health_department' },
        { state: 'MA', type: 'state_department_of_health' },
      ],
      // sp ah f17 f67 f92; f19 (Creole) names no single language
      languages: ['es', 'sgn', 'zh', 'pt', 'vi'],
      delivery: ['in_person', 'virtual'],
      gendersAccepted: ['female', 'male'],
      ownership: 'private_nonprofit',
      dataAsOf: '2025-08-19',
    });
    expect(chelsea).not.toHaveProperty('sessions');
    expect(chelsea).not.toHaveProperty('accreditations');

    const again = await importFile(DOWNLOAD, { format: 'findtreatment-download', asOf: '2025-08-19' });
    expect(again).toMatchObject({ written: 0, unchanged: summary.accepted });
  });
});

describe('native CSV', () => {
  const records: ImportRecord[] = [
    {
      externalId: 'csv-full',
      name: 'Harbor "Evening" IOP, Portland',
      organization: 'Harbor Health',
      description: 'Three evenings a week;\nfamily sessions monthly.',
      phone: '(207) 555-0142',
      website: 'https://harbor.example.org/iop',
      email: 'intake@harbor.example.org',
      address: { street1: '1 Congress St', street2: 'Suite 5', city: 'Portland', state: 'ME', zip: '04101' },
      location: { lat: 43.66, lon: -70.25 },
      levelsOfCare: ['iop', 'outpatient'],
      conditions: ['substance_use', 'co_occurring'],
      services: ['group_therapy'],
      ageGroups: ['adults'],
      languages: ['en', 'fr'],
      delivery: ['in_person', 'virtual'],
      insurance: ['medicaid', 'aetna'],
      licenses: [{ state: 'ME', number: 'ME-42', issuer: 'Maine DHHS', expiresOn: '2028-01-31' }],
      accreditations: [{ body: 'carf', expiresOn: '2027-06-30' }],
      sessions: [{ days: ['mon', 'wed', 'thu'], start: '18:00', end: '21:00' }],
      timezone: 'America/New_York',
      programLengthWeeks: { min: 6, max: 12 },
      acceptingNewPatients: false,
      medications: ['buprenorphine', 'naltrexone'],
      populations: ['veterans', 'women'],
      gendersAccepted: ['female'],
      ownership: 'private_nonprofit',
      intakePhone: '(207) 555-0143',
      serviceArea: { states: ['ME', 'NH'] },
      dataAsOf: '2026-06-01',
    },
    {
      externalId: 'csv-minimal',
      name: 'Minimal Program',
      address: { street1: '2 Main St', city: 'Portland', state: 'ME', zip: '04101' },
      levelsOfCare: ['outpatient'],
      delivery: ['in_person'],
    },
  ];

  it('round-trips every field: CSV and NDJSON of the same records store the same programs', async () => {
    const csv = path.join(directory, 'programs.csv');
    writeFileSync(csv, `${[NATIVE_CSV_COLUMNS.join(','), ...records.map((record) => csvLine(recordToCells(record)))].join('\r\n')}\r\n`);
    const ndjson = path.join(directory, 'programs.ndjson');
    writeFileSync(ndjson, `${records.map((record) => JSON.stringify(record)).join('\n')}\n`);

    expect(await importFile(csv, { format: 'csv', source: 'test-csv' })).toMatchObject({ rows: 2, accepted: 2, rejected: 0, written: 2 });
    // Same content under the same key: the NDJSON import finds nothing to change.
    expect(await importFile(ndjson, { format: 'native', source: 'test-csv' })).toMatchObject({ accepted: 2, written: 0, unchanged: 2 });
    const full = await store.get(programIdFor('test-csv', 'csv-full'));
    expect(full).toMatchObject({ ...records[0], source: 'test-csv', locationPrecision: 'exact' });
    const minimal = await searchIndex.get(programIdFor('test-csv', 'csv-minimal'));
    expect(minimal).toMatchObject({ ...records[1], locationPrecision: 'zip' });
    expect(minimal).not.toHaveProperty('sessions');
  });

  it('reports a bad JSON cell with its column, and an unknown column as a fatal error', async () => {
    const bad = path.join(directory, 'bad.csv');
    writeFileSync(bad, ['externalId,name,address.street1,address.city,address.state,address.zip,levelsOfCare,delivery,sessions', 'x1,A,1 Main,Portland,ME,04101,iop,in_person,"[{""days"":"', 'x2,B,1 Main,Portland,ME,04101,iop;spa,in_person,'].join('\n'));
    const summary = await importFile(bad, { format: 'csv', source: 'test-csv', dryRun: true });
    expect(summary.errors.map(({ line, path }) => ({ line, path }))).toEqual([
      { line: 2, path: 'sessions' },
      { line: 3, path: 'levelsOfCare.1' },
    ]);
    const unknown = path.join(directory, 'unknown.csv');
    writeFileSync(unknown, 'externalId,nmae\nx,y\n');
    await expect(importFile(unknown, { format: 'csv', dryRun: true })).rejects.toThrow(/unknown CSV columns: nmae/);
  });
});

async function findStored(source: string, predicate: (program: Program) => boolean): Promise<Program | undefined> {
  for await (const page of store.scanAll()) {
    const found = page.find((program) => program.source === source && predicate(program));
    if (found) return found;
  }
  return undefined;
}

/** Takes what these tests imported out of search again, the way an import's prune does. */
async function archiveSources(programs: ProgramStore, sources: string[]): Promise<void> {
  for await (const page of programs.scanAll()) {
    const imported = page.filter((program) => sources.includes(program.source) && program.status === 'published');
    if (imported.length > 0) await programs.putMany(imported.map((program) => ({ ...program, status: 'archived' as const, version: program.version + 1 })));
  }
  await awaitSearchable(process.env.DYNAMODB_ENDPOINT);
}
