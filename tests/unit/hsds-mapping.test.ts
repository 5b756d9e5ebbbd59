import { describe, expect, it } from 'vitest';
import { hsdsTaxonomies, hsdsTaxonomyTerms, programToHsds, standardUtcOffsetHours, uuidV5, type HsdsEntity } from '../../functions/domain/hsds';
import type { HsdsSection } from '../../functions/domain/hsds';
import { createHsdsValidator } from '../../ops/validate-hsds';
import { makeProgram } from '../support/program-fixtures';

const validator = createHsdsValidator();

const fullProgram = makeProgram('hsds-unit', 'full', {
  organization: 'Acme  Health',
  description: 'Evening IOP for adolescents and young adults.',
  phone: '(555) 123-4567 x12',
  website: 'https://acme.example/iop',
  email: 'intake@acme.example',
  address: { street1: '1 Main St', street2: 'Suite 2', city: 'Cheyenne', state: 'WY', zip: '82001' },
  levelsOfCare: ['iop', 'php'],
  conditions: ['substance_use'],
  ageGroups: ['adolescents', 'young_adults'],
  languages: ['en', 'es'],
  insurance: ['medicaid', 'bcbs'],
  licenses: [{ state: 'WY', number: 'BH-12', type: 'Behavioral health', issuer: 'WDH', expiresOn: '2027-01-01' }],
  accreditations: [{ body: 'carf' }],
  sessions: [
    { days: ['wed', 'mon'], start: '18:00', end: '21:00' },
    { days: ['sat'], start: '09:00', end: '12:00' },
  ],
  programLengthWeeks: { min: 6, max: 12 },
  acceptingNewPatients: true,
});

function errorsOf(section: HsdsSection, entity: HsdsEntity) {
  return validator(section, entity, 0);
}

describe('HSDS mapping', () => {
  it('derives RFC 4122 version-5 UUIDs', () => {
    // The RFC's own example: "www.example.com" in the DNS namespace.
    expect(uuidV5('www.example.com', '6ba7b810-9dad-11d1-80b4-00c04fd430c8')).toBe('2ed6657d-e927-568b-95e1-2665a8aea6a2');
  });

  it('maps sessions to weekly schedules in local time with the standard UTC offset', () => {
    const { schedules, serviceAtLocation, service } = programToHsds(fullProgram);
    expect(schedules).toHaveLength(2);
    expect(schedules[0]).toMatchObject({
      freq: 'WEEKLY',
      byday: 'MO,WE',
      opens_at: '18:00',
      closes_at: '21:00',
      timezone: -7,
      service_id: service.id,
      service_at_location_id: serviceAtLocation.id,
    });
    expect(standardUtcOffsetHours('America/New_York')).toBe(-5);
    expect(standardUtcOffsetHours('Pacific/Honolulu')).toBe(-10);
  });

  it('fills the service from the record: contact, eligibility, languages, licences and vocabulary attributes', () => {
    const { service, location, organization } = programToHsds(fullProgram);
    expect(service).toMatchObject({
      name: fullProgram.name,
      status: 'active',
      url: 'https://acme.example/iop',
      email: 'intake@acme.example',
      minimum_age: 12,
      maximum_age: 25,
      phones: [{ number: '(555) 123-4567', extension: 12 }],
      languages: [{ code: 'en', name: 'English' }, { code: 'es', name: 'Spanish' }],
    });
    expect(service.licenses).toContain('BH-12');
    const attributes = service.attributes as { link_type: string; value: string }[];
    expect(attributes.filter((a) => a.link_type === 'insurance').map((a) => a.value)).toEqual(['medicaid', 'bcbs']);
    expect(attributes.filter((a) => a.link_type === 'level_of_care').map((a) => a.value)).toEqual(['iop', 'php']);
    expect(location).toMatchObject({ latitude: fullProgram.location.lat, longitude: fullProgram.location.lon, addresses: [{ address_1: '1 Main St', address_2: 'Suite 2', state_province: 'WY', postal_code: '82001', country: 'US' }] });
    expect(organization.name).toBe('Acme  Health');
  });

  it('merges organizations by name and gives a program without one its own', () => {
    const sibling = makeProgram('hsds-unit', 'sibling', { organization: 'acme health' });
    expect(programToHsds(sibling).organization.id).toBe(programToHsds(fullProgram).organization.id);
    const alone = makeProgram('hsds-unit', 'alone');
    const other = makeProgram('hsds-unit', 'other');
    expect(programToHsds(alone).organization.id).not.toBe(programToHsds(other).organization.id);
    expect(programToHsds(alone).organization.name).toBe(alone.name);
  });

  it('keeps schedule ids when sessions are reordered', () => {
    const reordered = { ...fullProgram, sessions: [...(fullProgram.sessions ?? [])].reverse() };
    const ids = (program: typeof fullProgram) => programToHsds(program).schedules.map((schedule) => schedule.id).sort();
    expect(ids(reordered)).toEqual(ids(fullProgram));
  });

  it('produces entities the official HSDS 3.0 schemas accept, for a full, a minimal and an oddly linked program', () => {
    // A URL the record schema accepts but RFC 3986 does not, as some imported sites have.
    const spaced = makeProgram('hsds-unit', 'spaced', { website: 'https://clinic.example/our programs' });
    for (const program of [fullProgram, makeProgram('hsds-unit', 'minimal'), spaced]) {
      const entities = programToHsds(program);
      expect(errorsOf('organizations', entities.organization)).toEqual([]);
      expect(errorsOf('services', entities.service)).toEqual([]);
      expect(errorsOf('locations', entities.location)).toEqual([]);
      expect(errorsOf('service_at_locations', entities.serviceAtLocation)).toEqual([]);
      for (const schedule of entities.schedules) expect(errorsOf('schedules', schedule)).toEqual([]);
    }
    for (const taxonomy of hsdsTaxonomies()) expect(errorsOf('taxonomies', taxonomy)).toEqual([]);
    for (const term of hsdsTaxonomyTerms()) expect(errorsOf('taxonomy_terms', term)).toEqual([]);
  });

  it('reports schema violations with their paths', () => {
    const [schedule] = programToHsds(fullProgram).schedules;
    const errors = validator('schedules', { ...schedule, timezone: 'America/Denver', freq: 'DAILY' }, 3);
    expect(errors.map((error) => error.path).sort()).toEqual(['/freq', '/timezone']);
    expect(errors[0]).toMatchObject({ section: 'schedules', index: 3, entityId: schedule?.id });
  });
});
