import { describe, expect, it } from 'vitest';
import { mapLocatorRow } from '../../functions/imports/findtreatment/locator-mapping';

const base = {
  frid: 'abc123',
  name1: 'Test Facility',
  name2: '',
  street1: '1 Main St',
  street2: '',
  city: 'Charlottesville',
  state: 'va',
  zip: '22902-1234',
  phone: '434-555-0100',
  intake1: null,
  website: 'www.example.org',
  latitude: '38.03',
  longitude: '-78.47',
};
const services = (entries: Record<string, string>) => Object.entries(entries).map(([f2, f3]) => ({ f1: f2, f2, f3 }));

describe('locator row mapping', () => {
  it('reads labels as the codes they name, through the directory table, and invents nothing', () => {
    const { record, warnings } = mapLocatorRow({
      ...base,
      services: services({
        SET: 'Hospital inpatient detoxification; Residential detoxification; Long-term residential; Telemedicine/telehealth',
        TC: 'Substance use treatment; Mental health treatment',
        LCA: 'Federally Qualified Health Center; Council on Accreditation (COA); Hospital licensing authority',
        PAY: 'Medicaid; Federal, or any government funding for substance abuse programs; IHS/Tribal/Urban (ITU) funds',
        PYAS: 'Payment assistance (check with facility for details)',
        OL: 'Spanish; Klingon; Any Chinese Language',
      }),
    });
    // "Klingon" names no code: reported, not guessed.
    expect(warnings).toEqual([{ path: 'services', message: 'ignored labels that name no service code: OL "Klingon"' }]);
    expect(record).toEqual({
      externalId: 'abc123',
      source: 'findtreatment',
      name: 'Test Facility',
      phone: '434-555-0100',
      website: 'http://www.example.org',
      address: { street1: '1 Main St', city: 'Charlottesville', state: 'VA', zip: '22902' },
      location: { lat: 38.03, lon: -78.47 },
      // HID: inpatient and detox; RD: residential and detox; RL: residential
      levelsOfCare: ['residential', 'inpatient', 'detox'],
      delivery: ['in_person', 'virtual'],
      // Both types of care, but no SUMH: co-occurring treatment is not inferred.
      conditions: ['substance_use', 'mental_health'],
      languages: ['es', 'zh'],
      insurance: ['medicaid', 'payment_assistance', 'ihs_tribal'],
      licenses: [{ state: 'VA', type: 'hospital_licensing_authority' }],
      accreditations: [{ body: 'coa' }],
    });
  });

  it('keeps the main and intake lines apart, and leaves out an unusable phone or website with a warning', () => {
    expect(mapLocatorRow({ ...base, intake1: '434-555-0199 x2', services: [] }).record).toMatchObject({ phone: '434-555-0100', intakePhone: '434-555-0199 x2' });
    const { record, warnings } = mapLocatorRow({ ...base, phone: 'call us', intake1: '1-800-HOPE', website: 'n/a', services: [] });
    expect(record).not.toHaveProperty('phone');
    expect(record).not.toHaveProperty('intakePhone');
    expect(record).not.toHaveProperty('website');
    expect(warnings.map((warning) => warning.path)).toEqual(['phone', 'intakePhone', 'website']);
  });

  it('leaves levels empty for a telehealth-only row, so validation rejects it, and is not fooled by a non-object', () => {
    expect(mapLocatorRow({ ...base, services: services({ SET: 'Telemedicine/telehealth' }) }).record).toMatchObject({ levelsOfCare: [], delivery: ['virtual'] });
    expect(mapLocatorRow('row').record).toBeUndefined();
  });
});
