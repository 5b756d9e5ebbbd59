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
} from '../../domain/vocabulary';
import { uuidV5, type HsdsEntity } from './hsds-ids';

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

export type Category = keyof typeof CATEGORIES;

export const PROGRAM_LENGTH = 'program_length_weeks';

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

export function label(value: string): string {
  return LABELS[value] ?? value.charAt(0).toUpperCase() + value.slice(1).replace(/_/g, ' ');
}

export const termId = (category: string, value?: string) => uuidV5(value === undefined ? `term:${category}` : `term:${category}:${value}`);

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

