import { beforeAll, describe, expect, it } from 'vitest';
import { documentClient, openSearchClient, dynamoDbConfig, openSearchConfig } from '../support/engines';
import { DynamoDbProgramStore } from '../../functions/adapters/dynamodb/dynamodb-program-store';
import { haversineMiles } from '../../functions/domain/great-circle';
import type { Program } from '../../functions/domain/program';
import { zipDirectory } from '../../functions/gazetteer/zip-table';
import { handler as getProgram } from '../../functions/handlers/get-program';
import { handler as searchPrograms } from '../../functions/handlers/search-programs';
import { apiEvent, invoke } from '../support/api-event';
import { makeProgram, northOf } from '../support/program-fixtures';
import { awaitIndexed } from '../support/stream';

// Every test file works in its own corner of the map, so files sharing the index cannot interfere.
const ORIGIN_ZIP = '82001';
const origin = zipDirectory.lookup(ORIGIN_ZIP)!.centroid;
const SOURCE = 'test-search';
const today = new Date().toISOString().slice(0, 10);

const alpha = makeProgram(SOURCE, 'alpha', {
  name: 'Alpha Recovery Center',
  description: 'Evening intensive outpatient program for working adults',
  location: northOf(origin, 1),
  levelsOfCare: ['iop', 'outpatient'],
  conditions: ['substance_use', 'co_occurring'],
  services: ['group_therapy', 'relapse_prevention'],
  ageGroups: ['adults'],
  languages: ['en', 'es'],
  insurance: ['medicaid', 'bcbs'],
  accreditations: [{ body: 'joint_commission' }],
  licenses: [{ state: 'WY', expiresOn: today }],
  sessions: [{ days: ['mon', 'wed'], start: '18:00', end: '21:00' }],
  acceptingNewPatients: true,
});
const bravo = makeProgram(SOURCE, 'bravo', {
  name: 'Bravo Behavioral Health',
  location: northOf(origin, 5),
  levelsOfCare: ['php'],
  conditions: ['mental_health'],
  ageGroups: ['adolescents'],
  delivery: ['virtual'],
  insurance: ['private'],
  accreditations: [{ body: 'carf', expiresOn: '2020-01-01' }],
  licenses: [{ state: 'WY', expiresOn: '2020-01-01' }],
  sessions: [{ days: ['sat'], start: '09:00', end: '12:00' }],
});
const charlie = makeProgram(SOURCE, 'charlie', {
  name: 'Charlie Counseling',
  location: northOf(origin, 10),
  levelsOfCare: ['iop'],
  insurance: ['medicaid'],
  accreditations: [{ body: 'carf', expiresOn: '2099-12-31' }],
  licenses: [{ state: 'CO', expiresOn: '2099-12-31' }],
  // The one-session rule: "tuesday after 17:00" must not match a tuesday morning plus a thursday evening.
  sessions: [
    { days: ['tue'], start: '09:00', end: '12:00' },
    { days: ['thu'], start: '17:00', end: '19:00' },
  ],
  acceptingNewPatients: false,
});
const delta = makeProgram(SOURCE, 'delta', {
  name: 'Delta House',
  location: northOf(origin, 20),
  levelsOfCare: ['residential'],
  sessions: [{ days: ['mon'], start: '13:00', end: '16:00' }],
});
const echo = makeProgram(SOURCE, 'echo', { name: 'Echo Outpatient', location: northOf(origin, 30), levelsOfCare: ['iop'], insurance: ['medicaid'] });
const archived = makeProgram(SOURCE, 'foxtrot', { name: 'Foxtrot Archived', location: northOf(origin, 2), status: 'archived' });
const fixtures: Program[] = [alpha, bravo, charlie, delta, echo, archived];

// The record additions of contract 1.1 (section 5), in a corner of their own: Alturas, California.
const ALTURAS_ZIP = '96101';
const alturas = zipDirectory.lookup(ALTURAS_ZIP)!.centroid;
const ADDITIONS = 'test-search-1-1';
const californian = (externalId: string, miles: number, overrides: Partial<Program>) =>
  makeProgram(ADDITIONS, externalId, {
    address: { street1: '1 Main St', city: 'Alturas', state: 'CA', zip: ALTURAS_ZIP },
    location: northOf(alturas, miles),
    timezone: 'America/Los_Angeles',
    ...overrides,
  });
