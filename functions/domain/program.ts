import ISO6391 from 'iso-639-1';
import { z } from 'zod';
import {
  ACCREDITATION_BODIES,
  AGE_GROUPS,
  CONDITIONS,
  DELIVERY_MODES,
  EXTRA_LANGUAGE_CODES,
  GENDERS,
  INSURANCE,
  LEVELS_OF_CARE,
  MEDICATIONS,
  OWNERSHIP,
  POPULATIONS,
  SERVICES,
  US_STATES,
  WEEKDAYS,
} from './vocabulary';
import { CANONICAL_TIME_ZONES, HTTP_URL_PATTERN, LANGUAGE_CODES, notBlank, uniqueList, US_PHONE_PATTERN } from './schema-patterns';

/** `HH:MM`, 24-hour clock. */
const TIME_OF_DAY = /^([01]\d|2[0-3]):[0-5]\d$/;
/** A source slug: lowercase words joined by hyphens or underscores. */
const SLUG = /^[a-z0-9]+(?:[-_][a-z0-9]+)*$/;

export function minutesOfDay(hhmm: string): number {
  const [hours, minutes] = hhmm.split(':').map(Number);
  return (hours ?? 0) * 60 + (minutes ?? 0);
}

function isIanaTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return name.includes('/') || name === 'UTC';
  } catch {
    return false;
  }
}

/** Ten digits once punctuation is removed, optionally a leading country code 1 and an extension. */
export function isUsPhone(value: string): boolean {
  const [main = '', ...extension] = value.split(/\s*(?:x|ext\.?)\s*/i);
  if (extension.length > 1 || (extension[0] !== undefined && !/^\d{1,6}$/.test(extension[0]))) return false;
  if (!/^[+\d\s().-]+$/.test(main)) return false;
  const digits = main.replace(/\D/g, '');
  return digits.length === 10 || (digits.length === 11 && digits.startsWith('1'));
}

/** ISO 639-1, or `sgn` for sign language services (contract 1.1). */
export function isLanguageCode(code: string): boolean {
  return ISO6391.validate(code) || (EXTRA_LANGUAGE_CODES as readonly string[]).includes(code);
}

const isoDate = z.iso.date({ message: 'must be an ISO date (YYYY-MM-DD)' });

export const stateSchema = z.enum(US_STATES, { message: 'must be a US state or territory code (e.g. VA)' });

export const addressSchema = z.strictObject({
  street1: notBlank(z.string().trim().min(1).max(200)),
  street2: z.string().trim().max(200).optional(),
  city: notBlank(z.string().trim().min(1).max(100)),
  state: stateSchema,
  zip: z.string().regex(/^\d{5}$/, { message: 'must be 5 digits' }),
});

/**
 * Less than a billionth of a degree (0.1 mm) from zero is zero: the search engine stores points to
 * 4e-8 degrees, and DynamoDB cannot store numbers below 1e-130 at all (a 5e-324 is a 500 otherwise).
 */
const degrees = (check: z.ZodNumber) => check.overwrite((value) => (Math.abs(value) < 1e-9 ? 0 : value));

export const geoPointSchema = z.strictObject({
  lat: degrees(z.number().min(-90).max(90)),
  lon: degrees(z.number().min(-180).max(180)),
});

export const licenseSchema = z.strictObject({
  state: stateSchema,
  number: notBlank(z.string().trim().min(1).max(100)).optional(),
  type: notBlank(z.string().trim().min(1).max(200)).optional(),
  issuer: notBlank(z.string().trim().min(1).max(200)).optional(),
  expiresOn: isoDate.optional(),
});

export const accreditationSchema = z.strictObject({
  body: z.enum(ACCREDITATION_BODIES),
  expiresOn: isoDate.optional(),
});

export const sessionSchema = z
  .strictObject({
    days: uniqueList(z.enum(WEEKDAYS)).min(1),
    start: z.string().regex(TIME_OF_DAY, { message: 'must be HH:MM (24-hour)' }),
    end: z.string().regex(TIME_OF_DAY, { message: 'must be HH:MM (24-hour)' }),
  })
  .refine((session) => minutesOfDay(session.end) > minutesOfDay(session.start), {
    message: 'end must be after start',
    path: ['end'],
  })
  .describe('One weekly meeting time in program-local time; end must be after start (same day)');

export const serviceAreaSchema = z.strictObject({
  states: uniqueList(stateSchema).min(1),
});

export const programLengthSchema = z
  .strictObject({
    min: z.number().int().min(1).max(520),
    max: z.number().int().min(1).max(520),
  })
  .refine((length) => length.max >= length.min, { message: 'max must not be less than min', path: ['max'] })
  .describe('Weeks, 1-520; max must not be less than min');

const usPhone = z
  .string()
  .trim()
  .regex(US_PHONE_PATTERN, { message: 'must be a US phone number with 10 digits' })
  .describe('A US phone number: 10 digits (or 11 starting with 1) among + ( ) . - and spaces, optionally an extension (x, ext or ext. and 1-6 digits)');

