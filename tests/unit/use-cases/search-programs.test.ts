import { describe, expect, it } from 'vitest';
import { InvalidRequestError, UnknownPlaceError, UnknownZipError } from '../../../functions/domain/errors';
import { DEFAULT_PAGE_SIZE, DEFAULT_RADIUS_MILES, searchQuerySchema } from '../../../functions/domain/search-request';
import { zipDirectory } from '../../../functions/gazetteer/zip-table';
import { searchPrograms, toCriteria } from '../../../functions/use-cases/search-programs';
import { FakeClock } from '../../fakes/clock';
import { MemoryPlaceDirectory } from '../../fakes/place-directory';
import { emptyPage, MemorySearchIndex } from '../../fakes/search-index';
import { makeProgram } from '../../support/program-fixtures';

/**
 * What the search use case asks the index (contract 2 and 8): a query string, as the schema
 * reads it, mapped to criteria, and the origin resolved from a zip, a place or lat/lon. The fake
 * index records the criteria; the engine suite checks what OpenSearch finds for them.
 */
const query = (parameters: Record<string, string>) => searchQuerySchema.parse(parameters);
const TODAY = '2026-03-02';

describe('toCriteria', () => {
  it('orders by distance from a location, by relevance for text without one, else by name; an explicit sort wins', () => {
    const origin = { lat: 44.47, lon: -73.21 };
    expect(toCriteria(query({}), undefined, TODAY)).toMatchObject({ sort: 'name', radiusMiles: DEFAULT_RADIUS_MILES, limit: DEFAULT_PAGE_SIZE, today: TODAY });
    expect(toCriteria(query({ q: 'evening' }), undefined, TODAY).sort).toBe('relevance');
    expect(toCriteria(query({ q: 'evening', zip: '05401' }), origin, TODAY)).toMatchObject({ sort: 'distance', text: 'evening', origin });
    expect(toCriteria(query({ zip: '05401', sort: 'name' }), origin, TODAY).sort).toBe('name');
    expect(toCriteria(query({ bbox: '-71.2,42.3,-70.9,42.45' }), undefined, TODAY)).toMatchObject({ sort: 'name', bbox: { west: -71.2, south: 42.3, east: -70.9, north: 42.45 } });
  });

  it('passes every filter of the query string through, lists as lists and flags as booleans', () => {
    const criteria = toCriteria(
      query({
        zip: '05401',
        radius: '10',
        levelOfCare: 'iop,php',
        condition: 'substance_use',
        service: 'peer_support',
        ageGroup: 'adults',
        language: 'es,sgn',
        delivery: 'virtual',
        insurance: 'medicaid,aetna',
        accreditation: 'joint_commission',
        licensed: 'true',
        licenseState: 'VT,NH',
        sessionTime: 'evening',
        acceptingNewPatients: 'false',
        verifiedSince: '2026-01-01',
        medication: 'buprenorphine',
        population: 'veterans',
        gender: 'female',
        ownership: 'private_nonprofit',
        state: 'VT',
        limit: '5',
        cursor: 'abc',
      }),
      { lat: 44.47, lon: -73.21 },
      TODAY,
    );
    expect(criteria).toMatchObject({ radiusMiles: 10, limit: 5, cursor: 'abc' });
    expect(criteria.filters).toEqual({
      levelOfCare: ['iop', 'php'],
      condition: ['substance_use'],
      service: ['peer_support'],
      ageGroup: ['adults'],
      language: ['es', 'sgn'],
      delivery: ['virtual'],
      insurance: ['medicaid', 'aetna'],
      accreditation: ['joint_commission'],
      licensed: true,
      licenseState: ['VT', 'NH'],
      sessionTime: ['evening'],
      sessionWindow: undefined,
      acceptingNewPatients: false,
      verifiedSince: '2026-01-01',
      medication: ['buprenorphine'],
      population: ['veterans'],
      gender: ['female'],
      ownership: ['private_nonprofit'],
      state: ['VT'],
    });
  });

  it('turns day and time bounds into one session window in minutes of the day, only when one is given', () => {
    expect(toCriteria(query({ day: 'mon,wed', startAfter: '17:30', endBefore: '21:00' }), undefined, TODAY).filters.sessionWindow).toEqual({
      days: ['mon', 'wed'],
      startAfter: 1050,
      endBefore: 1260,
    });
    expect(toCriteria(query({ startAfter: '00:00' }), undefined, TODAY).filters.sessionWindow).toEqual({ days: undefined, startAfter: 0, endBefore: undefined });
    expect(toCriteria(query({ levelOfCare: 'iop' }), undefined, TODAY).filters.sessionWindow).toBeUndefined();
  });
});

