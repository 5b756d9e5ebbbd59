import { beforeAll, describe, expect, it } from 'vitest';
import { documentClient, dynamoDbConfig } from '../support/engines';
import { DynamoDbProgramStore } from '../../functions/adapters/dynamodb/dynamodb-program-store';
import { queryFingerprint } from '../../functions/adapters/opensearch/search-cursor';
import { haversineMiles } from '../../functions/domain/great-circle';
import type { GeoPoint, Program } from '../../functions/domain/program';
import type { SearchCriteria } from '../../functions/domain/search-criteria';
import type { DeliveryMode, Insurance, LevelOfCare, UsState } from '../../functions/domain/vocabulary';
import { zipDirectory } from '../../functions/gazetteer/zip-table';
import { handler as searchPrograms } from '../../functions/handlers/search-programs';
import { apiEvent, invoke } from '../support/api-event';
import { makeProgram } from '../support/program-fixtures';
import { awaitIndexed } from '../support/stream';

// This file's corner of the map: Boise (ID), central Oregon, the Aleutians across the antimeridian,
// and one virtual program in Phoenix (AZ), two states from Idaho. No other test seeds ID, OR or AZ
// addresses, or a service area including ID.
const SOURCE = 'test-viewports';
const BOISE_ZIP = '83702';
const boise = zipDirectory.lookup(BOISE_ZIP)!.centroid;
const phoenix = zipDirectory.lookup('85004')!.centroid;

type Hit = Program & { distanceMiles?: number; matchedBy?: 'distance' | 'service_area' };
type Box = { west: number; south: number; east: number; north: number };
type SearchBody = {
  total: number;
  results: Hit[];
  facets: Record<string, Record<string, number>>;
  nextCursor: string | null;
  clusters?: { lat: number; lon: number; count: number }[];
  bounds?: Box | null;
  error?: { code: string; message: string; details: { path: string; message: string }[] };
};

function search(query: Record<string, string>) {
  return invoke<SearchBody>(searchPrograms, apiEvent({ routeKey: 'GET /v1/programs', query }));
}

const at = (externalId: string, location: GeoPoint, state: UsState, overrides: Partial<Program> = {}) =>
  makeProgram(SOURCE, externalId, {
    address: { street1: '1 Main St', city: 'Somewhere', state, zip: state === 'ID' ? BOISE_ZIP : '97701' },
    location,
    timezone: 'America/Boise',
    ...overrides,
  });

/** A deterministic pseudo-random sequence (mulberry32), so the brute-force data is the same every run. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// The radii and boxes the brute-force checks use; no seeded point lies near their edges, where the
// engine's coordinate encoding could legitimately decide either way.
const RADII = [30, 60];
const BOX: Box = { west: -116.6, south: 43.3, east: -115.7, north: 44.0 };
const nearEdge = (point: GeoPoint) =>
  RADII.some((radius) => Math.abs(haversineMiles(boise, point) - radius) < 0.2) ||
  [BOX.west, BOX.east].some((lon) => Math.abs(point.lon - lon) < 0.002) ||
  [BOX.south, BOX.north].some((lat) => Math.abs(point.lat - lat) < 0.002);

const LEVELS: LevelOfCare[] = ['iop', 'php', 'outpatient'];
const PAYERS: Insurance[] = ['medicaid', 'medicare', 'private'];
const next = random(20261130);
const scattered: Program[] = [];
while (scattered.length < 48) {
  const point = { lat: 42.9 + next() * 1.6, lon: -117.2 + next() * 2.0 };
  if (nearEdge(point)) continue;
  const n = scattered.length;
  const virtual = next() < 0.35;
  const levels = LEVELS.filter((level) => next() < 0.5 || (level === 'iop' && n % 3 === 0));
  scattered.push(
    at(`s${n}`, point, next() < 0.7 ? 'ID' : 'OR', {
      levelsOfCare: levels.length > 0 ? levels : ['outpatient'],
      insurance: PAYERS.filter(() => next() < 0.5),
      delivery: (virtual ? (next() < 0.5 ? ['virtual'] : ['in_person', 'virtual']) : ['in_person']) as DeliveryMode[],
      ...(virtual && next() < 0.6 ? { serviceArea: { states: ['ID', 'WA'] as UsState[] } } : {}),
    }),
  );
}

/** Two states away from Idaho, serving it by telehealth; and one not serving it, and one serving it but only in person. */
const telehealthAz = at('telehealth-az', phoenix, 'AZ', { delivery: ['virtual'], serviceArea: { states: ['AZ', 'ID', 'UT'] }, levelsOfCare: ['iop'] });
const telehealthAzOther = at('telehealth-az-other', phoenix, 'AZ', { delivery: ['virtual'], serviceArea: { states: ['AZ', 'NV'] } });
/** Near Boise, virtual and serving ID: both clauses match, and distance wins. */
const nearbyVirtual = at('nearby-virtual', { lat: boise.lat + 0.05, lon: boise.lon + 0.03 }, 'ID', { delivery: ['virtual'], serviceArea: { states: ['ID'] } });
const inPersonAz = at('in-person-az', phoenix, 'AZ', { delivery: ['in_person'], serviceArea: { states: ['ID'] } });

