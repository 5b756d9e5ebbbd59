import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readDirectoryFile, workbookModifiedDate, type DirectoryRow } from '../../functions/imports/samhsa/directory-files';
import { directoryExternalId, directoryIdentity, readSamhsaDirectory } from '../../functions/imports/samhsa/directory-import';
import { mapServiceCodes } from '../../functions/imports/samhsa/service-code-mapping';
import type { ImportRow } from '../../functions/use-cases/import-programs';

const DIRECTORY = path.resolve('../shared/data/samhsa-national-directory');
const SU = path.join(DIRECTORY, 'su-facilities-2023.xlsx');
const MH = path.join(DIRECTORY, 'mh-facilities-2024.xlsx');
const scratch = mkdtempSync(path.join(tmpdir(), 'iop-directory-unit-'));

const rawRows: Record<'su' | 'mh', DirectoryRow[]> = { su: [], mh: [] };
let imported: ImportRow[] = [];

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const item of items) all.push(item);
  return all;
}

const valueOf = (row: ImportRow | undefined) => row?.value as Record<string, unknown> & { externalId: string };
const byName = (name: string, organization?: string) =>
  imported.find((row) => valueOf(row).name === name && (organization === undefined || valueOf(row).organization === organization));

beforeAll(async () => {
  rawRows.su = await collect(readDirectoryFile(SU));
  rawRows.mh = await collect(readDirectoryFile(MH));
  imported = await collect(readSamhsaDirectory([SU, MH]));
}, 120_000);

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('the National Directory workbooks as published', () => {
  it('reads every facility of both editions, whatever the header case', () => {
    expect(rawRows.su).toHaveLength(12_744);
    expect(rawRows.mh).toHaveLength(8_319);
    expect(rawRows.su[0]?.cells).toMatchObject({ name1: 'Shelby County Treatment Center', zip: '35007', phone: '205-216-0200' });
    expect(rawRows.mh[0]?.cells).toMatchObject({ name1: 'SpectraCare Health Systems', name2: 'Henry County Clinic' });
  });

  it('makes one program per identity, merging rows within and across workbooks, and accounts for every row', () => {
    const identities = new Set([...rawRows.su, ...rawRows.mh].map((row) => directoryIdentity(row.cells)));
    expect(imported).toHaveLength(identities.size);
    const mergedAway = imported
      .flatMap((row) => row.warnings ?? [])
      .filter((warning) => warning.message.startsWith('merged with'))
      .reduce((count, warning) => count + (warning.message.match(/row \d+/g)?.length ?? 0), 0);
    expect(imported.length + mergedAway).toBe(rawRows.su.length + rawRows.mh.length);
  });

  it('states, for no facility, anything the directory does not publish', () => {
    const neverStated = ['sessions', 'programLengthWeeks', 'acceptingNewPatients', 'website', 'email', 'description', 'serviceArea', 'location', 'timezone'];
    for (const row of imported) {
      const value = valueOf(row);
      for (const field of neverStated) expect(value, `${value.name}: ${field}`).not.toHaveProperty(field);
      const licenses = (value.licenses ?? []) as Record<string, unknown>[];
      expect(licenses.every((license) => license.number === undefined && license.expiresOn === undefined && license.issuer === undefined)).toBe(true);
      const accreditations = (value.accreditations ?? []) as Record<string, unknown>[];
      expect(accreditations.every((accreditation) => accreditation.expiresOn === undefined)).toBe(true);
      // No named carriers: the directory's payment codes name kinds of payment only.
      expect(((value.insurance ?? []) as string[]).filter((payer) => ['aetna', 'anthem', 'bcbs', 'cigna', 'humana', 'kaiser', 'uhc'].includes(payer))).toEqual([]);
    }
  });

  it('maps Shelby County Treatment Center exactly as its codes say, and nothing else', async () => {
    const shelby = byName('Shelby County Treatment Center');
    expect(shelby?.line).toBe(2);
    expect(valueOf(shelby)).toEqual({
      externalId: directoryExternalId(directoryIdentity({ name1: 'Shelby County Treatment Center', name2: '', street1: '750 Highway 31 South', zip: '35007' })),
      name: 'Shelby County Treatment Center',
      phone: '205-216-0200',
      address: { street1: '750 Highway 31 South', city: 'Alabaster', state: 'AL', zip: '35007' },
      // OIT; OP ORT OMB OD; DT OD
      levelsOfCare: ['iop', 'outpatient', 'detox'],
      conditions: ['substance_use', 'co_occurring'],
      medications: ['methadone', 'buprenorphine', 'naltrexone', 'acamprosate', 'disulfiram', 'nicotine_replacement'],
      // MD MC PI SF, SS PA; FSA and SAMF are funding sources with no payer slug
      insurance: ['medicaid', 'medicare', 'private', 'self_pay', 'sliding_scale', 'payment_assistance'],
      accreditations: [{ body: 'carf' }],
      licenses: [
        { state: 'AL', type: 'state_substance_use_agency' },
        { state: 'AL', type: 'state_mental_health_department' },
      ],
      ageGroups: ['young_adults', 'adults', 'seniors'],
      // SP AH F47; FX ("other languages") names none
      languages: ['es', 'sgn', 'ko'],
      delivery: ['in_person', 'virtual'],
      services: [
        'group_therapy',
        'individual_therapy',
        'family_therapy',
        'education',
        'relapse_prevention',
        'medication_management',
        'aftercare_planning',
        'peer_support',
        'case_management',
        'housing_support',
        'employment_support',
        'opioid_treatment_program',
      ],
      populations: ['veterans', 'active_military', 'military_families', 'lgbtq', 'women', 'men', 'pregnant_postpartum', 'criminal_justice', 'hiv_aids', 'trauma', 'domestic_violence', 'dui_dwi'],
      gendersAccepted: ['female', 'male'],
      ownership: 'private_for_profit',
      dataAsOf: await workbookModifiedDate(SU),
    });
  });

  it('maps a residential program and a mental health clinic field by field', async () => {
    // "SA HH SUMH * RES RL * BU * ... * BUM UB MOA * BWN NRT * ... * PVTN * STAG STMH FQHC * FSA SF SAMF * MN * ..."
    expect(valueOf(byName('Lighthouse of Tallapoosa County Inc', 'Substance Abuse Rehab Program/Resid'))).toMatchObject({
      levelsOfCare: ['residential'],
      conditions: ['substance_use', 'co_occurring'],
      medications: ['buprenorphine', 'nicotine_replacement'],
      insurance: ['self_pay'],
      licenses: [
        { state: 'AL', type: 'state_substance_use_agency' },
        { state: 'AL', type: 'state_mental_health_department' },
      ],
      ageGroups: ['young_adults', 'adults'],
      languages: ['sgn'],
      delivery: ['in_person'],
      services: [
        'group_therapy',
        'individual_therapy',
        'family_therapy',
        'education',
        'relapse_prevention',
        'medication_management',
        'aftercare_planning',
        'peer_support',
        'case_management',
        'housing_support',
        'employment_support',
      ],
      populations: ['men'],
      gendersAccepted: ['male'],
      ownership: 'private_nonprofit',
    });
    const lighthouse = valueOf(byName('Lighthouse of Tallapoosa County Inc', 'Substance Abuse Rehab Program/Resid'));
    expect(lighthouse).not.toHaveProperty('accreditations');

    // 2024 mental health edition: "SA MH SUMH * OP * CMHC * ... NRT NSC ANTPYCH * CBT CFT GT IDD IPT TELE * PEON WI * PVTN * ... MC MD MI ... PI ... SF ... * SS * ..."
    const clinic = valueOf(byName('SpectraCare Health Systems', 'Henry County Clinic'));
    expect(clinic).toMatchObject({
      phone: '800-951-4357',
      levelsOfCare: ['outpatient'],
      conditions: ['substance_use', 'mental_health', 'co_occurring'],
      medications: ['nicotine_replacement'],
      insurance: ['medicaid', 'medicare', 'tricare', 'private', 'self_pay', 'sliding_scale'],
      ageGroups: ['children', 'adolescents', 'young_adults', 'adults', 'seniors'],
      languages: ['sgn'],
      delivery: ['in_person', 'virtual'],
      services: ['group_therapy', 'individual_therapy', 'family_therapy', 'education', 'medication_management', 'case_management', 'crisis_services'],
      populations: ['veterans', 'active_military', 'military_families', 'lgbtq', 'criminal_justice', 'hiv_aids', 'trauma', 'ptsd', 'serious_mental_illness', 'serious_emotional_disturbance'],
      ownership: 'private_nonprofit',
      dataAsOf: await workbookModifiedDate(MH),
    });
    // The 2024 edition names no licensing agency or accreditor for this clinic, and no gender.
    expect(clinic).not.toHaveProperty('licenses');
    expect(clinic).not.toHaveProperty('accreditations');
    expect(clinic).not.toHaveProperty('gendersAccepted');
  });

  it('merges a facility listed in both editions into one program with the union of its codes and the later edition date', async () => {
    const suByIdentity = new Map(rawRows.su.map((row) => [directoryIdentity(row.cells), row]));
    const pair = rawRows.mh
      .map((mh) => ({ mh, su: suByIdentity.get(directoryIdentity(mh.cells)) }))
      .find(({ mh, su }) => su && !/\bMH\b/.test(su.cells.service_code_info) && /\bMH\b/.test(mh.cells.service_code_info) && /\bSA\b/.test(su.cells.service_code_info));
    expect(pair?.su).toBeDefined();
    const { su, mh } = pair as { su: DirectoryRow; mh: DirectoryRow };
    const program = imported.find((row) => valueOf(row).externalId === directoryExternalId(directoryIdentity(su.cells)));
    const union = mapServiceCodes(`${su.cells.service_code_info} ${mh.cells.service_code_info}`.split(/\s+/), su.cells.state as 'AL');
    expect(valueOf(program).conditions).toEqual(union.fields.conditions);
    expect(valueOf(program).conditions).toEqual(expect.arrayContaining(['substance_use', 'mental_health']));
    expect(valueOf(program).levelsOfCare).toEqual(union.fields.levelsOfCare);
    expect(valueOf(program).insurance ?? []).toEqual(union.fields.insurance);
    expect(valueOf(program).dataAsOf).toBe(await workbookModifiedDate(MH));
    expect(program?.line).toBe(su.line);
    expect(program?.warnings).toContainEqual({ path: '', message: `merged with mh-facilities-2024.xlsx row ${mh.line} (same facility): codes are the union` });
  });
});