const programRecordObject = z.strictObject({
  externalId: notBlank(z.string().trim().min(1).max(200)).optional(),
  source: z.string().regex(SLUG, { message: 'must be a lowercase slug (e.g. ops-seed)' }).max(64).optional(),
  name: notBlank(z.string().trim().min(1).max(200)),
  organization: notBlank(z.string().trim().min(1).max(200)).optional(),
  description: z.string().trim().max(5000).optional(),
  phone: usPhone.optional(),
  website: z
    .url({ protocol: /^https?$/, message: 'must be an http(s) URL' })
    .max(2000)
    .meta({ pattern: HTTP_URL_PATTERN, description: 'An http(s) URL; the pattern describes the usual form (host name, optional port and path)' })
    .optional(),
  email: z.email({ message: 'must be an email address' }).optional(),
  address: addressSchema.describe('zip must be a known US zip code and state the state of that zip'),
  location: geoPointSchema.optional(),
  levelsOfCare: uniqueList(z.enum(LEVELS_OF_CARE)).min(1),
  conditions: uniqueList(z.enum(CONDITIONS)).optional(),
  services: uniqueList(z.enum(SERVICES)).optional(),
  ageGroups: uniqueList(z.enum(AGE_GROUPS)).optional(),
  languages: uniqueList(z.enum(LANGUAGE_CODES, { message: 'must be an ISO 639-1 code (e.g. en, es) or sgn (sign language)' })).optional(),
  delivery: uniqueList(z.enum(DELIVERY_MODES)).min(1),
  insurance: uniqueList(z.enum(INSURANCE)).optional(),
  licenses: z.array(licenseSchema).max(50).optional(),
  accreditations: z.array(accreditationSchema).max(20).optional(),
  sessions: z.array(sessionSchema).max(50).optional(),
  timezone: z
    .string()
    .refine(isIanaTimeZone, { message: 'must be an IANA time zone (e.g. America/New_York)' })
    .meta({ enum: CANONICAL_TIME_ZONES, description: 'An IANA time zone; the canonical names are listed, older aliases (US/Eastern) are accepted too. Derived from the address when absent' })
    .optional(),
  programLengthWeeks: programLengthSchema.optional(),
  acceptingNewPatients: z.boolean().optional(),
  medications: uniqueList(z.enum(MEDICATIONS)).optional(),
  populations: uniqueList(z.enum(POPULATIONS)).optional(),
  gendersAccepted: uniqueList(z.enum(GENDERS)).min(1).optional(),
  ownership: z.enum(OWNERSHIP).optional(),
  intakePhone: usPhone.optional(),
  serviceArea: serviceAreaSchema.optional(),
});

/** A service area is for programs with virtual delivery: checked, and stated in the document as `if`/`then`. */
function withServiceAreaRule<T extends z.ZodType<{ delivery: string[]; serviceArea?: unknown }>>(schema: T) {
  return schema
    .refine((record) => !record.serviceArea || record.delivery.includes('virtual'), {
      message: 'is for programs with virtual delivery: add virtual to delivery or leave serviceArea out',
      path: ['serviceArea'],
    })
    .meta({ if: { required: ['serviceArea'] }, then: { properties: { delivery: { contains: { const: 'virtual' } } } } });
}

/**
 * One treatment program at one location (contract section 1): the native import line, the
 * provider submission body and the core of every search result.
 */
export const programRecordSchema = withServiceAreaRule(programRecordObject);

/**
 * What a provider submits (POST and PUT /v1/listings): the record without `source` and
 * `externalId`, which the directory assigns to provider listings.
 */
export const programSubmissionSchema = withServiceAreaRule(programRecordObject.omit({ source: true, externalId: true }));

/**
 * On import the upsert key is required, and the importer may state the date of the source
 * edition (`dataAsOf`); providers cannot, the directory sets it on approval.
 */
export const importRecordSchema = programRecordSchema.safeExtend({
  externalId: z.string().trim().min(1).max(200),
  dataAsOf: isoDate.optional(),
});

export type ProgramRecord = z.infer<typeof programRecordSchema>;
export type ImportRecord = z.infer<typeof importRecordSchema>;
export type License = z.infer<typeof licenseSchema>;
export type Accreditation = z.infer<typeof accreditationSchema>;
export type Session = z.infer<typeof sessionSchema>;
export type GeoPoint = z.infer<typeof geoPointSchema>;
export type ServiceArea = z.infer<typeof serviceAreaSchema>;

export const PROGRAM_STATUSES = ['published', 'archived'] as const;
export type ProgramStatus = (typeof PROGRAM_STATUSES)[number];

/** Where a program's coordinates came from (kept for operations, not published). */
export type LocationSource = 'record' | 'reference' | 'geocoder' | 'zip';

/**
 * A licence a state's registry states for the program's address (contract 6b). Kept apart from
 * the record's own licences so a re-import of the program's source never drops it and a
 * re-import of the registry replaces only its own.
 */
export type RegistryLicense = License & { registry: string; number: string };

