import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { importRecordSchema, type ImportRecord } from '../../functions/domain/program';
import { readSamhsaFacilities, repairZip, SAMHSA_SOURCE, type SamhsaRow } from '../../seed/samhsa-facilities';
import { SYNTHESIS_REFERENCE_DATE } from '../../seed/synthesize-attributes';

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const FACILITY_FILE = path.resolve(projectRoot, '../shared/data/samhsa-substance-use-facilities.csv');
const DATA_ROWS_IN_FILE = 14_034;

async function readAll(filePath: string): Promise<SamhsaRow[]> {
  const rows: SamhsaRow[] = [];
  for await (const row of readSamhsaFacilities(filePath)) rows.push(row);
  return rows;
}

let rows: SamhsaRow[];
let records: ImportRecord[];

beforeAll(async () => {
  rows = await readAll(FACILITY_FILE);
  records = rows.flatMap((row) => (row.record ? [row.record] : []));
});

function rowAtLine(line: number): SamhsaRow {
  const row = rows.find((candidate) => candidate.line === line);
  if (!row) throw new Error(`no row at line ${line}`);
  return row;
}

function recordAtLine(line: number): ImportRecord {
  const { record } = rowAtLine(line);
  if (!record) throw new Error(`row at line ${line} has no record`);
  return record;
}

/** Share of records for which the predicate holds. */
function share(predicate: (record: ImportRecord) => boolean, among: readonly ImportRecord[] = records): number {
  return among.filter(predicate).length / among.length;
}

