import ISO6391 from 'iso-639-1';
import { DEMO_SOURCE } from '../../functions/domain/demo-source';
import type { Accreditation, ImportRecord, License, Session } from '../../functions/domain/program';
import {
  ACCREDITATION_BODIES,
  AGE_GROUPS,
  CONDITIONS,
  GENDERS,
  INSURANCE,
  LEVELS_OF_CARE,
  MEDICATIONS,
  OWNERSHIP,
  POPULATIONS,
  SERVICES,
  type AccreditationBody,
  type AgeGroup,
  type Condition,
  type DeliveryMode,
  type Gender,
  type Insurance,
  type LevelOfCare,
  type Medication,
  type Ownership,
  type Population,
  type Service,
  type UsState,
  type Weekday,
} from '../../functions/domain/vocabulary';
import { AREA_CODES, drawPlace, NEIGHBOURS, nearby, STATE_NAMES } from './places';
import { dayNumber, Draws, recordStreams, seedFromName } from './prng';

/**
 * The demo dataset: invented treatment programs, clearly marked as such, for demos, tests and
 * benchmarks (`SEED=demo npm start`). Nothing here describes a real facility: names and
 * organisations say "Demo ... (fictional)", streets are "Demo Street"s in "Demo City", phones
 * come from the 555-0100..0199 block reserved for fiction, web sites and mail from example.org.
 * Only the zip codes are real (with their states and centroids), so location searches work.
 *
 * Every field of the 1.1 record is filled with plausible shares, so every filter and facet has
 * something to find. Record `i` depends only on `i`, the seed and the reference date: the first
 * n records of a bigger dataset are the n records of a smaller one. seed/README.md ("Demo data")
 * says what the dataset is for.
 */

/** `SEED=demo` without `DEMO_SIZE`. */
export const DEFAULT_DEMO_SIZE = 15_000;
/** Expiry dates and `dataAsOf` are placed around this date unless the caller gives another. */
export const DEMO_REFERENCE_DATE = '2026-01-01';
export const DEFAULT_DEMO_SEED = 0x0de70de7;
/** Every demo program's name matches this: no reader can take it for a real facility. */
export const DEMO_NAME_PATTERN = /^Demo [A-Za-z ]+ \d{5,} \(fictional\)$/;
/** Every demo organisation's name matches this. */
export const DEMO_ORGANIZATION_PATTERN = /^Demo [A-Za-z ]+ \d{3} \(fictional\)$/;
export const DEMO_CITY = 'Demo City';

export interface DemoOptions {
  /** How many programs: records 1..count. */
  count: number;
  /** Another seed gives another dataset of the same shape. */
  seed?: number;
  /** ISO date the expiry dates and `dataAsOf` are placed around; DEMO_REFERENCE_DATE by default. */
  asOf?: string;
}

export function* demoPrograms(options: DemoOptions): Generator<ImportRecord> {
  if (!Number.isInteger(options.count) || options.count < 0) throw new Error(`count must be a whole number, not ${options.count}`);
  for (let index = 1; index <= options.count; index++) yield demoProgram(index, options);
}

