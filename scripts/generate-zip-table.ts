/**
 * Builds functions/gazetteer/zip-table.generated.json from the `zipcodes` and `zipcode-to-timezone`
 * packages. The packages themselves stay out of the Lambda bundles: together they weigh over
 * 5 MB of JavaScript, while the packed table is about 200 KB.
 *
 * Usage: npm run generate:zips
 */
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants } from 'node:zlib';
import { haversineMiles } from '../functions/domain/great-circle';
import { US_STATES, type UsState } from '../functions/domain/vocabulary';
import type { ZipTable } from '../functions/gazetteer/zip-table';

export const GENERATED_TABLE_PATH = fileURLToPath(new URL('../functions/gazetteer/zip-table.generated.json', import.meta.url));

/** Both sources give coordinates to four decimal places, so this scale keeps them exactly. */
const COORDINATE_SCALE = 10_000;

/**
 * Zones for the places `zipcode-to-timezone` has no data for at all, so there is nothing of
 * its own to fall back on. Each is a single-zone jurisdiction, except the Federated States of
 * Micronesia (Chuuk and Yap are an hour behind Pohnpei) and the military mail codes, which
 * name no place: UTC is the honest answer for those.
 */
const ZONES_WITHOUT_SOURCE_DATA: Partial<Record<UsState, string>> = {
  PR: 'America/Puerto_Rico',
  VI: 'America/St_Thomas',
  GU: 'Pacific/Guam',
  MP: 'Pacific/Saipan',
  AS: 'Pacific/Pago_Pago',
  FM: 'Pacific/Pohnpei',
  MH: 'Pacific/Majuro',
  PW: 'Pacific/Palau',
  AA: 'UTC',
  AE: 'UTC',
  AP: 'UTC',
};

interface ZipcodesEntry {
  zip: string;
  latitude: number;
  longitude: number;
  state: string;
  country: string;
}

interface SourceZip {
  zip: string;
  code: number;
  state: UsState;
  lat: number;
  lon: number;
  /** The zone `zipcode-to-timezone` gives for this very zip, if any. */
  ownZone: string | null;
}

type KnownZip = SourceZip & { ownZone: string };

interface ZipRow {
  code: number;
  state: UsState;
  lat: number;
  lon: number;
  timezone: string;
}

// Neither package ships type declarations, so they are loaded untyped and described here.
const require = createRequire(import.meta.url);
const zipcodes = require('zipcodes') as { codes: Record<string, ZipcodesEntry> };
const zipcodeToTimezone = require('zipcode-to-timezone') as { lookup(zip: string): string | null };
const sourceVersions = `zipcodes ${packageVersion('zipcodes')} and zipcode-to-timezone ${packageVersion('zipcode-to-timezone')}`;

function packageVersion(name: string): string {
  return (require(`${name}/package.json`) as { version: string }).version;
}

const hasOwnZone = (zip: SourceZip): zip is KnownZip => zip.ownZone !== null;
const isUsState = (value: string): value is UsState => (US_STATES as readonly string[]).includes(value);

function readSources(): SourceZip[] {
  return Object.values(zipcodes.codes)
    .filter(
      (entry): entry is ZipcodesEntry & { state: UsState } =>
        entry.country === 'US' &&
        isUsState(entry.state) &&
        // (0, 0) is the package's placeholder for military codes it has no position for.
        !(entry.latitude === 0 && entry.longitude === 0),
    )
    .map((entry) => ({
      zip: entry.zip,
      code: Number(entry.zip),
      state: entry.state,
      lat: entry.latitude,
      lon: entry.longitude,
      ownZone: zipcodeToTimezone.lookup(entry.zip),
    }))
    .sort((a, b) => a.code - b.code);
}

/**
 * A zip the timezone package does not know takes the zone of the nearest zip in the same state
 * that it does know. A state-wide majority would be wrong wherever a state is split, as in the
 * Florida panhandle or western Kansas and the Dakotas.
 */
function resolveZone(zip: SourceZip, knownByState: Map<UsState, KnownZip[]>): string {
  if (zip.ownZone) return zip.ownZone;
  const known = knownByState.get(zip.state);
  if (!known) {
    const zone = ZONES_WITHOUT_SOURCE_DATA[zip.state];
    if (!zone) throw new Error(`no time zone source for ${zip.state} (zip ${zip.zip})`);
    return zone;
  }
  const nearest = known.reduce((best, candidate) =>
    haversineMiles(zip, candidate) < haversineMiles(zip, best) ? candidate : best,
  );
  return nearest.ownZone;
}

