import { describe, expect, it } from 'vitest';
import { uuidV5, type HsdsEntity, type HsdsSection } from '../../functions/adapters/hsds/hsds-ids';
import { isExportable, programToHsds } from '../../functions/adapters/hsds/hsds-program';
import { standardUtcOffsetHours } from '../../functions/adapters/hsds/hsds-schedules';
import { hsdsTaxonomies, hsdsTaxonomyTerms } from '../../functions/adapters/hsds/hsds-taxonomy';
import type { Program } from '../../functions/domain/program';
import { GENDERS, INSURANCE, MEDICATIONS, OWNERSHIP, POPULATIONS, SERVICES } from '../../functions/domain/vocabulary';
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

/** A program with every record 1.1 field (contract section 5), unnamed so its organization is its own. */
const program11 = makeProgram('hsds-unit', 'v11', {
  phone: '307-555-0100',
  intakePhone: '(307) 555-0199 ext. 4',
  delivery: ['in_person', 'virtual'],
  serviceArea: { states: ['WY', 'MT'] },
  services: ['group_therapy', 'peer_support', 'opioid_treatment_program'],
  insurance: ['medicaid', 'ihs_tribal', 'free_care'],
  languages: ['es', 'sgn'],
  medications: ['methadone', 'buprenorphine'],
  populations: ['veterans', 'pregnant_postpartum'],
  gendersAccepted: ['female'],
  ownership: 'tribal',
  ageGroups: ['adults'],
  dataAsOf: '2025-10-01',
  verifiedAt: '2026-02-03T16:45:00.000Z',
  licenses: [{ state: 'CA', type: 'state_substance_use_agency' }],
  registryLicenses: [{ registry: 'ca-dhcs', state: 'CA', number: '300999AP', type: 'state_substance_use_agency', expiresOn: '2027-06-30' }],
});