/** Demo record number `index` (1-based). */
export function demoProgram(index: number, options: Omit<DemoOptions, 'count'> = {}): ImportRecord {
  const asOf = dayNumber(options.asOf ?? DEMO_REFERENCE_DATE);
  const draw = recordStreams(options.seed ?? DEFAULT_DEMO_SEED, index);
  const number = String(index).padStart(5, '0');
  const place = drawPlace(draw('place'));
  const { state } = place;

  const levelsOfCare = drawLevelsOfCare(draw('levelsOfCare'));
  const conditions = drawConditions(draw('conditions'));
  const medications = drawMedications(draw('medications'), levelsOfCare, conditions);
  const services = drawServices(draw('services'), levelsOfCare, conditions, medications);
  const ageGroups = drawAgeGroups(draw('ageGroups'));
  const languages = drawLanguages(draw('languages'), state);
  const delivery = drawDelivery(draw('delivery'), levelsOfCare);
  const ownership = drawOwnership(draw('ownership'));
  const populations = drawPopulations(draw('populations'), conditions, ageGroups, ownership);
  const gendersAccepted = drawGenders(draw('gendersAccepted'));
  const structured = levelsOfCare.includes('iop') || levelsOfCare.includes('php');
  const contact = draw('contact');
  const host = `demo-program-${number}.example.org`;
  const organization = drawOrganization(draw('organization'));
  const serviceArea = delivery.includes('virtual') ? drawServiceArea(draw('serviceArea'), state) : undefined;
  const addressDraws = draw('address');
  const street2 = addressDraws.chance(0.15) ? `Suite ${addressDraws.integer(100, 499)}` : undefined;

  return {
    externalId: `demo-${number}`,
    source: DEMO_SOURCE,
    name: `Demo ${draw('name').weighted(NAME_KINDS)} ${number} (fictional)`,
    ...(organization && { organization }),
    description: describe({ levelsOfCare, conditions, services, ageGroups, languages, delivery }),
    phone: fictionalPhone(contact, state),
    ...(contact.chance(0.5) && { website: `https://${host}` }),
    ...(contact.chance(0.25) && { email: `intake@${host}` }),
    address: {
      street1: `${addressDraws.integer(1, 9999)} Demo ${addressDraws.pick(STREET_KINDS)}`,
      ...(street2 && { street2 }),
      city: DEMO_CITY,
      state,
      zip: place.zip,
    },
    // A few programs leave coordinates out, so zip-precision locations are in the demo too.
    ...(draw('location').chance(0.93) && { location: nearby(place.centroid, 3, draw('location-offset')) }),
    levelsOfCare,
    conditions,
    services,
    ageGroups,
    languages,
    delivery,
    insurance: drawInsurance(draw('insurance'), state),
    licenses: drawLicenses(draw('licenses'), state, levelsOfCare, conditions, asOf),
    accreditations: drawAccreditations(draw('accreditations'), levelsOfCare, asOf),
    sessions: drawSessions(draw('sessions'), levelsOfCare),
    ...(structured && { programLengthWeeks: drawProgramLength(draw('programLengthWeeks')) }),
    acceptingNewPatients: draw('acceptingNewPatients').chance(0.85),
    ...(medications.length > 0 && { medications }),
    ...(populations.length > 0 && { populations }),
    ...(gendersAccepted && { gendersAccepted }),
    ...(ownership && { ownership }),
    ...(contact.chance(0.3) && { intakePhone: fictionalPhone(contact, state) }),
    ...(serviceArea && { serviceArea }),
    dataAsOf: draw('dataAsOf').dateAround(asOf, -365, 0),
  };
}

const NAME_KINDS = [
  ['Program', 3],
  ['Recovery Center', 2],
  ['Counseling Services', 2],
  ['Behavioral Health', 2],
  ['Treatment Center', 2],
  ['Wellness Clinic', 1],
  ['Outpatient Services', 1],
  ['Recovery House', 1],
] as const;
const ORGANIZATION_KINDS = ['Care Network', 'Health Partners', 'Recovery Alliance', 'Community Services'] as const;
const STREET_KINDS = ['Street', 'Avenue', 'Road', 'Boulevard', 'Lane', 'Way'] as const;

function drawProgramLength(draws: Draws): { min: number; max: number } {
  return { min: draws.integer(6, 8), max: draws.integer(10, 16) };
}

/** About half belong to one of 300 invented networks. */
function drawOrganization(draws: Draws): string | undefined {
  if (!draws.chance(0.55)) return undefined;
  const network = draws.integer(1, 300);
  return `Demo ${ORGANIZATION_KINDS[network % ORGANIZATION_KINDS.length]} ${String(network).padStart(3, '0')} (fictional)`;
}

/** `(AAA) 555-01NN`: a real area code of the state and a number from the block reserved for fiction. */
function fictionalPhone(draws: Draws, state: UsState): string {
  const areaCode = AREA_CODES[state];
  if (!areaCode) throw new Error(`no area code for ${state}; demo programs are placed only where there is one`);
  return `(${areaCode}) 555-01${String(draws.integer(0, 99)).padStart(2, '0')}`;
}

/** Keeps the chosen values in vocabulary order, so a record reads the same way whatever drew it. */
function inVocabularyOrder<T extends string>(vocabulary: readonly T[], chosen: ReadonlySet<T>): T[] {
  return vocabulary.filter((value) => chosen.has(value));
}

const BED_LEVELS: readonly LevelOfCare[] = ['residential', 'inpatient'];

/**
 * Independent draws, except that partial hospitalisation mostly comes as a step up from an IOP
 * and detox mostly alongside beds. A record that draws nothing gets outpatient.
 */