// bbox edges in central Oregon: four points just inside the box, four just outside.
const EDGE_BOX: Box = { west: -122, south: 44, east: -121, north: 44.5 };
const edge = (id: string, lat: number, lon: number) => at(id, { lat, lon }, 'OR');
const edgeIn = [edge('in-s', 44.0001, -121.5), edge('in-n', 44.4999, -121.5), edge('in-w', 44.25, -121.9999), edge('in-e', 44.25, -121.0001)];
const edgeOut = [edge('out-s', 43.9999, -121.5), edge('out-n', 44.5001, -121.5), edge('out-w', 44.25, -122.0001), edge('out-e', 44.25, -120.9999)];

// Across the antimeridian (the Aleutians).
const aleutian = (id: string, lon: number) => at(id, { lat: 52, lon }, 'AK', { timezone: 'America/Adak' });
const west179 = aleutian('am-west', 179.5);
const east179 = aleutian('am-east', -179.5);
const outside178 = aleutian('am-out', 178.5);

const universe: Program[] = [...scattered, telehealthAz, telehealthAzOther, inPersonAz, nearbyVirtual, ...edgeIn, ...edgeOut, west179, east179, outside178];

beforeAll(async () => {
  await new DynamoDbProgramStore(documentClient, dynamoDbConfig.PROGRAMS_TABLE).putMany(universe);
  await awaitIndexed();
});

const inBox = (point: GeoPoint, box: Box) =>
  point.lat >= box.south &&
  point.lat <= box.north &&
  (box.west <= box.east ? point.lon >= box.west && point.lon <= box.east : point.lon >= box.west || point.lon <= box.east);

const list = (value: string | undefined) => value?.split(',');

/** The brute-force reading of a query over the seeded programs, leaving out one filter (for facets). */
function oracle(query: Record<string, string>, without?: string): Program[] {
  const box = query.bbox ? (([west, south, east, north]) => ({ west, south, east, north }) as Box)(query.bbox.split(',').map(Number)) : undefined;
  const origin = query.zip ? zipDirectory.lookup(query.zip)! : undefined;
  const radius = Number(query.radius ?? 25);
  const has = (values: readonly string[] | undefined, wanted: string[] | undefined) =>
    wanted === undefined || (values ?? []).some((value) => wanted.includes(value));
  return universe.filter((program) => {
    if (box && !inBox(program.location, box)) return false;
    if (origin) {
      const near = haversineMiles(origin.centroid, program.location) <= radius;
      const serves = query.reach === 'state' && program.delivery.includes('virtual') && (program.serviceArea?.states ?? []).includes(origin.state);
      if (!near && !serves) return false;
    }
    if (without !== 'state' && !has([program.address.state], list(query.state))) return false;
    if (without !== 'levelOfCare' && !has(program.levelsOfCare, list(query.levelOfCare))) return false;
    if (without !== 'insurance' && !has(program.insurance, list(query.insurance))) return false;
    if (without !== 'delivery' && !has(program.delivery, list(query.delivery))) return false;
    return true;
  });
}

