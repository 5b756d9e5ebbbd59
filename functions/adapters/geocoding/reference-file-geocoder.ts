import { createReadStream } from 'node:fs';
import { parse } from 'csv-parse';
import { fiveDigitZip, nameKey, streetKey } from '../../domain/address-key';
import type { GeoPoint } from '../../domain/program';
import type { GeocodeQuery, GeocodeResult, Geocoder } from '../../ports/geocoder';

/** Columns a reference file must have (header names compared case-insensitively); others are ignored. */
export const REFERENCE_COLUMNS = ['name1', 'street1', 'zip', 'latitude', 'longitude'] as const;
type ReferenceColumn = (typeof REFERENCE_COLUMNS)[number];

export interface ReferenceFileCounts {
  files: number;
  /** Data rows read (header excluded), across every file. */
  rows: number;
  /** Rows with usable coordinates and at least one matching key: what the geocoder can answer from. */
  usable: number;
  /** Rows whose coordinates are missing, non-numeric, out of range or (0, 0). */
  withoutCoordinates: number;
  /** Rows with coordinates but neither a street + zip nor a name + zip key (no valid zip). */
  withoutKey: number;
}

export interface ReferenceMatchCounts {
  byStreet: number;
  byName: number;
  missed: number;
}

interface Entry {
  readonly nameKey: string | undefined;
  readonly location: GeoPoint;
}

/**
 * Coordinates of known addresses from reference CSV files (contract section 6, `--coordinates`),
 * such as SAMHSA's facility lists. An address is matched on street1 + zip, else on name1 + zip,
 * after the contract's normalisation (`streetKey`, `nameKey`); zips that lost their leading zeros
 * in a spreadsheet are repaired first. Where several reference rows share a street key (clinics
 * of one building), the row whose name also matches wins, else the first one read.
 */
export class ReferenceFileGeocoder implements Geocoder {
  readonly matches: ReferenceMatchCounts = { byStreet: 0, byName: 0, missed: 0 };

  private constructor(
    private readonly byStreet: ReadonlyMap<string, readonly Entry[]>,
    private readonly byName: ReadonlyMap<string, GeoPoint>,
    readonly counts: Readonly<ReferenceFileCounts>,
  ) {}

  /** Streams each file in turn (read in place); earlier files win ties over later ones. */
  static async load(filePaths: string | readonly string[]): Promise<ReferenceFileGeocoder> {
    const paths = typeof filePaths === 'string' ? [filePaths] : [...filePaths];
    const byStreet = new Map<string, Entry[]>();
    const byName = new Map<string, GeoPoint>();
    const counts: ReferenceFileCounts = { files: 0, rows: 0, usable: 0, withoutCoordinates: 0, withoutKey: 0 };
    for (const filePath of paths) {
      await readReferenceFile(filePath, (row) => {
        counts.rows++;
        const location = coordinatesOf(row.latitude, row.longitude);
        if (!location) {
          counts.withoutCoordinates++;
          return;
        }
        const zip = fiveDigitZip(row.zip);
        const street = streetKey(row.street1, zip);
        const name = nameKey(row.name1, zip);
        if (!street && !name) {
          counts.withoutKey++;
          return;
        }
        counts.usable++;
        if (street) {
          const entries = byStreet.get(street);
          if (entries) entries.push({ nameKey: name, location });
          else byStreet.set(street, [{ nameKey: name, location }]);
        }
        if (name && !byName.has(name)) byName.set(name, location);
      });
      counts.files++;
    }
    return new ReferenceFileGeocoder(byStreet, byName, counts);
  }

  async locate(query: GeocodeQuery): Promise<GeocodeResult | undefined> {
    const location = this.find(query);
    return location ? { location: { ...location }, precision: 'exact', by: 'reference' } : undefined;
  }

  /** The matching reference point, synchronously (what `locate` answers with). */
  find(query: GeocodeQuery): GeoPoint | undefined {
    const zip = fiveDigitZip(query.address.zip);
    const name = nameKey(query.name, zip);
    const street = streetKey(query.address.street1, zip);
    const entries = street === undefined ? undefined : this.byStreet.get(street);
    if (entries) {
      this.matches.byStreet++;
      return (entries.length > 1 && name !== undefined ? entries.find((entry) => entry.nameKey === name) : undefined)?.location ?? entries[0]!.location;
    }
    const byName = name === undefined ? undefined : this.byName.get(name);
    if (byName) this.matches.byName++;
    else this.matches.missed++;
    return byName;
  }
}

async function readReferenceFile(filePath: string, onRow: (row: Record<ReferenceColumn, string>) => void): Promise<void> {
  const input = createReadStream(filePath);
  const parser = input.pipe(parse({ bom: true, relax_column_count: true, skip_empty_lines: true }));
  // pipe() does not forward a read error (a missing file): without this the loop would wait forever.
  input.on('error', (error) => parser.destroy(error));
  let positions: Record<ReferenceColumn, number> | undefined;
  for await (const fields of parser as AsyncIterable<string[]>) {
    if (!positions) {
      positions = columnPositions(filePath, fields);
      continue;
    }
    onRow({
      name1: fields[positions.name1] ?? '',
      street1: fields[positions.street1] ?? '',
      zip: fields[positions.zip] ?? '',
      latitude: fields[positions.latitude] ?? '',
      longitude: fields[positions.longitude] ?? '',
    });
  }
  if (!positions) throw new Error(`reference file ${filePath} is empty: expected a header with ${REFERENCE_COLUMNS.join(', ')}`);
}

function columnPositions(filePath: string, header: string[]): Record<ReferenceColumn, number> {
  const names = header.map((name) => name.trim().toLowerCase());
  const positions = Object.fromEntries(REFERENCE_COLUMNS.map((column) => [column, names.indexOf(column)])) as Record<ReferenceColumn, number>;
  const missing = REFERENCE_COLUMNS.filter((column) => positions[column] < 0);
  if (missing.length > 0) throw new Error(`reference file ${filePath} lacks the column(s) ${missing.join(', ')} (needs ${REFERENCE_COLUMNS.join(', ')})`);
  return positions;
}

/**
 * A point from two cells, or undefined when either is empty, not a number, out of range, or the
 * pair is (0, 0), which is what geocoders write when they fail (the zip centroid is a better guess).
 */
export function coordinatesOf(latitude: string, longitude: string): GeoPoint | undefined {
  const lat = parseCoordinate(latitude);
  const lon = parseCoordinate(longitude);
  if (lat === undefined || lon === undefined || Math.abs(lat) > 90 || Math.abs(lon) > 180) return undefined;
  if (lat === 0 && lon === 0) return undefined;
  return { lat, lon };
}

function parseCoordinate(value: string): number | undefined {
  const trimmed = value.trim();
  if (trimmed === '') return undefined;
  const parsed = Number(trimmed);
  return Number.isFinite(parsed) ? parsed : undefined;
}
