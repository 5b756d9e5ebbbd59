import * as z from 'zod/mini';
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
  SESSION_TIMES,
  US_STATES,
  WEEKDAYS,
} from './vocabulary';
import { isLanguageCode, LANGUAGE_CODES } from './language-codes';
import { commaList, DECIMAL_TEXT, decimalParameter, integerParameter, listOf, withForm } from './query-values';
import { notBlank } from './schema-patterns';

/** The codes the record accepts: ISO 639-1, or `sgn` for sign language services. */
const languageList = commaList<string>(
  z.enum(LANGUAGE_CODES),
  isLanguageCode,
  (unknown) => `not ISO 639-1 codes (or sgn for sign language): ${unknown.join(', ')}`,
);

const flag = z.pipe(
  z.enum(['true', 'false'], { message: "must be 'true' or 'false'" }),
  z.transform((value: 'true' | 'false') => value === 'true'),
);

const longitude = { type: 'number', minimum: -180, maximum: 180 };
const latitude = { type: 'number', minimum: -90, maximum: 90 };

/** `west,south,east,north` in degrees; west > east is a box across the antimeridian. */
const boundingBox = withForm(
  z.pipe(
    z.string(),
    z.transform((raw: string, context) => {
      const parts = raw.split(',').map((part) => part.trim());
      if (parts.length !== 4 || parts.some((part) => !DECIMAL_TEXT.test(part))) {
        context.issues.push({ code: 'custom', message: 'must be west,south,east,north: four numbers in degrees', input: raw });
        return z.NEVER;
      }
      const [west, south, east, north] = parts.map(Number) as [number, number, number, number];
      const problems: string[] = [];
      if (Math.abs(west) > 180 || Math.abs(east) > 180) problems.push('west and east must be between -180 and 180');
      if (Math.abs(south) > 90 || Math.abs(north) > 90) problems.push('south and north must be between -90 and 90');
      if (south > north) problems.push('south must not be greater than north');
      for (const message of problems) context.issues.push({ code: 'custom', message, input: raw });
      return problems.length > 0 ? z.NEVER : { west, south, east, north };
    }),
  ),
  {
    read: 'tuple',
    jsonSchema: {
      type: 'array',
      prefixItems: [longitude, latitude, longitude, latitude],
      items: false,
      minItems: 4,
      maxItems: 4,
    },
  },
);

const timeOfDay = z.string().check(z.regex(/^([01]\d|2[0-3]):[0-5]\d$/, { message: 'must be HH:MM (24-hour)' }));

/**
 * The query string of `GET /v1/programs` (contract section 2). Unknown parameters are rejected
 * so a misspelt filter fails loudly instead of silently matching everything.
 */
export const searchQuerySchema = z
  .strictObject({
    zip: z.optional(z.string().check(z.regex(/^\d{5}$/, { message: 'must be 5 digits' }))),
    lat: z.optional(decimalParameter(z.number().check(z.gte(-90), z.lte(90)))),
    lon: z.optional(decimalParameter(z.number().check(z.gte(-180), z.lte(180)))),
    near: z.optional(notBlank(z.string().check(z.trim(), z.minLength(1, { message: 'must name a place' }), z.maxLength(100, { message: 'must be at most 100 characters' })))),
    radius: z.optional(decimalParameter(z.number().check(z.gt(0, { message: 'must be greater than 0' }), z.lte(500, { message: 'must be at most 500' })))),
    q: z.optional(notBlank(z.string().check(z.trim(), z.minLength(1), z.maxLength(200)))),
    levelOfCare: z.optional(listOf(LEVELS_OF_CARE)),
    condition: z.optional(listOf(CONDITIONS)),
    service: z.optional(listOf(SERVICES)),
    ageGroup: z.optional(listOf(AGE_GROUPS)),
    language: z.optional(languageList),
    delivery: z.optional(listOf(DELIVERY_MODES)),
    insurance: z.optional(listOf(INSURANCE)),
    accreditation: z.optional(listOf(ACCREDITATION_BODIES)),
    licensed: z.optional(flag),
    licenseState: z.optional(listOf(US_STATES)),
    sessionTime: z.optional(listOf(SESSION_TIMES)),
    day: z.optional(listOf(WEEKDAYS)),
    startAfter: z.optional(timeOfDay),
    endBefore: z.optional(timeOfDay),
    acceptingNewPatients: z.optional(flag),
    verifiedSince: z.optional(z.iso.date({ message: 'must be a date (YYYY-MM-DD)' })),
    medication: z.optional(listOf(MEDICATIONS)),
    population: z.optional(listOf(POPULATIONS)),
    gender: z.optional(listOf(GENDERS)),
    ownership: z.optional(listOf(OWNERSHIP)),
    state: z.optional(listOf(US_STATES)),
    bbox: z.optional(boundingBox),
    clusters: z.optional(integerParameter(z.number().check(z.int(), z.gte(0), z.lte(20, { message: 'must be a map zoom, 0-20' })))),
    bounds: z.optional(flag),
    reach: z.optional(z.enum(['state'], { message: "must be 'state'" })),
    sort: z.optional(z.enum(['distance', 'name', 'relevance'])),
    limit: z.optional(integerParameter(z.number().check(z.int(), z.gte(1, { message: 'must be at least 1' }), z.lte(100, { message: 'must be at most 100' })))),
    cursor: z.optional(z.string().check(z.minLength(1), z.maxLength(2000))),
  })
  .check(
    z.superRefine((query, context) => {
      if (query.zip !== undefined && (query.lat !== undefined || query.lon !== undefined)) {
        context.addIssue({ code: 'custom', path: ['zip'], message: 'give either zip or lat and lon, not both' });
      }
      if ((query.lat === undefined) !== (query.lon === undefined)) {
        const missing = query.lat === undefined ? 'lat' : 'lon';
        context.addIssue({ code: 'custom', path: [missing], message: `${missing} is required with ${missing === 'lat' ? 'lon' : 'lat'}` });
      }
      if (query.near !== undefined && (query.zip !== undefined || query.lat !== undefined || query.lon !== undefined)) {
        context.addIssue({ code: 'custom', path: ['near'], message: 'give either near, zip, or lat and lon, not several' });
      }
      const hasLocation = query.zip !== undefined || query.lat !== undefined || query.lon !== undefined || query.near !== undefined;
      if (query.radius !== undefined && !hasLocation) {
        context.addIssue({ code: 'custom', path: ['radius'], message: 'radius needs a location (zip, or lat and lon)' });
      }
      if (query.sort === 'distance' && !hasLocation) {
        context.addIssue({ code: 'custom', path: ['sort'], message: 'sort=distance needs a location (zip, or lat and lon)' });
      }
      // A viewport replaces a location and radius.
      if (query.bbox !== undefined && hasLocation) {
        context.addIssue({ code: 'custom', path: ['bbox'], message: 'bbox replaces a location: give either bbox or a location (zip, lat and lon, near), not both' });
      }
      if (query.reach !== undefined && !hasLocation) {
        context.addIssue({ code: 'custom', path: ['reach'], message: 'reach=state needs a location (zip or near)' });
      }
    }),
  );

export type SearchQuery = z.infer<typeof searchQuerySchema>;
export const DEFAULT_RADIUS_MILES = 25;
export const DEFAULT_PAGE_SIZE = 20;
