import { createHash } from 'node:crypto';
import ISO6391 from 'iso-639-1';
import type { Accreditation, ImportRecord, License, Session } from '../functions/domain/program';
import {
  ACCREDITATION_BODIES,
  AGE_GROUPS,
  CONDITIONS,
  INSURANCE,
  LEVELS_OF_CARE,
  SERVICES,
  type AccreditationBody,
  type AgeGroup,
  type Condition,
  type DeliveryMode,
  type Insurance,
  type LevelOfCare,
  type Service,
  type UsState,
  type Weekday,
} from '../functions/domain/vocabulary';

/**
 * The SAMHSA facility list carries names, addresses and coordinates only. Everything else a
 * search demo filters on is synthesised here, deterministically: the row's seed is a SHA-256
 * hash of its externalId, and each attribute is drawn from its own PRNG stream derived from
 * that seed and the attribute's name. A row therefore gets the same attributes on every run
 * and every machine, and retuning one distribution leaves every other attribute of every row
 * untouched. seed/README.md lists the distributions and the shares they produce on the real file.
 */

/**
 * Expiry dates are placed relative to this fixed date, never to "today": a licence synthesised
 * as expired stays expired, and a current one stays current until 2027 at the earliest.
 */
export const SYNTHESIS_REFERENCE_DATE = '2026-01-01';

const DAY_MS = 86_400_000;

/** Days since the Unix epoch, so drawing a date is drawing an integer. */
interface DateWindow {
  firstDay: number;
  lastDay: number;
}

function dateWindow(first: string, last: string): DateWindow {
  return { firstDay: Date.parse(`${first}T00:00:00Z`) / DAY_MS, lastDay: Date.parse(`${last}T00:00:00Z`) / DAY_MS };
}

const EXPIRED_WINDOW = dateWindow('2023-01-01', '2025-12-31');
const CURRENT_WINDOW = dateWindow('2027-01-01', '2029-12-31');

export interface FacilityIdentity {
  externalId: string;
  state: UsState;
}

export type SynthesizedAttributes = Required<
  Pick<
    ImportRecord,
    | 'levelsOfCare'
    | 'conditions'
    | 'services'
    | 'ageGroups'
    | 'languages'
    | 'delivery'
    | 'insurance'
    | 'licenses'
    | 'accreditations'
    | 'sessions'
    | 'acceptingNewPatients'
    | 'description'
  >
> &
  Pick<ImportRecord, 'programLengthWeeks' | 'phone'>;

export function synthesizeAttributes({ externalId, state }: FacilityIdentity): SynthesizedAttributes {
  const rowSeed = seedFromText(externalId);
  const draw = (attribute: string) => new Draws(mix32(rowSeed ^ seedFromAttributeName(attribute)));
  const levelsOfCare = synthesizeLevelsOfCare(draw('levelsOfCare'));
  const conditions = synthesizeConditions(draw('conditions'));
  const services = synthesizeServices(draw('services'), levelsOfCare);
  const ageGroups = synthesizeAgeGroups(draw('ageGroups'));
  const languages = synthesizeLanguages(draw('languages'), state);
  const delivery = synthesizeDelivery(draw('delivery'), levelsOfCare);
  const offersStructuredProgram = levelsOfCare.includes('iop') || levelsOfCare.includes('php');
  const programLengthWeeks = offersStructuredProgram ? synthesizeProgramLength(draw('programLengthWeeks')) : undefined;
  const phone = synthesizePhone(draw('phone'), state);
  return {
    levelsOfCare,
    conditions,
    services,
    ageGroups,
    languages,
    delivery,
    insurance: synthesizeInsurance(draw('insurance'), state),
    licenses: synthesizeLicenses(draw('licenses'), state, levelsOfCare),
    accreditations: synthesizeAccreditations(draw('accreditations'), levelsOfCare),
    sessions: synthesizeSessions(draw('sessions'), levelsOfCare),
    ...(programLengthWeeks && { programLengthWeeks }),
    acceptingNewPatients: draw('acceptingNewPatients').chance(0.85),
    description: describe({ levelsOfCare, conditions, services, ageGroups, languages, delivery }),
    ...(phone && { phone }),
  };
}

