/** The closed vocabularies of the program record (contract section 1). */
export const LEVELS_OF_CARE = ['iop', 'php', 'outpatient', 'residential', 'inpatient', 'detox'] as const;
export const CONDITIONS = ['substance_use', 'mental_health', 'co_occurring'] as const;
export const SERVICES = [
  'group_therapy',
  'individual_therapy',
  'family_therapy',
  'education',
  'relapse_prevention',
  'medication_management',
  'holistic',
  'aftercare_planning',
  'peer_support',
  'case_management',
  'housing_support',
  'employment_support',
  'crisis_services',
  'opioid_treatment_program',
] as const;
export const AGE_GROUPS = ['children', 'adolescents', 'young_adults', 'adults', 'seniors'] as const;
export const DELIVERY_MODES = ['in_person', 'virtual'] as const;
/** The payer vocabulary. Public programs first, then named carriers, then self-pay options. */
export const INSURANCE = [
  'medicaid',
  'medicare',
  'tricare',
  'va',
  'state_plan',
  'private',
  'aetna',
  'anthem',
  'bcbs',
  'cigna',
  'humana',
  'kaiser',
  'uhc',
  'self_pay',
  'sliding_scale',
  'payment_assistance',
  'ihs_tribal',
  'free_care',
] as const;
/** Medications for substance use disorders a program uses (contract 1.1, section 5). */
export const MEDICATIONS = ['methadone', 'buprenorphine', 'naltrexone', 'acamprosate', 'disulfiram', 'nicotine_replacement'] as const;
/** Groups a program offers programs for (contract 1.1, section 5). */
export const POPULATIONS = [
  'veterans',
  'active_military',
  'military_families',
  'lgbtq',
  'women',
  'men',
  'pregnant_postpartum',
  'criminal_justice',
  'hiv_aids',
  'trauma',
  'domestic_violence',
  'ptsd',
  'serious_mental_illness',
  'serious_emotional_disturbance',
  'first_episode_psychosis',
  'eating_disorders',
  'tbi',
  'dui_dwi',
] as const;
export const GENDERS = ['female', 'male'] as const;
export const OWNERSHIP = [
  'private_nonprofit',
  'private_for_profit',
  'local_government',
  'state_government',
  'tribal',
  'indian_health_service',
  'federal',
  'va',
  'department_of_defense',
] as const;
/** Language codes the record accepts besides ISO 639-1: `sgn` (ISO 639-2) for sign language services. */
export const EXTRA_LANGUAGE_CODES = ['sgn'] as const;
export const ACCREDITATION_BODIES = ['joint_commission', 'carf', 'ncqa', 'coa', 'hfap'] as const;
export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export const SESSION_TIMES = ['morning', 'afternoon', 'evening', 'weekend'] as const;

/** US states, DC and the inhabited territories (USPS codes). */
export const US_STATES = [
  'AL', 'AK', 'AZ', 'AR', 'CA', 'CO', 'CT', 'DE', 'DC', 'FL', 'GA', 'HI', 'ID', 'IL', 'IN', 'IA', 'KS',
  'KY', 'LA', 'ME', 'MD', 'MA', 'MI', 'MN', 'MS', 'MO', 'MT', 'NE', 'NV', 'NH', 'NJ', 'NM', 'NY', 'NC',
  'ND', 'OH', 'OK', 'OR', 'PA', 'RI', 'SC', 'SD', 'TN', 'TX', 'UT', 'VT', 'VA', 'WA', 'WV', 'WI', 'WY',
  'AS', 'GU', 'MP', 'PR', 'VI', 'FM', 'MH', 'PW', 'AA', 'AE', 'AP',
] as const;

export type LevelOfCare = (typeof LEVELS_OF_CARE)[number];
export type Condition = (typeof CONDITIONS)[number];
export type Service = (typeof SERVICES)[number];
export type AgeGroup = (typeof AGE_GROUPS)[number];
export type DeliveryMode = (typeof DELIVERY_MODES)[number];
export type Insurance = (typeof INSURANCE)[number];
export type Medication = (typeof MEDICATIONS)[number];
export type Population = (typeof POPULATIONS)[number];
export type Gender = (typeof GENDERS)[number];
export type Ownership = (typeof OWNERSHIP)[number];
export type AccreditationBody = (typeof ACCREDITATION_BODIES)[number];
export type Weekday = (typeof WEEKDAYS)[number];
export type SessionTime = (typeof SESSION_TIMES)[number];
export type UsState = (typeof US_STATES)[number];

/** The name of each state or territory code, as the US Postal Service and HSDS service areas write it. */
export const US_STATE_NAMES: Readonly<Record<UsState, string>> = {
  AL: 'Alabama', AK: 'Alaska', AZ: 'Arizona', AR: 'Arkansas', CA: 'California', CO: 'Colorado', CT: 'Connecticut',
  DE: 'Delaware', DC: 'District of Columbia', FL: 'Florida', GA: 'Georgia', HI: 'Hawaii', ID: 'Idaho', IL: 'Illinois',
  IN: 'Indiana', IA: 'Iowa', KS: 'Kansas', KY: 'Kentucky', LA: 'Louisiana', ME: 'Maine', MD: 'Maryland',
  MA: 'Massachusetts', MI: 'Michigan', MN: 'Minnesota', MS: 'Mississippi', MO: 'Missouri', MT: 'Montana',
  NE: 'Nebraska', NV: 'Nevada', NH: 'New Hampshire', NJ: 'New Jersey', NM: 'New Mexico', NY: 'New York',
  NC: 'North Carolina', ND: 'North Dakota', OH: 'Ohio', OK: 'Oklahoma', OR: 'Oregon', PA: 'Pennsylvania',
  RI: 'Rhode Island', SC: 'South Carolina', SD: 'South Dakota', TN: 'Tennessee', TX: 'Texas', UT: 'Utah',
  VT: 'Vermont', VA: 'Virginia', WA: 'Washington', WV: 'West Virginia', WI: 'Wisconsin', WY: 'Wyoming',
  AS: 'American Samoa', GU: 'Guam', MP: 'Northern Mariana Islands', PR: 'Puerto Rico', VI: 'U.S. Virgin Islands',
  FM: 'Federated States of Micronesia', MH: 'Marshall Islands', PW: 'Palau',
  AA: 'Armed Forces Americas', AE: 'Armed Forces Europe', AP: 'Armed Forces Pacific',
};
