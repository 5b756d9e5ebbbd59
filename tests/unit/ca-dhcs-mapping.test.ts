import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CA_DHCS, caDhcsLicenceType, caDhcsRow, type CaDhcsCells } from '../../functions/imports/licence-registries/ca-dhcs';
import { licenceRegistry } from '../../functions/imports/licence-registries/registries';
import type { RegistryRowResult } from '../../functions/use-cases/attach-registry-licenses';

const REAL_FILE = path.resolve('../shared/data/ca-dhcs-sud-licenses/facilities.csv');
const HEADER =
  'license_number,facility_name,legal_entity,address_line1,address_line2,additional_locations,city,state,zip,county,county_code,phone,setting_code,offers_detox,is_licensed,is_certified,license_expiration,license_expired,treatment_capacity,total_capacity,target_population_code,target_population,incidental_medical_services,adolescent_waiver,latitude,longitude';
// Real rows of the DHCS file (lines 2, 3, 79, 159 and 295 of facilities.csv).
const CHRYSALIS =
  '010001AN,CHRYSALIS,"HORIZON SERVICES, INCORPORATED",3837 TELEGRAPH AVENUE,,"3839, 3841, AND 3843 TELEGRAPH AVENUE",OAKLAND,CA,94609,Alameda County,01,(510) 450-1190,RES,false,true,true,2027-10-31,false,20,20,1.3,WOMEN ONLY,false,false,37.827325,-122.264974';
const CRONIN =
  '010001BN,CRONIN HOUSE,"HORIZON SERVICES, INCORPORATED",2575 DEPOT ROAD,,,HAYWARD,CA,94545,Alameda County,01,(510) 784-5874,RES,false,true,false,2028-02-29,false,52,52,1.1,CO-ED,true,false,37.63874,-122.114349';
const REACH =
  '070024EN,R.E.A.C.H. PROJECT,R.E.A.C.H. PROJECT,1915 D STREET,,,ANTIOCH,CA,94509-2571,Contra Costa County,07,(925) 754-3673,NON,false,false,true,2028-07-31,false,0,0,1.1,CO-ED,false,false,38.00385,-121.810002';
const AUBERRY =
  '100112AP,AUBERRY SOUTH,"MUIR WOOD, LLC",12820 AUBERRY ROAD,,,CLOVIS,CA,93619,Fresno County,10,(310) 903-1155,DSS,false,false,true,2026-12-31,false,0,0,1.5,YOUTH/ADOLESCENT,false,false,36.922513,-119.71073';
const NO_ADDRESS =
  '190080AP,RECOVERY CORPS HEALTH GROUP,"RECOVERY CORPS HEALTH GROUP, LLC",,,,,,,,19,(562) 346-4835,RES,true,true,false,2028-06-30,false,6,6,1.1,CO-ED,true,false,,';