const hotel = californian('hotel', 0.5, {
  levelsOfCare: ['outpatient'],
  medications: ['buprenorphine', 'methadone'],
  populations: ['veterans', 'lgbtq'],
  gendersAccepted: ['female', 'male'],
  ownership: 'private_nonprofit',
  delivery: ['in_person', 'virtual'],
  serviceArea: { states: ['CA', 'NV', 'OR'] },
  dataAsOf: '2025-11-30',
  verifiedAt: '2026-01-15T12:00:00.000Z',
});
const india = californian('india', 1, {
  levelsOfCare: ['residential'],
  medications: ['naltrexone'],
  populations: ['women', 'pregnant_postpartum'],
  gendersAccepted: ['female'],
  ownership: 'tribal',
});
const juliet = californian('juliet', 1.5, {
  levelsOfCare: ['iop'],
  medications: ['buprenorphine'],
  populations: ['veterans'],
  // gendersAccepted absent: the source did not say.
  ownership: 'private_for_profit',
});
const kilo = californian('kilo', 2, { levelsOfCare: ['iop'], gendersAccepted: ['male'], languages: ['en', 'sgn'] });
// Licences: a CA registry (ca-dhcs) licence replaces a number-less state_substance_use_agency claim in CA.
const agencyClaim = { state: 'CA' as const, type: 'state_substance_use_agency' };
const dhcs = (number: string, expiresOn: string) => ({ registry: 'ca-dhcs', state: 'CA' as const, number, issuer: 'California DHCS', expiresOn });
/** The claim alone is current, but the registry's expired licence replaces it. */
const lima = californian('lima', 2.5, { licenses: [agencyClaim], registryLicenses: [dhcs('300001AP', '2020-06-30')] });
const mike = californian('mike', 3, { registryLicenses: [dhcs('300002AP', '2099-06-30')] });
/** The same claim with no registry licence: current (no expiry). */
const november = californian('november', 3.5, { licenses: [agencyClaim] });
/** A numbered licence says more than the registry's expired one, so it stays. */
const oscar = californian('oscar', 4, { licenses: [{ ...agencyClaim, number: 'OWN-7' }], registryLicenses: [dhcs('300004AP', '2020-06-30')] });
const papa = californian('papa', 4.5, { registryLicenses: [dhcs('300005AP', '2021-01-31')] });
const additions: Program[] = [hotel, india, juliet, kilo, lima, mike, november, oscar, papa];

type SearchBody = {
  total: number;
  origin: { zip?: string; lat: number; lon: number } | null;
  results: (Program & { distanceMiles?: number })[];
  facets: Record<string, Record<string, number>>;
  nextCursor: string | null;
  error?: { code: string; message: string; details: { path: string; message: string }[] };
};

function search(query: Record<string, string>) {
  return invoke<SearchBody>(searchPrograms, apiEvent({ routeKey: 'GET /v1/programs', query }));
}

async function namesFor(query: Record<string, string>): Promise<string[]> {
  const { statusCode, body } = await search({ zip: ORIGIN_ZIP, ...query });
  expect(statusCode, JSON.stringify(body.error)).toBe(200);
  expect(body.total).toBe(body.results.length);
  return body.results.map((program) => program.externalId);
}

beforeAll(async () => {
  await new DynamoDbProgramStore(documentClient, dynamoDbConfig.PROGRAMS_TABLE).putMany([...fixtures, ...additions]);
  await awaitIndexed();
});