/** The first 32 bits (little-endian) of the text's SHA-256. */
export function seedFromText(text: string): number {
  return createHash('sha256').update(text).digest().readUInt32LE(0);
}

/** FNV-1a: one SHA-256 per row is the expensive part, attribute names only need to differ. */
function seedFromAttributeName(name: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < name.length; index++) {
    hash = Math.imul(hash ^ name.charCodeAt(index), 0x01000193);
  }
  return hash >>> 0;
}

/** murmur3's 32-bit finaliser: a bijection, so distinct attribute names keep distinct seeds. */
function mix32(value: number): number {
  let hash = value >>> 0;
  hash = Math.imul(hash ^ (hash >>> 16), 0x85ebca6b);
  hash = Math.imul(hash ^ (hash >>> 13), 0xc2b2ae35);
  return (hash ^ (hash >>> 16)) >>> 0;
}

/**
 * mulberry32. Only integer arithmetic with exactly specified results (Math.imul, shifts), so
 * every JavaScript engine produces the same sequence from the same seed.
 */
export class Draws {
  private state: number;

  constructor(seed: number) {
    this.state = seed | 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) | 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  /** Inclusive at both ends. */
  integer(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  pick<T>(values: readonly T[]): T {
    const value = values[Math.floor(this.next() * values.length)];
    if (value === undefined) throw new Error('pick() needs at least one value');
    return value;
  }

  weighted<T>(options: readonly (readonly [T, number])[]): T {
    const total = options.reduce((sum, [, weight]) => sum + weight, 0);
    let remaining = this.next() * total;
    for (const [value, weight] of options) {
      remaining -= weight;
      if (remaining < 0) return value;
    }
    const last = options.at(-1);
    if (!last) throw new Error('weighted() needs at least one option');
    return last[0];
  }

  /** An ISO date uniform within the window, both ends included. */
  date(window: DateWindow): string {
    return new Date(this.integer(window.firstDay, window.lastDay) * DAY_MS).toISOString().slice(0, 10);
  }
}

/** Keeps the chosen values in vocabulary order, so a record reads the same way whatever drew it. */
function inVocabularyOrder<T extends string>(vocabulary: readonly T[], chosen: ReadonlySet<T>): T[] {
  return vocabulary.filter((value) => chosen.has(value));
}

const RESIDENTIAL_LEVELS: readonly LevelOfCare[] = ['residential', 'inpatient'];

/**
 * Independent draws, except that partial hospitalisation is mostly offered as a step up from
 * an IOP and detox mostly alongside residential or inpatient beds, as in the real locator data.
 * A row that draws nothing gets outpatient, the commonest setting.
 */
function synthesizeLevelsOfCare(draws: Draws): LevelOfCare[] {
  const levels = new Set<LevelOfCare>();
  if (draws.chance(0.78)) levels.add('outpatient');
  if (draws.chance(0.35)) levels.add('iop');
  if (draws.chance(levels.has('iop') ? 0.3 : 0.07)) levels.add('php');
  if (draws.chance(0.2)) levels.add('residential');
  if (draws.chance(0.08)) levels.add('inpatient');
  const hasBeds = RESIDENTIAL_LEVELS.some((level) => levels.has(level));
  if (draws.chance(hasBeds ? 0.35 : 0.04)) levels.add('detox');
  if (levels.size === 0) levels.add('outpatient');
  return inVocabularyOrder(LEVELS_OF_CARE, levels);
}

/** Every row of this file is a substance-use facility; co-occurring care mostly comes with mental-health care. */
function synthesizeConditions(draws: Draws): Condition[] {
  const conditions = new Set<Condition>(['substance_use']);
  const treatsMentalHealth = draws.chance(0.45);
  if (treatsMentalHealth) conditions.add('mental_health');
  if (draws.chance(treatsMentalHealth ? 0.7 : 0.08)) conditions.add('co_occurring');
  return inVocabularyOrder(CONDITIONS, conditions);
}

function synthesizeServices(draws: Draws, levels: readonly LevelOfCare[]): Service[] {
  const has = (...wanted: LevelOfCare[]) => wanted.some((level) => levels.includes(level));
  const shares: Record<Service, number> = {
    individual_therapy: 0.93,
    group_therapy: has('iop', 'php', 'residential') ? 0.97 : 0.75,
    family_therapy: 0.5,
    education: 0.7,
    relapse_prevention: 0.75,
    medication_management: has('detox', 'inpatient') ? 0.85 : 0.35,
    holistic: 0.2,
    aftercare_planning: has('iop', 'php', 'residential', 'inpatient', 'detox') ? 0.85 : 0.5,
  };
  const services = new Set(SERVICES.filter((service) => draws.chance(shares[service])));
  if (services.size === 0) services.add('individual_therapy');
  return inVocabularyOrder(SERVICES, services);
}

/** Mostly adult programs; the few that do not serve adults are youth programs. */
function synthesizeAgeGroups(draws: Draws): AgeGroup[] {
  const groups = new Set<AgeGroup>();
  if (draws.chance(0.94)) {
    groups.add('adults');
    if (draws.chance(0.65)) groups.add('young_adults');
    if (draws.chance(0.45)) groups.add('seniors');
    if (draws.chance(0.12)) groups.add('adolescents');
  } else {
    groups.add('adolescents');
    if (draws.chance(0.5)) groups.add('young_adults');
  }
  if (groups.has('adolescents') && draws.chance(0.25)) groups.add('children');
  return inVocabularyOrder(AGE_GROUPS, groups);
}

const SPANISH_HEAVY_STATES = new Set<UsState>(['TX', 'CA', 'FL', 'NM', 'AZ', 'NY']);

type LanguageCode = NonNullable<ImportRecord['languages']>[number];

/** A share everywhere, and a higher one in states with large communities speaking the language. */
const OTHER_LANGUAGES: readonly { code: LanguageCode; share: number; localShare: number; localStates: UsState[] }[] = [
  { code: 'fr', share: 0.015, localShare: 0.04, localStates: ['ME', 'VT', 'NH', 'LA'] },
  { code: 'zh', share: 0.008, localShare: 0.04, localStates: ['CA', 'NY', 'WA', 'MA'] },
  { code: 'vi', share: 0.005, localShare: 0.04, localStates: ['CA', 'TX', 'WA'] },
  { code: 'ru', share: 0.008, localShare: 0.04, localStates: ['NY', 'NJ', 'WA'] },
  { code: 'ko', share: 0.004, localShare: 0.03, localStates: ['CA', 'NY', 'NJ'] },
  { code: 'tl', share: 0.004, localShare: 0.05, localStates: ['CA', 'HI'] },
  { code: 'ht', share: 0.002, localShare: 0.05, localStates: ['FL', 'NY', 'MA'] },
  { code: 'pt', share: 0.004, localShare: 0.06, localStates: ['MA', 'RI', 'NJ'] },
  { code: 'ar', share: 0.005, localShare: 0.06, localStates: ['MI'] },
];

function synthesizeLanguages(draws: Draws, state: UsState): LanguageCode[] {
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
function synthesizeDelivery(draws: Draws, levels: readonly LevelOfCare[]): DeliveryMode[] {
  const hasBeds = levels.some((level) => RESIDENTIAL_LEVELS.includes(level) || level === 'detox');
  if (!hasBeds && draws.chance(0.05)) return ['virtual'];
  return draws.chance(0.43) ? ['in_person', 'virtual'] : ['in_person'];
}

/** Kaiser Permanente runs health plans only in these markets. */
const KAISER_STATES = new Set<UsState>(['CA', 'OR', 'WA', 'CO', 'GA', 'MD', 'VA', 'DC', 'HI']);
/** Anthem (Elevance) sells Blue Cross Blue Shield plans under its own name only in these states. */
const ANTHEM_STATES = new Set<UsState>([
  'CA', 'CO', 'CT', 'GA', 'IN', 'KY', 'ME', 'MO', 'NV', 'NH', 'NY', 'OH', 'VA', 'WI',
]);

/** Named carriers are only listed by programs that take private insurance at all. */
function synthesizeInsurance(draws: Draws, state: UsState): Insurance[] {
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
  };
  return INSURANCE.filter((payer) => draws.chance(shares[payer]));
}

/** The most intensive level of care decides the kind of licence a facility holds. */
const LICENSE_TYPE_BY_LEVEL: Record<LevelOfCare, string> = {
  inpatient: 'Hospital Inpatient Behavioral Health Services',
  residential: 'Residential Substance Use Disorder Treatment',
  detox: 'Withdrawal Management Services',
  php: 'Partial Hospitalization Program',
  iop: 'Intensive Outpatient Substance Use Disorder Treatment',
  outpatient: 'Outpatient Substance Use Disorder Treatment',
};
const LEVELS_BY_INTENSITY: readonly LevelOfCare[] = ['inpatient', 'residential', 'detox', 'php', 'iop', 'outpatient'];

const ISSUER_PATTERNS = [
  (state: string) => `${state} Department of Health`,
  (state: string) => `${state} Department of Behavioral Health`,
  (state: string) => `${state} Department of Human Services`,
  (state: string) => `${state} Office of Addiction Services`,
] as const;
const LICENSE_NUMBER_PREFIXES = ['SUD', 'BH', 'ADP', 'DBH', 'OAS'] as const;

const licensingByState = new Map<UsState, { issuer: string; numberPrefix: string }>();

/**
 * One licensing agency and one numbering scheme per state, drawn from the state code rather
 * than the row, so every facility in a state names the same issuer.
 */
function stateLicensing(state: UsState): { issuer: string; numberPrefix: string } {
  let licensing = licensingByState.get(state);
  if (!licensing) {
    const draws = new Draws(seedFromText(`licensing#${state}`));
    licensing = {
      issuer: draws.pick(ISSUER_PATTERNS)(STATE_NAMES[state]),
      numberPrefix: `${state}-${draws.pick(LICENSE_NUMBER_PREFIXES)}`,
    };
    licensingByState.set(state, licensing);
  }
  return licensing;
}

function synthesizeLicenses(draws: Draws, state: UsState, levels: readonly LevelOfCare[]): License[] {
  if (!draws.chance(0.9)) return [];
  const { issuer, numberPrefix } = stateLicensing(state);
  const mostIntensive = LEVELS_BY_INTENSITY.find((level) => levels.includes(level)) ?? 'outpatient';
  return [
    {
      state,
      number: `${numberPrefix}-${String(draws.integer(0, 999_999)).padStart(6, '0')}`,
      type: LICENSE_TYPE_BY_LEVEL[mostIntensive],
      issuer,
      expiresOn: draws.date(draws.chance(0.05) ? EXPIRED_WINDOW : CURRENT_WINDOW),
    },
  ];
}

/**
 * Facilities rarely hold both Joint Commission and CARF accreditation; HFAP is a hospital
 * accreditor.
 */
function synthesizeAccreditations(draws: Draws, levels: readonly LevelOfCare[]): Accreditation[] {
  const jointCommission = draws.chance(0.4);
  const shares: Record<AccreditationBody, number> = {
    joint_commission: jointCommission ? 1 : 0,
    carf: jointCommission ? 0.1 : 0.43,
    coa: 0.03,
    ncqa: 0.02,
    hfap: levels.includes('inpatient') ? 0.15 : 0.01,
  };
  return ACCREDITATION_BODIES.filter((body) => draws.chance(shares[body])).map((body) => ({
    body,
    expiresOn: draws.date(draws.chance(0.08) ? EXPIRED_WINDOW : CURRENT_WINDOW),
  }));
}

type SessionSlot = Pick<Session, 'start' | 'end'>;
const MORNING: SessionSlot = { start: '09:00', end: '12:00' };
const AFTERNOON: SessionSlot = { start: '13:00', end: '16:00' };
const EVENINGS = [
  { start: '17:30', end: '20:30' },
  { start: '18:00', end: '21:00' },
] as const;
const WEEKEND_SLOTS = [
  { start: '09:00', end: '12:00' },
  { start: '10:00', end: '13:00' },
] as const;
/** Evening groups are the commonest IOP format: patients keep their jobs. */
const SLOT_WEIGHTS = { morning: 0.35, afternoon: 0.2, evening: 0.45 } as const;
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
function synthesizeSessions(draws: Draws, levels: readonly LevelOfCare[]): Session[] {
  const slotFor = (track: keyof typeof SLOT_WEIGHTS): SessionSlot =>
    track === 'morning' ? MORNING : track === 'afternoon' ? AFTERNOON : draws.pick(EVENINGS);
  if (levels.includes('iop') || levels.includes('php')) {
    const count = draws.weighted([
      [1, 0.45],
      [2, 0.35],
      [3, 0.2],
    ] as const);
    const hasWeekendTrack = draws.chance(0.1);
    const weekdayTracks = drawDistinctTracks(draws, hasWeekendTrack ? count - 1 : count);
    const sessions: Session[] = weekdayTracks.map((track) => ({
      days: [...draws.weighted(WEEKDAY_PATTERNS)],
      ...slotFor(track),
    }));
    if (hasWeekendTrack) sessions.push({ days: [...draws.pick(WEEKEND_DAYS)], ...draws.pick(WEEKEND_SLOTS) });
    return sessions;
  }
  if (levels.includes('outpatient') && draws.chance(0.4)) {
    const day = draws.pick(['mon', 'tue', 'wed', 'thu', 'fri'] as const);
    return [{ days: [day], ...slotFor(draws.weighted([['morning', 0.4], ['evening', 0.6]] as const)) }];
  }
  return [];
}

function drawDistinctTracks(draws: Draws, count: number): (keyof typeof SLOT_WEIGHTS)[] {
  const remaining = Object.entries(SLOT_WEIGHTS) as [keyof typeof SLOT_WEIGHTS, number][];
  const tracks: (keyof typeof SLOT_WEIGHTS)[] = [];
  while (tracks.length < count && remaining.length > 0) {
    const track = draws.weighted(remaining);
    tracks.push(track);
    remaining.splice(remaining.findIndex(([candidate]) => candidate === track), 1);
  }
  const order = Object.keys(SLOT_WEIGHTS);
  return tracks.sort((a, b) => order.indexOf(a) - order.indexOf(b));
}

function synthesizeProgramLength(draws: Draws): { min: number; max: number } {
  return { min: draws.integer(6, 8), max: draws.integer(10, 16) };
}

/**
 * 555-0100 to 555-0199 is the block reserved for fictional use in every area code, so these
 * numbers look local and can never ring a real line.
 */
function synthesizePhone(draws: Draws, state: UsState): string | undefined {
  const areaCode = AREA_CODES[state];
  if (!areaCode) return undefined;
  return `(${areaCode}) 555-01${String(draws.integer(0, 99)).padStart(2, '0')}`;
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
};
const AGE_PHRASES: Record<AgeGroup, string> = {
  children: 'children',
  adolescents: 'adolescents',
  young_adults: 'young adults',
  adults: 'adults',
  seniors: 'seniors',
};

/** ISO 639-1 names the language "Haitian"; speakers and services call it Haitian Creole. */
const LANGUAGE_NAME_OVERRIDES: Record<string, string> = { ht: 'Haitian Creole' };

function listInEnglish(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}

function describe(attributes: {
  levelsOfCare: readonly LevelOfCare[];
  conditions: readonly Condition[];
  services: readonly Service[];
  ageGroups: readonly AgeGroup[];
  languages: readonly string[];
  delivery: readonly DeliveryMode[];
}): string {
  const levels = listInEnglish(attributes.levelsOfCare.map((level) => LEVEL_PHRASES[level]));
  const treats = attributes.conditions.includes('mental_health')
    ? 'substance use and mental health conditions'
    : 'substance use disorders';
  const coOccurring = attributes.conditions.includes('co_occurring') ? ', including co-occurring disorders' : '';
  const ages = listInEnglish(attributes.ageGroups.map((group) => AGE_PHRASES[group]));
  const services = listInEnglish(attributes.services.slice(0, 3).map((service) => SERVICE_PHRASES[service]));
  const delivery =
    attributes.delivery.length === 2
      ? 'in person and online'
      : attributes.delivery[0] === 'virtual'
        ? 'online only'
        : 'in person';
  const languageNames = attributes.languages.map((code) => LANGUAGE_NAME_OVERRIDES[code] ?? ISO6391.getName(code));
  const sentences = [
    `${capitalize(levels)} treatment for ${treats}${coOccurring}, serving ${ages}.`,
    `Offers ${services}, ${delivery}.`,
    attributes.languages.length > 1 ? `Services in ${listInEnglish(languageNames)}.` : '',
  ];
  return sentences.filter(Boolean).join(' ');
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

const STATE_NAMES: Record<UsState, string> = {
  AL: 'Alabama', AK: 'Alaska', AZ: 'Arizona', AR: 'Arkansas', CA: 'California', CO: 'Colorado',
  CT: 'Connecticut', DE: 'Delaware', DC: 'District of Columbia', FL: 'Florida', GA: 'Georgia',
  HI: 'Hawaii', ID: 'Idaho', IL: 'Illinois', IN: 'Indiana', IA: 'Iowa', KS: 'Kansas', KY: 'Kentucky',
  LA: 'Louisiana', ME: 'Maine', MD: 'Maryland', MA: 'Massachusetts', MI: 'Michigan', MN: 'Minnesota',
  MS: 'Mississippi', MO: 'Missouri', MT: 'Montana', NE: 'Nebraska', NV: 'Nevada', NH: 'New Hampshire',
  NJ: 'New Jersey', NM: 'New Mexico', NY: 'New York', NC: 'North Carolina', ND: 'North Dakota',
  OH: 'Ohio', OK: 'Oklahoma', OR: 'Oregon', PA: 'Pennsylvania', RI: 'Rhode Island',
  SC: 'South Carolina', SD: 'South Dakota', TN: 'Tennessee', TX: 'Texas', UT: 'Utah', VT: 'Vermont',
  VA: 'Virginia', WA: 'Washington', WV: 'West Virginia', WI: 'Wisconsin', WY: 'Wyoming',
  AS: 'American Samoa', GU: 'Guam', MP: 'Northern Mariana Islands', PR: 'Puerto Rico',
  VI: 'U.S. Virgin Islands', FM: 'Micronesia', MH: 'Marshall Islands', PW: 'Palau',
  AA: 'Armed Forces Americas', AE: 'Armed Forces Europe', AP: 'Armed Forces Pacific',
};

/**
 * A real area code in each state and each territory inside the North American Numbering Plan.
 * Micronesia, the Marshall Islands, Palau and the military postal codes are outside it, so
 * their programs get no phone.
 */
const AREA_CODES: Partial<Record<UsState, string>> = {
  AL: '205', AK: '907', AZ: '602', AR: '501', CA: '213', CO: '303', CT: '203', DE: '302', DC: '202',
  FL: '305', GA: '404', HI: '808', ID: '208', IL: '312', IN: '317', IA: '515', KS: '316', KY: '502',
  LA: '504', ME: '207', MD: '410', MA: '617', MI: '313', MN: '612', MS: '601', MO: '314', MT: '406',
  NE: '402', NV: '702', NH: '603', NJ: '201', NM: '505', NY: '212', NC: '704', ND: '701', OH: '216',
  OK: '405', OR: '503', PA: '215', RI: '401', SC: '803', SD: '605', TN: '901', TX: '713', UT: '801',
  VT: '802', VA: '757', WA: '206', WV: '304', WI: '414', WY: '307', AS: '684', GU: '671', MP: '670',
  PR: '787', VI: '340',
};
