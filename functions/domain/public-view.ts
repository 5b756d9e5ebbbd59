import { effectiveLicenses } from './effective-licenses';
import type { GeoPoint, Program, ProgramRecord } from './program';

/**
 * What leaves the directory of a program, as lists of allowed fields: a field the directory adds
 * for itself (a version, a hash, where a location came from, an owner) stays private until it is
 * named here, whatever the store or the index hands back. Search results, GET /v1/programs/{id},
 * the HSDS export, the OpenAPI document's Program and the listing views all read these lists; the record fields are
 * checked against the record's schema by tests/unit/public-view.test.ts.
 */

/** The fields of a record (what an import line or a provider states), in the contract's order. */
export const RECORD_FIELDS = [
  'externalId',
  'source',
  'name',
  'organization',
  'description',
  'phone',
  'website',
  'email',
  'address',
  'location',
  'levelsOfCare',
  'conditions',
  'services',
  'ageGroups',
  'languages',
  'delivery',
  'insurance',
  'licenses',
  'accreditations',
  'sessions',
  'timezone',
  'programLengthWeeks',
  'acceptingNewPatients',
  'medications',
  'populations',
  'gendersAccepted',
  'ownership',
  'intakePhone',
  'serviceArea',
] as const satisfies readonly (keyof ProgramRecord)[];

/**
 * The record fields of a listing's versions, what owners and reviewers see of them (the listing
 * view's `current` and `pending`): what a provider states, as the directory assigns `source` and
 * `externalId`.
 */
export const LISTING_RECORD_FIELDS = RECORD_FIELDS.filter((field) => field !== 'externalId' && field !== 'source');

/** The only fields the public sees of a program, in the contract's order: its identity, its record, then the directory's dates. */
export const PUBLIC_PROGRAM_FIELDS = [
  'id',
  'source',
  'externalId',
  ...LISTING_RECORD_FIELDS,
  'locationPrecision',
  'dataAsOf',
  'verifiedAt',
  'createdAt',
  'updatedAt',
] as const satisfies readonly (keyof Program)[];

/** The order of the fields inside the record's objects: the whole of what each may hold. */
export const NESTED_FIELDS: Readonly<Record<string, readonly string[]>> = {
  address: ['street1', 'street2', 'city', 'state', 'zip'],
  location: ['lat', 'lon'],
  sessions: ['days', 'start', 'end'],
  licenses: ['state', 'number', 'type', 'issuer', 'expiresOn'],
  accreditations: ['body', 'expiresOn'],
  programLengthWeeks: ['min', 'max'],
  serviceArea: ['states'],
};

/** What the public sees of a program (search results and GET /v1/programs/{id}). */
export type PublicProgram = ProgramRecord & {
  id: string;
  source: string;
  externalId: string;
  location: GeoPoint;
  locationPrecision: 'exact' | 'zip';
  timezone: string;
  dataAsOf: string;
  verifiedAt?: string;
  createdAt: string;
  updatedAt: string;
};

/** Only the allowed keys, in the allowed order. */
function allowed<T extends object>(value: T, fields: readonly string[]): T {
  const source = value as Record<string, unknown>;
  return Object.fromEntries(fields.filter((field) => source[field] !== undefined).map((field) => [field, source[field]])) as T;
}

/**
 * A program's public view: the allowed fields, nested ones included, in the contract's order
 * (stores and the search engine hand maps back in their own order; people read these). Applied
 * to what the index returns as well as to what is indexed, so a document indexed before a field
 * left the list does not publish it either.
 */
export function publicProgramView<T extends PublicProgram>(program: T): PublicProgram {
  const result = allowed(program, PUBLIC_PROGRAM_FIELDS) as Record<string, unknown>;
  for (const [field, nested] of Object.entries(NESTED_FIELDS)) {
    const value = result[field];
    if (Array.isArray(value)) result[field] = value.map((item: object) => allowed(item, nested));
    else if (value && typeof value === 'object') result[field] = allowed(value, nested);
  }
  return result as PublicProgram;
}

/** What the public sees of a stored program: registry licences merged in, every program dated. */
export function toPublicProgram(program: Program): PublicProgram {
  return publicProgramView({
    ...program,
    licenses: effectiveLicenses(program),
    // Stored before dataAsOf existed: the last write is when the directory last took the source's word.
    dataAsOf: program.dataAsOf ?? program.updatedAt.slice(0, 10),
  });
}