describe('location', () => {
  it('finds published programs within the default 25 miles, nearest first, with haversine distances', async () => {
    const { statusCode, body } = await search({ zip: ORIGIN_ZIP });
    expect(statusCode).toBe(200);
    expect(body.origin).toEqual({ zip: ORIGIN_ZIP, lat: origin.lat, lon: origin.lon });
    expect(body.results.map((program) => program.externalId)).toEqual(['alpha', 'bravo', 'charlie', 'delta']);
    expect(body.total).toBe(4);
    for (const result of body.results) {
      expect(result.distanceMiles).toBeCloseTo(haversineMiles(origin, result.location), 2);
    }
    expect(body.results[0]?.distanceMiles).toBeCloseTo(1, 1);
    expect(Object.keys(body.results[0]!).slice(0, 4)).toEqual(['id', 'source', 'externalId', 'name']);
    expect(body.nextCursor).toBeNull();
  });

  it('honours radius and accepts lat/lon instead of a zip', async () => {
    expect(await namesFor({ radius: '50' })).toEqual(['alpha', 'bravo', 'charlie', 'delta', 'echo']);
    expect(await namesFor({ radius: '7' })).toEqual(['alpha', 'bravo']);
    const { body } = await search({ lat: String(origin.lat), lon: String(origin.lon), radius: '12' });
    expect(body.results.map((program) => program.externalId)).toEqual(['alpha', 'bravo', 'charlie']);
    expect(body.origin).toEqual({ lat: origin.lat, lon: origin.lon });
  });

  it('never returns an archived program, and get by id agrees', async () => {
    expect(await namesFor({ radius: '3' })).toEqual(['alpha']);
    const found = await invoke<Program>(getProgram, apiEvent({ routeKey: 'GET /v1/programs/{id}', pathParameters: { id: alpha.id } }));
    expect(found.statusCode).toBe(200);
    expect(found.body).toMatchObject({ id: alpha.id, name: alpha.name, source: SOURCE, externalId: 'alpha' });
    expect(found.body).not.toHaveProperty('status');
    const gone = await invoke(getProgram, apiEvent({ routeKey: 'GET /v1/programs/{id}', pathParameters: { id: archived.id } }));
    expect(gone.statusCode).toBe(404);
    expect(gone.body).toMatchObject({ error: { code: 'not_found' } });
  });
});

describe('filters', () => {
  it.each([
    [{ levelOfCare: 'iop' }, ['alpha', 'charlie']],
    [{ levelOfCare: 'iop,php' }, ['alpha', 'bravo', 'charlie']],
    [{ condition: 'mental_health' }, ['bravo']],
    [{ service: 'relapse_prevention' }, ['alpha']],
    [{ ageGroup: 'adolescents,adults' }, ['alpha', 'bravo']],
    [{ language: 'es' }, ['alpha']],
    [{ delivery: 'virtual' }, ['bravo']],
    [{ insurance: 'medicaid' }, ['alpha', 'charlie']],
    [{ insurance: 'private,bcbs' }, ['alpha', 'bravo']],
    [{ accreditation: 'carf' }, ['charlie']],
    [{ accreditation: 'joint_commission,carf' }, ['alpha', 'charlie']],
    [{ licensed: 'true' }, ['alpha', 'charlie']],
    [{ licenseState: 'CO' }, ['charlie']],
    [{ licenseState: 'WY' }, ['alpha']],
    [{ sessionTime: 'evening' }, ['alpha', 'charlie']],
    [{ sessionTime: 'morning' }, ['bravo', 'charlie']],
    [{ sessionTime: 'afternoon' }, ['delta']],
    [{ sessionTime: 'weekend' }, ['bravo']],
    [{ day: 'tue', startAfter: '17:00' }, []],
    [{ day: 'thu', startAfter: '17:00' }, ['charlie']],
    [{ day: 'tue,thu', endBefore: '12:00' }, ['charlie']],
    [{ day: 'mon', endBefore: '16:00' }, ['delta']],
    [{ startAfter: '17:30' }, ['alpha']],
    [{ acceptingNewPatients: 'true' }, ['alpha']],
    [{ levelOfCare: 'iop', insurance: 'medicaid', sessionTime: 'evening' }, ['alpha', 'charlie']],
    [{ levelOfCare: 'iop', insurance: 'medicaid', accreditation: 'joint_commission' }, ['alpha']],
  ])('%o matches %o', async (query, expected) => {
    expect(await namesFor(query)).toEqual(expected);
  });

  it('matches text in name, organization or description despite a typo', async () => {
    expect(await namesFor({ q: 'alpah' })).toEqual(['alpha']);
    expect(await namesFor({ q: 'intensive outpatient' })).toEqual(['alpha']);
    const { body } = await search({ q: 'charlei counseling' });
    expect(body.results.map((program) => program.externalId)).toContain('charlie');
  });
});

