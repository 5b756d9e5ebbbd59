import { brotliDecompressSync } from 'node:zlib';
import type { UsState } from '../domain/vocabulary';
import type { Place, PlaceDirectory, PlaceKind, PlaceResolution } from '../ports/place-directory';
import type { ZipDirectory } from '../ports/zip-directory';
import { readGazetteerDataFile } from './gazetteer-data-file';
import { decodeZipTable, loadZipTable, zipDirectory, type ZipColumns, type ZipTable } from './zip-table';

/** Names of states, cities and counties, packed by scripts/generate-place-table.ts into place-table.generated.json. */
export interface PlaceTable {
  /** The number of zips of the zip table it was generated against. */
  zips: number;
  stateNames: Partial<Record<UsState, string>>;
  counts: { city: number; county: number };
  /** Base64 of each brotli-compressed block. */
  packed: { city: string; county: string };
}



let committedTable: PlaceTable | undefined;

/** The committed table, read on first use and kept for the life of the process. */
export function loadPlaceTable(): PlaceTable {
  return (committedTable ??= readGazetteerDataFile('place-table.generated.json') as PlaceTable);
}
type NamedKind = Exclude<PlaceKind, 'zip'>;

interface Entry {
  place: Place;
  /** The normalised name, as `normalise` gives it. */
  key: string;
  /** A county's key without its `county`/`parish`/`borough` suffix; otherwise the key. */
  bareKey: string;
  /** Number of zips: how large the place is. */
  size: number;
}

/** Candidates listed for an ambiguous place, largest first. */
export const MAX_CANDIDATES = 20;

const ABBREVIATIONS: Record<string, string> = { st: 'saint', ste: 'sainte', mt: 'mount', ft: 'fort' };
const COUNTY_SUFFIX = / (county|parish|borough)$/;

