import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createPlaceDirectory, loadPlaceTable, normalisePlaceName, placeDirectory } from '../../functions/gazetteer/place-directory';
import type { Place } from '../../functions/ports/place-directory';
import { GENERATED_PLACE_TABLE_PATH, renderPlaceTableFile } from '../../scripts/generate-place-table';

const PLACE_TABLE = loadPlaceTable();

const found = (text: string): Place => {
  const resolution = placeDirectory.resolve(text);
  if (resolution.status !== 'found') throw new Error(`${text}: ${resolution.status}`);
  return resolution.place;
};
const labels = (places: Place[]) => places.map((place) => `${place.kind}:${place.name}, ${place.state}`);

describe('place table', () => {
  it('matches what the generator produces today, byte for byte', () => {
    const regenerated = renderPlaceTableFile();
    const committed = readFileSync(GENERATED_PLACE_TABLE_PATH, 'utf8');
    const withoutPayload = (file: string) => file.replace(/"[A-Za-z0-9+/=]{200,}"/g, '"…"');
    expect(withoutPayload(committed)).toBe(withoutPayload(regenerated));
    expect(committed === regenerated, 'the packed table is stale: run npm run generate:places').toBe(true);
  }, 60_000);

  it('holds the states, tens of thousands of cities and the counties, and stays compact', () => {
    expect(Object.keys(PLACE_TABLE.stateNames).length).toBeGreaterThanOrEqual(56);
    expect(PLACE_TABLE.counts.city).toBeGreaterThan(25_000);
    expect(PLACE_TABLE.counts.county).toBeGreaterThan(2_000);
    expect(readFileSync(GENERATED_PLACE_TABLE_PATH).length).toBeLessThan(200_000);
  });

  it('rejects a table that does not add up', () => {
    const broken = createPlaceDirectory({ table: { ...PLACE_TABLE, counts: { ...PLACE_TABLE.counts, city: PLACE_TABLE.counts.city - 1 } } });
    expect(() => broken.resolve('Burlington, VT')).toThrow(/place table/);
  });
});

describe('placeDirectory.resolve', () => {
  it('resolves City, ST however it is typed', () => {
    const burlington = found('Burlington, VT');
    expect(burlington).toMatchObject({ kind: 'city', name: 'Burlington', state: 'VT' });
    expect(burlington.lat).toBeCloseTo(44.47, 1);
    expect(burlington.lon).toBeCloseTo(-73.15, 1);
    for (const text of ['burlington vt', '  BURLINGTON ,  vt ', 'Burlington, Vermont', 'burlington vermont']) expect(found(text), text).toEqual(burlington);
  });

  it('spells out St. and Mt. as the data does', () => {
    expect(found('St. Albans, VT')).toMatchObject({ kind: 'city', name: 'Saint Albans', state: 'VT' });
    expect(found('saint albans vt')).toEqual(found('St Albans, VT'));
    expect(found('Mt. Kisco, NY')).toMatchObject({ name: 'Mount Kisco', state: 'NY' });
    expect(normalisePlaceName("  Coeur d'Alène ")).toBe('coeur dalene');
  });

  it('lists the candidates of a bare city name found in several states, largest first', () => {
    const resolution = placeDirectory.resolve('Springfield');
    expect(resolution.status).toBe('ambiguous');
    if (resolution.status !== 'ambiguous') return;
    const states = resolution.candidates.map((place) => place.state);
    expect(states).toEqual(expect.arrayContaining(['IL', 'MA', 'MO']));
    expect(resolution.candidates.every((place) => place.kind === 'city' && place.name === 'Springfield')).toBe(true);
    expect(found('Springfield, MO')).toMatchObject({ kind: 'city', state: 'MO' });
  });

  it('makes Queens the county (the data names no city Queens: its zips are Flushing, Jamaica, ...)', () => {
    expect(found('Queens')).toMatchObject({ kind: 'county', name: 'Queens County', state: 'NY' });
    expect(found('Queens County, NY')).toEqual(found('Queens'));
    expect(found('queens, ny')).toEqual(found('Queens'));
  });

  it('resolves states by name or code', () => {
    const vermont = found('Vermont');
    expect(vermont).toMatchObject({ kind: 'state', name: 'Vermont', state: 'VT' });
    expect(vermont.lat).toBeCloseTo(44, 0);
    expect(found('VT')).toEqual(vermont);
    expect(found('vt')).toEqual(vermont);
    expect(found('District of Columbia')).toMatchObject({ kind: 'state', state: 'DC' });
  });

  it('resolves counties and parishes', () => {
    expect(found('Chittenden County, VT')).toMatchObject({ kind: 'county', name: 'Chittenden County', state: 'VT' });
    expect(found('orleans parish, la')).toMatchObject({ kind: 'county', name: 'Orleans Parish', state: 'LA' });
  });

  it('resolves a zip to its centroid', () => {
    expect(found('05401')).toEqual({ kind: 'zip', name: '05401', state: 'VT', lat: 44.484, lon: -73.2199 });
  });

  it('knows nothing of places that are not there', () => {
    for (const text of ['Nowhereville', 'Burlington, ZZ', 'Nowhereville, VT', '00000', '', '  ,  ', 'Chittenden County, NY']) {
      expect(placeDirectory.resolve(text).status, text).toBe('unknown');
    }
  });

  it('hands out fresh places, so callers cannot corrupt the table', () => {
    found('Burlington, VT').lat = 0;
    expect(found('Burlington, VT').lat).not.toBe(0);
  });
});