describe('facets', () => {
  it('are disjunctive: each facet counts over every filter except its own', async () => {
    const { body } = await search({ zip: ORIGIN_ZIP, insurance: 'medicaid', levelOfCare: 'iop' });
    expect(body.total).toBe(2);
    // insurance counts over levelOfCare=iop only: alpha (medicaid, bcbs) and charlie (medicaid).
    expect(body.facets.insurance).toEqual({ medicaid: 2, bcbs: 1 });
    // levelOfCare counts over insurance=medicaid only: alpha (iop, outpatient), charlie (iop).
    expect(body.facets.levelOfCare).toEqual({ iop: 2, outpatient: 1 });
    expect(body.facets.sessionTime).toEqual({ evening: 2, morning: 1 });
  });

  it('count only current accreditations and leave zero counts out', async () => {
    const { body } = await search({ zip: ORIGIN_ZIP });
    expect(body.facets.accreditation).toEqual({ joint_commission: 1, carf: 1 });
    expect(body.facets.delivery).toEqual({ in_person: 3, virtual: 1 });
    expect(Object.keys(body.facets).sort()).toEqual(
      ['accreditation', 'ageGroup', 'condition', 'delivery', 'insurance', 'language', 'levelOfCare', 'medication', 'population', 'sessionTime'].sort(),
    );
    expect(body.facets.medication).toEqual({});
    expect(body.facets.population).toEqual({});
  });
});