const directory = mkdtempSync(path.join(tmpdir(), 'iop-ca-dhcs-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

function csvFile(name: string, lines: string[]): string {
  const file = path.join(directory, name);
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

async function readAll(file: string): Promise<RegistryRowResult[]> {
  const rows: RegistryRowResult[] = [];
  for await (const row of CA_DHCS.readRows(file)) rows.push(row);
  return rows;
}

const cells = (overrides: Partial<CaDhcsCells> = {}): CaDhcsCells => ({
  license_number: '010001AN',
  facility_name: 'CHRYSALIS',
  address_line1: '3837 TELEGRAPH AVENUE',
  address_line2: '',
  city: 'OAKLAND',
  zip: '94609',
  setting_code: 'RES',
  is_licensed: 'true',
  is_certified: 'true',
  license_expiration: '2027-10-31',
  ...overrides,
});

describe('CA DHCS row mapping', () => {
  it('maps real rows to a licence of the registry, with the facility it was issued to', async () => {
    const rows = await readAll(csvFile('real.csv', [HEADER, CHRYSALIS, CRONIN, REACH, AUBERRY]));
    expect(rows).toEqual([
      {
        line: 2,
        licence: {
          registry: 'ca-dhcs',
          state: 'CA',
          number: '010001AN',
          type: 'residential license and certification',
          issuer: 'California Department of Health Care Services',
          expiresOn: '2027-10-31',
        },
        name: 'CHRYSALIS',
        address: { street1: '3837 TELEGRAPH AVENUE', city: 'OAKLAND', zip: '94609' },
      },
      {
        line: 3,
        licence: {
          registry: 'ca-dhcs',
          state: 'CA',
          number: '010001BN',
          type: 'residential license',
          issuer: 'California Department of Health Care Services',
          expiresOn: '2028-02-29',
        },
        name: 'CRONIN HOUSE',
        address: { street1: '2575 DEPOT ROAD', city: 'HAYWARD', zip: '94545' },
      },
      {
        line: 4,
        licence: {
          registry: 'ca-dhcs',
          state: 'CA',
          number: '070024EN',
          type: 'non-residential certification',
          issuer: 'California Department of Health Care Services',
          expiresOn: '2028-07-31',
        },
        name: 'R.E.A.C.H. PROJECT',
        // ZIP+4 is cut to the five digits programs are matched on.
        address: { street1: '1915 D STREET', city: 'ANTIOCH', zip: '94509' },
      },
      {
        line: 5,
        // DHCS defines no setting code but RES and NON (per the dataset): others are stated verbatim.
        licence: expect.objectContaining({ number: '100112AP', type: 'DSS certification', expiresOn: '2026-12-31' }),
        name: 'AUBERRY SOUTH',
        address: { street1: '12820 AUBERRY ROAD', city: 'CLOVIS', zip: '93619' },
      },
    ]);
  });

  it('reports a bad row with its line and every bad field, and reads on', async () => {
    const bad = CRONIN.replace('010001BN', '').replace('2028-02-29', '2/29/2028').replace(',94545,', ',9454A,');
    const rows = await readAll(csvFile('bad.csv', [HEADER, CHRYSALIS, NO_ADDRESS, bad, 'too,few,cells', REACH]));
    expect(rows.map((row) => row.line)).toEqual([2, 3, 4, 5, 6]);
    // The real row without an address (line 295 of the file): kept as a rejection with its number.
    expect(rows[1]).toEqual({ line: 3, number: '190080AP', errors: [{ path: 'zip', message: 'is required' }] });
    expect(rows[2]).toEqual({
      line: 4,
      errors: [
        { path: 'license_number', message: 'is required' },
        { path: 'license_expiration', message: 'must be an ISO date (YYYY-MM-DD), found "2/29/2028"' },
        { path: 'zip', message: 'must be 5 digits (or ZIP+4), found "9454A"' },
      ],
    });
    expect(rows[3]).toEqual({ line: 5, errors: [{ path: '', message: 'expected 26 columns, found 3' }] });
    expect(rows[4]).toMatchObject({ line: 6, licence: { number: '070024EN' } });
  });

  it('rejects dates that do not exist and flags that are not booleans', () => {
    expect(caDhcsRow(7, cells({ license_expiration: '2027-02-30' }))).toEqual({
      line: 7,
      number: '010001AN',
      errors: [{ path: 'license_expiration', message: 'must be an ISO date (YYYY-MM-DD), found "2027-02-30"' }],
    });
    expect(caDhcsRow(8, cells({ is_certified: 'yes' }))).toEqual({
      line: 8,
      number: '010001AN',
      errors: [{ path: 'is_certified', message: 'must be true or false, found "yes"' }],
    });
  });

  it('names the licence kind from the setting and the licensed/certified flags', () => {
    expect(caDhcsLicenceType('RES', true, false)).toBe('residential license');
    expect(caDhcsLicenceType('RES', true, true)).toBe('residential license and certification');
    expect(caDhcsLicenceType('NON', false, true)).toBe('non-residential certification');
    expect(caDhcsLicenceType('DPH', false, true)).toBe('DPH certification');
    expect(caDhcsLicenceType('RES', false, false)).toBe('residential');
    expect(caDhcsLicenceType('', false, false)).toBeUndefined();
  });

  it('keeps a row without a street (matched by name) and leaves the file state column alone', () => {
    const row = caDhcsRow(9, cells({ address_line1: '' }));
    expect(row).toMatchObject({ name: 'CHRYSALIS', address: { zip: '94609' }, licence: { state: 'CA' } });
    expect(row).not.toHaveProperty('address.street1');
  });

  it('refuses a file whose header lacks a column it reads, before any row', async () => {
    const file = csvFile('renamed.csv', [HEADER.replace('license_expiration', 'expiration'), CHRYSALIS]);
    await expect(readAll(file)).rejects.toThrow(/lacks the columns license_expiration/);
  });

  it('reads the whole real file: one rejection (the row without an address), every other row a licence', async () => {
    const rows = await readAll(REAL_FILE);
    expect(rows).toHaveLength(2266);
    const rejected = rows.filter((row) => 'errors' in row);
    expect(rejected).toEqual([{ line: 295, number: '190080AP', errors: [{ path: 'zip', message: 'is required' }] }]);
    expect(rows.at(-1)?.line).toBe(2267);
  });

  it('is found by slug and by import format', () => {
    expect(licenceRegistry('ca-dhcs')).toBe(CA_DHCS);
    expect(licenceRegistry('ca-dhcs-licenses')).toBe(CA_DHCS);
    expect(() => licenceRegistry('tx-hhsc')).toThrow(/unknown licence registry tx-hhsc/);
  });
});
