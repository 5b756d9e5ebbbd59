import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { documentClient, dynamoDbConfig } from '../support/engines';
import { DynamoDbProgramStore } from '../../functions/adapters/dynamodb/dynamodb-program-store';
import type { ImportRecord, Program } from '../../functions/domain/program';
import type { PublicProgram } from '../../functions/domain/public-view';
import { programIdFor } from '../../functions/domain/program-id';
import { importFile } from '../../seed/import-file';
import { formatLicenceSummary, importLicenseRegistryFile } from '../../seed/import-licenses';
import { api } from '../support/http';
import { importScratch } from '../support/import-files';
import { makeProgram } from '../support/program-fixtures';
import { awaitIndexed } from '../support/stream';

// The real register, read in place (CC BY 4.0, California Department of Health Care Services).
const CA_FILE = path.resolve('../shared/data/ca-dhcs-sud-licenses/facilities.csv');
const SOURCE = 'test-licences';
const OTHER_SOURCE = 'test-licences-b';
// Other test files share the table (one of them imports every SAMHSA facility, California's
// included): matching only this file's sources keeps the counts exact and their programs untouched.
const OURS = { registry: 'ca-dhcs', sources: [SOURCE, OTHER_SOURCE] };

type CsvRow = Record<string, string>;
const csvRows = parse(readFileSync(CA_FILE), { columns: true, bom: true }) as CsvRow[];
const csvRow = (number: string) => csvRows.find((row) => row.license_number === number)!;
const today = new Date().toISOString().slice(0, 10);

const store = new DynamoDbProgramStore(documentClient, dynamoDbConfig.PROGRAMS_TABLE);
const scratch = importScratch('iop-licence-registry-');

/** A native record at the address of a real row of the register, at the row's own coordinates. */
function atRowOf(number: string, externalId: string, overrides: Partial<ImportRecord> = {}): ImportRecord {
  const row = csvRow(number);
  return {
    externalId,
    name: row.facility_name!,
    address: { street1: row.address_line1!, city: row.city!, state: 'CA', zip: row.zip!.slice(0, 5) },
    location: { lat: Number(row.latitude), lon: Number(row.longitude) },
    levelsOfCare: ['residential'],
    delivery: ['in_person'],
    ...overrides,
  };
}

const records = {
  // Street + zip, spelt as another source would: mixed case.
  chrysalis: atRowOf('010001AN', 'chrysalis', {
    name: 'Chrysalis',
    address: { street1: '3837 Telegraph Avenue', city: 'Oakland', state: 'CA', zip: '94609' },
    // The kind of claim SAMHSA's directory makes (STAG): the register's numbered licence replaces it.
    licenses: [{ state: 'CA', type: 'state_substance_use_agency' }],
  }),
  // Another source's program at the same address gets the licence too.
  chrysalisElsewhere: { ...atRowOf('010001AN', 'chrysalis-b', { name: 'Horizon Services Chrysalis' }), source: OTHER_SOURCE },
  // The street differs from the register's ("2575 DEPOT ROAD"): matched by name + zip.
  cronin: atRowOf('010001BN', 'cronin', { name: 'Cronin House', address: { street1: '2575 Depot Rd', city: 'Hayward', state: 'CA', zip: '94545' } }),
  // license_expired=true in the register (expired 2026-07-31).
  newPerceptions: atRowOf('160001AP', 'new-perceptions'),
  // A certification current until 2028-12-31.
  mariposa: atRowOf('220003BN', 'mariposa', { levelsOfCare: ['outpatient'] }),
  // In California, in nobody's register.
  unlisted: atRowOf('010001AN', 'unlisted', { name: 'Unlisted Recovery', address: { street1: '1 Nowhere Way', city: 'Oakland', state: 'CA', zip: '94609' } }),
};
const idOf = (record: ImportRecord) => programIdFor(record.source ?? SOURCE, record.externalId);
const ids = Object.fromEntries(Object.entries(records).map(([key, record]) => [key, idOf(record)])) as Record<keyof typeof records, string>;

// A program that already holds licences: a stale copy of CHRYSALIS's (its facility is elsewhere
// now), one the register no longer lists, and another registry's, which is never touched.
const otherRegistry = { registry: 'xx-test', state: 'CA' as const, number: 'XX-1', issuer: 'Some Other Registry' };
const holder = makeProgram(SOURCE, 'holder', {
  name: 'Holder Program',
  address: { street1: '9 Elsewhere Road', city: 'Mariposa', state: 'CA', zip: '95338' },
  registryLicenses: [
    otherRegistry,
    { registry: 'ca-dhcs', state: 'CA', number: '010001AN', issuer: 'California Department of Health Care Services', expiresOn: '2025-10-31' },
    { registry: 'ca-dhcs', state: 'CA', number: 'ZZ-GONE', issuer: 'California Department of Health Care Services', expiresOn: '2027-01-31' },
  ],
});