type Attribute = { link_type: string; value: string; taxonomy_term_id: string; link_entity: string; link_id: string };
const attributesOf = (service: HsdsEntity, linkType: string) =>
  ((service.attributes ?? []) as Attribute[]).filter((a) => a.link_type === linkType).map((a) => a.value);

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
    for (const program of [fullProgram, makeProgram('hsds-unit', 'minimal'), spaced, program11, { ...program11, organization: 'Acme Health' }]) {
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

  it('maps the record 1.1 fields to their HSDS places', () => {
    const { service, organization } = programToHsds(program11);
    expect(service.phones).toEqual([
      { id: uuidV5(`phone:${program11.id}`), service_id: service.id, number: '307-555-0100', type: 'voice' },
      { id: uuidV5(`phone:${program11.id}:intake`), service_id: service.id, number: '(307) 555-0199', extension: 4, type: 'voice', description: 'Intake' },
    ]);
    expect(service.service_areas).toEqual([
      expect.objectContaining({ service_id: service.id, name: 'Wyoming', description: expect.stringContaining('(WY, US)') }),
      expect.objectContaining({ service_id: service.id, name: 'Montana' }),
    ]);
    expect(service.languages).toEqual([
      expect.objectContaining({ code: 'es', name: 'Spanish' }),
      { id: uuidV5(`language:${program11.id}:sgn`), service_id: service.id, name: 'Sign language', note: expect.stringContaining('which sign language is not stated') },
    ]);
    expect(attributesOf(service, 'medication')).toEqual(['methadone', 'buprenorphine']);
    expect(attributesOf(service, 'population')).toEqual(['veterans', 'pregnant_postpartum']);
    expect(attributesOf(service, 'gender')).toEqual(['female']);
    expect(attributesOf(service, 'ownership')).toEqual(['tribal']);
    expect(attributesOf(service, 'treatment_service')).toEqual(['group_therapy', 'peer_support', 'opioid_treatment_program']);
    expect(attributesOf(service, 'insurance')).toEqual(['medicaid', 'ihs_tribal', 'free_care']);
    expect(service.eligibility_description).toBe('Age groups served: Adults. Genders accepted: Female.');
    expect(service.fees_description).toBe('Accepts: Medicaid, IHS/Tribal/Urban (ITU) funds, No payment accepted (free of charge).');
    expect(organization.legal_status).toBe('Tribal government');
    expect(service.assured_date).toBe('2026-02-03');
    expect(service.last_modified).toBe(program11.updatedAt);
    expect(service.metadata).toEqual([
      {
        id: uuidV5(`metadata:${program11.id}:source`),
        resource_id: service.id,
        resource_type: 'service',
        last_action_date: '2025-10-01',
        last_action_type: 'imported from source',
        field_name: 'source',
        previous_value: '',
        replacement_value: 'hsds-unit',
        updated_by: 'hsds-unit',
      },
    ]);
    // Effective licences: the registry's numbered licence replaces the number-less claim it issues.
    expect(service.licenses).toBe('CA state_substance_use_agency #300999AP (expires 2027-06-30)');
    // Every attribute points at a term the export publishes.
    const termIds = new Set(hsdsTaxonomyTerms().map((term) => term.id));
    for (const attribute of service.attributes as Attribute[]) {
      expect(termIds.has(attribute.taxonomy_term_id), `${attribute.link_type}:${attribute.value}`).toBe(true);
      expect(attribute).toMatchObject({ link_entity: 'service', link_id: service.id });
    }
  });

  it('states nothing the source did not: absent 1.1 fields produce no attribute, phone, area, date or status', () => {
    const minimal = makeProgram('hsds-unit', 'minimal-11', { phone: '307-555-0100' });
    const { service, organization } = programToHsds(minimal);
    for (const linkType of ['medication', 'population', 'gender', 'ownership', 'treatment_service', 'insurance', 'condition', 'age_group']) {
      expect(attributesOf(service, linkType), linkType).toEqual([]);
    }
    expect(service.phones).toEqual([{ id: uuidV5(`phone:${minimal.id}`), service_id: service.id, number: '307-555-0100', type: 'voice' }]);
    for (const field of ['service_areas', 'languages', 'assured_date', 'eligibility_description', 'minimum_age', 'maximum_age', 'fees_description', 'licenses']) {
      expect(service, field).not.toHaveProperty(field);
    }
    expect(organization).not.toHaveProperty('legal_status');
    // No intake line and no main number: no phones at all.
    expect(programToHsds(makeProgram('hsds-unit', 'silent')).service).not.toHaveProperty('phones');
    // Stored before dataAsOf existed: as the public API does, the last write's date.
    expect(service.metadata).toEqual([expect.objectContaining({ last_action_date: minimal.updatedAt.slice(0, 10), replacement_value: 'hsds-unit', updated_by: 'hsds-unit' })]);
  });

  it('lists an intake line that is the main number once, and says so', () => {
    const same = makeProgram('hsds-unit', 'same-phone', { phone: '307-555-0100', intakePhone: '+1 (307) 555-0100' });
    expect(programToHsds(same).service.phones).toEqual([expect.objectContaining({ number: '307-555-0100', description: 'Main and intake line' })]);
  });

  it("keeps ownership off a shared organization: it is one program's, not every program's of that name", () => {
    const named = programToHsds({ ...program11, organization: 'Acme Health' });
    expect(named.organization).not.toHaveProperty('legal_status');
    expect(attributesOf(named.service, 'ownership')).toEqual(['tribal']);
  });

  it('says which source every service came from: a provider listing as approved on its dataAsOf', () => {
    const listing: Program = { ...makeProgram('provider', 'lst_1', { dataAsOf: '2026-03-01', verifiedAt: '2026-03-01T10:00:00.000Z' }), id: 'lst_1' };
    const { service } = programToHsds(listing);
    expect(service.metadata).toEqual([
      expect.objectContaining({ resource_id: service.id, last_action_date: '2026-03-01', last_action_type: 'provider listing approved', replacement_value: 'provider', updated_by: 'provider' }),
    ]);
    expect(service.assured_date).toBe('2026-03-01');
  });

  it('never exports what the directory keeps for itself', () => {
    const stored = { ...program11, locationSource: 'geocoder' as const, contentHash: 'secret-hash' };
    const text = JSON.stringify(programToHsds(stored));
    expect(text).not.toContain('secret-hash');
    expect(text).not.toContain('geocoder');
    expect(text).not.toContain('ca-dhcs');
  });

  it('skips stored items too broken to map, including ones without a source or a last write', () => {
    expect(isExportable(program11)).toBe(true);
    const { source: _source, ...noSource } = program11;
    const { updatedAt: _updatedAt, ...noUpdatedAt } = program11;
    expect(isExportable(noSource as Program)).toBe(false);
    expect(isExportable(noUpdatedAt as Program)).toBe(false);
  });

  it('publishes a taxonomy term for every value of the 1.1 vocabularies', () => {
    const codes = new Set(hsdsTaxonomyTerms().map((term) => term.code));
    const expected = [
      ...MEDICATIONS.map((value) => `medication:${value}`),
      ...POPULATIONS.map((value) => `population:${value}`),
      ...GENDERS.map((value) => `gender:${value}`),
      ...OWNERSHIP.map((value) => `ownership:${value}`),
      ...SERVICES.map((value) => `treatment_service:${value}`),
      ...INSURANCE.map((value) => `insurance:${value}`),
    ];
    for (const code of expected) expect(codes.has(code), code).toBe(true);
    const ids = hsdsTaxonomyTerms().map((term) => term.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('reports schema violations with their paths', () => {
    const [schedule] = programToHsds(fullProgram).schedules;
    const errors = validator('schedules', { ...schedule, timezone: 'America/Denver', freq: 'DAILY' }, 3);
    expect(errors.map((error) => error.path).sort()).toEqual(['/freq', '/timezone']);
    expect(errors[0]).toMatchObject({ section: 'schedules', index: 3, entityId: schedule?.id });
  });
});