function drawLevelsOfCare(draws: Draws): LevelOfCare[] {
  const levels = new Set<LevelOfCare>();
  if (draws.chance(0.75)) levels.add('outpatient');
  if (draws.chance(0.4)) levels.add('iop');
  if (draws.chance(levels.has('iop') ? 0.3 : 0.07)) levels.add('php');
  if (draws.chance(0.18)) levels.add('residential');
  if (draws.chance(0.08)) levels.add('inpatient');
  const hasBeds = BED_LEVELS.some((level) => levels.has(level));
  if (draws.chance(hasBeds ? 0.35 : 0.04)) levels.add('detox');
  if (levels.size === 0) levels.add('outpatient');
  return inVocabularyOrder(LEVELS_OF_CARE, levels);
}

/** Substance use, mental health or both; co-occurring care mostly where both are treated. */
function drawConditions(draws: Draws): Condition[] {
  const conditions = new Set<Condition>();
  const substanceUse = draws.chance(0.8);
  if (substanceUse) conditions.add('substance_use');
  if (!substanceUse || draws.chance(0.5)) conditions.add('mental_health');
  const both = conditions.size === 2;
  if (draws.chance(both ? 0.7 : 0.05)) conditions.add('co_occurring');
  return inVocabularyOrder(CONDITIONS, conditions);
}

/**
 * Only substance-use programs prescribe these. An opioid treatment program always dispenses
 * methadone; detox programs often buprenorphine.
 */
function drawMedications(draws: Draws, levels: readonly LevelOfCare[], conditions: readonly Condition[]): Medication[] {
  if (!conditions.includes('substance_use')) return [];
  const chosen = new Set<Medication>();
  if (draws.chance(0.09)) chosen.add('methadone');
  const detox = levels.includes('detox');
  const shares: Record<Medication, number> = {
    methadone: 0,
    buprenorphine: chosen.has('methadone') ? 0.8 : detox ? 0.6 : 0.3,
    naltrexone: 0.35,
    acamprosate: 0.12,
    disulfiram: 0.08,
    nicotine_replacement: 0.2,
  };
  for (const medication of MEDICATIONS) if (draws.chance(shares[medication])) chosen.add(medication);
  return inVocabularyOrder(MEDICATIONS, chosen);
}

function drawServices(
  draws: Draws,
  levels: readonly LevelOfCare[],
  conditions: readonly Condition[],
  medications: readonly Medication[],
): Service[] {
  const has = function has(...wanted: LevelOfCare[]): boolean {
    return wanted.some((level) => levels.includes(level));
  };
  const shares: Record<Service, number> = {
    group_therapy: has('iop', 'php', 'residential') ? 0.97 : 0.75,
    individual_therapy: 0.93,
    family_therapy: 0.5,
    education: 0.7,
    relapse_prevention: conditions.includes('substance_use') ? 0.75 : 0.2,
    medication_management: has('detox', 'inpatient') ? 0.85 : 0.35,
    holistic: 0.2,
    aftercare_planning: has('iop', 'php', 'residential', 'inpatient', 'detox') ? 0.85 : 0.5,
    peer_support: 0.45,
    case_management: 0.5,
    housing_support: has('residential') ? 0.3 : 0.08,
    employment_support: 0.15,
    crisis_services: has('inpatient', 'detox') ? 0.35 : 0.1,
    opioid_treatment_program: 0,
  };
  const services = new Set(SERVICES.filter((service) => draws.chance(shares[service])));
  if (medications.includes('methadone')) services.add('opioid_treatment_program');
  if (medications.length > 0) services.add('medication_management');
  if (services.size === 0) services.add('individual_therapy');
  return inVocabularyOrder(SERVICES, services);
}

/** Mostly adult programs; the few that do not serve adults are youth programs. */
function drawAgeGroups(draws: Draws): AgeGroup[] {
  const groups = new Set<AgeGroup>();
  if (draws.chance(0.92)) {
    groups.add('adults');
    if (draws.chance(0.65)) groups.add('young_adults');
    if (draws.chance(0.45)) groups.add('seniors');
    if (draws.chance(0.12)) groups.add('adolescents');
  } else {
    groups.add('adolescents');
    if (draws.chance(0.5)) groups.add('young_adults');
  }
  if (groups.has('adolescents') && draws.chance(0.3)) groups.add('children');
  return inVocabularyOrder(AGE_GROUPS, groups);
}

