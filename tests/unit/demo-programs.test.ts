import { beforeAll, describe, expect, it } from 'vitest';
import { haversineMiles } from '../../functions/domain/great-circle';
import { importRecordSchema, type ImportRecord } from '../../functions/domain/program';
import {
  ACCREDITATION_BODIES,
  AGE_GROUPS,
  CONDITIONS,
  DELIVERY_MODES,
  GENDERS,
  INSURANCE,
  LEVELS_OF_CARE,
  MEDICATIONS,
  OWNERSHIP,
  POPULATIONS,
  SERVICES,
} from '../../functions/domain/vocabulary';
import { DEMO_SOURCE } from '../../functions/domain/demo-source';
import { zipDirectory } from '../../functions/gazetteer/zip-table';
import { validateProgramRecord } from '../../functions/use-cases/validate-program-record';
import {
  DEFAULT_DEMO_SIZE,
  DEMO_CITY,
  DEMO_NAME_PATTERN,
  DEMO_ORGANIZATION_PATTERN,
  DEMO_REFERENCE_DATE,
  demoProgram,
  demoPrograms,
} from '../../seed/demo/demo-programs';

const FICTIONAL_PHONE = /^\(\d{3}\) 555-01\d\d$/;

let records: ImportRecord[];

beforeAll(() => {
  records = [...demoPrograms({ count: DEFAULT_DEMO_SIZE })];
});

/** Share of records for which the predicate holds. */
function share(predicate: (record: ImportRecord) => boolean, among: readonly ImportRecord[] = records): number {
  return among.filter(predicate).length / among.length;
}

function addDays(isoDate: string, days: number): string {
  return new Date(Date.parse(`${isoDate}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

describe('the demo generator', () => {
  it('gives the same records on every run, record by record, whatever the count', () => {
    expect(records).toHaveLength(DEFAULT_DEMO_SIZE);
    expect([...demoPrograms({ count: 500 })]).toEqual(records.slice(0, 500));
    expect(demoProgram(4242)).toEqual(records[4241]);
    expect(demoProgram(42)).toMatchObject({
      externalId: 'demo-00042',
      source: 'demo',
      name: 'Demo Treatment Center 00042 (fictional)',
      phone: '(713) 555-0161',
      address: { street1: '3992 Demo Avenue', city: 'Demo City', state: 'TX', zip: '78631' },
      levelsOfCare: ['outpatient'],
      licenses: [{ state: 'TX', number: 'TX-DEMO-OAS-108398', expiresOn: '2026-12-18' }],
    });
  });

  it('gives another dataset for another seed, and places dates around the reference date given', () => {
    expect(demoProgram(1, { seed: 7 })).not.toEqual(demoProgram(1));
    const shifted = demoProgram(42, { asOf: '2030-06-01' });
    expect(shifted.name).toBe(demoProgram(42).name);
    expect(shifted.licenses?.[0]?.expiresOn).toBe(addDays('2026-12-18', Date.parse('2030-06-01') / 86_400_000 - Date.parse(DEMO_REFERENCE_DATE) / 86_400_000));
    expect(() => demoProgram(1, { asOf: 'tomorrow' })).toThrow(/ISO date/);
  });

  it('makes records that all pass importRecordSchema and the importer validation, without warnings', () => {
    const failures = records.flatMap((record): { id: string; issues: unknown[] }[] => {
      const parsed = importRecordSchema.safeParse(record);
      if (!parsed.success) return [{ id: record.externalId, issues: parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`) }];
      const validation = validateProgramRecord(record, { requireExternalId: true, zips: zipDirectory });
      if (!validation.ok) return [{ id: record.externalId, issues: validation.errors }];
      return validation.warnings.length > 0 ? [{ id: record.externalId, issues: validation.warnings }] : [];
    });
    expect(failures).toEqual([]);
  });
});

