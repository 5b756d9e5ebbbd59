import { describe, expect, it } from 'vitest';
import { haversineMiles } from '../../functions/domain/great-circle';
import { zipDirectory } from '../../functions/gazetteer/zip-table';
import type { ZipDirectory } from '../../functions/ports/zip-directory';
import { FAR_FROM_ZIP_MILES, validateProgramRecord } from '../../functions/use-cases/validate-program-record';

const NYC_10001_CENTROID = { lat: 40.7484, lon: -73.9967 };

function fullRecord() {
  return {
    externalId: 'harbor-light-nyc',
    source: 'ops-seed',
    name: 'Harbor Light Intensive Outpatient',
    organization: 'Harbor Light Health',
    description: 'Evening and daytime IOP for adults.',
    phone: '(212) 555-0100 ext. 12',
    website: 'https://harborlight.example.org/iop',
    email: 'intake@harborlight.example.org',
    address: { street1: '350 5th Ave', street2: 'Suite 4100', city: 'New York', state: 'NY', zip: '10001' },
    location: { lat: 40.7484, lon: -73.9857 },
    levelsOfCare: ['iop', 'php'],
    conditions: ['substance_use', 'co_occurring'],
    services: ['group_therapy', 'individual_therapy', 'relapse_prevention'],
    ageGroups: ['young_adults', 'adults'],
    languages: ['en', 'es'],
    delivery: ['in_person', 'virtual'],
    insurance: ['medicaid', 'aetna', 'sliding_scale'],
    licenses: [{ state: 'NY', number: 'OASAS-1234', type: 'Outpatient', issuer: 'NYS OASAS', expiresOn: '2027-06-30' }],
    accreditations: [{ body: 'joint_commission', expiresOn: '2026-12-31' }],
    sessions: [
      { days: ['mon', 'wed', 'fri'], start: '09:00', end: '12:00' },
      { days: ['tue', 'thu'], start: '18:00', end: '21:00' },
    ],
    timezone: 'America/Chicago',
    programLengthWeeks: { min: 6, max: 12 },
    acceptingNewPatients: true,
  };
}

/** The parts of a record an import always needs, with nothing the directory could derive. */
function minimalRecord() {
  return {
    externalId: 'minimal-1',
    name: 'Minimal IOP',
    address: { street1: '1 Main St', city: 'New York', state: 'NY', zip: '10001' },
    levelsOfCare: ['iop'],
    delivery: ['in_person'],
  };
}

const asImport = { requireExternalId: true, zips: zipDirectory } as const;
const asSubmission = { requireExternalId: false, zips: zipDirectory } as const;

function errorsOf(input: unknown, options: { requireExternalId: boolean; zips: ZipDirectory } = asImport) {
  const result = validateProgramRecord(input, options);
  if (result.ok) throw new Error(`expected errors, got a valid record: ${JSON.stringify(result.record)}`);
  return result.errors;
}

