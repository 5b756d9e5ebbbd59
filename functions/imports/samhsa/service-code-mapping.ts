import type { ErrorDetail } from '../../domain/errors';
import type { Accreditation, License } from '../../domain/program';
import type {
  AccreditationBody,
  AgeGroup,
  Condition,
  DeliveryMode,
  Gender,
  Insurance,
  LevelOfCare,
  Medication,
  Ownership,
  Population,
  Service,
  UsState,
} from '../../domain/vocabulary';
import { SERVICES } from '../../domain/vocabulary';
import { SERVICE_CODE_CATALOGUE } from './service-code-catalogue';

/**
 * SAMHSA service codes to record fields: contract 1.1, section 6, the one table every SAMHSA
 * format goes through (the National Directory workbooks, the locator JSON after its labels are
 * read as codes, the FindTreatment.gov download). A code absent from a row contributes nothing,
 * and nothing is added that no code states: no English unless a code says so, no sessions, no
 * named carriers, no licence numbers or expiry dates.
 */

type CodeTable<T extends string> = Readonly<Record<T, readonly string[]>>;

export const LEVEL_OF_CARE_CODES: CodeTable<LevelOfCare> = {
  iop: ['OIT'],
  php: ['ODT', 'PHDT'],
  outpatient: ['OP', 'ORT', 'OMB', 'OD'],
  residential: ['RES', 'RS', 'RL', 'RD'],
  inpatient: ['HI', 'HIT', 'HID'],
  detox: ['DT', 'OD', 'RD', 'HID'],
};

export const CONDITION_CODES: CodeTable<Condition> = {
  substance_use: ['SA'],
  mental_health: ['MH'],
  co_occurring: ['SUMH'],
};

export const MEDICATION_CODES: CodeTable<Medication> = {
  methadone: ['MU', 'METH', 'MM', 'DM'],
  buprenorphine: ['BU', 'BWN', 'BWON', 'BERI', 'BSDM', 'BUM', 'DB', 'UB'],
  naltrexone: ['NU', 'NXN', 'VTRL', 'UN', 'RPN'],
  acamprosate: ['ACM'],
  disulfiram: ['DSF'],
  nicotine_replacement: ['NRT'],
};

export const INSURANCE_CODES: Partial<CodeTable<Insurance>> = {
  medicaid: ['MD'],
  medicare: ['MC'],
  tricare: ['MI'],
  va: ['VAF'],
  state_plan: ['SI'],
  private: ['PI'],
  self_pay: ['SF'],
  sliding_scale: ['SS'],
  payment_assistance: ['PA'],
  ihs_tribal: ['ITU'],
  free_care: ['NP'],
};

export const ACCREDITATION_CODES: CodeTable<AccreditationBody> = {
  joint_commission: ['JC'],
  carf: ['CARF'],
  ncqa: ['NCQA'],
  coa: ['COA'],
  hfap: ['HFAP'],
};

/** Licence type per code; the licence's state is the row's, and SAMHSA publishes no number or expiry. */
export const LICENSE_TYPE_CODES: Readonly<Record<string, string>> = {
  STAG: 'state_substance_use_agency',
  STMH: 'state_mental_health_department',
  STDH: 'state_department_of_health',
  HLA: 'hospital_licensing_authority',
};

export const AGE_GROUP_CODES: CodeTable<AgeGroup> = {
  children: ['CHLD'],
  adolescents: ['CHLD', 'AD'],
  young_adults: ['YAD', 'TAY'],
  adults: ['ADLT'],
  seniors: ['SNR', 'SE'],
};

/**
 * Languages: Spanish and sign language by their own codes, and the `OL` codes whose language
 * ISO 639-1 names (tests check each against the reference sheet's name). Creole (which one?),
 * Hmong and Yupik have no ISO 639-1 code, so they contribute nothing. English is never assumed.
 */
export const LANGUAGE_CODES: Readonly<Record<string, string>> = {
  SP: 'es',
  AH: 'sgn',
  F4: 'ar',
  F17: 'zh',
  F25: 'fa',
  F28: 'fr',
  F30: 'de',
  F31: 'el',
  F35: 'he',
  F36: 'hi',
  F42: 'it',
  F43: 'ja',
  F47: 'ko',
  F66: 'pl',
  F67: 'pt',
  F70: 'ru',
  F81: 'tl',
  F92: 'vi',
  N24: 'oj',
};