describe('every demo record is unmistakably fictional', () => {
  it('has source demo, a unique demo externalId and a name and organization that say fictional', () => {
    expect(records.filter((record) => record.source !== DEMO_SOURCE)).toEqual([]);
    expect(records.filter((record) => !/^demo-\d{5,}$/.test(record.externalId))).toEqual([]);
    expect(new Set(records.map((record) => record.externalId)).size).toBe(records.length);
    expect(records.filter((record) => !DEMO_NAME_PATTERN.test(record.name))).toEqual([]);
    const organizations = records.flatMap((record) => (record.organization ? [record.organization] : []));
    expect(organizations.length).toBeGreaterThan(records.length * 0.4);
    expect(organizations.filter((organization) => !DEMO_ORGANIZATION_PATTERN.test(organization))).toEqual([]);
    expect(records.filter((record) => !record.description?.startsWith('Fictional demo program: not a real facility.'))).toEqual([]);
  });

  it('has an invented street in Demo City at a real zip, and contact details that reach no one', () => {
    expect(records.filter((record) => !/^\d{1,4} Demo [A-Z][a-z]+$/.test(record.address.street1))).toEqual([]);
    expect(records.filter((record) => record.address.city !== DEMO_CITY)).toEqual([]);
    expect(records.filter((record) => zipDirectory.lookup(record.address.zip)?.state !== record.address.state)).toEqual([]);
    expect(records.filter((record) => !FICTIONAL_PHONE.test(record.phone ?? ''))).toEqual([]);
    const intakePhones = records.flatMap((record) => (record.intakePhone ? [record.intakePhone] : []));
    expect(intakePhones.length).toBeGreaterThan(0);
    expect(intakePhones.filter((phone) => !FICTIONAL_PHONE.test(phone))).toEqual([]);
    const onExampleOrg = /^(https:\/\/|intake@)demo-program-\d{5,}\.example\.org$/;
    expect(records.filter((record) => record.website !== undefined && !onExampleOrg.test(record.website))).toEqual([]);
    expect(records.filter((record) => record.email !== undefined && !onExampleOrg.test(record.email))).toEqual([]);
  });
});

