import ISO6391 from 'iso-639-1';
import type { ErrorDetail } from '../../domain/errors';
import type { Accreditation, GeoPoint, License } from '../../domain/program';
import type { AccreditationBody, AgeGroup, Condition, DeliveryMode, Insurance, LevelOfCare, Service } from '../../domain/vocabulary';

/**
 * One row of the SAMHSA treatment locator's JSON export as a native record. Every field comes
 * from the row; what the locator does not publish (sessions, carriers, licence numbers,
 * programme length) stays absent. seed/FORMATS.md documents the mapping label by label.
 */

export const FINDTREATMENT_SOURCE = 'findtreatment';

export interface LocatorService {
  f1?: string;
  f2?: string;
  f3?: string;
}

export interface LocatorRow {
  frid?: unknown;
  name1?: unknown;
  name2?: unknown;
  street1?: unknown;
  street2?: unknown;
  city?: unknown;
  state?: unknown;
  zip?: unknown;
  phone?: unknown;
  intake1?: unknown;
  website?: unknown;
  latitude?: unknown;
  longitude?: unknown;
  services?: unknown;
}

/** First match wins: a detox setting ("Residential detoxification") is detox, not also residential. */
const LEVELS: ReadonlyArray<[RegExp, LevelOfCare]> = [
  [/detox/i, 'detox'],
  [/^intensive outpatient/i, 'iop'],
  [/partial hospitalization/i, 'php'],
  [/^(regular outpatient|outpatient$|outpatient methadone)/i, 'outpatient'],
  [/residential/i, 'residential'],
  [/^hospital inpatient/i, 'inpatient'],
];
const VIRTUAL_SETTING = /telemedicine|telehealth/i;

const CONDITION_LABELS: Record<string, Condition> = {
  'substance use treatment': 'substance_use',
  'mental health treatment': 'mental_health',
};

/** Issuers of state licences; the locator names the kind of agency, never the licence number. */
const LICENSING_AGENCIES = new Set([
  'state substance abuse agency',
  'state mental health department',
  'state department of health',
  'hospital licensing authority',
]);

const ACCREDITORS: ReadonlyArray<[RegExp, AccreditationBody]> = [
  [/joint commission/i, 'joint_commission'],
  [/rehabilitation facilities|\bCARF\b/i, 'carf'],
  [/council on accreditation|\bCOA\b/i, 'coa'],
  [/national committee for quality assurance|\bNCQA\b/i, 'ncqa'],
  [/healthcare facilities accreditation|\bHFAP\b/i, 'hfap'],
];

const PAYERS: ReadonlyArray<[RegExp, Insurance]> = [
  [/^medicaid$/i, 'medicaid'],
  [/^medicare$/i, 'medicare'],
  [/^military insurance/i, 'tricare'],
  [/^private health insurance$/i, 'private'],
  [/^cash or self-payment$/i, 'self_pay'],
  [/^state-financed health insurance plan other than medicaid$/i, 'state_plan'],
  [/^u\.s\. department of va funds$/i, 'va'],
  [/^sliding fee scale/i, 'sliding_scale'],
];

const AGES: Record<string, AgeGroup[]> = {
  'children/adolescents': ['children', 'adolescents'],
  'young adults': ['young_adults'],
  adults: ['adults'],
  'seniors (65 or older)': ['seniors'],
};

const SERVICES: ReadonlyArray<[RegExp, Service]> = [
  [/^individual counseling offered$/i, 'individual_therapy'],
  [/^group counseling offered$/i, 'group_therapy'],
  [/^family counseling offered$/i, 'family_therapy'],
  [/^relapse prevention$/i, 'relapse_prevention'],
  [/^substance abuse education$/i, 'education'],
  [/^aftercare\/continuing care$/i, 'aftercare_planning'],
];

const MAX_TEXT = 200;

export interface LocatorMapping {
  /** The native record to validate, or undefined when the row is not an object at all. */
  record: Record<string, unknown> | undefined;
  externalId?: string;
  warnings: ErrorDetail[];
}