describe('placeDirectory.suggest', () => {
  it('completes a prefix, larger places first', () => {
    const places = placeDirectory.suggest('burl', 8);
    expect(places).toHaveLength(8);
    expect(places.every((place) => place.name.toLowerCase().startsWith('burl'))).toBe(true);
    expect(labels(places)).toEqual(expect.arrayContaining(['city:Burlington, VT']));
  });

  it('tolerates a small typo', () => {
    const places = placeDirectory.suggest('springfeld', 5);
    expect(places).toHaveLength(5);
    expect(places.every((place) => place.name === 'Springfield')).toBe(true);
    expect(labels(places.slice(0, 3))).toEqual(expect.arrayContaining(['city:Springfield, IL', 'city:Springfield, MA', 'city:Springfield, MO']));
  });

  it('puts exact before prefix before typo matches, and states before cities of the same name', () => {
    const places = placeDirectory.suggest('washington', 8);
    expect(labels(places)[0]).toBe('state:Washington, WA');
    expect(places.slice(1).every((place) => place.name.toLowerCase().startsWith('washington'))).toBe(true);
    expect(places[1]).toMatchObject({ kind: 'city', name: 'Washington', state: 'DC' });
    const sizes = placeDirectory.suggest('spring', 20).filter((place) => place.kind === 'city');
    expect(sizes[0]).toMatchObject({ name: 'Spring', state: 'TX' });
  });

  it('narrows to a state after a comma or a trailing state code', () => {
    const inV = placeDirectory.suggest('burlington, v', 3);
    expect(labels(inV)[0]).toBe('city:Burlington, VT');
    expect(inV.every((place) => place.state.startsWith('V'))).toBe(true);
    expect(labels(placeDirectory.suggest('springfield mo', 3))[0]).toBe('city:Springfield, MO');
    expect(placeDirectory.suggest('springfield mo', 3).every((place) => place.state === 'MO')).toBe(true);
  });

  it('suggests zips by prefix', () => {
    const places = placeDirectory.suggest('0540', 3);
    expect(places.map((place) => place.name)).toEqual(['05401', '05402', '05403']);
    expect(places.every((place) => place.kind === 'zip' && place.state === 'VT')).toBe(true);
  });

  it('keeps to the limit and finds nothing in gibberish', () => {
    expect(placeDirectory.suggest('s', 20)).toHaveLength(20);
    expect(placeDirectory.suggest('qqqqzzz', 8)).toEqual([]);
    expect(placeDirectory.suggest('  ', 8)).toEqual([]);
  });
});
