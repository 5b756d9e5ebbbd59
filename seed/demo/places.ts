import { haversineMiles } from '../../functions/domain/great-circle';
import type { GeoPoint } from '../../functions/domain/program';
import type { UsState } from '../../functions/domain/vocabulary';
import { decodeZipTable, loadZipTable } from '../../functions/gazetteer/zip-table';
import type { Draws } from './prng';

/**
 * Where demo programs are: real zip codes (so zip searches, radii and facets behave as with real
 * data) from the directory's own zip table, with invented streets. Half of the programs sit
 * around big metros, weighted by population, the rest anywhere: real directories are that dense
 * in cities, and the benchmarks' downtown searches need it.
 */

export interface DemoPlace {
  zip: string;
  state: UsState;
  centroid: GeoPoint;
}

/** Share of programs placed around a metro rather than at any zip. */
const METRO_SHARE = 0.5;
/** A metro program is at a zip whose centroid is this close to the metro's downtown zip. */
const METRO_RADIUS_MILES = 30;

/**
 * Downtown zip and metro population in millions (2020 census, rounded): only the weights
 * matter. Spread over every region, Puerto Rico included.
 */
export const METROS: readonly (readonly [zip: string, millions: number])[] = [
  ['10001', 19.8], ['90012', 13.2], ['60601', 9.6], ['75201', 7.6], ['77002', 7.1], ['20001', 6.4],
  ['19103', 6.2], ['33130', 6.1], ['30303', 6.1], ['02108', 4.9], ['85004', 4.8], ['94103', 4.7],
  ['92501', 4.6], ['48226', 4.4], ['98101', 4.0], ['55401', 3.7], ['92101', 3.3], ['33602', 3.2],
  ['80202', 3.0], ['21201', 2.8], ['63101', 2.8], ['32801', 2.7], ['28202', 2.7], ['78205', 2.6],
  ['97204', 2.5], ['95814', 2.4], ['15222', 2.4], ['78701', 2.3], ['89101', 2.3], ['45202', 2.3],
  ['64106', 2.2], ['43215', 2.1], ['46204', 2.1], ['44114', 2.1], ['95113', 2.0], ['37203', 2.0],
  ['00901', 2.0], ['23219', 1.3], ['53202', 1.6], ['32202', 1.6], ['27601', 1.4], ['73102', 1.4],
  ['38103', 1.3], ['40202', 1.3], ['70112', 1.3], ['84101', 1.3], ['06103', 1.2], ['14202', 1.2],
  ['35203', 1.1], ['68102', 1.0], ['96813', 1.0], ['87102', 0.9], ['83702', 0.8], ['04101', 0.5],
  ['99501', 0.4], ['05401', 0.2], ['59101', 0.2], ['58102', 0.25], ['57104', 0.28], ['82001', 0.1],
];

/** Military mail and the freely associated states: no street addresses a demo should show, no NANP phones. */
const EXCLUDED_STATES = new Set<UsState>(['AA', 'AE', 'AP', 'FM', 'MH', 'PW']);

interface PlaceTable {
  all: DemoPlace[];
  metros: (readonly [places: DemoPlace[], weight: number])[];
}

let table: PlaceTable | undefined;

function placeTable(): PlaceTable {
  if (table) return table;
  const zipTable = loadZipTable();
  const columns = decodeZipTable(zipTable);
  const all: DemoPlace[] = [];
  for (let index = 0; index < zipTable.count; index++) {
    const state = zipTable.states[columns.stateIndex[index]!]!;
    if (EXCLUDED_STATES.has(state)) continue;
    all.push({
      zip: String(columns.zips[index]).padStart(5, '0'),
      state,
      centroid: { lat: columns.lat[index]! / zipTable.coordinateScale, lon: columns.lon[index]! / zipTable.coordinateScale },
    });
  }
  const byZip = new Map(all.map((place) => [place.zip, place]));
  const metros = METROS.map(([zip, millions]) => {
    const downtown = byZip.get(zip);
    if (!downtown) throw new Error(`demo metro zip ${zip} is not in the zip table`);
    // A cheap box first: the haversine of every zip for every metro would cost seconds.
    const latSpan = METRO_RADIUS_MILES / 68;
    const lonSpan = latSpan / Math.max(0.1, Math.cos((downtown.centroid.lat * Math.PI) / 180));
    const places = all.filter(
      (place) =>
        Math.abs(place.centroid.lat - downtown.centroid.lat) <= latSpan &&
        Math.abs(place.centroid.lon - downtown.centroid.lon) <= lonSpan &&
        haversineMiles(place.centroid, downtown.centroid) <= METRO_RADIUS_MILES,
    );
    return [places, millions] as const;
  });
  table = { all, metros };
  return table;
}

/** A real zip (with its state and centroid) for one demo program. */
export function drawPlace(draws: Draws): DemoPlace {
  const { all, metros } = placeTable();
  if (draws.chance(METRO_SHARE)) {
    return draws.pick(draws.weighted(metros));
  }
  return draws.pick(all);
}

const KM_PER_DEGREE_LAT = 111.32;

