import { SERVICE_CODE_CATALOGUE } from './service-code-catalogue';

/**
 * The treatment locator (FindTreatment.gov's JSON export) names services by label (`f3`) within a
 * category (`f2`), not by code. A label is read as the service code whose reference-sheet name it
 * is, within the same category; the locator's own wordings of the same items (it predates the
 * current reference sheets) are listed here. Labels that name no code (SAMHSA retired or never
 * coded them) contribute nothing and are reported.
 */
const LOCATOR_WORDINGS: Readonly<Record<string, string>> = {
  // SET
  'hospital inpatient': 'HI',
  outpatient: 'OP',
  residential: 'RES',
  'telemedicine/telehealth': 'TELE',
  // LCA
  'commission on accreditation of rehabilitation facilities': 'CARF',
  'state substance abuse agency': 'STAG',
  // PAY
  'federal, or any government funding for substance abuse programs': 'FSA',
  'military insurance (e.g., tricare)': 'MI',
  'state education funds': 'SEF',
  // AGE
  'seniors (65 or older)': 'SNR',
  // SL, OL
  'services for the deaf and hard of hearing': 'AH',
  spanish: 'SP',
  // EDU (the reference sheets' ECS)
  'individual counseling offered': 'ICO',
  'group counseling offered': 'GCO',
  'family counseling offered': 'FCO',
  'marital/couples counseling offered': 'MCO',
  'substance abuse education': 'SAE',
  'employment counseling or training': 'EMP',
  // TAP
  'substance use counseling approach': 'SACA',
  'integrated dual disorders treatment': 'IDD',
  // AS
  'case management': 'CM',
  'consumer-run (peer-support) services': 'PEER',
  'domestic violence services-family or partner': 'DVFP',
  // OT
  'prescribes/administers buprenorphine': 'UB',
  'prescribes/administers naltrexone': 'UN',
  'relapse prevention from naltrexone': 'RPN',
  'samhsa-certified opioid treatment program': 'OTP',
  'accepts clients on opioid medication': 'MOA',
  'does not treat opioid addiction': 'NOOP',
  // PHR
  'disulfiram (antabuse®)': 'DSF',
  'buprenorphine with naloxone (suboxone®)': 'BWN',
  'buprenorphine (extended-release, injectable, for example, sublocade®)': 'BERI',
  'extended-release, injectable naltrexone (vivitrol®)': 'VTRL',
  'medications for psychiatric disorders': 'MMD',
  // TOBAC
  'nicotine replacement therapy': 'NRT',
  'non-nicotine smoking/tobacco cessation medications': 'NSC',
  'smoking/tobacco cessation counseling': 'TCC',
  // SG
  'lesbian, gay, bisexual, or transgender (lgbt) clients': 'GL',
  'clients referred from the court/judicial system': 'CJ',
  'persons who have experienced trauma': 'TRMA',
  'persons who have experienced sexual abuse': 'XA',
  'persons who have experienced intimate partner violence, domestic violence': 'DV',
  'persons with hiv or aids': 'HV',
  'persons with co-occurring mental and substance use disorders': 'CO',
  'persons with serious mental illness (smi)': 'SMI',
  'transitional age young adults': 'TAY',
  'military families': 'MF',
  // FOP
  'regional/district or county, local or municipal government': 'LCCG',
  // EXCL
  'dui/dwi clients': 'DU',
};

/** Categories whose codes feed the record: an unreadable label there is worth reporting. */
export const MAPPED_LOCATOR_CATEGORIES: ReadonlySet<string> = new Set([
  'SET', 'TC', 'OM', 'OT', 'PHR', 'PAY', 'PYAS', 'LCA', 'AGE', 'SL', 'OL', 'EDU', 'ECS', 'TAP', 'TRSRV', 'RSS', 'AS', 'EMS', 'SG', 'GN', 'FOP', 'EXCL', 'TOBAC',
]);

function normalizedLabel(label: string): string {
  return label.trim().replace(/\s+/g, ' ').toLowerCase();
}

const byCategoryAndName = new Map<string, string>();
const byName = new Map<string, string[]>();
for (const [code, definition] of Object.entries(SERVICE_CODE_CATALOGUE)) {
  const name = normalizedLabel(definition.name);
  byCategoryAndName.set(`${definition.category}|${name}`, code);
  byName.set(name, [...(byName.get(name) ?? []), code]);
}

/**
 * The code a locator label stands for: the reference name within the label's category, else
 * the locator's own wording, else a reference name that only one code carries.
 */
export function codeOfLocatorLabel(category: string, label: string): string | undefined {
  const name = normalizedLabel(label);
  const sameCategory = byCategoryAndName.get(`${category}|${name}`);
  if (sameCategory) return sameCategory;
  const worded = LOCATOR_WORDINGS[name];
  if (worded) return worded;
  const named = byName.get(name);
  return named?.length === 1 ? named[0] : undefined;
}
