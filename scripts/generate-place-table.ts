/**
 * Builds functions/gazetteer/place-table.generated.json, the gazetteer behind `near=` and
 * `GET /v1/places`: states, cities and counties with their state, centroid and size.
 *
 * The table holds names and, for every zip of the zip table (in its order), which city and which
 * county it belongs to; functions/gazetteer/place-directory.ts derives centroids (the mean of the zips'
 * centroids), states and sizes (the number of zips) from the zip table at run time, so no
 * coordinate is stored twice.
 *
 * - States: every state, DC and territory of the zip table, by name.
 * - Cities: the `zipcodes` package names a city per zip; a city is a (name, state) pair. Names
 *   with digits (`115 Firms`, unique zips of companies) are left out.
 * - Counties: `zipcodes` has none, so they come from the zip and county columns of SAMHSA's
 *   locator lists (`../shared/data/samhsa-*-facilities.csv`): each zip goes to the county most
 *   of its rows name. Counties without any treatment facility are therefore missing.
 *
 * Usage: npm run generate:places
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants } from 'node:zlib';
import { parse } from 'csv-parse/sync';
import { US_STATE_NAMES, US_STATES, type UsState } from '../functions/domain/vocabulary';
import type { PlaceTable } from '../functions/gazetteer/place-directory';

export const GENERATED_PLACE_TABLE_PATH = fileURLToPath(new URL('../functions/gazetteer/place-table.generated.json', import.meta.url));
const COUNTY_SOURCES = ['samhsa-substance-use-facilities.csv', 'samhsa-mental-health-facilities.csv'].map((name) =>
  fileURLToPath(new URL(`../../shared/data/${name}`, import.meta.url)),
);

// People type "Micronesia", not the federation's full name; every other state as the Postal Service names it.
const STATE_NAMES: Record<UsState, string> = { ...US_STATE_NAMES, FM: 'Micronesia' };

interface ZipcodesEntry {
  zip: string;
  latitude: number;
  longitude: number;
  city: string;
  state: string;
  country: string;
}

const require = createRequire(import.meta.url);
const zipcodes = require('zipcodes') as { codes: Record<string, ZipcodesEntry> };
const zipcodesVersion = (require('zipcodes/package.json') as { version: string }).version;
const isUsState = (value: string): value is UsState => (US_STATES as readonly string[]).includes(value);

function positionedZips(): (ZipcodesEntry & { state: UsState })[] {
  return Object.values(zipcodes.codes)
    .filter(
      (entry): entry is ZipcodesEntry & { state: UsState } =>
        entry.country === 'US' && isUsState(entry.state) && !(entry.latitude === 0 && entry.longitude === 0),
    )
    .sort((a, b) => a.zip.localeCompare(b.zip));
}

function countyName(county: string, state: UsState): string {
  if (/ (City|County|Parish|Borough|Census Area|Municipality)$/.test(county)) return county;
  if (state === 'LA') return `${county} Parish`;
  if (state === 'AK') return county;
  return `${county} County`;
}

/** The county of each zip the locator lists place, by majority of their rows. */
function countyOfZip(zips: Map<string, ZipcodesEntry & { state: UsState }>): Map<string, string> {
  const votes = new Map<string, Map<string, number>>();
  for (const file of COUNTY_SOURCES) {
    const rows = parse(readFileSync(file), { columns: (header: string[]) => header.map((name) => name.toLowerCase()), relax_column_count: true }) as Record<string, string>[];
    for (const row of rows) {
      const zip = (row.zip ?? '').trim().padStart(5, '0');
      const county = (row.county ?? '').trim().replace(/\s+/g, ' ');
      const entry = zips.get(zip);
      if (!county || !entry || entry.state !== row.state?.trim()) continue;
      const counts = votes.get(zip) ?? new Map<string, number>();
      counts.set(county, (counts.get(county) ?? 0) + 1);
      votes.set(zip, counts);
    }
  }
  const counties = new Map<string, string>();
  for (const [zip, counts] of votes) {
    const [county] = [...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0]!;
    counties.set(zip, countyName(county, zips.get(zip)!.state));
  }
  return counties;
}

function writeVarint(out: number[], value: number): void {
  let rest = value;
  while (rest >= 0x80) {
    out.push((rest & 0x7f) | 0x80);
    rest >>>= 7;
  }
  out.push(rest);
}

/**
 * One packed block per kind, decoded by functions/gazetteer/place-directory.ts: the byte length of the
 * names (varint), the names joined by newlines, then one varint per zip of the zip table, in
 * its order: 0 for none, 1 for the next place not seen yet, k >= 2 for the place k - 1 places
 * back from the next one. Neighbouring zips mostly share a place, so brotli packs this tightly.
 */
function pack(places: (string | undefined)[]): { names: string[]; block: Buffer } {
  const indexOf = new Map<string, number>();
  const refs: number[] = [];
  for (const place of places) {
    if (place === undefined) {
      refs.push(0);
      continue;
    }
    const next = indexOf.size;
    const index = indexOf.get(place);
    if (index === undefined) indexOf.set(place, next);
    writeVarint(refs, index === undefined ? 1 : next - index + 1);
  }
  const names = [...indexOf.keys()].map((key) => key.slice(key.indexOf('|') + 1));
  const text = Buffer.from(names.join('\n'), 'utf8');
  const header: number[] = [];
  writeVarint(header, text.length);
  return { names, block: Buffer.concat([Buffer.from(header), text, Buffer.from(refs)]) };
}

/** The full text of the generated data file (functions/gazetteer/place-directory.ts reads it); pure, so a test can compare it with the committed file. */
export function renderPlaceTableFile(): string {
  const zips = positionedZips();
  const byZip = new Map(zips.map((entry) => [entry.zip, entry]));
  const counties = countyOfZip(byZip);
  const states = US_STATES.filter((state) => zips.some((entry) => entry.state === state));
  // Keyed by state as well, so two cities or counties of one name in two states stay two.
  const cities = pack(zips.map((entry) => (/\d/.test(entry.city) ? undefined : `${entry.state}|${entry.city.trim()}`)));
  const countyBlock = pack(zips.map((entry) => (counties.has(entry.zip) ? `${entry.state}|${counties.get(entry.zip)}` : undefined)));
  const compress = (block: Buffer) =>
    brotliCompressSync(block, {
      params: {
        [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
        [constants.BROTLI_PARAM_LGWIN]: 24,
        [constants.BROTLI_PARAM_SIZE_HINT]: block.length,
      },
    }).toString('base64');
  const table: PlaceTable = {
    zips: zips.length,
    stateNames: Object.fromEntries(states.map((state) => [state, STATE_NAMES[state]])),
    counts: { city: cities.names.length, county: countyBlock.names.length },
    packed: { city: compress(cities.block), county: compress(countyBlock.block) },
  };
  const comment = `Generated by scripts/generate-place-table.ts from zipcodes ${zipcodesVersion} and SAMHSA's locator lists. Do not edit; run \`npm run generate:places\` instead.`;
  return `${JSON.stringify({ $comment: comment, ...table }, null, 2)}\n`;
}

if (import.meta.main) {
  const file = renderPlaceTableFile();
  writeFileSync(GENERATED_PLACE_TABLE_PATH, file);
  console.log(`wrote ${GENERATED_PLACE_TABLE_PATH} (${Buffer.byteLength(file)} bytes)`);
}