/** Lower case, no accents, no punctuation, single spaces. */
function basic(text: string): string {
  const ascii = /^[\x00-\x7f]*$/.test(text) ? text : text.normalize('NFKD').replace(/\p{M}/gu, '');
  return ascii
    .toLowerCase()
    .replace(/[.'’`]/g, '')
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

/** `basic`, with `St.`/`Mt.`/`Ft.` spelt out as the data spells them. */
export function normalisePlaceName(text: string): string {
  return basic(text)
    .split(' ')
    .map((word) => ABBREVIATIONS[word] ?? word)
    .join(' ');
}

const entryOf = (kind: NamedKind, name: string, state: UsState, lat: number, lon: number, size: number): Entry => {
  const key = normalisePlaceName(name);
  return {
    place: { kind, name, state, lat: Math.round(lat * 10_000) / 10_000, lon: Math.round(lon * 10_000) / 10_000 },
    key,
    bareKey: kind === 'county' ? key.replace(COUNTY_SUFFIX, '') : key,
    size,
  };
};

/**
 * Reads one block in the layout scripts/generate-place-table.ts packs it and places each name
 * at the mean of its zips' centroids, in the state of its zips.
 */
function decodeBlock(table: PlaceTable, kind: 'city' | 'county', zipTable: ZipTable, zips: ZipColumns): Entry[] {
  const bytes = brotliDecompressSync(Buffer.from(table.packed[kind], 'base64'));
  const count = table.counts[kind];
  let offset = 0;
  const readVarint = (): number => {
    let value = 0;
    for (let shift = 0; ; shift += 7) {
      const byte = bytes[offset++];
      if (byte === undefined) throw new Error('place table is truncated');
      value += (byte & 0x7f) * 2 ** shift;
      if (byte < 0x80) return value;
    }
  };
  const namesLength = readVarint();
  const names = bytes.subarray(offset, offset + namesLength).toString('utf8').split('\n');
  offset += namesLength;
  if (names.length !== count || zips.zips.length !== table.zips) throw new Error('place table is corrupt');
  const lat = new Float64Array(count);
  const lon = new Float64Array(count);
  const size = new Uint32Array(count);
  const stateIndex = new Uint8Array(count);
  let next = 0;
  for (let zip = 0; zip < table.zips; zip++) {
    const ref = readVarint();
    if (ref === 0) continue;
    const index = ref === 1 ? next++ : next - ref + 1;
    if (index < 0 || index >= count) throw new Error('place table is corrupt');
    lat[index] = lat[index]! + zips.lat[zip]!;
    lon[index] = lon[index]! + zips.lon[zip]!;
    size[index] = size[index]! + 1;
    stateIndex[index] = zips.stateIndex[zip]!;
  }
  if (offset !== bytes.length || next !== count) throw new Error('place table is corrupt');
  return names.map((name, i) => {
    const state = zipTable.states[stateIndex[i]!]!;
    const scale = zipTable.coordinateScale * size[i]!;
    return entryOf(kind, name, state, lat[i]! / scale, lon[i]! / scale, size[i]!);
  });
}

/** States at the mean of their zips' centroids, sized by their number of zips. */
function stateEntries(table: PlaceTable, zipTable: ZipTable, zips: ZipColumns): Entry[] {
  const sums = zipTable.states.map(() => ({ lat: 0, lon: 0, size: 0 }));
  for (let zip = 0; zip < zips.zips.length; zip++) {
    const sum = sums[zips.stateIndex[zip]!]!;
    sum.lat += zips.lat[zip]!;
    sum.lon += zips.lon[zip]!;
    sum.size += 1;
  }
  return zipTable.states.flatMap((state, i) => {
    const name = table.stateNames[state];
    const { lat, lon, size } = sums[i]!;
    if (!name || size === 0) return [];
    const scale = zipTable.coordinateScale * size;
    return [entryOf('state', name, state, lat / scale, lon / scale, size)];
  });
}

/**
 * The smallest optimal-string-alignment distance between `typed` and `name` or any prefix of
 * `name` (a person may have typed only the start of it), or `bound + 1` once it must exceed
 * `bound`. One dynamic-programming pass over reused rows: this runs thousands of times a keystroke.
 */
const rows = [new Int32Array(128), new Int32Array(128), new Int32Array(128)];
function prefixDistance(typed: string, name: string, bound: number): number {
  const columns = Math.min(name.length, typed.length + bound);
  if (columns < typed.length - bound || columns >= 127 || typed.length >= 127) return bound + 1;
  let [before, previous, current] = rows as [Int32Array, Int32Array, Int32Array];
  for (let j = 0; j <= columns; j++) previous[j] = j;
  for (let i = 1; i <= typed.length; i++) {
    current[0] = i;
    let rowMinimum = i;
    const a = typed.charCodeAt(i - 1);
    for (let j = 1; j <= columns; j++) {
      const b = name.charCodeAt(j - 1);
      let value = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a === b ? 0 : 1));
      if (i > 1 && j > 1 && a === name.charCodeAt(j - 2) && typed.charCodeAt(i - 2) === b) value = Math.min(value, before[j - 2]! + 1);
      current[j] = value;
      if (value < rowMinimum) rowMinimum = value;
    }
    if (rowMinimum > bound) return bound + 1;
    [before, previous, current] = [previous, current, before];
  }
  let best = bound + 1;
  for (let j = Math.max(0, typed.length - bound); j <= columns; j++) best = Math.min(best, previous[j]!);
  return best;
}

const copy = (entry: Entry): Place => ({ ...entry.place });
const largestFirst = (a: Entry, b: Entry) => b.size - a.size || a.place.state.localeCompare(b.place.state) || a.place.name.localeCompare(b.place.name);
const push = <K, V>(map: Map<K, V[]>, key: K, value: V) => {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
};

class Gazetteer {
  readonly states = new Map<string, Entry>();
  readonly cities = new Map<string, Entry[]>();
  readonly counties = new Map<string, Entry[]>();
  /** Every named place, ordered by key, for prefix ranges. */
  readonly sorted: Entry[];
  readonly byFirstLetter = new Map<string, Entry[]>();

  constructor(table: PlaceTable, zipTable: ZipTable, zips: ZipColumns) {
    const states = stateEntries(table, zipTable, zips);
    const cities = decodeBlock(table, 'city', zipTable, zips);
    const counties = decodeBlock(table, 'county', zipTable, zips);
    for (const entry of states) {
      this.states.set(entry.key, entry);
      this.states.set(entry.place.state.toLowerCase(), entry);
    }
    for (const entry of cities) push(this.cities, entry.key, entry);
    for (const entry of counties) push(this.counties, entry.bareKey, entry);
    for (const list of [...this.cities.values(), ...this.counties.values()]) list.sort(largestFirst);
    this.sorted = [...states, ...cities, ...counties].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    for (const entry of this.sorted) push(this.byFirstLetter, entry.key[0] ?? '', entry);
  }

  /** The state a trailing `VT` / `Vermont` names, and the words before it. */
  splitTrailingState(words: string[]): { name: string; state: Entry } | undefined {
    for (let take = Math.min(3, words.length - 1); take >= 1; take--) {
      const state = this.states.get(words.slice(-take).join(' '));
      if (state) return { name: words.slice(0, -take).join(' '), state };
    }
    return undefined;
  }

  named(name: string, state: UsState | undefined): Entry[] {
    const inState = (entries: Entry[] | undefined) => (entries ?? []).filter((entry) => state === undefined || entry.place.state === state);
    const key = normalisePlaceName(name);
    if (COUNTY_SUFFIX.test(key)) return inState(this.counties.get(key.replace(COUNTY_SUFFIX, '')));
    const cities = inState(this.cities.get(key));
    return cities.length > 0 ? cities : inState(this.counties.get(key));
  }
}

export interface PlaceDirectoryOptions {
  table?: PlaceTable;
  /** The zip table the place table was generated against: centroids and states come from it. */
  zipTable?: ZipTable;
  zips?: ZipDirectory;
}

export function createPlaceDirectory({ table, zipTable, zips = zipDirectory }: PlaceDirectoryOptions = {}): PlaceDirectory {
  // Reading and decoding cost tens of milliseconds, which a Lambda that never resolves a place should not pay.
  let gazetteer: Gazetteer | undefined;
  let zipColumns: ZipColumns | undefined;
  const columns = () => (zipColumns ??= decodeZipTable((zipTable ??= loadZipTable())));
  const places = () => (gazetteer ??= new Gazetteer((table ??= loadPlaceTable()), (zipTable ??= loadZipTable()), columns()));

  const zipPlace = (zip: string): Place | undefined => {
    const found = zips.lookup(zip);
    return found && { kind: 'zip', name: zip, state: found.state, lat: found.centroid.lat, lon: found.centroid.lon };
  };

  const outcome = (entries: Entry[]): PlaceResolution => {
    if (entries.length === 0) return { status: 'unknown' };
    if (entries.length === 1) return { status: 'found', place: copy(entries[0]!) };
    return { status: 'ambiguous', candidates: entries.slice(0, MAX_CANDIDATES).map(copy) };
  };

  function resolve(text: string): PlaceResolution {
    const trimmed = text.trim();
    if (/^\d{5}$/.test(trimmed)) {
      const place = zipPlace(trimmed);
      return place ? { status: 'found', place } : { status: 'unknown' };
    }
    const gazetteer = places();
    const comma = trimmed.lastIndexOf(',');
    if (comma >= 0) {
      const state = gazetteer.states.get(basic(trimmed.slice(comma + 1)));
      if (!state) return { status: 'unknown' };
      const name = trimmed.slice(0, comma);
      return basic(name) === '' ? outcome([state]) : outcome(gazetteer.named(name, state.place.state));
    }
    const whole = basic(trimmed);
    if (whole === '') return { status: 'unknown' };
    const state = gazetteer.states.get(whole);
    if (state) return { status: 'found', place: copy(state) };
    const split = gazetteer.splitTrailingState(whole.split(' '));
    if (split) {
      const found = gazetteer.named(split.name, split.state.place.state);
      if (found.length > 0) return outcome(found);
    }
    // A city whose last word is a state's name or code (`Fort Washington`) lands here.
    return outcome(gazetteer.named(whole, undefined));
  }

  function suggestZips(prefix: string, limit: number): Place[] {
    const zipColumns = columns();
    const scale = 10 ** (5 - prefix.length);
    const low = Number(prefix) * scale;
    const high = low + scale;
    let index = 0;
    let end = zipColumns.zips.length;
    while (index < end) {
      const middle = (index + end) >>> 1;
      if (zipColumns.zips[middle]! < low) index = middle + 1;
      else end = middle;
    }
    const found: Place[] = [];
    for (; index < zipColumns.zips.length && zipColumns.zips[index]! < high && found.length < limit; index++) {
      const place = zipPlace(String(zipColumns.zips[index]).padStart(5, '0'));
      if (place) found.push(place);
    }
    return found;
  }

  function suggest(query: string, limit: number): Place[] {
    const trimmed = query.trim();
    if (/^\d{1,5}$/.test(trimmed)) return suggestZips(trimmed, limit);
    const gazetteer = places();
    let name = trimmed;
    let stateFilter: ((state: UsState) => boolean) | undefined;
    const comma = trimmed.lastIndexOf(',');
    if (comma >= 0) {
      name = trimmed.slice(0, comma);
      const typed = basic(trimmed.slice(comma + 1));
      if (typed !== '') {
        const states = [...gazetteer.states.entries()].filter(([key]) => key.startsWith(typed)).map(([, entry]) => entry.place.state);
        stateFilter = (state) => states.includes(state);
      }
    } else {
      const words = basic(trimmed).split(' ');
      const split = words.length > 1 && !gazetteer.states.has(words.join(' ')) ? gazetteer.splitTrailingState(words) : undefined;
      if (split) {
        name = split.name;
        stateFilter = (state) => state === split.state.place.state;
      }
    }
    const key = normalisePlaceName(name);
    if (key === '') return [];
    const keep = (entry: Entry) => stateFilter === undefined || stateFilter(entry.place.state);

    const tiers = new Map<Entry, number>();
    // Exact and prefix matches form one contiguous range of the sorted keys.
    let index = 0;
    let end = gazetteer.sorted.length;
    while (index < end) {
      const middle = (index + end) >>> 1;
      if (gazetteer.sorted[middle]!.key < key) index = middle + 1;
      else end = middle;
    }
    for (; index < gazetteer.sorted.length && gazetteer.sorted[index]!.key.startsWith(key); index++) {
      const entry = gazetteer.sorted[index]!;
      if (keep(entry)) tiers.set(entry, entry.key === key ? 0 : 1);
    }
    // Small typos, only to fill what exact and prefix matches leave; the first letter is
    // taken as typed, which keeps this to a few thousand short comparisons.
    if (tiers.size < limit && key.length >= 4) {
      const bound = key.length >= 8 ? 2 : 1;
      for (const entry of gazetteer.byFirstLetter.get(key[0]!) ?? []) {
        if (tiers.has(entry) || !keep(entry)) continue;
        if (prefixDistance(key, entry.key, bound) <= bound) tiers.set(entry, 2);
      }
    }
    const kindRank = (entry: Entry) => (entry.place.kind === 'state' ? 0 : 1);
    return [...tiers.entries()]
      .sort(([a, tierA], [b, tierB]) => tierA - tierB || kindRank(a) - kindRank(b) || largestFirst(a, b))
      .slice(0, limit)
      .map(([entry]) => copy(entry));
  }

  return { resolve, suggest };
}

/** Zips, cities, counties and states of the US, from the bundled tables. */
export const placeDirectory: PlaceDirectory = createPlaceDirectory();