describe('record additions (1.1)', () => {
  const near = { zip: ALTURAS_ZIP, radius: '5' };

  it('has its own corner of the map', async () => {
    expect(await namesFor(near)).toEqual(additions.map((program) => program.externalId));
  });

  it.each([
    [{ medication: 'buprenorphine' }, ['hotel', 'juliet']],
    [{ medication: 'naltrexone,methadone' }, ['hotel', 'india']],
    [{ medication: 'acamprosate' }, []],
    [{ population: 'women' }, ['india']],
    [{ population: 'veterans,pregnant_postpartum' }, ['hotel', 'india', 'juliet']],
    [{ gender: 'female' }, ['hotel', 'india']],
    [{ gender: 'male' }, ['hotel', 'kilo']],
    [{ gender: 'female,male' }, ['hotel', 'india', 'kilo']],
    [{ ownership: 'tribal' }, ['india']],
    [{ ownership: 'private_nonprofit,private_for_profit' }, ['hotel', 'juliet']],
    [{ language: 'sgn' }, ['kilo']],
    [{ language: 'sgn,en' }, ['kilo']],
    [{ medication: 'buprenorphine', population: 'veterans', ownership: 'private_for_profit' }, ['juliet']],
    [{ medication: 'buprenorphine', gender: 'female' }, ['hotel']],
    [{ medication: 'buprenorphine', levelOfCare: 'iop' }, ['juliet']],
    [{ population: 'veterans,women', gender: 'female', ownership: 'tribal' }, ['india']],
    [{ gender: 'male', language: 'sgn' }, ['kilo']],
    [{ medication: 'naltrexone', ownership: 'private_nonprofit' }, []],
  ])('%o matches %o', async (query, expected) => {
    expect(await namesFor({ ...near, ...query })).toEqual(expected);
  });

  it('gender matches only programs whose source says which genders they accept', async () => {
    // juliet is found by its other fields, but states no gendersAccepted: no gender matches it.
    expect(await namesFor({ ...near, medication: 'buprenorphine' })).toContain('juliet');
    expect(await namesFor({ ...near, medication: 'buprenorphine', gender: 'female,male' })).toEqual(['hotel']);
  });

  it('has disjunctive medication and population facets, leaving zero counts out', async () => {
    const all = await search(near);
    expect(all.body.facets.medication).toEqual({ buprenorphine: 2, methadone: 1, naltrexone: 1 });
    expect(all.body.facets.population).toEqual({ veterans: 2, lgbtq: 1, women: 1, pregnant_postpartum: 1 });

    // medication counts over population only (hotel, india, juliet); population over medication only (india).
    const { body } = await search({ ...near, medication: 'naltrexone', population: 'veterans,women' });
    expect(body.results.map((program) => program.externalId)).toEqual(['india']);
    expect(body.facets.medication).toEqual({ buprenorphine: 2, methadone: 1, naltrexone: 1 });
    expect(body.facets.population).toEqual({ women: 1, pregnant_postpartum: 1 });
    // Other facets count over both filters.
    expect(body.facets.levelOfCare).toEqual({ residential: 1 });

    const other = await search({ ...near, medication: 'buprenorphine', population: 'lgbtq' });
    expect(other.body.results.map((program) => program.externalId)).toEqual(['hotel']);
    expect(other.body.facets.medication).toEqual({ buprenorphine: 1, methadone: 1 });
    expect(other.body.facets.population).toEqual({ veterans: 2, lgbtq: 1 });
    // The new filters narrow the older facets like any other filter.
    expect(other.body.facets.delivery).toEqual({ in_person: 1, virtual: 1 });
  });

  it('counts the licences the directory states: registry licences by their expiry, replacing a number-less agency claim', async () => {
    // lima: its own claim is replaced by an expired registry licence; papa: only an expired registry licence.
    expect(await namesFor({ ...near, licensed: 'true' })).toEqual(['mike', 'november', 'oscar']);
    expect(await namesFor({ ...near, licenseState: 'CA' })).toEqual(['mike', 'november', 'oscar']);
    expect(await namesFor({ ...near, licenseState: 'CA', ownership: 'tribal' })).toEqual([]);

    const { body } = await search({ ...near, limit: '100' });
    const shown = (externalId: string) => body.results.find((program) => program.externalId === externalId)?.licenses;
    expect(shown('lima')).toEqual([{ state: 'CA', number: '300001AP', issuer: 'California DHCS', expiresOn: '2020-06-30' }]);
    expect(shown('november')).toEqual([agencyClaim]);
    expect(shown('oscar')).toEqual([
      { state: 'CA', number: 'OWN-7', type: 'state_substance_use_agency' },
      { state: 'CA', number: '300004AP', issuer: 'California DHCS', expiresOn: '2020-06-30' },
    ]);
    expect(body.results.some((program) => 'registryLicenses' in program)).toBe(false);
  });

  it('indexes dataAsOf, verifiedAt and the service area states for filtering', async () => {
    const count = async (filter: Record<string, unknown>[]) => {
      const response = await openSearchClient.count({
        index: openSearchConfig.SEARCH_INDEX_ALIAS,
        body: { query: { bool: { filter: [{ terms: { id: additions.map((program) => program.id) } }, ...filter] } } },
      });
      return (response.body as { count: number }).count;
    };
    expect(await count([{ term: { serviceStates: 'NV' } }])).toBe(1);
    expect(await count([{ term: { serviceStates: 'WA' } }])).toBe(0);
    expect(await count([{ range: { verifiedAt: { gte: '2026-01-15T00:00:00Z', lt: '2026-01-16T00:00:00Z' } } }])).toBe(1);
    expect(await count([{ range: { dataAsOf: { lte: '2025-12-01' } } }])).toBe(1);
    // Without a dataAsOf of its own a program is as of its last write (2026-01-01 in the fixtures).
    expect(await count([{ range: { dataAsOf: { gte: '2026-01-01', lte: '2026-01-01' } } }])).toBe(additions.length - 1);
    expect(await count([{ term: { gendersAccepted: 'female' } }, { term: { ownership: 'tribal' } }])).toBe(1);
  });
});