describe('the facilities sheet saved as CSV', () => {
  const header = 'NAME1,Name2,STREET1,street2,City,STATE,Zip,Phone,Intake1,Intake2,Intake1a,Intake2a,SERVICE_CODE_INFO';

  it('finds columns whatever their case, gives the same identity as the workbook, and reports unknown codes', async () => {
    const csv = path.join(scratch, 'facilities.csv');
    writeFileSync(
      csv,
      `${header}\n` +
        'Shelby County Treatment Center,,750 Highway 31 South,,Alabaster,AL,35007,205-216-0200,,,,,SA * OIT * MD * ZZQ9 QQX\n' +
        'Sample Place,,1 Main St,,Burlington,VT,5401,802-555-0100,802-HOPE,,,,SA * OP\n',
    );
    const rows = await collect(readSamhsaDirectory([csv], { asOf: '2024-05-01' }));
    expect(rows).toHaveLength(2);
    expect(valueOf(rows[0]).externalId).toBe(valueOf(byName('Shelby County Treatment Center')).externalId);
    expect(valueOf(rows[0])).toMatchObject({ levelsOfCare: ['iop'], insurance: ['medicaid'], dataAsOf: '2024-05-01' });
    expect(rows[0]?.warnings).toContainEqual({ path: 'service_code_info', message: expect.stringContaining('QQX, ZZQ9') });
    // A zip that lost its leading zero is read as the 5-digit zip; an intake number spelt in letters is left out, with a warning.
    expect(valueOf(rows[1])).toMatchObject({ address: { zip: '05401', state: 'VT' }, phone: '802-555-0100' });
    expect(valueOf(rows[1])).not.toHaveProperty('intakePhone');
    expect(rows[1]?.warnings).toContainEqual({ path: 'intakePhone', message: 'left out: "802-HOPE" is not a US phone number' });
    expect(rows[1]?.line).toBe(3);
  });

  it('uses the file date when no edition date is given, and says so', async () => {
    const csv = path.join(scratch, 'undated.csv');
    writeFileSync(csv, `${header}\nSample Place,,1 Main St,,Burlington,VT,05401,,,,,,SA * OP\n`);
    const [row] = await collect(readSamhsaDirectory([csv]));
    expect(valueOf(row).dataAsOf).toBe(new Date().toISOString().slice(0, 10));
    expect(row?.warnings).toContainEqual({ path: 'dataAsOf', message: expect.stringContaining('no --as-of was given') });
  });

  it('refuses a file that is not a facilities list, naming the missing columns', async () => {
    const csv = path.join(scratch, 'other.csv');
    writeFileSync(csv, 'name1,street1,zip\nA,B,05401\n');
    await expect(collect(readSamhsaDirectory([csv]))).rejects.toThrow(/no column city, state, service_code_info/);
  });
});
