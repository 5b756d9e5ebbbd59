import ISO6391 from 'iso-639-1';
import type { Program } from '../../domain/program';
import { toPublicProgram, type PublicProgram } from '../../domain/public-view';
import { type AgeGroup, US_STATE_NAMES } from '../../domain/vocabulary';
import { hsdsIdsFor, uuidV5, type HsdsEntity } from './hsds-ids';
import { DAY_NAMES, ICAL_DAYS, sortedDays, sessionKey, standardUtcOffsetHours } from './hsds-schedules';
import { label, PROGRAM_LENGTH, termId, type Category } from './hsds-taxonomy';

/**
 * The mapping of a published program to HSDS 3.0 entities. Pure: no I/O, so the same program
 * always maps to the same bytes.
 */
export interface HsdsProgramEntities {
  organization: HsdsEntity;
  service: HsdsEntity;
  location: HsdsEntity;
  serviceAtLocation: HsdsEntity;
  schedules: HsdsEntity[];
}

const AGE_RANGES: Record<AgeGroup, { min: number; max?: number }> = {
  children: { min: 0, max: 12 },
  adolescents: { min: 12, max: 17 },
  young_adults: { min: 18, max: 25 },
  adults: { min: 18 },
  seniors: { min: 65 },
};


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
  const { organization: organizationId, service: serviceId, location: locationId, serviceAtLocation: serviceAtLocationId } = hsdsIdsFor(program);
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