/** Follows every cursor: each page's total, and every id once. */
async function allPages(query: Record<string, string>): Promise<{ ids: string[]; total: number; first: SearchBody; results: Hit[] }> {
  const results: Hit[] = [];
  let cursor: string | undefined;
  let first: SearchBody | undefined;
  for (let page = 0; page < 50; page++) {
    const { statusCode, body } = await search({ ...query, ...(cursor ? { cursor } : {}) });
    expect(statusCode, JSON.stringify(body.error)).toBe(200);
    first ??= body;
    expect(body.total).toBe(first.total);
    results.push(...body.results);
    if (!body.nextCursor) break;
    cursor = body.nextCursor;
  }
  return { ids: results.map((hit) => hit.externalId), total: first!.total, first: first!, results };
}

const sorted = (values: string[]) => [...values].sort();

describe('state', () => {
  it('filters by the address state, without a location', async () => {
    const { ids, total } = await allPages({ state: 'OR', limit: '10' });
    expect(sorted(ids)).toEqual(sorted(universe.filter((p) => p.address.state === 'OR').map((p) => p.externalId)));
    expect(total).toBe(ids.length);
    // Other test files seed programs in Arizona too: ours must all be there, and nothing outside the two states.
    const both = await allPages({ state: 'AZ,AK', limit: '100' });
    const ours = new Set(universe.map((p) => p.externalId));
    expect(sorted(both.ids.filter((id) => ours.has(id)))).toEqual(sorted(['telehealth-az', 'telehealth-az-other', 'in-person-az', 'am-west', 'am-east', 'am-out']));
    expect(both.results.every((hit) => ['AZ', 'AK'].includes(hit.address.state))).toBe(true);
    expect(both.total).toBe(both.ids.length);
  });

  it('filters by the address state with a location, and narrows facets like any filter', async () => {
    const query = { zip: BOISE_ZIP, radius: '60', state: 'ID', limit: '100' };
    const { body } = await search(query);
    const expected = oracle(query);
    expect(expected.length).toBeGreaterThan(5);
    expect(expected.length).toBeLessThan(oracle({ zip: BOISE_ZIP, radius: '60' }).length);
    expect(sorted(body.results.map((p) => p.externalId))).toEqual(sorted(expected.map((p) => p.externalId)));
    expect(body.facets.levelOfCare!.iop ?? 0).toBe(expected.filter((p) => p.levelsOfCare.includes('iop')).length);
  });

  it('rejects an unknown state', async () => {
    const { statusCode, body } = await search({ state: 'XX' });
    expect(statusCode).toBe(400);
    expect(body.error!.details[0]!.path).toBe('state');
  });
});

describe('bbox', () => {
  it('includes points just inside every edge and excludes points just outside', async () => {
    const box = EDGE_BOX;
    const { body } = await search({ bbox: `${box.west},${box.south},${box.east},${box.north}`, limit: '100' });
    expect(body.error).toBeUndefined();
    expect(sorted(body.results.map((p) => p.externalId))).toEqual(sorted(edgeIn.map((p) => p.externalId)));
    expect(body.total).toBe(4);
    expect(body.results[0]).not.toHaveProperty('distanceMiles');
  });

  it('handles a box across the antimeridian (west > east)', async () => {
    const { body } = await search({ bbox: '179,51,-179,53', bounds: 'true', clusters: '3' });
    expect(sorted(body.results.map((p) => p.externalId))).toEqual(['am-east', 'am-west']);
    expect(body.clusters!.reduce((sum, cluster) => sum + cluster.count, 0)).toBe(2);
    // The tighter box around the two points is the one across the antimeridian.
    expect(body.bounds!.west).toBeCloseTo(179.5, 5);
    expect(body.bounds!.east).toBeCloseTo(-179.5, 5);
    expect(body.bounds!.south).toBeCloseTo(52, 5);
  });

  it('adds clusters whose counts add up to total, with points inside the box at their members\' centroid, and bounds', async () => {
    const query = { bbox: `${BOX.west},${BOX.south},${BOX.east},${BOX.north}`, levelOfCare: 'iop,php', clusters: '8', bounds: 'true', limit: '5' };
    const { body } = await search(query);
    expect(body.error).toBeUndefined();
    const expected = oracle(query);
    expect(expected.length).toBeGreaterThan(5);
    expect(body.total).toBe(expected.length);
    const clusters = body.clusters!;
    expect(clusters.reduce((sum, cluster) => sum + cluster.count, 0)).toBe(body.total);
    for (const cluster of clusters) expect(inBox(cluster, BOX)).toBe(true);
    // Each cluster is one zoom-8 tile: its count and centroid are those of the matches in it.
    const tiles = new Map<string, GeoPoint[]>();
    for (const program of expected) {
      const key = tileKey(program.location, 8);
      tiles.set(key, [...(tiles.get(key) ?? []), program.location]);
    }
    expect(clusters.length).toBe(tiles.size);
    for (const members of tiles.values()) {
      const lat = members.reduce((sum, p) => sum + p.lat, 0) / members.length;
      const lon = members.reduce((sum, p) => sum + p.lon, 0) / members.length;
      const cluster = clusters.find((c) => Math.abs(c.lat - lat) < 1e-5 && Math.abs(c.lon - lon) < 1e-5);
      expect(cluster?.count).toBe(members.length);
    }
    const lats = expected.map((p) => p.location.lat);
    const lons = expected.map((p) => p.location.lon);
    expect(body.bounds!.west).toBeCloseTo(Math.min(...lons), 5);
    expect(body.bounds!.east).toBeCloseTo(Math.max(...lons), 5);
    expect(body.bounds!.south).toBeCloseTo(Math.min(...lats), 5);
    expect(body.bounds!.north).toBeCloseTo(Math.max(...lats), 5);
  });

  it('answers bounds null and no clusters when nothing matches', async () => {
    const { body } = await search({ bbox: '-10,-10,-9,-9', clusters: '5', bounds: 'true' });
    expect(body.total).toBe(0);
    expect(body.clusters).toEqual([]);
    expect(body.bounds).toBeNull();
  });

  it('applies the post_filter clauses (state) to clusters over every match, without a box', async () => {
    const { body } = await search({ state: 'OR', clusters: '6', bounds: 'true' });
    expect(body.total).toBe(universe.filter((p) => p.address.state === 'OR').length);
    expect(body.clusters!.reduce((sum, cluster) => sum + cluster.count, 0)).toBe(body.total);
  });
});