const SPANISH_HEAVY_STATES = new Set<UsState>(['TX', 'CA', 'FL', 'NM', 'AZ', 'NY']);

type LanguageCode = NonNullable<ImportRecord['languages']>[number];

/** A share everywhere, and a higher one in states with large communities speaking the language. */
const OTHER_LANGUAGES: readonly { code: LanguageCode; share: number; localShare: number; localStates: readonly UsState[] }[] = [
  { code: 'fr', share: 0.015, localShare: 0.04, localStates: ['ME', 'VT', 'NH', 'LA'] },
  { code: 'zh', share: 0.008, localShare: 0.04, localStates: ['CA', 'NY', 'WA', 'MA'] },
  { code: 'vi', share: 0.005, localShare: 0.04, localStates: ['CA', 'TX', 'WA'] },
  { code: 'ru', share: 0.008, localShare: 0.04, localStates: ['NY', 'NJ', 'WA'] },
  { code: 'ko', share: 0.004, localShare: 0.03, localStates: ['CA', 'NY', 'NJ'] },
  { code: 'tl', share: 0.004, localShare: 0.05, localStates: ['CA', 'HI', 'GU'] },
  { code: 'ht', share: 0.002, localShare: 0.05, localStates: ['FL', 'NY', 'MA'] },
  { code: 'pt', share: 0.004, localShare: 0.06, localStates: ['MA', 'RI', 'NJ'] },
  { code: 'ar', share: 0.005, localShare: 0.06, localStates: ['MI'] },
  { code: 'sgn', share: 0.03, localShare: 0.03, localStates: [] },
];

function drawLanguages(draws: Draws, state: UsState): LanguageCode[] {
  const languages: LanguageCode[] = ['en'];
  const spanishShare = state === 'PR' ? 1 : SPANISH_HEAVY_STATES.has(state) ? 0.55 : 0.22;
  if (draws.chance(spanishShare)) languages.push('es');
  for (const language of OTHER_LANGUAGES) {
    const isLocal = language.localStates.includes(state);
    if (draws.chance(isLocal ? language.localShare : language.share)) languages.push(language.code);
  }
  return languages;
}

/** Programs with beds or detox are never virtual only. */
function drawDelivery(draws: Draws, levels: readonly LevelOfCare[]): DeliveryMode[] {
  const hasBeds = levels.some((level) => BED_LEVELS.includes(level) || level === 'detox');
  if (!hasBeds && draws.chance(0.06)) return ['virtual'];
  return draws.chance(0.43) ? ['in_person', 'virtual'] : ['in_person'];
}

/** Most virtual programs say which states they serve: their own, often with some neighbours. */
function drawServiceArea(draws: Draws, state: UsState): { states: UsState[] } | undefined {
  if (!draws.chance(0.8)) return undefined;
  const states = new Set<UsState>([state]);
  for (const neighbour of NEIGHBOURS[state] ?? []) if (draws.chance(0.35)) states.add(neighbour);
  return { states: [...states] };
}

/** Kaiser Permanente runs health plans only in these markets. */
const KAISER_STATES = new Set<UsState>(['CA', 'OR', 'WA', 'CO', 'GA', 'MD', 'VA', 'DC', 'HI']);
/** Anthem (Elevance) sells Blue Cross Blue Shield plans under its own name only in these states. */
const ANTHEM_STATES = new Set<UsState>(['CA', 'CO', 'CT', 'GA', 'IN', 'KY', 'ME', 'MO', 'NV', 'NH', 'NY', 'OH', 'VA', 'WI']);
/** States with large tribal populations, where more programs take IHS/tribal coverage. */
const TRIBAL_STATES = new Set<UsState>(['AK', 'AZ', 'NM', 'OK', 'SD', 'MT', 'ND']);

