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
] as const;
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
export type AccreditationBody = (typeof ACCREDITATION_BODIES)[number];
export type Weekday = (typeof WEEKDAYS)[number];
export type SessionTime = (typeof SESSION_TIMES)[number];
export type UsState = (typeof US_STATES)[number];
