import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { US_STATES } from '../../functions/domain/vocabulary';
import { createZipDirectory, decodeZipTable, loadZipTable, zipDirectory } from '../../functions/gazetteer/zip-table';
import { GENERATED_TABLE_PATH, renderZipTableFile } from '../../scripts/generate-zip-table';

const ZIP_TABLE = loadZipTable();

interface ZipcodesEntry {
  zip: string;
  latitude: number;
  longitude: number;
  state: string;
  country: string;
}

// Read straight from the packages, not through the generator, so a generator bug cannot hide.
const require = createRequire(import.meta.url);
const zipcodes = require('zipcodes') as { codes: Record<string, ZipcodesEntry> };
const zipcodeToTimezone = require('zipcode-to-timezone') as { lookup(zip: string): string | null };

const usStates = new Set<string>(US_STATES);
const usEntries = Object.values(zipcodes.codes).filter((entry) => entry.country === 'US' && usStates.has(entry.state));
const hasNoPosition = (entry: ZipcodesEntry) => entry.latitude === 0 && entry.longitude === 0;
const positioned = usEntries.filter((entry) => !hasNoPosition(entry));

describe('zip table against its source packages', () => {
  it('holds exactly the US zips that have a position', () => {
    expect(positioned.length).toBeGreaterThan(40_000);
    expect(ZIP_TABLE.count).toBe(positioned.length);
    expect(decodeZipTable().zips.length).toBe(positioned.length);
  });

  it('resolves every positioned zip to the package centroid and state', () => {
    const mismatches = positioned.flatMap((entry) => {
      const place = zipDirectory.lookup(entry.zip);
      const matches =
        place !== undefined &&
        place.zip === entry.zip &&
        place.state === entry.state &&
        Math.abs(place.centroid.lat - entry.latitude) < 1e-4 &&
        Math.abs(place.centroid.lon - entry.longitude) < 1e-4;
      return matches ? [] : [{ entry, place }];
    });
    expect(mismatches).toEqual([]);
  });

  it('leaves out only military mail codes, which the package places at (0, 0)', () => {
    const left = usEntries.filter(hasNoPosition);
    expect(left.length).toBeGreaterThan(0);
    expect(new Set(left.map((entry) => entry.state))).toEqual(new Set(['AA', 'AE', 'AP']));
    expect(left.filter((entry) => zipDirectory.lookup(entry.zip) !== undefined)).toEqual([]);
  });

  it('gives every zip the zone zipcode-to-timezone gives it', () => {
    const withZone = positioned.filter((entry) => zipcodeToTimezone.lookup(entry.zip) !== null);
    expect(withZone.length).toBeGreaterThan(40_000);
    const mismatches = withZone
      .map((entry) => ({ zip: entry.zip, expected: zipcodeToTimezone.lookup(entry.zip), actual: zipDirectory.lookup(entry.zip)?.timezone }))
      .filter(({ expected, actual }) => expected !== actual);
    expect(mismatches).toEqual([]);
  });

  it('gives a zip the package has no zone for a zone the package uses in that state', () => {
    const zonesByState = new Map<string, Set<string>>();
    for (const entry of positioned) {
      const zone = zipcodeToTimezone.lookup(entry.zip);
      if (zone) zonesByState.set(entry.state, (zonesByState.get(entry.state) ?? new Set()).add(zone));
    }
    const withoutZone = positioned.filter((entry) => zipcodeToTimezone.lookup(entry.zip) === null);
    expect(withoutZone.length).toBeGreaterThan(0);
    for (const entry of withoutZone) {
      const timezone = zipDirectory.lookup(entry.zip)?.timezone;
      expect(() => new Intl.DateTimeFormat('en-US', { timeZone: timezone })).not.toThrow();
      const stateZones = zonesByState.get(entry.state);
      if (stateZones) expect(stateZones, `zip ${entry.zip}`).toContain(timezone);
    }
    // Both states are mostly in another zone, so a state-wide majority would get these wrong.
    expect(zipcodeToTimezone.lookup('32452')).toBeNull();
    expect(zipDirectory.lookup('32452')?.timezone).toBe('America/Chicago');
    expect(zipcodeToTimezone.lookup('57732')).toBeNull();
    expect(zipDirectory.lookup('57732')?.timezone).toBe('America/Denver');
  });

  it('matches what the generator produces today, byte for byte', () => {
    const regenerated = renderZipTableFile();
    const committed = readFileSync(GENERATED_TABLE_PATH, 'utf8');
    // Diff the readable part; a diff of two 200 KB base64 lines would say nothing.
    const withoutPayload = (file: string) => file.replace(/"packed": "[^"]*"/, '"packed": "…"');
    expect(withoutPayload(committed)).toBe(withoutPayload(regenerated));
    expect(committed === regenerated, 'the packed table is stale: run npm run generate:zips').toBe(true);
  }, 60_000);

  it('stays compact enough for the search Lambda bundle', () => {
    expect(readFileSync(GENERATED_TABLE_PATH).length).toBeLessThan(350_000);
  });
});

describe('zipDirectory.lookup', () => {
  it('finds New York, Waterbury, Honolulu and Puerto Rico', () => {
    expect(zipDirectory.lookup('10001')).toEqual({
      zip: '10001',
      state: 'NY',
      centroid: { lat: 40.7484, lon: -73.9967 },
      timezone: 'America/New_York',
    });
    expect(zipDirectory.lookup('06708')).toEqual({
      zip: '06708',
      state: 'CT',
      centroid: { lat: 41.5511, lon: -73.0645 },
      timezone: 'America/New_York',
    });
    expect(zipDirectory.lookup('96813')).toEqual({
      zip: '96813',
      state: 'HI',
      centroid: { lat: 21.3179, lon: -157.8521 },
      timezone: 'Pacific/Honolulu',
    });
    expect(zipDirectory.lookup('00601')).toEqual({
      zip: '00601',
      state: 'PR',
      centroid: { lat: 18.16, lon: -66.72 },
      timezone: 'America/Puerto_Rico',
    });
  });

  it('finds the first and last zips of the table', () => {
    const { zips } = decodeZipTable();
    const first = String(zips[0]).padStart(5, '0');
    const last = String(zips[zips.length - 1]).padStart(5, '0');
    expect(zipDirectory.lookup(first)?.zip).toBe(first);
    expect(zipDirectory.lookup(last)?.zip).toBe(last);
  });

  it('returns undefined for unknown zips', () => {
    expect(zipDirectory.lookup('00000')).toBeUndefined();
    expect(zipDirectory.lookup('99999')).toBeUndefined();
  });

  it('returns undefined for anything that is not five digits', () => {
    for (const zip of ['', '1000', '100010', '1e001', ' 10001', '10001-1234', '６０６０１']) {
      expect(zipDirectory.lookup(zip), JSON.stringify(zip)).toBeUndefined();
    }
  });

  it('hands out a fresh place each time, so callers cannot corrupt the table', () => {
    const place = zipDirectory.lookup('10001');
    if (place) place.centroid.lat = 0;
    expect(zipDirectory.lookup('10001')?.centroid.lat).toBe(40.7484);
  });

  it('decodes only on the first lookup and rejects a table that does not add up', () => {
    const broken = createZipDirectory({ ...ZIP_TABLE, count: ZIP_TABLE.count - 1 });
    expect(() => broken.lookup('10001')).toThrow(/zip table/);
    expect(() => createZipDirectory({ ...ZIP_TABLE, packed: 'not brotli' })).not.toThrow();
  });
});