/** Named carriers only for programs that take private insurance at all. */
function drawInsurance(draws: Draws, state: UsState): Insurance[] {
  const takesPrivate = draws.chance(0.6);
  const carrierShare = (share: number) => (takesPrivate ? share : 0);
  const shares: Record<Insurance, number> = {
    medicaid: 0.65,
    medicare: 0.4,
    tricare: 0.18,
    va: 0.12,
    state_plan: 0.25,
    private: takesPrivate ? 1 : 0,
    aetna: carrierShare(0.4),
    anthem: ANTHEM_STATES.has(state) ? carrierShare(0.45) : 0,
    bcbs: carrierShare(0.55),
    cigna: carrierShare(0.4),
    humana: carrierShare(0.2),
    kaiser: KAISER_STATES.has(state) ? carrierShare(0.45) : 0,
    uhc: carrierShare(0.4),
    self_pay: 0.85,
    sliding_scale: 0.45,
    payment_assistance: 0.2,
    ihs_tribal: TRIBAL_STATES.has(state) ? 0.15 : 0.02,
    free_care: 0.06,
  };
  return INSURANCE.filter((payer) => draws.chance(shares[payer]));
}

/** Public and nonprofit programs dominate; most records say who runs them. */
function drawOwnership(draws: Draws): Ownership | undefined {
  if (!draws.chance(0.85)) return undefined;
  const weights: Record<Ownership, number> = {
    private_nonprofit: 50,
    private_for_profit: 34,
    local_government: 5,
    state_government: 4,
    tribal: 1.5,
    indian_health_service: 0.5,
    federal: 0.5,
    va: 3,
    department_of_defense: 1.5,
  };
  return draws.weighted(OWNERSHIP.map((owner) => [owner, weights[owner]] as const));
}

function drawPopulations(
  draws: Draws,
  conditions: readonly Condition[],
  ages: readonly AgeGroup[],
  ownership: Ownership | undefined,
): Population[] {
  const mentalHealth = conditions.includes('mental_health');
  const youth = ages.includes('adolescents') || ages.includes('children');
  const military = ownership === 'va' || ownership === 'department_of_defense';
  const shares: Record<Population, number> = {
    veterans: military ? 1 : 0.15,
    active_military: ownership === 'department_of_defense' ? 1 : 0.06,
    military_families: 0.06,
    lgbtq: 0.18,
    women: 0.2,
    men: 0.15,
    pregnant_postpartum: 0.08,
    criminal_justice: 0.25,
    hiv_aids: 0.06,
    trauma: 0.3,
    domestic_violence: 0.1,
    ptsd: military ? 0.6 : 0.15,
    serious_mental_illness: mentalHealth ? 0.3 : 0,
    serious_emotional_disturbance: mentalHealth && youth ? 0.5 : 0,
    first_episode_psychosis: mentalHealth ? 0.05 : 0,
    eating_disorders: mentalHealth ? 0.06 : 0,
    tbi: 0.04,
    dui_dwi: conditions.includes('substance_use') ? 0.18 : 0,
  };
  return POPULATIONS.filter((population) => draws.chance(shares[population]));
}

/** Absent where the record does not say, as imports from real sources often are. */
function drawGenders(draws: Draws): Gender[] | undefined {
  const answer = draws.weighted([
    ['unstated', 30],
    ['both', 58],
    ['female', 7],
    ['male', 5],
  ] as const);
  if (answer === 'unstated') return undefined;
  return answer === 'both' ? [...GENDERS] : [answer];
}

/** The most intensive level of care decides the kind of licence a program holds. */
const LICENSE_TYPE_BY_LEVEL: Record<LevelOfCare, string> = {
  inpatient: 'Hospital Inpatient Behavioral Health Services',
  residential: 'Residential Treatment',
  detox: 'Withdrawal Management Services',
  php: 'Partial Hospitalization Program',
  iop: 'Intensive Outpatient Treatment',
  outpatient: 'Outpatient Treatment',
};
const LEVELS_BY_INTENSITY: readonly LevelOfCare[] = ['inpatient', 'residential', 'detox', 'php', 'iop', 'outpatient'];
const ISSUER_KINDS = ['Department of Health (demo)', 'Department of Behavioral Health (demo)', 'Office of Addiction Services (demo)'] as const;
const NUMBER_PREFIXES = ['SUD', 'BH', 'DBH', 'OAS'] as const;

/** One invented issuer and numbering scheme per state, so every program in a state names the same one. */
function stateLicensing(state: UsState): { issuer: string; numberPrefix: string } {
  const draws = new Draws(seedFromName(`licensing#${state}`));
  return { issuer: `${STATE_NAMES[state]} ${draws.pick(ISSUER_KINDS)}`, numberPrefix: `${state}-DEMO-${draws.pick(NUMBER_PREFIXES)}` };
}