function tileKey(point: GeoPoint, zoom: number): string {
  const n = 2 ** zoom;
  const x = Math.floor(((point.lon + 180) / 360) * n);
  const rad = (point.lat * Math.PI) / 180;
  const y = Math.floor(((1 - Math.log(Math.tan(rad) + 1 / Math.cos(rad)) / Math.PI) / 2) * n);
  return `${x}/${y}`;
}

describe('reach=state', () => {
  it('also finds a virtual program two states away serving the origin state, matched by its service area', async () => {
    const query = { zip: BOISE_ZIP, radius: '30', reach: 'state', limit: '100' };
    const { body } = await search(query);
    expect(body.error).toBeUndefined();
    const ids = body.results.map((p) => p.externalId);
    expect(ids).toContain('telehealth-az');
    expect(ids).not.toContain('telehealth-az-other');
    expect(ids).not.toContain('in-person-az');
    const far = body.results.find((p) => p.externalId === 'telehealth-az')!;
    expect(far.matchedBy).toBe('service_area');
    expect(far.distanceMiles).toBeGreaterThan(500);
    for (const hit of body.results) {
      expect(hit.matchedBy).toBe(haversineMiles(boise, hit.location) <= 30 ? 'distance' : 'service_area');
      expect(hit.distanceMiles).toBeCloseTo(haversineMiles(boise, hit.location), 2);
    }
    expect(body.results.some((hit) => hit.matchedBy === 'distance')).toBe(true);
    // Distance order still holds: the far service-area programs come last.
    const distances = body.results.map((hit) => hit.distanceMiles!);
    expect(distances).toEqual([...distances].sort((a, b) => a - b));
    expect(ids.at(-1)).toBe('telehealth-az');
    // A nearby virtual program serving ID matches both ways: distance wins.
    expect(body.results.find((hit) => hit.externalId === 'nearby-virtual')?.matchedBy).toBe('distance');
  });

  it('leaves matchedBy out without reach', async () => {
    const { body } = await search({ zip: BOISE_ZIP, radius: '30' });
    expect(body.results.length).toBeGreaterThan(0);
    expect(body.results.every((hit) => hit.matchedBy === undefined)).toBe(true);
  });
});