/** `in_person` comes from any service-setting (`SET`) code; `virtual` from telehealth therapy. */
export const VIRTUAL_CODES: readonly string[] = ['TELE'];

export const SERVICE_CODES: CodeTable<Service> = {
  group_therapy: ['GCO', 'GT'],
  individual_therapy: ['ICO', 'IPT'],
  family_therapy: ['FCO', 'CFT', 'MCO'],
  education: ['SAE', 'HEOH', 'HAEC', 'TAEC', 'ES'],
  relapse_prevention: ['RELP', 'RPN'],
  // Also any medication code: see mapServiceCodes.
  medication_management: ['MMD'],
  aftercare_planning: ['ACC', 'DP'],
  peer_support: ['PEER', 'RC'],
  case_management: ['CM', 'ICM'],
  housing_support: ['HS', 'SH'],
  employment_support: ['EMP', 'SEMP', 'VRS', 'VOC'],
  crisis_services: ['CIT', 'PEON', 'PEOFF', 'WI'],
  opioid_treatment_program: ['OTP', 'SOTP'],
  holistic: ['ACU'],
};

export const POPULATION_CODES: CodeTable<Population> = {
  veterans: ['VET'],
  active_military: ['ADM'],
  military_families: ['MF'],
  lgbtq: ['GL'],
  women: ['WN'],
  men: ['MN'],
  pregnant_postpartum: ['PW'],
  criminal_justice: ['CJ'],
  hiv_aids: ['HV'],
  trauma: ['TRMA', 'XA'],
  domestic_violence: ['DV'],
  ptsd: ['PTSD'],
  serious_mental_illness: ['SMI'],
  serious_emotional_disturbance: ['SED'],
  first_episode_psychosis: ['PEFP'],
  eating_disorders: ['PED'],
  tbi: ['TBI'],
  dui_dwi: ['DU', 'DUO'],
};

export const GENDER_CODES: CodeTable<Gender> = {
  female: ['FEM'],
  male: ['MALE'],
};

export const OWNERSHIP_CODES: CodeTable<Ownership> = {
  private_nonprofit: ['PVTN'],
  private_for_profit: ['PVTP'],
  local_government: ['LCCG'],
  state_government: ['STG'],
  tribal: ['TBG'],
  indian_health_service: ['IH'],
  federal: ['FED'],
  va: ['VAMC', 'VAHC'],
  department_of_defense: ['DDF'],
};

/** Federal operators more specific than "federal government": a row listing one of them and FED is that one. */
const FEDERAL_OPERATORS: readonly Ownership[] = ['indian_health_service', 'va', 'department_of_defense'];

/** Every code the mapping uses, with every field it feeds: for tests and the format documentation. */
export const MAPPED_CODES: ReadonlySet<string> = new Set([
  ...[LEVEL_OF_CARE_CODES, CONDITION_CODES, MEDICATION_CODES, INSURANCE_CODES, ACCREDITATION_CODES, AGE_GROUP_CODES, SERVICE_CODES, POPULATION_CODES, GENDER_CODES, OWNERSHIP_CODES]
    .flatMap((table) => Object.values(table as Record<string, readonly string[]>).flat()),
  ...Object.keys(LICENSE_TYPE_CODES),
  ...Object.keys(LANGUAGE_CODES),
  ...VIRTUAL_CODES,
]);

/** The record fields a set of service codes states. */
export interface ServiceCodeFields {
  levelsOfCare: LevelOfCare[];
  conditions: Condition[];
  medications: Medication[];
  insurance: Insurance[];
  accreditations: Accreditation[];
  licenses: License[];
  ageGroups: AgeGroup[];
  languages: string[];
  delivery: DeliveryMode[];
  services: Service[];
  populations: Population[];
  gendersAccepted: Gender[];
  ownership?: Ownership;
}