describe('demo distributions', () => {
  it('use every value of every closed vocabulary somewhere, so every filter and facet finds something', () => {
    const seen = (values: (record: ImportRecord) => readonly string[] | undefined) => new Set(records.flatMap((record) => values(record) ?? []));
    expect([...seen((record) => record.levelsOfCare)].sort()).toEqual([...LEVELS_OF_CARE].sort());
    expect([...seen((record) => record.conditions)].sort()).toEqual([...CONDITIONS].sort());
    expect([...seen((record) => record.services)].sort()).toEqual([...SERVICES].sort());
    expect([...seen((record) => record.ageGroups)].sort()).toEqual([...AGE_GROUPS].sort());
    expect([...seen((record) => record.delivery)].sort()).toEqual([...DELIVERY_MODES].sort());
    expect([...seen((record) => record.insurance)].sort()).toEqual([...INSURANCE].sort());
    expect([...seen((record) => record.medications)].sort()).toEqual([...MEDICATIONS].sort());
    expect([...seen((record) => record.populations)].sort()).toEqual([...POPULATIONS].sort());
    expect([...seen((record) => record.gendersAccepted)].sort()).toEqual([...GENDERS].sort());
    expect([...seen((record) => (record.ownership ? [record.ownership] : []))].sort()).toEqual([...OWNERSHIP].sort());
    expect([...seen((record) => record.accreditations?.map((a) => a.body))].sort()).toEqual([...ACCREDITATION_BODIES].sort());
    const languages = seen((record) => record.languages);
    for (const language of ['en', 'es', 'sgn', 'zh', 'vi', 'fr']) expect(languages).toContain(language);
  });

  it('follow plausible shares of levels of care, payers and delivery', () => {
    const level = (wanted: string) => share((record) => record.levelsOfCare.some((value) => value === wanted));
    expect(level('outpatient')).toBeGreaterThan(0.7);
    expect(level('iop')).toBeGreaterThan(0.33);
    expect(level('iop')).toBeLessThan(0.47);
    expect(level('php')).toBeGreaterThan(0.1);
    expect(level('php')).toBeLessThan(0.22);
    expect(level('residential')).toBeGreaterThan(0.13);
    expect(level('residential')).toBeLessThan(0.23);
    expect(level('detox')).toBeGreaterThan(0.06);
    expect(level('detox')).toBeLessThan(0.16);
    const payer = (wanted: string) => share((record) => record.insurance?.some((value) => value === wanted) ?? false);
    expect(payer('medicaid')).toBeGreaterThan(0.6);
    expect(payer('medicaid')).toBeLessThan(0.7);
    expect(payer('private')).toBeGreaterThan(0.55);
    expect(payer('private')).toBeLessThan(0.65);
    const kaiserStates = new Set(['CA', 'OR', 'WA', 'CO', 'GA', 'MD', 'VA', 'DC', 'HI']);
    expect(records.filter((record) => record.insurance?.includes('kaiser') && !kaiserStates.has(record.address.state))).toEqual([]);
    const carriers = ['aetna', 'anthem', 'bcbs', 'cigna', 'humana', 'kaiser', 'uhc'];
    expect(records.filter((record) => record.insurance?.some((value) => carriers.includes(value)) && !record.insurance.includes('private'))).toEqual([]);
    expect(share((record) => record.delivery.includes('virtual'))).toBeGreaterThan(0.4);
    expect(share((record) => record.delivery.includes('virtual'))).toBeLessThan(0.55);
    const withBeds = records.filter((record) => record.levelsOfCare.some((value) => ['residential', 'inpatient', 'detox'].includes(value)));
    expect(withBeds.filter((record) => !record.delivery.includes('in_person'))).toEqual([]);
  });

  it('give virtual programs a service area that includes their own state, and no one else', () => {
    const withArea = records.filter((record) => record.serviceArea);
    expect(withArea.length).toBeGreaterThan(0.3 * records.length);
    expect(withArea.filter((record) => !record.delivery.includes('virtual'))).toEqual([]);
    expect(withArea.filter((record) => !record.serviceArea?.states.includes(record.address.state))).toEqual([]);
    expect(withArea.filter((record) => (record.serviceArea?.states.length ?? 0) > 1).length).toBeGreaterThan(0.5 * withArea.length);
  });

  it('schedule IOP and PHP programs in every session-time bucket, with a program length', () => {
    const structured = records.filter((record) => record.levelsOfCare.some((value) => value === 'iop' || value === 'php'));
    expect(structured.filter((record) => !record.sessions?.length || !record.programLengthWeeks)).toEqual([]);
    const startsIn = (from: string, to: string) => share((record) => record.sessions?.some((s) => s.start >= from && s.start < to) ?? false, structured);
    expect(startsIn('00:00', '12:00')).toBeGreaterThan(0.3);
    expect(startsIn('12:00', '17:00')).toBeGreaterThan(0.1);
    expect(startsIn('17:00', '24:00')).toBeGreaterThan(0.4);
    const onWeekend = share((record) => record.sessions?.some((s) => s.days.includes('sat') || s.days.includes('sun')) ?? false, structured);
    expect(onWeekend).toBeGreaterThan(0.06);
    expect(onWeekend).toBeLessThan(0.14);
  });

  it('license about 90% in their own state, with numbers, some expired and some expiring within 60 days', () => {
    expect(share((record) => (record.licenses?.length ?? 0) > 0)).toBeGreaterThan(0.87);
    expect(share((record) => (record.licenses?.length ?? 0) > 0)).toBeLessThan(0.93);
    const licenses = records.flatMap((record) => (record.licenses ?? []).map((license) => ({ license, state: record.address.state })));
    expect(licenses.filter(({ license, state }) => license.state !== state || !license.number || !license.issuer?.endsWith('(demo)'))).toEqual([]);
    const expiry = licenses.map(({ license }) => license.expiresOn ?? '');
    const expired = expiry.filter((date) => date < DEMO_REFERENCE_DATE).length / expiry.length;
    const soon = expiry.filter((date) => date >= DEMO_REFERENCE_DATE && date <= addDays(DEMO_REFERENCE_DATE, 60)).length / expiry.length;
    expect(expired).toBeGreaterThan(0.04);
    expect(expired).toBeLessThan(0.08);
    expect(soon).toBeGreaterThan(0.03);
    expect(soon).toBeLessThan(0.07);
    const accreditations = records.flatMap((record) => record.accreditations ?? []);
    expect(accreditations.some((accreditation) => accreditation.expiresOn === undefined)).toBe(true);
  });

  it('give medications only to substance-use programs, and methadone only with an opioid treatment program', () => {
    expect(records.filter((record) => record.medications && !record.conditions?.includes('substance_use'))).toEqual([]);
    expect(records.filter((record) => record.medications?.includes('methadone') && !record.services?.includes('opioid_treatment_program'))).toEqual([]);
    expect(share((record) => (record.medications?.length ?? 0) > 0)).toBeGreaterThan(0.4);
  });

  it('date every record within the year before the reference date', () => {
    const earliest = addDays(DEMO_REFERENCE_DATE, -365);
    expect(records.filter((record) => !record.dataAsOf || record.dataAsOf < earliest || record.dataAsOf > DEMO_REFERENCE_DATE)).toEqual([]);
  });

  it('spread over the states and crowd around big metros, as a real directory does', () => {
    expect(new Set(records.map((record) => record.address.state)).size).toBeGreaterThanOrEqual(52);
    expect(share((record) => record.location === undefined)).toBeGreaterThan(0.03);
    for (const zip of ['10001', '90012', '60601']) {
      const centre = zipDirectory.lookup(zip)!.centroid;
      const near = records.filter((record) => haversineMiles(record.location ?? zipDirectory.lookup(record.address.zip)!.centroid, centre) <= 50);
      // The benchmark pages 20 deep (limit 20) within 50 miles of these.
      expect(near.length, zip).toBeGreaterThan(420);
    }
  });
});