describe('paging', () => {
  async function collectPages(query: Record<string, string>): Promise<{ ids: string[]; pages: number; totals: Set<number> }> {
    const ids: string[] = [];
    const totals = new Set<number>();
    let cursor: string | null = null;
    let pages = 0;
    do {
      const { statusCode, body } = await search({ ...query, ...(cursor ? { cursor } : {}) });
      expect(statusCode).toBe(200);
      ids.push(...body.results.map((program) => program.id));
      totals.add(body.total);
      cursor = body.nextCursor;
      pages++;
    } while (cursor && pages < 50);
    return { ids, pages, totals };
  }

  it('returns every match exactly once, in order, for each sort', async () => {
    for (const sort of ['distance', 'name', 'relevance']) {
      const query = { zip: ORIGIN_ZIP, radius: '50', sort, limit: '2' };
      const { ids, totals } = await collectPages(query);
      const all = await search({ zip: ORIGIN_ZIP, radius: '50', sort, limit: '100' });
      expect(ids).toEqual(all.body.results.map((program) => program.id));
      expect(new Set(ids).size).toBe(5);
      expect([...totals]).toEqual([5]);
    }
  });

  it('breaks ties by id so programs at one spot page deterministically', async () => {
    const spot = zipDirectory.lookup('59601')!.centroid;
    const twins = Array.from({ length: 23 }, (_, index) => makeProgram('test-paging', `twin-${index}`, { name: 'Same Name', location: spot }));
    await new DynamoDbProgramStore(documentClient, dynamoDbConfig.PROGRAMS_TABLE).putMany(twins);
    await awaitIndexed();
    const expected = twins.map((program) => program.id).sort();
    for (const sort of ['distance', 'name']) {
      const { ids, pages } = await collectPages({ zip: '59601', radius: '1', sort, limit: '5' });
      expect(ids).toEqual(expected);
      expect(pages).toBe(5);
    }
  });

  it('sorts by name case-insensitively', async () => {
    const { body } = await search({ zip: ORIGIN_ZIP, radius: '50', sort: 'name' });
    expect(body.results.map((program) => program.name)).toEqual([
      'Alpha Recovery Center',
      'Bravo Behavioral Health',
      'Charlie Counseling',
      'Delta House',
      'Echo Outpatient',
    ]);
  });
});

describe('bad requests', () => {
  it.each([
    [{ zip: '123' }, 'zip'],
    [{ zip: ORIGIN_ZIP, radius: '0' }, 'radius'],
    [{ zip: ORIGIN_ZIP, radius: '501' }, 'radius'],
    [{ zip: ORIGIN_ZIP, radius: 'far' }, 'radius'],
    [{ zip: ORIGIN_ZIP, lat: '41', lon: '-104' }, 'zip'],
    [{ lat: '41' }, 'lon'],
    [{ lat: '91', lon: '0' }, 'lat'],
    [{ radius: '10' }, 'radius'],
    [{ levelOfCare: 'spa' }, 'levelOfCare'],
    [{ insurance: 'medicaid,acme' }, 'insurance'],
    [{ accreditation: 'iso' }, 'accreditation'],
    [{ language: 'english' }, 'language'],
    [{ licensed: 'yes' }, 'licensed'],
    [{ licenseState: 'ZZ' }, 'licenseState'],
    [{ sessionTime: 'night' }, 'sessionTime'],
    [{ day: 'monday' }, 'day'],
    [{ startAfter: '25:00' }, 'startAfter'],
    [{ endBefore: '7pm' }, 'endBefore'],
    [{ sort: 'distance' }, 'sort'],
    [{ sort: 'price' }, 'sort'],
    [{ limit: '0' }, 'limit'],
    [{ limit: '101' }, 'limit'],
    [{ cursor: 'not-a-cursor' }, 'cursor'],
    [{ insurnace: 'medicaid' }, 'insurnace'],
    [{ medication: 'suboxone' }, 'medication'],
    [{ population: 'students' }, 'population'],
    [{ gender: 'nonbinary' }, 'gender'],
    [{ gender: 'female,other' }, 'gender'],
    [{ ownership: 'public' }, 'ownership'],
    [{ language: 'asl' }, 'language'],
  ])('%o is a 400 naming %s', async (query, parameter) => {
    const { statusCode, body } = await search(query);
    expect(statusCode).toBe(400);
    expect(body.error?.code).toBe('invalid_request');
    expect(body.error?.details.map((detail) => detail.path)).toContain(parameter);
  });

  it('rejects an unknown zip with unknown_zip', async () => {
    const { statusCode, body } = await search({ zip: '00000' });
    expect(statusCode).toBe(400);
    expect(body.error).toMatchObject({ code: 'unknown_zip', details: [{ path: 'zip' }] });
  });

  it('rejects a cursor from a different query', async () => {
    const first = await search({ zip: ORIGIN_ZIP, limit: '1' });
    expect(first.body.nextCursor).toBeTruthy();
    const { statusCode, body } = await search({ zip: ORIGIN_ZIP, limit: '1', insurance: 'medicaid', cursor: first.body.nextCursor! });
    expect(statusCode).toBe(400);
    expect(body.error?.details[0]?.path).toBe('cursor');
  });
});