const writeRecords = (description?: string) =>
  scratch.writeNdjson(
    'programs.ndjson',
    Object.values(records).map((record) => JSON.stringify(description ? { ...record, description } : record)),
  );

const versions = async () => new Map([...(await store.getMany([...Object.values(ids), holder.id]))].map(([id, program]) => [id, program.version]));

async function searchIds(query: Record<string, string>): Promise<string[]> {
  const response = await api<{ results: PublicProgram[] }>('GET', `/v1/programs?${new URLSearchParams({ radius: '10', limit: '100', ...query })}`);
  expect(response.status, JSON.stringify(response.body)).toBe(200);
  return response.body.results.map((program) => program.id);
}

const expectedLicence = (number: string) => {
  const row = csvRow(number);
  const type = { RES: 'residential', NON: 'non-residential' }[row.setting_code!] ?? row.setting_code;
  const kind = row.is_licensed === 'true' ? (row.is_certified === 'true' ? 'license and certification' : 'license') : 'certification';
  return {
    state: 'CA',
    number: row.license_number,
    type: `${type} ${kind}`,
    issuer: 'California Department of Health Care Services',
    expiresOn: row.license_expiration,
  };
};

beforeAll(async () => {
  const imported = await importFile(writeRecords(), { format: 'native', source: SOURCE });
  expect(imported).toMatchObject({ accepted: 6, rejected: 0 });
  await store.putMany([holder]);
  await awaitIndexed();
});

afterAll(async () => {
  // Out of search, so California's neighbourhoods stay as other test files expect them.
  const ours = await store.getMany([...Object.values(ids), holder.id]);
  await store.putMany([...ours.values()].map((program): Program => ({ ...program, status: 'archived', version: program.version + 1 })));
  await awaitIndexed();
});