/** Every US zip with a known position, with its state, centroid and IANA time zone. */
function buildZipRows(): ZipRow[] {
  const zips = readSources();
  const knownByState = new Map<UsState, KnownZip[]>();
  for (const zip of zips) {
    if (!hasOwnZone(zip)) continue;
    const known = knownByState.get(zip.state) ?? [];
    known.push(zip);
    knownByState.set(zip.state, known);
  }
  for (const state of Object.keys(ZONES_WITHOUT_SOURCE_DATA) as UsState[]) {
    // The hand-written zones must never shadow what the package knows.
    if (knownByState.has(state)) throw new Error(`${state} has zones in zipcode-to-timezone; drop its fallback`);
  }
  const rows = zips.map((zip) => ({
    code: zip.code,
    state: zip.state,
    lat: zip.lat,
    lon: zip.lon,
    timezone: resolveZone(zip, knownByState),
  }));
  for (const timezone of new Set(rows.map((row) => row.timezone))) {
    if (!isAcceptedTimeZone(timezone)) throw new Error(`${timezone} is not a time zone this runtime knows`);
  }
  return rows;
}

function isAcceptedTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

function writeVarint(out: number[], value: number): void {
  let rest = value;
  while (rest >= 0x80) {
    out.push((rest & 0x7f) | 0x80);
    rest >>>= 7;
  }
  out.push(rest);
}

const zigzag = (value: number) => ((value << 1) ^ (value >> 31)) >>> 0;

/**
 * Column layout, decoded by functions/gazetteer/zip-table.ts: zip deltas (varint), state indices
 * (one byte each), zone indices (one byte each), latitude deltas and longitude deltas (zigzag
 * varints of the scaled coordinates). Neighbouring zips lie close together, so the deltas are
 * small and brotli packs them about twice as tightly as raw int32 columns.
 */
function packColumns(rows: ZipRow[], states: readonly UsState[], timezones: readonly string[]): Buffer {
  const zipDeltas: number[] = [];
  const latDeltas: number[] = [];
  const lonDeltas: number[] = [];
  let previous = { code: 0, lat: 0, lon: 0 };
  for (const row of rows) {
    const current = {
      code: row.code,
      lat: Math.round(row.lat * COORDINATE_SCALE),
      lon: Math.round(row.lon * COORDINATE_SCALE),
    };
    writeVarint(zipDeltas, current.code - previous.code);
    writeVarint(latDeltas, zigzag(current.lat - previous.lat));
    writeVarint(lonDeltas, zigzag(current.lon - previous.lon));
    previous = current;
  }
  return Buffer.from([
    ...zipDeltas,
    ...rows.map((row) => states.indexOf(row.state)),
    ...rows.map((row) => timezones.indexOf(row.timezone)),
    ...latDeltas,
    ...lonDeltas,
  ]);
}

/** The full text of the generated data file (functions/gazetteer/zip-table.ts reads it); pure, so a test can compare it with the committed file. */
export function renderZipTableFile(): string {
  const rows = buildZipRows();
  const present = new Set(rows.map((row) => row.state));
  const states = US_STATES.filter((state) => present.has(state));
  const timezones = [...new Set(rows.map((row) => row.timezone))].sort();
  if (timezones.length > 0xff) throw new Error('too many time zones for one-byte indices');
  const packed = packColumns(rows, states, timezones);
  const compressed = brotliCompressSync(packed, {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
      [constants.BROTLI_PARAM_LGWIN]: 24,
      [constants.BROTLI_PARAM_SIZE_HINT]: packed.length,
    },
  });
  const table: ZipTable = { count: rows.length, coordinateScale: COORDINATE_SCALE, states, timezones, packed: compressed.toString('base64') };
  const comment = `Generated by scripts/generate-zip-table.ts from ${sourceVersions}. Do not edit; run \`npm run generate:zips\` instead.`;
  return `${JSON.stringify({ $comment: comment, ...table }, null, 2)}\n`;
}

if (import.meta.main) {
  const file = renderZipTableFile();
  writeFileSync(GENERATED_TABLE_PATH, file);
  console.log(`wrote ${GENERATED_TABLE_PATH} (${Buffer.byteLength(file)} bytes)`);
}