describe('reading the real SAMHSA facility file', () => {
  it('yields one result per data row, on consecutive physical lines after the header', () => {
    expect(rows).toHaveLength(DATA_ROWS_IN_FILE);
    expect(rows.map((row) => row.line)).toEqual(Array.from({ length: DATA_ROWS_IN_FILE }, (_, index) => index + 2));
    for (const row of rows) expect(Boolean(row.record) !== Boolean(row.error)).toBe(true);
    expect(rows.filter((row) => row.error)).toEqual([]);
    expect(records).toHaveLength(DATA_ROWS_IN_FILE);
  });

  it('produces records that all pass importRecordSchema', () => {
    const failures = rows.flatMap((row) => {
      const result = importRecordSchema.safeParse(row.record);
      return result.success
        ? []
        : [{ line: row.line, issues: result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`) }];
    });
    expect(failures).toEqual([]);
  });

  it('gives the same records on a second read', async () => {
    const secondRead = await readAll(FACILITY_FILE);
    expect(secondRead).toHaveLength(rows.length);
    const firstDifference = secondRead.findIndex(
      (row, index) => JSON.stringify(row) !== JSON.stringify(rows[index]),
    );
    expect(firstDifference).toBe(-1);
  });

  it('keeps the real name, organization, address and coordinates of a row', () => {
    const aidsAction = recordAtLine(3);
    expect(aidsAction).toMatchObject({
      source: SAMHSA_SOURCE,
      name: 'AIDS Action Coalition',
      organization: 'DBA Thrive Alabama',
      address: {
        street1: '600 Saint Clair Avenue',
        street2: 'Building 9 Suite 23',
        city: 'Huntsville',
        state: 'AL',
        zip: '35801',
      },
      location: { lat: 34.7226273, lon: -86.5873927 },
    });
    expect(recordAtLine(2).address).not.toHaveProperty('street2');
  });

  it('trims names and leaves out an organization that only repeats the name', () => {
    const padded = rows.filter((row) => row.raw.name1 !== row.raw.name1?.trim());
    expect(padded.length).toBeGreaterThan(100);
    for (const row of padded) expect(row.record?.name).toBe(row.raw.name1?.trim());

    expect(rowAtLine(11745).raw.name2).toBe(' Acute Stabilization Unit');
    expect(recordAtLine(11745).name).toBe('Acute Stabilization Unit');
    expect(recordAtLine(11745)).not.toHaveProperty('organization');
  });

  it('derives each externalId from the row content, stable across machines', () => {
    const row = rowAtLine(2);
    const identity = 'A New Beginning||122 Helton Court||Florence|AL|35630';
    expect(row.record?.externalId).toBe(createHash('sha1').update(identity).digest('hex').slice(0, 16));
    expect(row.record?.externalId).toBe('7a7cc1a51d209483');
  });

  it('synthesises the same attributes for a row on every machine', () => {
    const record = recordAtLine(2);
    expect(record).toMatchObject({
      levelsOfCare: ['outpatient'],
      delivery: ['virtual'],
      insurance: ['medicaid', 'va', 'self_pay'],
      licenses: [{ state: 'AL', number: 'AL-SUD-529029', expiresOn: '2029-01-12' }],
      accreditations: [
        { body: 'carf', expiresOn: '2027-01-07' },
        { body: 'hfap', expiresOn: '2028-12-09' },
      ],
      phone: '(205) 555-0198',
    });
    expect(record).not.toHaveProperty('programLengthWeeks');
  });
});

describe('zip repair', () => {
  it('left-pads 3- and 4-digit zips and changes nothing else', () => {
    expect(repairZip('6708')).toBe('06708');
    expect(repairZip('725')).toBe('00725');
    for (const untouched of ['22902', '12', '123456', '6708-1234', ' 6708', '67O8', '']) {
      expect(repairZip(untouched)).toBe(untouched);
    }
  });

  it('restores the leading zero of a real Connecticut zip', () => {
    const waterbury = rowAtLine(2475);
    expect(waterbury.raw).toMatchObject({ name1: 'Connecticut Counseling Centers Inc', state: 'CT', zip: '6708' });
    expect(waterbury.record?.address.zip).toBe('06708');
  });

  it('restores both leading zeros of a real Puerto Rico zip', () => {
    expect(rowAtLine(11623).raw).toMatchObject({ state: 'PR', zip: '725' });
    expect(recordAtLine(11623).address.zip).toBe('00725');
  });

  it('repairs about 1,400 rows, all in states whose zips start with 0', () => {
    const repaired = rows.filter((row) => row.record && row.record.address.zip !== row.raw.zip);
    expect(repaired).toHaveLength(1382);
    const zeroZipStates = new Set(['CT', 'MA', 'ME', 'NH', 'NJ', 'PR', 'RI', 'VT']);
    expect(repaired.filter((row) => !zeroZipStates.has(row.record?.address.state ?? ''))).toEqual([]);
  });

  it('changes no zip except by padding', () => {
    const otherwiseChanged = rows.filter((row) => {
      const raw = row.raw.zip ?? '';
      const zip = row.record?.address.zip;
      return zip !== raw && !(/^\d{3,4}$/.test(raw) && zip === raw.padStart(5, '0'));
    });
    expect(otherwiseChanged).toEqual([]);
  });
});

describe('externalIds', () => {
  it('are unique', () => {
    const ids = records.map((record) => record.externalId);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('suffix the later row of each duplicate facility with -2', () => {
    const suffixed = rows.filter((row) => row.record?.externalId.includes('-'));
    expect(suffixed.map((row) => row.line)).toEqual([925, 3021, 3835, 5260, 8144, 10594, 13174]);
    for (const row of suffixed) {
      const [baseId, suffix] = row.record?.externalId.split('-') ?? [];
      expect(suffix).toBe('2');
      const original = rows.find((candidate) => candidate.record?.externalId === baseId);
      expect(original?.line).toBeLessThan(row.line);
      expect(original?.raw.name1).toBe(row.raw.name1);
      expect(original?.raw.street1).toBe(row.raw.street1);
    }
  });
});

describe('synthesised attributes', () => {
  it('give every program a level of care, a delivery mode and English', () => {
    expect(records.filter((record) => record.levelsOfCare.length === 0)).toEqual([]);
    expect(records.filter((record) => record.delivery.length === 0)).toEqual([]);
    expect(records.filter((record) => !record.languages?.includes('en'))).toEqual([]);
    expect(records.filter((record) => !record.conditions?.includes('substance_use'))).toEqual([]);
  });

  it('follow the documented level-of-care shares', () => {
    const levelShare = (level: ImportRecord['levelsOfCare'][number]) => share((record) => record.levelsOfCare.includes(level));
    expect(levelShare('outpatient')).toBeGreaterThan(0.75);
    expect(levelShare('iop')).toBeGreaterThan(0.25);
    expect(levelShare('iop')).toBeLessThan(0.45);
    expect(levelShare('php')).toBeGreaterThan(0.1);
    expect(levelShare('php')).toBeLessThan(0.2);
    expect(levelShare('residential')).toBeGreaterThan(0.15);
    expect(levelShare('residential')).toBeLessThan(0.25);
    expect(levelShare('inpatient')).toBeGreaterThan(0.05);
    expect(levelShare('inpatient')).toBeLessThan(0.11);
    expect(levelShare('detox')).toBeGreaterThan(0.08);
    expect(levelShare('detox')).toBeLessThan(0.16);
  });

  it('follow the documented payer shares, with Kaiser only where it operates', () => {
    const payerShare = (payer: NonNullable<ImportRecord['insurance']>[number]) =>
      share((record) => record.insurance?.includes(payer) ?? false);
    expect(payerShare('medicaid')).toBeGreaterThan(0.55);
    expect(payerShare('medicaid')).toBeLessThan(0.75);
    expect(payerShare('medicare')).toBeGreaterThan(0.3);
    expect(payerShare('medicare')).toBeLessThan(0.5);
    expect(payerShare('private')).toBeGreaterThan(0.5);
    expect(payerShare('private')).toBeLessThan(0.7);
    expect(payerShare('self_pay')).toBeGreaterThan(0.8);
    expect(payerShare('self_pay')).toBeLessThan(0.9);
    expect(payerShare('sliding_scale')).toBeGreaterThan(0.35);
    expect(payerShare('sliding_scale')).toBeLessThan(0.55);
    const kaiserStates = new Set(['CA', 'OR', 'WA', 'CO', 'GA', 'MD', 'VA', 'DC', 'HI']);
    const withKaiser = records.filter((record) => record.insurance?.includes('kaiser'));
    expect(withKaiser.length).toBeGreaterThan(100);
    expect(withKaiser.filter((record) => !kaiserStates.has(record.address.state))).toEqual([]);
    const carriers = ['aetna', 'anthem', 'bcbs', 'cigna', 'humana', 'kaiser', 'uhc'] as const;
    const carrierWithoutPrivate = records.filter(
      (record) => carriers.some((carrier) => record.insurance?.includes(carrier)) && !record.insurance?.includes('private'),
    );
    expect(carrierWithoutPrivate).toEqual([]);
  });

  it('offer Spanish about 30% of the time, more often in Spanish-speaking states', () => {
    const speaksSpanish = (record: ImportRecord) => record.languages?.includes('es') ?? false;
    expect(share(speaksSpanish)).toBeGreaterThan(0.25);
    expect(share(speaksSpanish)).toBeLessThan(0.35);
    const heavy = new Set(['TX', 'CA', 'FL', 'NM', 'AZ', 'NY']);
    const inHeavyStates = records.filter((record) => heavy.has(record.address.state));
    const elsewhere = records.filter((record) => !heavy.has(record.address.state) && record.address.state !== 'PR');
    expect(share(speaksSpanish, inHeavyStates)).toBeGreaterThan(share(speaksSpanish, elsewhere) + 0.2);
  });

  it('deliver in person mostly, virtually about 45% of the time, and never virtual-only with beds', () => {
    expect(share((record) => record.delivery.includes('in_person'))).toBeGreaterThan(0.9);
    expect(share((record) => record.delivery.includes('virtual'))).toBeGreaterThan(0.38);
    expect(share((record) => record.delivery.includes('virtual'))).toBeLessThan(0.52);
    const virtualOnly = records.filter((record) => !record.delivery.includes('in_person'));
    expect(virtualOnly.length).toBeGreaterThan(0);
    expect(virtualOnly.filter((record) => record.levelsOfCare.some((level) => ['residential', 'inpatient', 'detox'].includes(level)))).toEqual([]);
  });

  it('license about 90% of programs in their own state, about 5% of licences expired', () => {
    expect(share((record) => (record.licenses?.length ?? 0) > 0)).toBeGreaterThan(0.85);
    expect(share((record) => (record.licenses?.length ?? 0) > 0)).toBeLessThan(0.95);
    const licenses = records.flatMap((record) => (record.licenses ?? []).map((license) => ({ license, record })));
    expect(licenses.filter(({ license, record }) => license.state !== record.address.state)).toEqual([]);
    expect(licenses.filter(({ license }) => !license.number || !license.type || !license.issuer)).toEqual([]);
    const expired = licenses.filter(({ license }) => (license.expiresOn ?? '') < SYNTHESIS_REFERENCE_DATE);
    expect(expired.length / licenses.length).toBeGreaterThan(0.03);
    expect(expired.length / licenses.length).toBeLessThan(0.07);
    const current = licenses.filter(({ license }) => (license.expiresOn ?? '') >= SYNTHESIS_REFERENCE_DATE);
    expect(current.filter(({ license }) => (license.expiresOn ?? '') < '2027-01-01')).toEqual([]);
  });

  it('accredit about 40% by the Joint Commission and 30% by CARF, some lapsed', () => {
    const accreditedBy = (body: string) => share((record) => record.accreditations?.some((a) => a.body === body) ?? false);
    expect(accreditedBy('joint_commission')).toBeGreaterThan(0.33);
    expect(accreditedBy('joint_commission')).toBeLessThan(0.47);
    expect(accreditedBy('carf')).toBeGreaterThan(0.24);
    expect(accreditedBy('carf')).toBeLessThan(0.36);
    for (const rare of ['coa', 'ncqa', 'hfap']) {
      expect(accreditedBy(rare)).toBeGreaterThan(0);
      expect(accreditedBy(rare)).toBeLessThan(0.06);
    }
    const accreditations = records.flatMap((record) => record.accreditations ?? []);
    const lapsed = accreditations.filter((a) => (a.expiresOn ?? '') < SYNTHESIS_REFERENCE_DATE);
    expect(lapsed.length / accreditations.length).toBeGreaterThan(0.04);
    expect(lapsed.length / accreditations.length).toBeLessThan(0.12);
  });

  it('schedule 1-3 sessions and a program length for IOP and PHP programs, fewer for the rest', () => {
    const isStructured = (record: ImportRecord) => record.levelsOfCare.some((level) => level === 'iop' || level === 'php');
    const structured = records.filter(isStructured);
    const others = records.filter((record) => !isStructured(record));
    const within = (value: number | undefined, min: number, max: number) => value !== undefined && value >= min && value <= max;
    const badlyScheduled = structured.filter(
      (record) =>
        !within(record.sessions?.length, 1, 3) ||
        !within(record.programLengthWeeks?.min, 6, 8) ||
        !within(record.programLengthWeeks?.max, 10, 16),
    );
    expect(badlyScheduled).toEqual([]);
    expect(others.filter((record) => (record.sessions?.length ?? 0) > 1 || record.programLengthWeeks)).toEqual([]);
    const bedsOnly = others.filter((record) => !record.levelsOfCare.includes('outpatient'));
    expect(bedsOnly.length).toBeGreaterThan(0);
    expect(bedsOnly.filter((record) => (record.sessions?.length ?? 0) > 0)).toEqual([]);
    const onWeekend = (record: ImportRecord) =>
      record.sessions?.some((session) => session.days.includes('sat') || session.days.includes('sun')) ?? false;
    expect(share(onWeekend, structured)).toBeGreaterThan(0.06);
    expect(share(onWeekend, structured)).toBeLessThan(0.14);
    const startsAt = (start: string) => share((record) => record.sessions?.some((s) => s.start === start) ?? false, structured);
    for (const start of ['09:00', '13:00', '17:30', '18:00']) expect(startsAt(start)).toBeGreaterThan(0.1);
  });

  it('serve mostly adults and accept new patients about 85% of the time', () => {
    expect(share((record) => record.ageGroups?.includes('adults') ?? false)).toBeGreaterThan(0.9);
    expect(records.filter((record) => (record.ageGroups?.length ?? 0) === 0)).toEqual([]);
    expect(share((record) => record.acceptingNewPatients === true)).toBeGreaterThan(0.8);
    expect(share((record) => record.acceptingNewPatients === true)).toBeLessThan(0.9);
  });

  it('describe each program from its attributes, with a fictional 555-01xx phone and no email or website', () => {
    expect(recordAtLine(2).description).toBe(
      'Outpatient treatment for substance use and mental health conditions, including co-occurring disorders, ' +
        'serving young adults, adults and seniors. Offers group therapy, individual therapy and education, online only.',
    );
    const mentionsSpanish = records.filter((r) => r.description?.includes('Spanish'));
    expect(mentionsSpanish).toEqual(records.filter((r) => r.languages?.includes('es')));
    const iopPrograms = records.filter((r) => r.levelsOfCare.includes('iop'));
    expect(iopPrograms.filter((r) => !/intensive outpatient/i.test(r.description ?? ''))).toEqual([]);
    expect(records.filter((r) => !r.phone || !/ 555-01\d\d$/.test(r.phone))).toEqual([]);
    expect(records.filter((r) => r.email !== undefined || r.website !== undefined)).toEqual([]);
  });
});

describe('malformed files', () => {
  let directory: string;

  beforeAll(async () => {
    directory = await mkdtemp(path.join(tmpdir(), 'samhsa-seed-'));
    return () => rm(directory, { recursive: true, force: true });
  });

  const header = 'name1,name2,street1,street2,city,state,zip,zip4,county,latitude,longitude';

  it('reports bad rows with their physical line and keeps reading', async () => {
    const file = path.join(directory, 'mixed.csv');
    await writeFile(
      file,
      [
        header,
        'Good Place,,1 Main Street,,Hartford,CT,6103,,Hartford,41.76,-72.67',
        '"Two',
        'Line Name",,2 Main Street,,Hartford,CT,06103,,Hartford,,',
        '',
        'Short Row,,3 Main Street',
        'Nowhere,,4 Main Street,,Nowhere,XX,12345,,,1,1',
        'Last Place,,5 Main Street,,Boston,MA,02108,,Suffolk,0,0',
        '',
      ].join('\n'),
    );
    const result = await readAll(file);
    expect(result.map(({ line, error }) => ({ line, error }))).toEqual([
      { line: 2, error: undefined },
      { line: 3, error: undefined },
      { line: 6, error: 'expected 11 columns, found 3' },
      { line: 7, error: 'address.state: "XX" is not a US state or territory code' },
      { line: 8, error: undefined },
    ]);
    expect(result[0]?.record?.address.zip).toBe('06103');
    expect(result[1]?.record?.name).toBe('Two\nLine Name');
    expect(result[1]?.record).not.toHaveProperty('location');
    expect(result[4]?.record).not.toHaveProperty('location');
  });

  it('refuses a file whose header is not the SAMHSA one', async () => {
    const file = path.join(directory, 'other.csv');
    await writeFile(file, 'name,street,city\nA,B,C\n');
    await expect(readAll(file)).rejects.toThrow(/expected header name1,name2/);
  });
});
