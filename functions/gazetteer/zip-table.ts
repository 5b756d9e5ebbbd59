import { brotliDecompressSync } from 'node:zlib';
import type { UsState } from '../domain/vocabulary';
import type { ZipDirectory, ZipPlace } from '../ports/zip-directory';
import { readGazetteerDataFile } from './gazetteer-data-file';

/** Every US zip, packed by scripts/generate-zip-table.ts into zip-table.generated.json. */
export interface ZipTable {
  count: number;
  coordinateScale: number;
  states: UsState[];
  timezones: string[];
  /** Base64 of the brotli-compressed columns. */
  packed: string;
}

let committedTable: ZipTable | undefined;

/** The committed table, read on first use and kept for the life of the process. */
export function loadZipTable(): ZipTable {
  return (committedTable ??= readGazetteerDataFile('zip-table.generated.json') as ZipTable);
}

/** The table unpacked into parallel columns, ordered by zip. */
export interface ZipColumns {
  zips: Uint32Array;
  stateIndex: Uint8Array;
  timezoneIndex: Uint8Array;
  /** Scaled by the table's coordinateScale. */
  lat: Int32Array;
  lon: Int32Array;
}

/** Reads the columns in the order scripts/generate-zip-table.ts packs them. */
export function decodeZipTable(table: ZipTable = loadZipTable()): ZipColumns {
  const bytes = brotliDecompressSync(Buffer.from(table.packed, 'base64'));
  const { count } = table;
  let offset = 0;

  const readVarint = (): number => {
    let value = 0;
    for (let shift = 0; ; shift += 7) {
      const byte = bytes[offset++];
      if (byte === undefined) throw new Error('zip table is truncated');
      value += (byte & 0x7f) * 2 ** shift;
      if (byte < 0x80) return value;
    }
  };
  const readZigzag = (): number => {
    const value = readVarint();
    return value % 2 === 0 ? value / 2 : -(value + 1) / 2;
  };
  const readIndices = (limit: number): Uint8Array => {
    const indices = bytes.subarray(offset, offset + count);
    offset += count;
    if (indices.length !== count || indices.some((index) => index >= limit)) throw new Error('zip table is corrupt');
    return indices;
  };
  const readRunningTotals = <T extends Uint32Array | Int32Array>(column: T, read: () => number): T => {
    let total = 0;
    for (let i = 0; i < count; i++) {
      total += read();
      column[i] = total;
    }
    return column;
  };

  const zips = readRunningTotals(new Uint32Array(count), readVarint);
  const stateIndex = readIndices(table.states.length);
  const timezoneIndex = readIndices(table.timezones.length);
  const lat = readRunningTotals(new Int32Array(count), readZigzag);
  const lon = readRunningTotals(new Int32Array(count), readZigzag);
  if (offset !== bytes.length) throw new Error('zip table has trailing bytes');
  return { zips, stateIndex, timezoneIndex, lat, lon };
}

function findIndex(sorted: Uint32Array, wanted: number): number {
  let low = 0;
  let high = sorted.length - 1;
  while (low <= high) {
    const middle = (low + high) >>> 1;
    const value = sorted[middle]!;
    if (value === wanted) return middle;
    if (value < wanted) low = middle + 1;
    else high = middle - 1;
  }
  return -1;
}

export function createZipDirectory(given?: ZipTable): ZipDirectory {
  // Reading and decoding cost a few milliseconds, which a Lambda that never resolves a zip should not pay.
  let table: ZipTable | undefined = given;
  let columns: ZipColumns | undefined;
  return {
    lookup(zip: string): ZipPlace | undefined {
      if (!/^\d{5}$/.test(zip)) return undefined;
      table ??= loadZipTable();
      columns ??= decodeZipTable(table);
      const index = findIndex(columns.zips, Number(zip));
      if (index < 0) return undefined;
      // decodeZipTable checked that every column has an entry per zip and every index is in range.
      return {
        zip,
        state: table.states[columns.stateIndex[index]!]!,
        centroid: {
          lat: columns.lat[index]! / table.coordinateScale,
          lon: columns.lon[index]! / table.coordinateScale,
        },
        timezone: table.timezones[columns.timezoneIndex[index]!]!,
      };
    },
  };
}

/** Every US zip (states, DC, territories, military mail) with its centroid, state and IANA zone. */
export const zipDirectory: ZipDirectory = createZipDirectory();