describe('searchPrograms', () => {
  const burlington = { kind: 'city', name: 'Burlington', state: 'VT', lat: 44.4645, lon: -73.1433 } as const;
  const places = new MemoryPlaceDirectory()
    .add(burlington, 'Burlington, VT')
    .add({ kind: 'zip', name: '05401', state: 'VT', lat: 44.48, lon: -73.22 }, '05401')
    .add({ kind: 'city', name: 'Springfield', state: 'IL', lat: 39.78, lon: -89.65 }, 'Springfield')
    .add({ kind: 'city', name: 'Springfield', state: 'MA', lat: 42.1, lon: -72.59 }, 'Springfield');

  function searching() {
    const index = new MemorySearchIndex();
    const clock = new FakeClock('2026-03-02T23:59:59.000Z');
    return { index, deps: { index, zips: zipDirectory, places, now: clock.now } };
  }

  it("searches around the zip's centroid, with today's date, and answers with the origin and the index's page", async () => {
    const { index, deps } = searching();
    const hit = makeProgram('samhsa', 'lakeside');
    index.answer = { ...emptyPage(), total: 1, results: [{ ...hit, distanceMiles: 1.5 } as never], nextCursor: 'next' };
    const centroid = zipDirectory.lookup('05401')!.centroid;

    const response = await searchPrograms(query({ zip: '05401', levelOfCare: 'iop' }), deps);
    expect(index.searches).toEqual([expect.objectContaining({ origin: centroid, radiusMiles: 25, sort: 'distance', today: '2026-03-02', filters: expect.objectContaining({ levelOfCare: ['iop'] }) })]);
    expect(response).toEqual({ total: 1, origin: { zip: '05401', ...centroid }, results: index.answer.results, facets: index.answer.facets, nextCursor: 'next' });
    expect(response).not.toHaveProperty('clusters');
    expect(response).not.toHaveProperty('bounds');
  });

  it('passes clusters and bounds through when the index gives them, a null bounds included', async () => {
    const { index, deps } = searching();
    index.answer = { ...emptyPage(), clusters: [], bounds: null };
    const response = await searchPrograms(query({ bbox: '-71.2,42.3,-70.9,42.45', clusters: '10', bounds: 'true' }), deps);
    expect(response).toMatchObject({ origin: null, clusters: [], bounds: null });
    expect(index.searches[0]).toMatchObject({ clusters: 10, bounds: true, bbox: { west: -71.2 } });
    expect(index.searches[0]).not.toHaveProperty('origin', expect.anything());
  });

  it('resolves near= to the place it names (a zip keeping its zip), and refuses an unknown or ambiguous place without searching', async () => {
    const { index, deps } = searching();
    const response = await searchPrograms(query({ near: 'Burlington, VT', levelOfCare: 'iop' }), deps);
    expect(response.origin).toEqual(burlington);
    expect(index.searches[0]).toMatchObject({ origin: { lat: burlington.lat, lon: burlington.lon }, sort: 'distance', radiusMiles: 25 });
    expect((await searchPrograms(query({ near: '05401' }), deps)).origin).toEqual({ zip: '05401', kind: 'zip', name: '05401', state: 'VT', lat: 44.48, lon: -73.22 });

    await expect(searchPrograms(query({ near: 'Nowhereville' }), deps)).rejects.toBeInstanceOf(UnknownPlaceError);
    await expect(searchPrograms(query({ near: 'Springfield' }), deps)).rejects.toMatchObject({
      code: 'ambiguous_place',
      details: [{ path: 'near', message: 'city Springfield, IL' }, { path: 'near', message: 'city Springfield, MA' }],
    });
    // Without a place directory wired, every place is unknown.
    await expect(searchPrograms(query({ near: 'Burlington, VT' }), { ...deps, places: undefined })).rejects.toBeInstanceOf(UnknownPlaceError);
    await expect(searchPrograms(query({ zip: '00000' }), deps)).rejects.toBeInstanceOf(UnknownZipError);
    expect(index.searches).toHaveLength(2);
  });

  it("reaches a place's state with reach=state", async () => {
    const { index, deps } = searching();
    await searchPrograms(query({ near: 'Burlington, VT', reach: 'state' }), deps);
    expect(index.searches[0]?.reachState).toBe('VT');
  });

  it("reaches the origin's state with reach=state, and refuses it for lat/lon, which name no state", async () => {
    const { index, deps } = searching();
    await searchPrograms(query({ zip: '83702', reach: 'state' }), deps);
    expect(index.searches[0]?.reachState).toBe('ID');
    await searchPrograms(query({ zip: '83702' }), deps);
    expect(index.searches[1]).not.toHaveProperty('reachState');
    const refused = searchPrograms(query({ lat: '43.6', lon: '-116.2', reach: 'state' }), deps);
    await expect(refused).rejects.toBeInstanceOf(InvalidRequestError);
    await expect(refused).rejects.toMatchObject({ details: [{ path: 'reach' }] });
    expect(index.searches).toHaveLength(2);
  });

  it('refuses clusters over more map tiles than the limit, before searching', async () => {
    const { index, deps } = searching();
    await expect(searchPrograms(query({ clusters: '7' }), deps)).rejects.toMatchObject({ code: 'invalid_request', details: [{ path: 'clusters' }] });
    await expect(searchPrograms(query({ zip: '05401', radius: '500', clusters: '12' }), deps)).rejects.toBeInstanceOf(InvalidRequestError);
    await searchPrograms(query({ clusters: '6' }), deps);
    expect(index.searches).toHaveLength(1);
  });
});
