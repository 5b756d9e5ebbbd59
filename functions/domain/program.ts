import { z } from 'zod';
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
  US_STATES,
  WEEKDAYS,
} from './vocabulary';
import { LANGUAGE_CODES } from './language-codes';
import { minutesOfDay } from './time-of-day';
import {
  CANONICAL_TIME_ZONES,
  documentedAs,
  HTTP_URL_PATTERN,
  notBlank,
  SERVED_HTTP_URL_PATTERN,
  SERVED_TIME_ZONE_PATTERN,
  uniqueList,
  US_PHONE_PATTERN,
} from './schema-patterns';

/** `HH:MM`, 24-hour clock. */
const TIME_OF_DAY = /^([01]\d|2[0-3]):[0-5]\d$/;
/** A source slug: lowercase words joined by hyphens or underscores. */
const SLUG = /^[a-z0-9]+(?:[-_][a-z0-9]+)*$/;

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
  website: documentedAs(z.url({ protocol: /^https?$/, message: 'must be an http(s) URL' }).max(2000), {
    request: { pattern: HTTP_URL_PATTERN, description: 'An http(s) URL; the pattern describes the usual form (host name, optional port and path)' },
    // Imports and providers may have sent any URL the validator takes: `format: uri` (RFC 3986) would refuse some.
    response: {
      format: undefined,
      pattern: SERVED_HTTP_URL_PATTERN,
      description: 'An http(s) URL as accepted (trimmed): usually a host name and a path, but any form a browser reads (a query without a path, an IP or non-ASCII host) may be served',
    },
  }).optional(),
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
  timezone: documentedAs(z.string().refine(isIanaTimeZone, { message: 'must be an IANA time zone (e.g. America/New_York)' }), {
    request: { enum: CANONICAL_TIME_ZONES, description: 'An IANA time zone; the canonical names are listed, older aliases (US/Eastern) are accepted too. Derived from the address when absent' },
    response: {
      pattern: SERVED_TIME_ZONE_PATTERN,
      description: 'An IANA time zone as sent (older aliases such as US/Eastern included) or, when none was sent, the zip\'s (e.g. America/Indiana/Indianapolis)',
    },
  }).optional(),
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