describe('validateProgramRecord: valid records', () => {
  it('accepts a record that uses every field, keeping its own location and time zone', () => {
    const result = validateProgramRecord(fullRecord(), asImport);
    expect(result).toEqual({
      ok: true,
      record: fullRecord(),
      resolved: { location: { lat: 40.7484, lon: -73.9857 }, locationPrecision: 'exact', timezone: 'America/Chicago' },
      warnings: [],
    });
  });

  it('returns the record as parsed, with strings trimmed', () => {
    const result = validateProgramRecord({ ...minimalRecord(), name: '  Minimal IOP  ' }, asImport);
    expect(result.ok && result.record.name).toBe('Minimal IOP');
  });

  it('places a record without coordinates at its zip centroid, in its zip time zone', () => {
    const result = validateProgramRecord(minimalRecord(), asImport);
    expect(result.ok && result.resolved).toEqual({
      location: NYC_10001_CENTROID,
      locationPrecision: 'zip',
      timezone: 'America/New_York',
    });
    expect(result.ok && result.warnings).toEqual([]);
  });

  it('takes the time zone from the zip outside the eastern zone too', () => {
    const honolulu = { ...minimalRecord(), address: { street1: '1 Bishop St', city: 'Honolulu', state: 'HI', zip: '96813' } };
    const result = validateProgramRecord(honolulu, asImport);
    expect(result.ok && result.resolved.timezone).toBe('Pacific/Honolulu');
  });

  it('accepts but warns about coordinates far from the zip', () => {
    const losAngeles = { lat: 34.0522, lon: -118.2437 };
    const result = validateProgramRecord({ ...minimalRecord(), location: losAngeles }, asImport);
    const miles = Math.round(haversineMiles(losAngeles, NYC_10001_CENTROID));
    expect(miles).toBeGreaterThan(2000);
    expect(result).toMatchObject({
      ok: true,
      resolved: { location: losAngeles, locationPrecision: 'exact' },
      warnings: [{ path: 'location', message: `is ${miles} miles from the centroid of zip 10001; check the coordinates` }],
    });
  });

  it(`does not warn about coordinates within ${FAR_FROM_ZIP_MILES} miles of the zip`, () => {
    const stamford = { lat: 41.0534, lon: -73.5387 };
    const philadelphia = { lat: 39.9526, lon: -75.1652 };
    expect(haversineMiles(stamford, NYC_10001_CENTROID)).toBeLessThan(FAR_FROM_ZIP_MILES);
    expect(haversineMiles(philadelphia, NYC_10001_CENTROID)).toBeGreaterThan(FAR_FROM_ZIP_MILES);
    const near = validateProgramRecord({ ...minimalRecord(), location: stamford }, asImport);
    const far = validateProgramRecord({ ...minimalRecord(), location: philadelphia }, asImport);
    expect(near.ok && near.warnings).toEqual([]);
    expect(far.ok && far.warnings.map((warning) => warning.path)).toEqual(['location']);
  });

  it('lets a provider submission leave out externalId, but not an import', () => {
    const { externalId: _externalId, ...submission } = minimalRecord();
    expect(validateProgramRecord(submission, asSubmission).ok).toBe(true);
    expect(errorsOf(submission, asImport)).toEqual([{ path: 'externalId', message: 'is required' }]);
  });
});

