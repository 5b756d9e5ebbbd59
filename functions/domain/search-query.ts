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
  SESSION_TIMES,
  US_STATES,
  WEEKDAYS,
} from './vocabulary';
import { isLanguageCode } from './program';
import { commaList, DECIMAL_TEXT, decimalParameter, integerParameter, listOf, queryParameterForms } from './query-values';
import { LANGUAGE_CODES, notBlank } from './schema-patterns';

/** The codes the record accepts: ISO 639-1, or `sgn` for sign language services. */
const languageList = commaList<string>(
  z.enum(LANGUAGE_CODES),
  isLanguageCode,
  (unknown) => `not ISO 639-1 codes (or sgn for sign language): ${unknown.join(', ')}`,
);

const flag = z.enum(['true', 'false'], { message: "must be 'true' or 'false'" }).transform((value) => value === 'true');

const longitude = { type: 'number', minimum: -180, maximum: 180 };
const latitude = { type: 'number', minimum: -90, maximum: 90 };

/** `west,south,east,north` in degrees; west > east is a box across the antimeridian. */
const boundingBox = z
  .string()
  .transform((raw, context) => {
    const parts = raw.split(',').map((part) => part.trim());
    if (parts.length !== 4 || parts.some((part) => !DECIMAL_TEXT.test(part))) {
      context.addIssue({ code: 'custom', message: 'must be west,south,east,north: four numbers in degrees' });
      return z.NEVER;
    }
    const [west, south, east, north] = parts.map(Number) as [number, number, number, number];
    const problems: string[] = [];
    if (Math.abs(west) > 180 || Math.abs(east) > 180) problems.push('west and east must be between -180 and 180');
    if (Math.abs(south) > 90 || Math.abs(north) > 90) problems.push('south and north must be between -90 and 90');
    if (south > north) problems.push('south must not be greater than north');
    for (const message of problems) context.addIssue({ code: 'custom', message });
    return problems.length > 0 ? z.NEVER : { west, south, east, north };
  })
  .register(queryParameterForms, {
    schema: {
      type: 'array',
      prefixItems: [longitude, latitude, longitude, latitude],
      items: false,
      minItems: 4,
      maxItems: 4,
    },
    commaSeparated: true,
  });

const timeOfDay = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, { message: 'must be HH:MM (24-hour)' });

/**
 * The query string of `GET /v1/programs` (contract section 2). Unknown parameters are rejected
 * so a misspelt filter fails loudly instead of silently matching everything.
 */
export const searchQuerySchema = z
  .strictObject({
    zip: z.string().regex(/^\d{5}$/, { message: 'must be 5 digits' }).optional(),
    lat: decimalParameter(z.number().min(-90).max(90)).optional(),
    lon: decimalParameter(z.number().min(-180).max(180)).optional(),
    near: notBlank(z.string().trim().min(1, { message: 'must name a place' }).max(100, { message: 'must be at most 100 characters' })).optional(),
    radius: decimalParameter(z.number().gt(0, { message: 'must be greater than 0' }).max(500, { message: 'must be at most 500' })).optional(),
    q: notBlank(z.string().trim().min(1).max(200)).optional(),
    levelOfCare: listOf(LEVELS_OF_CARE).optional(),
    condition: listOf(CONDITIONS).optional(),
    service: listOf(SERVICES).optional(),
    ageGroup: listOf(AGE_GROUPS).optional(),
    language: languageList.optional(),
    delivery: listOf(DELIVERY_MODES).optional(),
    insurance: listOf(INSURANCE).optional(),
    accreditation: listOf(ACCREDITATION_BODIES).optional(),
    licensed: flag.optional(),
    licenseState: listOf(US_STATES).optional(),
    sessionTime: listOf(SESSION_TIMES).optional(),
    day: listOf(WEEKDAYS).optional(),
    startAfter: timeOfDay.optional(),
    endBefore: timeOfDay.optional(),
    acceptingNewPatients: flag.optional(),
    verifiedSince: z.iso.date({ message: 'must be a date (YYYY-MM-DD)' }).optional(),
    medication: listOf(MEDICATIONS).optional(),
    population: listOf(POPULATIONS).optional(),
    gender: listOf(GENDERS).optional(),
    ownership: listOf(OWNERSHIP).optional(),
    state: listOf(US_STATES).optional(),
    bbox: boundingBox.optional(),
    clusters: integerParameter(z.number().int().min(0).max(20, { message: 'must be a map zoom, 0-20' })).optional(),
    bounds: flag.optional(),
    reach: z.enum(['state'], { message: "must be 'state'" }).optional(),
    sort: z.enum(['distance', 'name', 'relevance']).optional(),
    limit: integerParameter(z.number().int().min(1, { message: 'must be at least 1' }).max(100, { message: 'must be at most 100' })).optional(),
    cursor: z.string().min(1).max(2000).optional(),
  })
  .superRefine((query, context) => {
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
  });

export type SearchQuery = z.infer<typeof searchQuerySchema>;
export const DEFAULT_RADIUS_MILES = 25;
export const DEFAULT_PAGE_SIZE = 20;