describe('oracle: every match once, totals exact, facets disjunctive', () => {
  const combinations: Record<string, string>[] = [
    { bbox: `${BOX.west},${BOX.south},${BOX.east},${BOX.north}`, limit: '7' },
    { bbox: `${BOX.west},${BOX.south},${BOX.east},${BOX.north}`, levelOfCare: 'iop', insurance: 'medicaid,private', clusters: '9', bounds: 'true', limit: '4' },
    { bbox: `${BOX.west},${BOX.south},${BOX.east},${BOX.north}`, state: 'ID', sort: 'name', limit: '6' },
    { zip: BOISE_ZIP, radius: '60', state: 'ID,OR', levelOfCare: 'outpatient', limit: '5' },
    { zip: BOISE_ZIP, radius: '30', reach: 'state', limit: '3' },
    { zip: BOISE_ZIP, radius: '60', reach: 'state', delivery: 'virtual', insurance: 'medicare', clusters: '2', limit: '4' },
    { zip: BOISE_ZIP, radius: '30', reach: 'state', sort: 'name', levelOfCare: 'iop', limit: '2' },
    { state: 'ID', delivery: 'virtual', limit: '5' },
  ];

  it.each(combinations)('%o', async (query) => {
    const expected = oracle(query);
    expect(expected.length).toBeGreaterThan(Number(query.limit));
    const { ids, total, first, results } = await allPages(query);
    expect(total).toBe(expected.length);
    expect(ids.length).toBe(new Set(ids).size);
    expect(sorted(ids)).toEqual(sorted(expected.map((p) => p.externalId)));
    if (query.reach) {
      for (const hit of results) expect(hit.matchedBy).toBe(haversineMiles(boise, hit.location) <= Number(query.radius) ? 'distance' : 'service_area');
    }
    if (query.clusters) expect(first.clusters!.reduce((sum, cluster) => sum + cluster.count, 0)).toBe(total);
    const facetFields = { levelOfCare: 'levelsOfCare', insurance: 'insurance', delivery: 'delivery' } as const;
    for (const [facet, field] of Object.entries(facetFields)) {
      const counts: Record<string, number> = {};
      for (const program of oracle(query, facet)) for (const value of program[field] ?? []) counts[value] = (counts[value] ?? 0) + 1;
      expect(first.facets[facet], facet).toEqual(counts);
    }
  });
});

describe('validation', () => {
  it.each([
    [{ bbox: '-117,43,-116' }, 'bbox'],
    [{ bbox: '-117,44,-116,43' }, 'bbox'],
    [{ bbox: '-181,43,-116,44' }, 'bbox'],
    [{ bbox: '-117,-91,-116,44' }, 'bbox'],
    [{ bbox: 'a,b,c,d' }, 'bbox'],
    [{ bbox: '-117,43,-116,44', zip: BOISE_ZIP }, 'bbox'],
    [{ bbox: '-117,43,-116,44', lat: '43', lon: '-116' }, 'bbox'],
    [{ bbox: '-117,43,-116,44', sort: 'distance' }, 'sort'],
    [{ clusters: '21' }, 'clusters'],
    [{ clusters: '-1' }, 'clusters'],
    [{ clusters: '2.5' }, 'clusters'],
    // The whole world at zoom 10 is a million tiles.
    [{ state: 'ID', clusters: '10' }, 'clusters'],
    [{ bounds: 'yes' }, 'bounds'],
    [{ reach: 'state' }, 'reach'],
    [{ reach: 'state', bbox: '-117,43,-116,44' }, 'reach'],
    [{ reach: 'county', zip: BOISE_ZIP }, 'reach'],
    [{ reach: 'state', lat: '43.6', lon: '-116.2' }, 'reach'],
  ])('%o is a 400 naming %s', async (query, path) => {
    const { statusCode, body } = await search(query);
    expect(statusCode).toBe(400);
    expect(body.error!.code).toBe('invalid_request');
    expect(body.error!.details.map((detail) => detail.path)).toContain(path);
  });

  it('binds cursors to state, bbox and reach', () => {
    const base: SearchCriteria = { radiusMiles: 25, filters: {}, sort: 'name', limit: 20, today: '2026-01-01' };
    const fingerprints = new Set([
      queryFingerprint(base),
      queryFingerprint({ ...base, filters: { state: ['ID'] } }),
      queryFingerprint({ ...base, bbox: BOX }),
      queryFingerprint({ ...base, origin: boise, reachState: 'ID' }),
      queryFingerprint({ ...base, origin: boise }),
    ]);
    expect(fingerprints.size).toBe(5);
  });
});
