import { createHash } from 'node:crypto';
import ISO6391 from 'iso-639-1';
import type { Program, Session } from './program';
import { toPublicProgram, type PublicProgram } from './public-view';
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
  type AgeGroup,
  US_STATE_NAMES,
  type Weekday,
} from './vocabulary';

/**
 * The mapping of a published program to Open Referral HSDS 3.0 entities (the flat, table-per-
 * entity form; see README "HSDS export"). Pure: no I/O, so the same program always maps to the
 * same bytes.
 */

export const HSDS_VERSION = '3.0';

/**
 * Fixed namespace for UUIDv5 ids. HSDS requires UUIDs; deriving them from our own ids keeps every
 * entity's id stable across exports, so consumers can upsert rather than replace.
 */
const NAMESPACE = '6f1c3a52-8d1e-4b7a-9c55-2f6a0e4d9b13';

export function uuidV5(name: string, namespace: string = NAMESPACE): string {
  const hash = createHash('sha1')
    .update(Buffer.from(namespace.replace(/-/g, ''), 'hex'))
    .update(name, 'utf8')
    .digest();
  const bytes = hash.subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x50;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export type HsdsEntity = Record<string, unknown> & { id: string };

/** The top-level arrays of the export, in file order, and the official schema each item follows. */
export const HSDS_SECTIONS = {
  taxonomies: 'taxonomy.json',
  taxonomy_terms: 'taxonomy_term.json',
  organizations: 'organization.json',
  services: 'service.json',
  locations: 'location.json',
  service_at_locations: 'service_at_location.json',
  schedules: 'schedule.json',
} as const;

export type HsdsSection = keyof typeof HSDS_SECTIONS;

// --- taxonomy --------------------------------------------------------------------------------

/**
 * HSDS has no vocabulary for levels of care, payers and the like, so the directory publishes its
 * own closed vocabularies as one taxonomy; services point at its terms through attributes.
 */
const TAXONOMY_ID = uuidV5('taxonomy:iop-directory');
const TAXONOMY_NAME = 'iop-directory';

const CATEGORIES = {
  level_of_care: { label: 'Level of care', values: LEVELS_OF_CARE },
  condition: { label: 'Condition treated', values: CONDITIONS },
  treatment_service: { label: 'Treatment service', values: SERVICES },
  age_group: { label: 'Age group served', values: AGE_GROUPS },
  delivery: { label: 'Delivery mode', values: DELIVERY_MODES },
  insurance: { label: 'Payment accepted', values: INSURANCE },
  accreditation: { label: 'Accreditation', values: ACCREDITATION_BODIES },
  medication: { label: 'Medication used in treatment', values: MEDICATIONS },
  population: { label: 'Program offered for', values: POPULATIONS },
  gender: { label: 'Gender accepted', values: GENDERS },
  ownership: { label: 'Operated by', values: OWNERSHIP },
} as const;

type Category = keyof typeof CATEGORIES;

const PROGRAM_LENGTH = 'program_length_weeks';

const LABELS: Record<string, string> = {
  iop: 'Intensive outpatient (IOP)',
  php: 'Partial hospitalization (PHP)',
  outpatient: 'Outpatient',
  residential: 'Residential',
  inpatient: 'Inpatient',
  detox: 'Detoxification',
  substance_use: 'Substance use',
  mental_health: 'Mental health',
  co_occurring: 'Co-occurring substance use and mental health',
  in_person: 'In person',
  virtual: 'Virtual (telehealth)',
  medicaid: 'Medicaid',
  medicare: 'Medicare',
  tricare: 'TRICARE',
  va: 'VA (Veterans Affairs)',
  state_plan: 'State-financed health plan',
  private: 'Private health insurance',
  aetna: 'Aetna',
  anthem: 'Anthem',
  bcbs: 'Blue Cross Blue Shield',
  cigna: 'Cigna',
  humana: 'Humana',
  kaiser: 'Kaiser Permanente',
  uhc: 'UnitedHealthcare',
  self_pay: 'Self-pay',
  sliding_scale: 'Sliding fee scale',
  payment_assistance: 'Payment assistance',
  ihs_tribal: 'IHS/Tribal/Urban (ITU) funds',
  free_care: 'No payment accepted (free of charge)',
  opioid_treatment_program: 'Opioid treatment program (OTP)',
  nicotine_replacement: 'Nicotine replacement therapy',
  lgbtq: 'LGBTQ+ people',
  pregnant_postpartum: 'Pregnant or postpartum women',
  criminal_justice: 'People involved with the criminal justice system',
  hiv_aids: 'People with HIV or AIDS',
  trauma: 'People who have experienced trauma',
  domestic_violence: 'People affected by domestic violence',
  ptsd: 'Post-traumatic stress disorder (PTSD)',
  serious_emotional_disturbance: 'Serious emotional disturbance (children)',
  tbi: 'Traumatic brain injury (TBI)',
  dui_dwi: 'DUI/DWI clients',
  active_military: 'Active-duty military',
  private_nonprofit: 'Private non-profit',
  private_for_profit: 'Private for-profit',
  tribal: 'Tribal government',
  indian_health_service: 'Indian Health Service',
  federal: 'Federal government',
  department_of_defense: 'Department of Defense',
  joint_commission: 'The Joint Commission',
  carf: 'CARF',
  ncqa: 'NCQA',
  coa: 'COA',
  hfap: 'HFAP',
};

function label(value: string): string {
  return LABELS[value] ?? value.charAt(0).toUpperCase() + value.slice(1).replace(/_/g, ' ');
}

const termId = (category: string, value?: string) => uuidV5(value === undefined ? `term:${category}` : `term:${category}:${value}`);

export function hsdsTaxonomies(): HsdsEntity[] {
  return [
    {
      id: TAXONOMY_ID,
      name: TAXONOMY_NAME,
      description:
        'The closed vocabularies of the iop-directory program record: levels of care, conditions, services, age groups, delivery modes, payment, accreditation, medications, populations, genders accepted and ownership.',
      version: '2',
    },
  ];
}

/** One parent term per category, then one term per value (code `category:value`). */
export function hsdsTaxonomyTerms(): HsdsEntity[] {
  const terms: HsdsEntity[] = [];
  for (const [category, { label: categoryLabel, values }] of Object.entries(CATEGORIES)) {
    const parentId = termId(category);
    terms.push({ id: parentId, code: category, name: categoryLabel, description: categoryLabel, taxonomy: TAXONOMY_NAME, taxonomy_id: TAXONOMY_ID });
    for (const value of values) {
      terms.push({
        id: termId(category, value),
        code: `${category}:${value}`,
        name: label(value),
        description: `${categoryLabel}: ${label(value)}`,
        parent_id: parentId,
        taxonomy: TAXONOMY_NAME,
        taxonomy_id: TAXONOMY_ID,
      });
    }
  }
  terms.push({
    id: termId(PROGRAM_LENGTH),
    code: PROGRAM_LENGTH,
    name: 'Program length (weeks)',
    description: 'Typical length of the program in weeks; the attribute value is a number or a range such as 6-12.',
    taxonomy: TAXONOMY_NAME,
    taxonomy_id: TAXONOMY_ID,
  });
  return terms;
}

// --- programs --------------------------------------------------------------------------------

export interface HsdsProgramEntities {
  organization: HsdsEntity;
  service: HsdsEntity;
  location: HsdsEntity;
  serviceAtLocation: HsdsEntity;
  schedules: HsdsEntity[];
}

/** Organizations are merged by name, case and spacing aside, so one operator's programs share one. */
export function organizationKey(program: Pick<Program, 'id' | 'organization'>): string {
  const name = program.organization?.trim().replace(/\s+/g, ' ').toLowerCase();
  return name ? `organization:name:${name}` : `organization:program:${program.id}`;
}

const AGE_RANGES: Record<AgeGroup, { min: number; max?: number }> = {
  children: { min: 0, max: 12 },
  adolescents: { min: 12, max: 17 },
  young_adults: { min: 18, max: 25 },
  adults: { min: 18 },
  seniors: { min: 65 },
};

const ICAL_DAYS: Record<Weekday, string> = { mon: 'MO', tue: 'TU', wed: 'WE', thu: 'TH', fri: 'FR', sat: 'SA', sun: 'SU' };
const DAY_NAMES: Record<Weekday, string> = { mon: 'Mon', tue: 'Tue', wed: 'Wed', thu: 'Thu', fri: 'Fri', sat: 'Sat', sun: 'Sun' };
const DAY_ORDER: readonly Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

/**
 * HSDS schedule.timezone is a number (UTC offset in hours), which cannot express daylight saving.
 * We give the zone's standard offset and keep opens_at/closes_at as local wall-clock times, naming
 * the IANA zone in `notes`, since a fixed offset baked into the times would be wrong half the year.
 * A fixed reference year keeps the export deterministic.
 */
const offsetCache = new Map<string, number>();
export function standardUtcOffsetHours(timeZone: string): number {
  const cached = offsetCache.get(timeZone);
  if (cached !== undefined) return cached;
  const offsets = [Date.UTC(2026, 0, 1), Date.UTC(2026, 6, 1)].map((instant) => {
    const part = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' })
      .formatToParts(instant)
      .find((p) => p.type === 'timeZoneName')?.value;
    const match = /GMT([+-])(\d{2}):(\d{2})/.exec(part ?? '');
    if (!match) return 0;
    const hours = Number(match[2]) + Number(match[3]) / 60;
    return match[1] === '-' ? -hours : hours;
  });
  // Every US zone is northern-hemisphere or DST-free, so standard time is the smaller offset.
  const offset = Math.min(...offsets);
  offsetCache.set(timeZone, offset);
  return offset;
}

function attendingType(program: Pick<Program, 'delivery'>): string {
  const inPerson = program.delivery.includes('in_person');
  const virtual = program.delivery.includes('virtual');
  if (inPerson && virtual) return 'In person or online (telehealth)';
  return virtual ? 'Online (telehealth)' : 'In person';
}

/** Splits `(555) 123-4567 x89` into the number and HSDS's numeric extension. */
function hsdsPhone(raw: string): { number: string; extension?: number } {
  const [number = raw, extension] = raw.split(/\s*(?:x|ext\.?)\s*/i);
  return extension && /^\d+$/.test(extension) ? { number: number.trim(), extension: Number(extension) } : { number: raw.trim() };
}

/**
 * The record's URL check (WHATWG URL) lets through characters such as spaces that the schemas'
 * RFC 3986 `uri` format rejects; the parsed form percent-encodes them.
 */
function hsdsUrl(raw: string | undefined): string | undefined {
  if (!raw) return undefined;
  try {
    return new URL(raw).href;
  } catch {
    return undefined;
  }
}

function sortedDays(days: readonly Weekday[]): Weekday[] {
  return [...days].sort((a, b) => DAY_ORDER.indexOf(a) - DAY_ORDER.indexOf(b));
}

function sessionKey(session: Session): string {
  return `${sortedDays(session.days).join(',')}|${session.start}|${session.end}`;
}

function compact<T extends Record<string, unknown>>(entity: T): T {
  return Object.fromEntries(Object.entries(entity).filter(([, value]) => value !== undefined && !(Array.isArray(value) && value.length === 0))) as T;
}

/** The public form of a program: what the directory states, licences as `effectiveLicenses` gives them. */
type Published = PublicProgram;

function licensesText(program: Published): string | undefined {
  if (!program.licenses?.length) return undefined;
  return program.licenses
    .map((licence) => {
      const parts = [licence.state, licence.type, licence.number ? `#${licence.number}` : undefined].filter(Boolean).join(' ');
      const details = [licence.issuer, licence.expiresOn ? `expires ${licence.expiresOn}` : undefined].filter(Boolean).join(', ');
      return details ? `${parts} (${details})` : parts;
    })
    .join('; ');
}

function accreditationsText(program: Published): string | undefined {
  if (!program.accreditations?.length) return undefined;
  return program.accreditations.map((a) => (a.expiresOn ? `${label(a.body)} (expires ${a.expiresOn})` : label(a.body))).join('; ');
}

/**
 * Who the service is for, as far as the record says: age groups (also as minimum/maximum age) and
 * the genders accepted. Populations are not eligibility (a program offered for veterans need not
 * turn others away), so they are attributes only.
 */
function eligibility(program: Published): { eligibility_description?: string; minimum_age?: number; maximum_age?: number } {
  const sentences: string[] = [];
  let ages: { minimum_age?: number; maximum_age?: number } = {};
  if (program.ageGroups?.length) {
    const ranges = program.ageGroups.map((group) => AGE_RANGES[group]);
    const maxima = ranges.map((range) => range.max);
    sentences.push(`Age groups served: ${program.ageGroups.map(label).join(', ')}.`);
    ages = {
      minimum_age: Math.min(...ranges.map((range) => range.min)),
      // Any open-ended group (adults, seniors) means no upper age limit.
      maximum_age: maxima.every((max): max is number => max !== undefined) ? Math.max(...maxima) : undefined,
    };
  }
  if (program.gendersAccepted?.length) sentences.push(`Genders accepted: ${program.gendersAccepted.map(label).join(', ')}.`);
  return sentences.length ? { eligibility_description: sentences.join(' '), ...ages } : {};
}

function feesDescription(program: Published): string | undefined {
  return program.insurance?.length ? `Accepts: ${program.insurance.map(label).join(', ')}.` : undefined;
}

function waitTime(program: Published): string | undefined {
  if (program.acceptingNewPatients === undefined) return undefined;
  return program.acceptingNewPatients ? 'Accepting new patients.' : 'Not currently accepting new patients.';
}

function attributes(program: Published, serviceId: string): HsdsEntity[] {
  const pairs: [Category, readonly string[] | undefined][] = [
    ['level_of_care', program.levelsOfCare],
    ['condition', program.conditions],
    ['treatment_service', program.services],
    ['age_group', program.ageGroups],
    ['delivery', program.delivery],
    ['insurance', program.insurance],
    ['accreditation', program.accreditations?.map((a) => a.body)],
    ['medication', program.medications],
    ['population', program.populations],
    ['gender', program.gendersAccepted],
    ['ownership', program.ownership === undefined ? undefined : [program.ownership]],
  ];
  return pairs.flatMap(([category, values]) =>
    [...new Set(values ?? [])].map((value) => ({
      id: uuidV5(`attribute:${program.id}:${category}:${value}`),
      link_id: serviceId,
      link_type: category,
      link_entity: 'service',
      taxonomy_term_id: termId(category, value),
      value,
    })),
  );
}

/** A range, not a closed vocabulary: one term, with the weeks in the attribute's value. */
function programLengthAttribute(program: Published, serviceId: string): HsdsEntity[] {
  const length = program.programLengthWeeks;
  if (!length) return [];
  return [
    {
      id: uuidV5(`attribute:${program.id}:${PROGRAM_LENGTH}`),
      link_id: serviceId,
      link_type: PROGRAM_LENGTH,
      link_entity: 'service',
      taxonomy_term_id: termId(PROGRAM_LENGTH),
      value: length.min === length.max ? `${length.min}` : `${length.min}-${length.max}`,
    },
  ];
}

const digitsOf = (phone: string) => phone.replace(/\D/g, '').replace(/^1(?=\d{10}$)/, '');

/**
 * The main number, then the intake line (`description: "Intake"`); when both are one number, one
 * phone says so rather than listing it twice.
 */
function phones(program: Published, serviceId: string): HsdsEntity[] {
  const { phone, intakePhone } = program;
  const sameNumber = phone !== undefined && intakePhone !== undefined && digitsOf(phone) === digitsOf(intakePhone);
  const result: HsdsEntity[] = [];
  if (phone) {
    result.push(
      compact({ id: uuidV5(`phone:${program.id}`), service_id: serviceId, ...hsdsPhone(phone), type: 'voice', description: sameNumber ? 'Main and intake line' : undefined }),
    );
  }
  if (intakePhone && !sameNumber) {
    result.push({ id: uuidV5(`phone:${program.id}:intake`), service_id: serviceId, ...hsdsPhone(intakePhone), type: 'voice', description: 'Intake' });
  }
  return result;
}

/**
 * `sgn` (sign language services) is an ISO 639-2 collective code, and HSDS's `code` is ISO 639-1
 * or 639-3, which have no code for "some sign language": the entity names it and carries no code,
 * rather than claiming a particular sign language (such as ASL, `ase`) the source did not name.
 */
function languages(program: Published, serviceId: string): HsdsEntity[] {
  return (program.languages ?? []).map((code) =>
    code === 'sgn'
      ? { id: uuidV5(`language:${program.id}:${code}`), service_id: serviceId, name: 'Sign language', note: 'Sign language services for the deaf and hard of hearing; which sign language is not stated.' }
      : compact({ id: uuidV5(`language:${program.id}:${code}`), service_id: serviceId, code, name: ISO6391.getName(code) || undefined }),
  );
}


/** One HSDS service area per state of `serviceArea` (the states the program's virtual delivery serves). */
function serviceAreas(program: Published, serviceId: string): HsdsEntity[] {
  return (program.serviceArea?.states ?? []).map((state) => ({
    id: uuidV5(`service_area:${program.id}:${state}`),
    service_id: serviceId,
    name: US_STATE_NAMES[state] ?? state,
    description: `Virtual (telehealth) delivery serves people in ${US_STATE_NAMES[state] ?? state} (${state}, US).`,
  }));
}

/**
 * Provenance: one HSDS metadata entry saying which source the service came from and the date its
 * data is as of (`dataAsOf`: the source edition for an import, the approval for a provider's
 * listing). HSDS requires every metadata field; the whole record rather than one field is meant.
 */
function provenance(program: Published, serviceId: string): HsdsEntity[] {
  const provider = program.source === 'provider';
  return [
    {
      id: uuidV5(`metadata:${program.id}:source`),
      resource_id: serviceId,
      resource_type: 'service',
      last_action_date: program.dataAsOf,
      last_action_type: provider ? 'provider listing approved' : 'imported from source',
      field_name: 'source',
      previous_value: '',
      replacement_value: program.source,
      updated_by: program.source,
    },
  ];
}

/** `verifiedAt` is a timestamp; HSDS's assured_date ("the date the information was last checked") a date. */
function assuredDate(verifiedAt: string | undefined): string | undefined {
  return verifiedAt && /^\d{4}-\d{2}-\d{2}/.test(verifiedAt) ? verifiedAt.slice(0, 10) : undefined;
}

/**
 * The HSDS entities for one published program: its organization, service, location, link and
 * schedules. Mapped from the program's public form (`toPublicProgram`), so a field the directory
 * keeps for itself never reaches an export and licences are the effective ones.
 */
export function programToHsds(stored: Program): HsdsProgramEntities {
  const program = toPublicProgram(stored);
  const organizationId = uuidV5(organizationKey(program));
  const serviceId = uuidV5(`service:${program.id}`);
  const locationId = uuidV5(`location:${program.id}`);
  const serviceAtLocationId = uuidV5(`service_at_location:${program.id}`);
  const named = program.organization?.trim();

  const organization: HsdsEntity = named
    ? // Shared by several programs: only what is true of all of them, so the first one seen does not win.
      { id: organizationId, name: named, description: `${named}, operator of behavioural-health treatment programs listed in the iop-directory.` }
    : compact({
        id: organizationId,
        name: program.name,
        description: program.description || `${program.name}, a behavioural-health treatment program listed in the iop-directory.`,
        website: hsdsUrl(program.website),
        email: program.email,
        // This organization is the program's own, so the program's ownership is its legal status.
        legal_status: program.ownership === undefined ? undefined : label(program.ownership),
      });

  const service: HsdsEntity = compact({
    id: serviceId,
    organization_id: organizationId,
    name: program.name,
    description: program.description,
    url: hsdsUrl(program.website),
    email: program.email,
    status: 'active',
    fees_description: feesDescription(program),
    wait_time: waitTime(program),
    accreditations: accreditationsText(program),
    licenses: licensesText(program),
    ...eligibility(program),
    assured_date: assuredDate(program.verifiedAt),
    last_modified: program.updatedAt,
    phones: phones(program, serviceId),
    service_areas: serviceAreas(program, serviceId),
    languages: languages(program, serviceId),
    attributes: [...attributes(program, serviceId), ...programLengthAttribute(program, serviceId)],
    metadata: provenance(program, serviceId),
  });

  const { street1, street2, city, state, zip } = program.address;
  const location: HsdsEntity = compact({
    id: locationId,
    location_type: 'physical',
    organization_id: organizationId,
    name: program.name,
    description: program.locationPrecision === 'zip' ? "Coordinates are the zip code's centroid, not the building." : undefined,
    latitude: program.location.lat,
    longitude: program.location.lon,
    external_identifier: program.id,
    external_identifier_type: 'iop-directory program id',
    addresses: [
      compact({
        id: uuidV5(`address:${program.id}`),
        location_id: locationId,
        address_1: street1,
        address_2: street2 || undefined,
        city,
        state_province: state,
        postal_code: zip,
        country: 'US',
        address_type: 'physical',
      }),
    ],
  });

  const serviceAtLocation: HsdsEntity = { id: serviceAtLocationId, service_id: serviceId, location_id: locationId };

  const timezone = standardUtcOffsetHours(program.timezone);
  const seen = new Map<string, number>();
  const schedules = (program.sessions ?? []).map((session) => {
    const key = sessionKey(session);
    const occurrence = (seen.get(key) ?? 0) + 1;
    seen.set(key, occurrence);
    const days = sortedDays(session.days);
    // Keyed by content, not position, so reordering sessions keeps their ids.
    return {
      id: uuidV5(`schedule:${program.id}:${key}${occurrence > 1 ? `#${occurrence}` : ''}`),
      service_id: serviceId,
      service_at_location_id: serviceAtLocationId,
      freq: 'WEEKLY',
      interval: 1,
      wkst: 'MO',
      byday: days.map((day) => ICAL_DAYS[day]).join(','),
      opens_at: session.start,
      closes_at: session.end,
      timezone,
      description: `${days.map((day) => DAY_NAMES[day]).join(', ')} ${session.start}-${session.end} (${program.timezone})`,
      attending_type: attendingType(program),
      notes: `Times are local wall-clock time in ${program.timezone}; timezone gives its standard UTC offset.`,
    } satisfies HsdsEntity;
  });

  return { organization, service, location, serviceAtLocation, schedules };
}

/**
 * Stored items are read as they are; an item too broken to map (missing name, address,
 * coordinates, source or last write) is skipped and counted rather than failing the whole export.
 */
export function isExportable(program: Program): boolean {
  const p = program as Partial<Program>;
  return (
    typeof p.id === 'string' &&
    typeof p.source === 'string' &&
    typeof p.updatedAt === 'string' &&
    typeof p.name === 'string' &&
    typeof p.address?.street1 === 'string' &&
    typeof p.address.city === 'string' &&
    typeof p.address.state === 'string' &&
    typeof p.address.zip === 'string' &&
    typeof p.location?.lat === 'number' &&
    typeof p.location.lon === 'number' &&
    typeof p.timezone === 'string' &&
    Array.isArray(p.levelsOfCare) &&
    Array.isArray(p.delivery)
  );
}