describe('CA DHCS licence register (contract 6b)', () => {
  it('on a dry run, reports what it would change and writes nothing', async () => {
    const before = await versions();
    expect(await searchIds({ zip: '95338', licensed: 'true' })).not.toContain(ids.mariposa);

    const summary = await importLicenseRegistryFile(CA_FILE, { ...OURS, dryRun: true });
    expect(summary).toMatchObject({ dryRun: true, rows: 2266, matched: 4, rejected: 1, programsMatched: 5, programsUpdated: 6, licencesRemoved: 1 });
    expect(await versions()).toEqual(before);
  });

  it('attaches the real file: each matched program carries its row exactly, unmatched and bad rows are reported', async () => {
    const summary = await importLicenseRegistryFile(CA_FILE, OURS);
    const text = formatLicenceSummary(summary, { unmatchedLimit: 1 });
    expect(text).toContain('line 295: zip: is required\nunmatched: line 4: 010001DN CHERRY HILL DETOXIFICATION SERVICES PROGRAM (2035 FAIRMONT DRIVE, SAN LEANDRO, 94578)\n');
    expect(text).toContain(`unmatched: ${summary.unmatched - 1} more rows\nca-dhcs: 2266 rows: 4 matched, ${summary.unmatched} unmatched, 1 rejected;`);
    expect(text).toContain('Licence data: California Department of Health Care Services (CC BY 4.0)');

    expect(summary).toMatchObject({
      registry: 'ca-dhcs',
      dryRun: false,
      rows: 2266,
      matched: 4,
      rejected: 1,
      programsMatched: 5,
      programsUpdated: 6,
      programsUnchanged: 0,
      licencesRemoved: 1,
      attribution: 'California Department of Health Care Services (CC BY 4.0)',
    });
    // The one row DHCS publishes without an address.
    expect(summary.errors).toEqual([{ line: 295, path: 'zip', message: 'is required' }]);
    // Every valid row is matched or reported, each with its line in the file.
    expect(summary.unmatched).toBe(summary.rows - summary.matched - summary.rejected);
    expect(summary.unmatchedRows).toHaveLength(summary.unmatched);
    expect(new Set(summary.unmatchedRows.map((row) => row.line)).size).toBe(summary.unmatched);
    expect(summary.unmatchedRows.every((row) => row.line >= 2 && row.line <= 2267)).toBe(true);
    expect(summary.unmatchedRows).toContainEqual({
      line: 159,
      number: '100112AP',
      name: 'AUBERRY SOUTH',
      address: { street1: '12820 AUBERRY ROAD', city: 'CLOVIS', zip: '93619' },
    });
    // Expiry counted on the day of the run: the file's own license_expired flag is as of its retrieval.
    const valid = csvRows.filter((row) => row.zip !== '');
    expect(summary.licences).toEqual({
      current: valid.filter((row) => row.license_expiration! >= today).length,
      expired: valid.filter((row) => row.license_expiration! < today).length,
    });
    expect(summary.licences.expired).toBeGreaterThanOrEqual(25);

    const stored = await store.getMany([...Object.values(ids), holder.id]);
    const chrysalis = stored.get(ids.chrysalis)!;
    expect(chrysalis.registryLicenses).toEqual([{ registry: 'ca-dhcs', ...expectedLicence('010001AN') }]);
    expect(expectedLicence('010001AN')).toEqual({
      state: 'CA',
      number: '010001AN',
      type: 'residential license and certification',
      issuer: 'California Department of Health Care Services',
      expiresOn: '2027-10-31',
    });
    expect(chrysalis.version).toBe(2);
    expect(chrysalis.updatedAt > chrysalis.createdAt).toBe(true);
    expect(chrysalis.licenses).toEqual([{ state: 'CA', type: 'state_substance_use_agency' }]);
    expect(stored.get(ids.chrysalisElsewhere)!.registryLicenses).toEqual([{ registry: 'ca-dhcs', ...expectedLicence('010001AN') }]);
    expect(stored.get(ids.unlisted)!.registryLicenses).toBeUndefined();
    expect(stored.get(ids.unlisted)!.version).toBe(1);
    // The stale copy left with its facility; the unlisted number stays without --prune; another registry's is untouched.
    expect(stored.get(holder.id)!.registryLicenses?.map((licence) => `${licence.registry}/${licence.number}`)).toEqual(['xx-test/XX-1', 'ca-dhcs/ZZ-GONE']);

    // What the public sees: the register's numbered licence in place of the number-less claim.
    const { body } = await api<PublicProgram>('GET', `/v1/programs/${ids.chrysalis}`);
    expect(body.licenses).toEqual([expectedLicence('010001AN')]);
    expect(body).not.toHaveProperty('registryLicenses');
  });

  it('matches by name + zip when the street is spelt differently', async () => {
    const cronin = await store.get(ids.cronin);
    expect(cronin?.registryLicenses).toEqual([{ registry: 'ca-dhcs', ...expectedLicence('010001BN') }]);
    expect(expectedLicence('010001BN').type).toBe('residential license');
  });

  it('keeps an expired licence, which stops counting as current in search, while a current one counts', async () => {
    const expired = csvRow('160001AP');
    expect(expired.license_expired).toBe('true');
    const { body } = await api<PublicProgram>('GET', `/v1/programs/${ids.newPerceptions}`);
    expect(body.licenses).toEqual([expectedLicence('160001AP')]);
    expect(body.licenses?.[0]?.expiresOn).toBe('2026-07-31');

    expect(await searchIds({ zip: '93230' })).toContain(ids.newPerceptions);
    expect(await searchIds({ zip: '93230', licensed: 'true' })).not.toContain(ids.newPerceptions);
    expect(await searchIds({ zip: '93230', licenseState: 'CA' })).not.toContain(ids.newPerceptions);

    expect(csvRow('220003BN').license_expiration).toBe('2028-12-31');
    expect(await searchIds({ zip: '95338', licensed: 'true' })).toContain(ids.mariposa);
    expect(await searchIds({ zip: '95338', licenseState: 'CA' })).toContain(ids.mariposa);
    expect(await searchIds({ zip: '95338', licenseState: 'NV' })).not.toContain(ids.mariposa);
  });

  it('writes nothing when the same file is attached again', async () => {
    const before = await versions();
    const summary = await importLicenseRegistryFile(CA_FILE, OURS);
    expect(summary).toMatchObject({ matched: 4, programsMatched: 5, programsUpdated: 0, programsUnchanged: 6, licencesRemoved: 0 });
    expect(await versions()).toEqual(before);
  });

  it("keeps the licence when the program's own source is imported again", async () => {
    const reimported = await importFile(writeRecords('Residential treatment for women.'), { format: 'native', source: SOURCE });
    expect(reimported).toMatchObject({ accepted: 6, written: 6 });
    const chrysalis = await store.get(ids.chrysalis);
    expect(chrysalis).toMatchObject({ description: 'Residential treatment for women.', version: 3 });
    expect(chrysalis?.registryLicenses).toEqual([{ registry: 'ca-dhcs', ...expectedLicence('010001AN') }]);
    const { body } = await api<PublicProgram>('GET', `/v1/programs/${ids.chrysalis}`);
    expect(body.description).toBe('Residential treatment for women.');
    expect(body.licenses).toEqual([expectedLicence('010001AN')]);
    expect(await searchIds({ zip: '95338', licensed: 'true' })).toContain(ids.mariposa);
  });

  it('with prune, takes off the licences the file no longer lists, and only those', async () => {
    const summary = await importLicenseRegistryFile(CA_FILE, { ...OURS, prune: true });
    expect(summary).toMatchObject({ programsUpdated: 1, licencesRemoved: 1 });
    expect(summary).not.toHaveProperty('pruneSkipped');
    const stored = await store.get(holder.id);
    expect(stored?.registryLicenses).toEqual([otherRegistry]);
    expect((await store.get(ids.chrysalis))?.registryLicenses).toHaveLength(1);
  });
});