/**
 * When a licence or accreditation runs out, relative to the reference date: 6% already
 * expired, 5% within the next 60 days (what the expiring-soon review list shows), the rest later.
 */
function expiryDate(draws: Draws, asOf: number): string {
  const when = draws.weighted([
    ['expired', 6],
    ['soon', 5],
    ['later', 89],
  ] as const);
  if (when === 'expired') return draws.dateAround(asOf, -3 * 365, -1);
  if (when === 'soon') return draws.dateAround(asOf, 0, 60);
  return draws.dateAround(asOf, 61, 3 * 365);
}

function drawLicenses(
  draws: Draws,
  state: UsState,
  levels: readonly LevelOfCare[],
  conditions: readonly Condition[],
  asOf: number,
): License[] {
  if (!draws.chance(0.9)) return [];
  const { issuer, numberPrefix } = stateLicensing(state);
  const mostIntensive = LEVELS_BY_INTENSITY.find((level) => levels.includes(level)) ?? 'outpatient';
  const licence = (type: string): License => ({
    state,
    number: `${numberPrefix}-${String(draws.integer(0, 999_999)).padStart(6, '0')}`,
    type,
    issuer,
    expiresOn: expiryDate(draws, asOf),
  });
  const licenses = [licence(LICENSE_TYPE_BY_LEVEL[mostIntensive])];
  // Programs treating both kinds of condition often need a second, mental-health licence.
  if (conditions.length > 1 && draws.chance(0.25)) licenses.push(licence('Mental Health Services'));
  return licenses;
}

/** Programs rarely hold both Joint Commission and CARF accreditation; HFAP accredits hospitals. */
function drawAccreditations(draws: Draws, levels: readonly LevelOfCare[], asOf: number): Accreditation[] {
  const jointCommission = draws.chance(0.4);
  const shares: Record<AccreditationBody, number> = {
    joint_commission: jointCommission ? 1 : 0,
    carf: jointCommission ? 0.1 : 0.43,
    ncqa: 0.02,
    coa: 0.03,
    hfap: levels.includes('inpatient') ? 0.15 : 0.01,
  };
  // A tenth state no expiry, as the national directory does.
  return ACCREDITATION_BODIES.filter((body) => draws.chance(shares[body])).map((body) =>
    draws.chance(0.1) ? { body } : { body, expiresOn: expiryDate(draws, asOf) },
  );
}

type SessionSlot = Pick<Session, 'start' | 'end'>;
const MORNING: SessionSlot = { start: '09:00', end: '12:00' };
const AFTERNOON: SessionSlot = { start: '13:00', end: '16:00' };
const EVENINGS: readonly SessionSlot[] = [
  { start: '17:30', end: '20:30' },
  { start: '18:00', end: '21:00' },
];
const WEEKEND_SLOTS: readonly SessionSlot[] = [
  { start: '09:00', end: '12:00' },
  { start: '10:00', end: '13:00' },
];
/** Evening groups are the commonest IOP format: patients keep their jobs. */
const SLOT_WEIGHTS = { morning: 0.35, afternoon: 0.2, evening: 0.45 } as const;
type Track = keyof typeof SLOT_WEIGHTS;
const WEEKDAY_PATTERNS: readonly (readonly [Weekday[], number])[] = [
  [['mon', 'wed', 'fri'], 0.35],
  [['mon', 'tue', 'wed', 'thu'], 0.25],
  [['tue', 'wed', 'thu'], 0.15],
  [['mon', 'tue', 'wed', 'thu', 'fri'], 0.25],
];
const WEEKEND_DAYS: readonly Weekday[][] = [['sat'], ['sun'], ['sat', 'sun']];

/**
 * IOP and PHP programs run 1-3 distinct weekday tracks (morning, afternoon, evening), and about
 * one in ten replaces its last track with a weekend one. Other programs with an outpatient
 * setting sometimes list one weekly group; residential and inpatient care has no sessions.
 */
