import { describe, expect, it } from 'vitest';
import { programToHsds } from '../../functions/adapters/hsds/hsds-program';
import { accreditationSchema, addressSchema, licenseSchema, programRecordSchema, type Program } from '../../functions/domain/program';
import { recordOf } from '../../functions/domain/listing';
import { LISTING_RECORD_FIELDS, NESTED_FIELDS, PUBLIC_PROGRAM_FIELDS, publicProgramView, RECORD_FIELDS, toPublicProgram, type PublicProgram } from '../../functions/domain/public-view';
import { buildOpenApiDocument } from '../../functions/http/openapi-document';

/**
 * A stored program with every field the store keeps set, the directory's own bookkeeping included.
 * `Required<Program>`: a field added to Program does not compile here until it is set, so this
 * test sees it, and fails below unless it is on the public list or stays out of every response.
 */
const stored: Required<Program> = {
  id: 'a1b2c3d4e5f6a1b2c3d4e5f6',
  source: 'fictional-source',
  externalId: 'ext-1',
  name: 'Fictional Lakeside IOP',
  organization: 'Fictional Health Group',
  description: 'An invented program for tests.',
  phone: '802-555-0100',
  website: 'https://example.org/lakeside',
  email: 'intake@example.org',
  address: { street1: '1 Fictional Way', street2: 'Suite 2', city: 'Burlington', state: 'VT', zip: '05401' },
  location: { lat: 44.48, lon: -73.21 },
  levelsOfCare: ['iop'],
  conditions: ['substance_use'],
  services: ['group_therapy'],
  ageGroups: ['adults'],
  languages: ['en'],
  delivery: ['in_person', 'virtual'],
  insurance: ['medicaid'],
  licenses: [{ state: 'VT', number: 'L-1', type: 'state_department_of_health', issuer: 'Fictional Board', expiresOn: '2030-01-01' }],
  accreditations: [{ body: 'carf', expiresOn: '2030-01-01' }],
  sessions: [{ days: ['mon'], start: '18:00', end: '21:00' }],
  timezone: 'America/New_York',
  programLengthWeeks: { min: 4, max: 12 },
  acceptingNewPatients: true,
  medications: ['naltrexone'],
  populations: ['veterans'],
  gendersAccepted: ['female', 'male'],
  ownership: 'private_nonprofit',
  intakePhone: '802-555-0101',
  serviceArea: { states: ['VT'] },
  locationPrecision: 'exact',
  locationSource: 'geocoder',
  dataAsOf: '2026-06-01',
  verifiedAt: '2026-06-02T00:00:00.000Z',
  registryLicenses: [{ registry: 'fictional-registry', state: 'VT', number: 'R-1' }],
  ownedBy: 'lst_00000000000000000000',
  sourceStatement: { record: { name: 'Old name' } as never, contentHash: 'statement-hash', seenAt: '2026-06-03T00:00:00.000Z' },
  status: 'published',
  version: 7,
  contentHash: 'internal-content-hash',
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-06-02T00:00:00.000Z',
};

const INTERNAL_FIELDS = Object.keys(stored).filter((field) => !(PUBLIC_PROGRAM_FIELDS as readonly string[]).includes(field));

describe('the public program view', () => {
  it('is exactly the listed fields, in their order, of a stored program with every field set', () => {
    expect(Object.keys(toPublicProgram(stored))).toEqual([...PUBLIC_PROGRAM_FIELDS]);
    // What the list leaves out is the directory's own: guard against a field slipping onto it unnoticed.
    expect(INTERNAL_FIELDS.sort()).toEqual(['contentHash', 'locationSource', 'ownedBy', 'registryLicenses', 'sourceStatement', 'status', 'version']);
  });

  it('drops fields it does not list from what the index hands back, nested ones included', () => {
    const indexed = {
      ...toPublicProgram(stored),
      version: 7,
      contentHash: 'internal-content-hash',
      address: { ...stored.address, geocoderScore: 0.9 },
      sessions: [{ days: ['mon'], start: '18:00', end: '21:00', internalNote: 'x' }],
    } as unknown as PublicProgram;
    const visible = publicProgramView(indexed);
    expect(Object.keys(visible)).toEqual([...PUBLIC_PROGRAM_FIELDS]);
    expect(Object.keys(visible.address)).toEqual(NESTED_FIELDS.address);
    expect(Object.keys(visible.sessions![0]!)).toEqual(NESTED_FIELDS.sessions);
  });

  it('lists exactly the fields of the record schema, and of its nested objects', () => {
    expect([...RECORD_FIELDS]).toEqual(Object.keys(programRecordSchema.shape));
    expect(NESTED_FIELDS.address).toEqual(Object.keys(addressSchema.shape));
    expect(NESTED_FIELDS.licenses).toEqual(Object.keys(licenseSchema.shape));
    expect(NESTED_FIELDS.accreditations).toEqual(Object.keys(accreditationSchema.shape));
  });

  it('is what the OpenAPI document publishes as Program', () => {
    const document = buildOpenApiDocument() as { components: { schemas: Record<string, { properties: Record<string, unknown> }> } };
    expect(Object.keys(document.components.schemas.Program!.properties).sort()).toEqual([...PUBLIC_PROGRAM_FIELDS].sort());
  });

  it("is, as a listing's versions, only the record a provider states", () => {
    expect(Object.keys(recordOf(stored)!).sort()).toEqual([...LISTING_RECORD_FIELDS].sort());
    expect(recordOf({ ...stored, locationPrecision: 'zip' })).not.toHaveProperty('location');
  });

  it('is all the HSDS export reads: no internal value reaches it', () => {
    const exported = JSON.stringify(programToHsds(stored));
    for (const secret of ['internal-content-hash', 'statement-hash', 'lst_00000000000000000000', 'fictional-registry', 'Old name']) {
      expect(exported, secret).not.toContain(secret);
    }
  });
});