export interface ServiceCodeMapping {
  fields: ServiceCodeFields;
  /** Codes no edition's reference sheet defines: reported, never guessed at. */
  unknownCodes: string[];
  warnings: ErrorDetail[];
}

/** A table's entries, computed once: mapping runs for every row of every import. */
const entriesOf = new WeakMap<object, [string, readonly string[]][]>();

function valuesOf<T extends string>(table: Partial<CodeTable<T>>, codes: ReadonlySet<string>): T[] {
  let entries = entriesOf.get(table);
  if (!entries) entriesOf.set(table, (entries = Object.entries(table) as [string, readonly string[]][]));
  const values: T[] = [];
  for (const [value, from] of entries) {
    for (const code of from) {
      if (codes.has(code)) {
        values.push(value as T);
        break;
      }
    }
  }
  return values;
}

function isServiceSetting(code: string): boolean {
  return SERVICE_CODE_CATALOGUE[code]?.category === 'SET';
}

/**
 * The fields a facility's codes state, in vocabulary order. `state` is the facility's own: SAMHSA
 * says which kind of state agency licenses it, never the licence itself.
 */
export function mapServiceCodes(codeList: Iterable<string>, state: UsState | undefined): ServiceCodeMapping {
  const codes = new Set([...codeList].map((code) => code.trim().toUpperCase()).filter((code) => code !== '' && code !== '*'));
  const warnings: ErrorDetail[] = [];
  const unknownCodes = [...codes].filter((code) => SERVICE_CODE_CATALOGUE[code] === undefined).sort();

  const medications = valuesOf(MEDICATION_CODES, codes);
  const services = valuesOf(SERVICE_CODES, codes);
  if (medications.length > 0 && !services.includes('medication_management')) {
    services.splice(services.length, 0, 'medication_management');
  }
  const delivery: DeliveryMode[] = [];
  if ([...codes].some(isServiceSetting)) delivery.push('in_person');
  if (VIRTUAL_CODES.some((code) => codes.has(code))) delivery.push('virtual');

  const licenses: License[] = [];
  for (const [code, type] of Object.entries(LICENSE_TYPE_CODES)) {
    if (codes.has(code) && state) licenses.push({ state, type });
  }
  const languages = Object.entries(LANGUAGE_CODES)
    .filter(([code]) => codes.has(code))
    .map(([, language]) => language);

  let owners = valuesOf(OWNERSHIP_CODES, codes);
  if (owners.length > 1 && owners.includes('federal') && owners.some((owner) => FEDERAL_OPERATORS.includes(owner))) {
    owners = owners.filter((owner) => owner !== 'federal');
  }
  if (owners.length > 1) {
    warnings.push({ path: 'ownership', message: `left out: the source states several operators (${owners.join(', ')})` });
  }

  return {
    fields: {
      levelsOfCare: valuesOf(LEVEL_OF_CARE_CODES, codes),
      conditions: valuesOf(CONDITION_CODES, codes),
      medications,
      insurance: valuesOf(INSURANCE_CODES, codes),
      accreditations: valuesOf(ACCREDITATION_CODES, codes).map((body) => ({ body })),
      licenses,
      ageGroups: valuesOf(AGE_GROUP_CODES, codes),
      languages: [...new Set(languages)],
      delivery,
      services: sortedBy(services, SERVICE_ORDER),
      populations: valuesOf(POPULATION_CODES, codes),
      gendersAccepted: valuesOf(GENDER_CODES, codes),
      ...(owners.length === 1 && { ownership: owners[0] }),
    },
    unknownCodes,
    warnings,
  };
}

const SERVICE_ORDER: readonly Service[] = SERVICES;

function sortedBy<T>(values: T[], order: readonly T[]): T[] {
  return [...values].sort((a, b) => order.indexOf(a) - order.indexOf(b));
}

/** Only the non-empty fields, ready to spread into a record. */
export function presentFields(fields: ServiceCodeFields): Partial<ServiceCodeFields> {
  return Object.fromEntries(
    Object.entries(fields).filter(([, value]) => value !== undefined && (!Array.isArray(value) || value.length > 0)),
  ) as Partial<ServiceCodeFields>;
}