function drawSessions(draws: Draws, levels: readonly LevelOfCare[]): Session[] {
  const slotFor = (track: Track): SessionSlot => (track === 'morning' ? MORNING : track === 'afternoon' ? AFTERNOON : draws.pick(EVENINGS));
  if (levels.includes('iop') || levels.includes('php')) {
    const count = draws.weighted([
      [1, 0.45],
      [2, 0.35],
      [3, 0.2],
    ] as const);
    const hasWeekendTrack = draws.chance(0.1);
    const weekdayTracks = drawDistinctTracks(draws, hasWeekendTrack ? count - 1 : count);
    const sessions: Session[] = weekdayTracks.map((track) => ({ days: [...draws.weighted(WEEKDAY_PATTERNS)], ...slotFor(track) }));
    if (hasWeekendTrack) sessions.push({ days: [...draws.pick(WEEKEND_DAYS)], ...draws.pick(WEEKEND_SLOTS) });
    return sessions;
  }
  if (levels.includes('outpatient') && draws.chance(0.4)) {
    const day = draws.pick(['mon', 'tue', 'wed', 'thu', 'fri'] as const);
    return [{ days: [day], ...slotFor(draws.weighted([['morning', 0.4], ['evening', 0.6]] as const)) }];
  }
  return [];
}

function drawDistinctTracks(draws: Draws, count: number): Track[] {
  const remaining = Object.entries(SLOT_WEIGHTS) as [Track, number][];
  const tracks: Track[] = [];
  while (tracks.length < count && remaining.length > 0) {
    const track = draws.weighted(remaining);
    tracks.push(track);
    remaining.splice(remaining.findIndex(([candidate]) => candidate === track), 1);
  }
  const order = Object.keys(SLOT_WEIGHTS);
  return tracks.sort((a, b) => order.indexOf(a) - order.indexOf(b));
}

const LEVEL_PHRASES: Record<LevelOfCare, string> = {
  iop: 'intensive outpatient',
  php: 'partial hospitalization',
  outpatient: 'outpatient',
  residential: 'residential',
  inpatient: 'inpatient',
  detox: 'detox',
};
const SERVICE_PHRASES: Record<Service, string> = {
  group_therapy: 'group therapy',
  individual_therapy: 'individual therapy',
  family_therapy: 'family therapy',
  education: 'education',
  relapse_prevention: 'relapse prevention',
  medication_management: 'medication management',
  holistic: 'holistic therapies',
  aftercare_planning: 'aftercare planning',
  peer_support: 'peer support',
  case_management: 'case management',
  housing_support: 'housing support',
  employment_support: 'employment support',
  crisis_services: 'crisis services',
  opioid_treatment_program: 'an opioid treatment program',
};
const AGE_PHRASES: Record<AgeGroup, string> = {
  children: 'children',
  adolescents: 'adolescents',
  young_adults: 'young adults',
  adults: 'adults',
  seniors: 'seniors',
};
/** ISO 639-1 names the language "Haitian"; speakers and services call it Haitian Creole. */
const LANGUAGE_NAMES: Record<string, string> = { ht: 'Haitian Creole', sgn: 'sign language' };

function listInEnglish(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}

/** Says first that the program is invented, then what the record says, in words. */
function describe(attributes: {
  levelsOfCare: readonly LevelOfCare[];
  conditions: readonly Condition[];
  services: readonly Service[];
  ageGroups: readonly AgeGroup[];
  languages: readonly string[];
  delivery: readonly DeliveryMode[];
}): string {
  const levels = listInEnglish(attributes.levelsOfCare.map((level) => LEVEL_PHRASES[level]));
  const treats =
    attributes.conditions.includes('substance_use') && attributes.conditions.includes('mental_health')
      ? 'substance use and mental health conditions'
      : attributes.conditions.includes('substance_use')
        ? 'substance use disorders'
        : 'mental health conditions';
  const coOccurring = attributes.conditions.includes('co_occurring') ? ', including co-occurring disorders' : '';
  const ages = listInEnglish(attributes.ageGroups.map((group) => AGE_PHRASES[group]));
  const services = listInEnglish(attributes.services.slice(0, 3).map((service) => SERVICE_PHRASES[service]));
  const delivery =
    attributes.delivery.length === 2 ? 'in person and online' : attributes.delivery[0] === 'virtual' ? 'online only' : 'in person';
  const languageNames = attributes.languages.map((code) => LANGUAGE_NAMES[code] ?? ISO6391.getName(code));
  const sentences = [
    'Fictional demo program: not a real facility.',
    `${capitalize(levels)} treatment for ${treats}${coOccurring}, serving ${ages}.`,
    `Offers ${services}, ${delivery}.`,
    attributes.languages.length > 1 ? `Services in ${listInEnglish(languageNames)}.` : '',
  ];
  return sentences.filter(Boolean).join(' ');
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