/** A point up to `maxKm` from the centre, uniform over the disc, rounded to 6 decimals (about 0.1 m). */
export function nearby(centre: GeoPoint, maxKm: number, draws: Draws): GeoPoint {
  const distanceKm = maxKm * Math.sqrt(draws.next());
  const bearing = 2 * Math.PI * draws.next();
  const kmPerDegreeLon = KM_PER_DEGREE_LAT * Math.max(0.01, Math.cos((centre.lat * Math.PI) / 180));
  const lat = Math.min(90, Math.max(-90, centre.lat + (distanceKm * Math.cos(bearing)) / KM_PER_DEGREE_LAT));
  let lon = centre.lon + (distanceKm * Math.sin(bearing)) / kmPerDegreeLon;
  if (lon > 180) lon -= 360;
  if (lon < -180) lon += 360;
  return { lat: Math.round(lat * 1e6) / 1e6, lon: Math.round(lon * 1e6) / 1e6 };
}

/**
 * A real area code in each state and inhabited territory the demo places programs in. Demo
 * phones use it with a number from 555-0100..0199, the block reserved for fiction, so they look
 * local and never ring a real line.
 */
export const AREA_CODES: Readonly<Partial<Record<UsState, string>>> = {
  AL: '205', AK: '907', AZ: '602', AR: '501', CA: '213', CO: '303', CT: '203', DE: '302', DC: '202',
  FL: '305', GA: '404', HI: '808', ID: '208', IL: '312', IN: '317', IA: '515', KS: '316', KY: '502',
  LA: '504', ME: '207', MD: '410', MA: '617', MI: '313', MN: '612', MS: '601', MO: '314', MT: '406',
  NE: '402', NV: '702', NH: '603', NJ: '201', NM: '505', NY: '212', NC: '704', ND: '701', OH: '216',
  OK: '405', OR: '503', PA: '215', RI: '401', SC: '803', SD: '605', TN: '901', TX: '713', UT: '801',
  VT: '802', VA: '757', WA: '206', WV: '304', WI: '414', WY: '307', AS: '684', GU: '671', MP: '670',
  PR: '787', VI: '340',
};

export const STATE_NAMES: Readonly<Record<UsState, string>> = {
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

/** States that share a border, for the service areas of virtual programs (continental states and DC). */
export const NEIGHBOURS: Readonly<Partial<Record<UsState, readonly UsState[]>>> = {
  AL: ['FL', 'GA', 'MS', 'TN'], AZ: ['CA', 'CO', 'NM', 'NV', 'UT'], AR: ['LA', 'MO', 'MS', 'OK', 'TN', 'TX'],
  CA: ['AZ', 'NV', 'OR'], CO: ['AZ', 'KS', 'NE', 'NM', 'OK', 'UT', 'WY'], CT: ['MA', 'NY', 'RI'],
  DE: ['MD', 'NJ', 'PA'], DC: ['MD', 'VA'], FL: ['AL', 'GA'], GA: ['AL', 'FL', 'NC', 'SC', 'TN'],
  ID: ['MT', 'NV', 'OR', 'UT', 'WA', 'WY'], IL: ['IA', 'IN', 'KY', 'MO', 'WI'], IN: ['IL', 'KY', 'MI', 'OH'],
  IA: ['IL', 'MN', 'MO', 'NE', 'SD', 'WI'], KS: ['CO', 'MO', 'NE', 'OK'], KY: ['IL', 'IN', 'MO', 'OH', 'TN', 'VA', 'WV'],
  LA: ['AR', 'MS', 'TX'], ME: ['NH'], MD: ['DC', 'DE', 'PA', 'VA', 'WV'], MA: ['CT', 'NH', 'NY', 'RI', 'VT'],
  MI: ['IN', 'OH', 'WI'], MN: ['IA', 'ND', 'SD', 'WI'], MS: ['AL', 'AR', 'LA', 'TN'],
  MO: ['AR', 'IA', 'IL', 'KS', 'KY', 'NE', 'OK', 'TN'], MT: ['ID', 'ND', 'SD', 'WY'], NE: ['CO', 'IA', 'KS', 'MO', 'SD', 'WY'],
  NV: ['AZ', 'CA', 'ID', 'OR', 'UT'], NH: ['MA', 'ME', 'VT'], NJ: ['DE', 'NY', 'PA'], NM: ['AZ', 'CO', 'OK', 'TX', 'UT'],
  NY: ['CT', 'MA', 'NJ', 'PA', 'VT'], NC: ['GA', 'SC', 'TN', 'VA'], ND: ['MN', 'MT', 'SD'], OH: ['IN', 'KY', 'MI', 'PA', 'WV'],
  OK: ['AR', 'CO', 'KS', 'MO', 'NM', 'TX'], OR: ['CA', 'ID', 'NV', 'WA'], PA: ['DE', 'MD', 'NJ', 'NY', 'OH', 'WV'],
  RI: ['CT', 'MA'], SC: ['GA', 'NC'], SD: ['IA', 'MN', 'MT', 'ND', 'NE', 'WY'], TN: ['AL', 'AR', 'GA', 'KY', 'MO', 'MS', 'NC', 'VA'],
  TX: ['AR', 'LA', 'NM', 'OK'], UT: ['AZ', 'CO', 'ID', 'NM', 'NV', 'WY'], VT: ['MA', 'NH', 'NY'],
  VA: ['DC', 'KY', 'MD', 'NC', 'TN', 'WV'], WA: ['ID', 'OR'], WV: ['KY', 'MD', 'OH', 'PA', 'VA'],
  WI: ['IA', 'IL', 'MI', 'MN'], WY: ['CO', 'ID', 'MT', 'NE', 'SD', 'UT'],
};