/** The source's latest word on a claimed program, kept beside the owner's version. */
export interface SourceStatement {
  record: ProgramRecord;
  dataAsOf?: string;
  contentHash: string;
  /** When an import last read it. */
  seenAt: string;
  /** Set when a full refresh (`--prune`) of the source no longer listed the program. */
  droppedAt?: string;
}

/**
 * A program as kept in the store: the validated record plus what the directory derives and
 * tracks. `version` grows by one with every committed change and orders changes in the index.
 */
export interface Program extends ProgramRecord {
  id: string;
  source: string;
  externalId: string;
  location: GeoPoint;
  locationPrecision: 'exact' | 'zip';
  locationSource?: LocationSource;
  timezone: string;
  /** The date of the source edition (imports) or of the approval (provider versions). */
  dataAsOf?: string;
  /** When a reviewer last approved it or its owner last confirmed it. */
  verifiedAt?: string;
  registryLicenses?: RegistryLicense[];
  /**
   * The provider listing that owns the program since a claim was approved: search serves its
   * approved version under this program's id, and imports of the source no longer change it.
   */
  ownedBy?: string;
  /** What the program's source said at its last import after the claim (contract 1.1, section 7). */
  sourceStatement?: SourceStatement;
  status: ProgramStatus;
  version: number;
  /** Hash of the submitted record: an unchanged re-import writes nothing. */
  contentHash: string;
  createdAt: string;
  updatedAt: string;
}

/**
 * The only fields the public ever sees of a program (search results, GET /v1/programs/{id}), in
 * the contract's order: a whitelist, so a field the directory adds for itself stays private
 * until it is named here.
 */
export const PUBLIC_PROGRAM_FIELDS = [
  'id',
  'source',
  'externalId',
  ...Object.keys(programRecordSchema.shape).filter((field) => field !== 'externalId' && field !== 'source'),
  'locationPrecision',
  'dataAsOf',
  'verifiedAt',
  'createdAt',
  'updatedAt',
] as const;

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

const NESTED_FIELD_ORDER: Record<string, readonly string[]> = {
  address: Object.keys(addressSchema.shape),
  location: ['lat', 'lon'],
  sessions: ['days', 'start', 'end'],
  licenses: Object.keys(licenseSchema.shape),
  accreditations: Object.keys(accreditationSchema.shape),
  programLengthWeeks: ['min', 'max'],
  serviceArea: ['states'],
};

/** Keys in the contract's order: stores hand maps back in their own order, people read these. */
function ordered<T extends object>(value: T, order: readonly string[]): T {
  const source = value as Record<string, unknown>;
  const keys = [...order.filter((key) => key in source), ...Object.keys(source).filter((key) => !order.includes(key))];
  return Object.fromEntries(keys.map((key) => [key, source[key]])) as T;
}

/**
 * The licences the directory states: the record's own, with a registry's licences in place of
 * the record's number-less claim of the kind the registry issues in its state (a registry's
 * numbered, dated licence says more than "licensed by the state agency").
 */
export function effectiveLicenses(program: Pick<Program, 'licenses' | 'registryLicenses'>): License[] | undefined {
  const fromRegistries = program.registryLicenses ?? [];
  if (fromRegistries.length === 0) return program.licenses;
  const superseded = (license: License) =>
    license.number === undefined && fromRegistries.some((registered) => registered.state === license.state && supersedes(registered.registry, license));
  const own = (program.licenses ?? []).filter((license) => !superseded(license));
  return [...own, ...fromRegistries.map(({ registry: _registry, ...license }) => license)];
}

/** Registry slug -> the number-less licence type its licences replace. */
const REGISTRY_SUPERSEDES: Record<string, string> = {
  'ca-dhcs': 'state_substance_use_agency',
};

function supersedes(registry: string, license: License): boolean {
  return REGISTRY_SUPERSEDES[registry] === license.type;
}

export function toPublicProgram(program: Program): PublicProgram {
  const licenses = effectiveLicenses(program);
  const withDate = {
    ...program,
    licenses,
    // Stored before dataAsOf existed: the last write is when the directory last took the source's word.
    dataAsOf: program.dataAsOf ?? program.updatedAt.slice(0, 10),
  } as Record<string, unknown>;
  const visible = Object.fromEntries(
    PUBLIC_PROGRAM_FIELDS.filter((field) => withDate[field] !== undefined).map((field) => [field, withDate[field]]),
  );
  return inContractOrder(visible as PublicProgram);
}

/** The same program with its fields (and nested ones) in the order the contract lists them. */
export function inContractOrder<T extends PublicProgram>(program: T): T {
  const result = ordered(program, PUBLIC_PROGRAM_FIELDS) as Record<string, unknown>;
  for (const [field, order] of Object.entries(NESTED_FIELD_ORDER)) {
    const value = result[field];
    if (Array.isArray(value)) result[field] = value.map((item: object) => ordered(item, order));
    else if (value && typeof value === 'object') result[field] = ordered(value, order);
  }
  return result as T;
}