describe('validateProgramRecord: errors', () => {
  const withAddress = (address: Partial<ReturnType<typeof minimalRecord>['address']>) => ({
    ...minimalRecord(),
    address: { ...minimalRecord().address, ...address },
  });

  it('rejects a zip that is not five digits', () => {
    expect(errorsOf(withAddress({ zip: '1001' }))).toEqual([{ path: 'address.zip', message: 'must be 5 digits' }]);
  });

  it('rejects a zip the directory does not know', () => {
    expect(errorsOf(withAddress({ zip: '00000' }))).toEqual([
      { path: 'address.zip', message: '00000 is not a known US zip code' },
    ]);
  });

  it('rejects a state that is not the state of the zip, naming the right one', () => {
    expect(errorsOf(withAddress({ zip: '06708', city: 'Waterbury', state: 'NY' }))).toEqual([
      { path: 'address.state', message: 'must be CT, the state of zip 06708' },
    ]);
  });

  it('names each unrecognized field in its path, at any depth', () => {
    const input = { ...minimalRecord(), rating: 5, address: { ...minimalRecord().address, county: 'New York', unit: '4B' } };
    expect(errorsOf(input)).toEqual(
      expect.arrayContaining([
        { path: 'rating', message: 'is not a recognised field' },
        { path: 'address.county', message: 'is not a recognised field' },
        { path: 'address.unit', message: 'is not a recognised field' },
      ]),
    );
  });

  it('rejects a session that ends before it starts, pointing at that session', () => {
    const sessions = [
      { days: ['mon'], start: '09:00', end: '12:00' },
      { days: ['tue'], start: '18:00', end: '17:30' },
    ];
    expect(errorsOf({ ...minimalRecord(), sessions })).toEqual([
      { path: 'sessions.1.end', message: 'end must be after start' },
    ]);
  });

  it('rejects an insurance slug outside the vocabulary, listing the allowed ones', () => {
    const [error, ...rest] = errorsOf({ ...minimalRecord(), insurance: ['medicaid', 'bluecross'] });
    expect(rest).toEqual([]);
    expect(error?.path).toBe('insurance.1');
    expect(error?.message).toMatch(/^must be one of: medicaid, medicare, .*, sliding_scale, payment_assistance, ihs_tribal, free_care$/);
  });

  it('rejects a language that is not an ISO 639-1 code or sgn (sign language)', () => {
    expect(errorsOf({ ...minimalRecord(), languages: ['en', 'english'] })).toEqual([
      { path: 'languages.1', message: 'must be an ISO 639-1 code (e.g. en, es) or sgn (sign language)' },
    ]);
    expect(validateProgramRecord({ ...minimalRecord(), languages: ['sgn', 'es'] }, { requireExternalId: true, zips: zipDirectory }).ok).toBe(true);
  });

  it('checks the 1.1 fields: vocabularies, a service area only with virtual delivery, a US intake phone', () => {
    expect(errorsOf({ ...minimalRecord(), medications: ['methadone', 'ketamine'], populations: ['veterans'], gendersAccepted: ['female'], ownership: 'private_nonprofit' })).toEqual([
      { path: 'medications.1', message: expect.stringMatching(/^must be one of: methadone, buprenorphine/) },
    ]);
    expect(errorsOf({ ...minimalRecord(), ownership: 'charity' })[0]?.path).toBe('ownership');
    expect(errorsOf({ ...minimalRecord(), serviceArea: { states: ['VT'] } })).toEqual([
      { path: 'serviceArea', message: 'is for programs with virtual delivery: add virtual to delivery or leave serviceArea out' },
    ]);
    expect(errorsOf({ ...minimalRecord(), delivery: ['virtual'], serviceArea: { states: ['VT', 'XX'] } })[0]?.path).toBe('serviceArea.states.1');
    expect(errorsOf({ ...minimalRecord(), intakePhone: '800-HOPE' })).toEqual([{ path: 'intakePhone', message: 'must be a US phone number with 10 digits' }]);
  });

  it('rejects a phone number without ten digits', () => {
    expect(errorsOf({ ...minimalRecord(), phone: '555-0100' })).toEqual([
      { path: 'phone', message: 'must be a US phone number with 10 digits' },
    ]);
  });

  it('requires levelsOfCare, with at least one value', () => {
    const { levelsOfCare: _levelsOfCare, ...withoutLevels } = minimalRecord();
    expect(errorsOf(withoutLevels)).toEqual([{ path: 'levelsOfCare', message: 'is required' }]);
    expect(errorsOf({ ...minimalRecord(), levelsOfCare: [] })).toEqual([
      { path: 'levelsOfCare', message: 'must list at least one value' },
    ]);
  });

  it('words the checks zod words generically', () => {
    const input = { ...minimalRecord(), name: '   ', programLengthWeeks: { min: 2.5, max: 600 }, acceptingNewPatients: 'yes' };
    expect(errorsOf(input)).toEqual(
      expect.arrayContaining([
        { path: 'name', message: 'must not be empty' },
        { path: 'programLengthWeeks.min', message: 'must be an integer' },
        { path: 'programLengthWeeks.max', message: 'must be at most 520' },
        { path: 'acceptingNewPatients', message: 'must be a boolean' },
      ]),
    );
  });

  it('reports every schema problem at once', () => {
    const input = { ...withAddress({ zip: 'abcde' }), phone: '12', languages: ['xx'] };
    expect(errorsOf(input).map((error) => error.path).sort()).toEqual(['address.zip', 'languages.0', 'phone']);
  });

  it('rejects input that is not an object', () => {
    expect(errorsOf('a program')).toEqual([{ path: '', message: 'must be an object' }]);
    expect(errorsOf(null)).toEqual([{ path: '', message: 'must be an object' }]);
  });
});