export function mapLocatorRow(row: unknown): LocatorMapping {
  if (typeof row !== 'object' || row === null || Array.isArray(row)) return { record: undefined, warnings: [] };
  const source = row as LocatorRow;
  const warnings: ErrorDetail[] = [];
  const services = servicesByCategory(source.services);
  const values = (category: string) => services.get(category) ?? [];
  const externalId = text(source.frid);
  const name = text(source.name1)?.slice(0, MAX_TEXT);
  const organization = text(source.name2)?.slice(0, MAX_TEXT);
  const state = text(source.state)?.toUpperCase();

  const settings = values('SET');
  const levelsOfCare = unique(settings.flatMap((label) => LEVELS.find(([pattern]) => pattern.test(label))?.[1] ?? []));
  const delivery: DeliveryMode[] = [];
  if (levelsOfCare.length > 0) delivery.push('in_person');
  if (settings.some((label) => VIRTUAL_SETTING.test(label))) delivery.push('virtual');

  const careTypes = unique(values('TC').map((label) => CONDITION_LABELS[label.toLowerCase()]).filter((value) => value !== undefined));
  const conditions: Condition[] =
    careTypes.includes('substance_use') && careTypes.includes('mental_health') ? [...careTypes, 'co_occurring'] : careTypes;

  const licenses: License[] = [];
  const accreditations: Accreditation[] = [];
  for (const label of values('LCA')) {
    if (LICENSING_AGENCIES.has(label.toLowerCase())) {
      if (state) licenses.push({ state: state as License['state'], issuer: label });
      continue;
    }
    const body = ACCREDITORS.find(([pattern]) => pattern.test(label))?.[1];
    if (body && !accreditations.some((accreditation) => accreditation.body === body)) accreditations.push({ body });
  }

  const insurance = unique(
    [...values('PAY'), ...values('PYAS')].flatMap((label) => PAYERS.filter(([pattern]) => pattern.test(label)).map(([, payer]) => payer)),
  );
  const ageGroups = unique(values('AGE').flatMap((label) => AGES[label.toLowerCase()] ?? []));
  const therapies = unique([...values('EDU'), ...values('TAP'), ...values('TRSRV')].flatMap((label) => SERVICES.filter(([pattern]) => pattern.test(label)).map(([, service]) => service)));
  const otherLanguages = values('OL')
    .map((label) => ISO6391.getCode(label))
    .filter((code) => code !== '');
  // The locator lists only languages other than English, and every facility in it serves in English.
  const languages = services.has('OL') ? unique(['en', ...otherLanguages]) : [];

  const phone = firstPhone([source.intake1, source.phone], warnings);
  const website = websiteOf(source.website, warnings);
  const location = coordinates(source.latitude, source.longitude);
  const street2 = text(source.street2);

  const record: Record<string, unknown> = {
    externalId,
    source: FINDTREATMENT_SOURCE,
    name,
    ...(organization && organization.toLowerCase() !== name?.toLowerCase() && { organization }),
    ...(phone && { phone }),
    ...(website && { website }),
    address: {
      street1: text(source.street1),
      ...(street2 && { street2 }),
      city: text(source.city),
      state,
      zip: zipOf(source.zip),
    },
    ...(location && { location }),
    levelsOfCare,
    delivery,
    ...(conditions.length > 0 && { conditions }),
    ...(therapies.length > 0 && { services: therapies }),
    ...(ageGroups.length > 0 && { ageGroups }),
    ...(languages.length > 0 && { languages }),
    ...(insurance.length > 0 && { insurance }),
    ...(licenses.length > 0 && { licenses }),
    ...(accreditations.length > 0 && { accreditations }),
  };
  return { record, ...(externalId && { externalId }), warnings };
}

function servicesByCategory(services: unknown): Map<string, string[]> {
  const byCategory = new Map<string, string[]>();
  if (!Array.isArray(services)) return byCategory;
  for (const service of services as LocatorService[]) {
    if (typeof service?.f2 !== 'string' || typeof service.f3 !== 'string') continue;
    const labels = service.f3.split(';').map((label) => label.trim()).filter(Boolean);
    byCategory.set(service.f2, [...(byCategory.get(service.f2) ?? []), ...labels]);
  }
  return byCategory;
}

function text(value: unknown): string | undefined {
  if (typeof value !== 'string' && typeof value !== 'number') return undefined;
  const trimmed = String(value).trim();
  return trimmed === '' ? undefined : trimmed;
}

function unique<T>(values: T[]): T[] {
  return [...new Set(values)];
}

/** ZIP+4 is cut to the five digits the directory keys on; anything else goes to validation as is. */
function zipOf(value: unknown): string | undefined {
  const zip = text(value);
  return zip && /^\d{5}-\d{4}$/.test(zip) ? zip.slice(0, 5) : zip;
}

/** The intake line is where a person asks for a place; the main number is the fallback. */
function firstPhone(candidates: unknown[], warnings: ErrorDetail[]): string | undefined {
  const present = candidates.map(text).filter((value) => value !== undefined);
  const usable = present.find((value) => /^\D*1?\D*(\d\D*){10}(\s*(x|ext\.?)\s*\d{1,6})?$/i.test(value));
  if (!usable && present.length > 0) warnings.push({ path: 'phone', message: `left out: "${present[0]}" is not a US phone number` });
  return usable;
}

function websiteOf(value: unknown, warnings: ErrorDetail[]): string | undefined {
  const raw = text(value);
  if (!raw) return undefined;
  const candidate = /^https?:\/\//i.test(raw) ? raw : `http://${raw}`;
  try {
    if (new URL(candidate).hostname.includes('.')) return candidate;
  } catch {
    // reported below
  }
  warnings.push({ path: 'website', message: `left out: "${raw}" is not a web address` });
  return undefined;
}

function coordinates(latitude: unknown, longitude: unknown): GeoPoint | undefined {
  const lat = Number(text(latitude));
  const lon = Number(text(longitude));
  if (!Number.isFinite(lat) || !Number.isFinite(lon) || Math.abs(lat) > 90 || Math.abs(lon) > 180) return undefined;
  // (0, 0) is a failed geocode; the zip centroid is the better guess.
  if (lat === 0 && lon === 0) return undefined;
  return { lat, lon };
}
