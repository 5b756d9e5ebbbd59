import { createHash } from 'node:crypto';
import { parse } from 'csv-parse';
import type { GeoPoint, ImportRecord } from '../functions/domain/program';
import { US_STATES, type UsState } from '../functions/domain/vocabulary';
import { countedReadStream, type ByteCounter } from '../functions/imports/counted-read-stream';
import { synthesizeAttributes } from './synthesize-attributes';

/**
 * Reads the SAMHSA substance-use facility list (../shared/data/samhsa-substance-use-facilities.csv)
 * as native import records. Names, addresses and coordinates are the file's own; every other
 * attribute is synthesised (see synthesize-attributes.ts and seed/README.md).
 */

export const SAMHSA_SOURCE = 'samhsa-locator';
export const SAMHSA_COLUMNS = [
  'name1',
  'name2',
  'street1',
  'street2',
  'city',
  'state',
  'zip',
  'zip4',
  'county',
  'latitude',
  'longitude',
] as const;

type SamhsaColumn = (typeof SAMHSA_COLUMNS)[number];

export interface SamhsaRow {
  /** 1-based physical line where the row starts; the header is line 1. */
  line: number;
  record?: ImportRecord;
  raw: Record<string, string>;
  error?: string;
}

const MAX_NAME_LENGTH = 200;

export async function* readSamhsaFacilities(filePath: string, counter?: ByteCounter): AsyncGenerator<SamhsaRow> {
  const input = countedReadStream(filePath, counter);
  const parser = input.pipe(parse({ bom: true, raw: true, relax_column_count: true, skip_empty_lines: true }));
  // pipe() does not forward a read error (a missing file): without this the loop below waits forever.
  input.on('error', (error) => parser.destroy(error));
  const rowsSeenById = new Map<string, number>();
  let nextLine = 1;
  let headerSeen = false;
  for await (const { record: fields, raw } of parser as AsyncIterable<{ record: string[]; raw: string }>) {
    // The parser's own line counter reports where a record ends (and miscounts CRLF inside
    // quotes), so the start line is counted from the raw text of each record instead.
    const line = nextLine + countLineBreaks(/^(?:\r\n|\r|\n)*/.exec(raw)?.[0] ?? '');
    nextLine += countLineBreaks(raw);
    if (!headerSeen) {
      assertHeader(fields);
      headerSeen = true;
      continue;
    }
    const row = Object.fromEntries(SAMHSA_COLUMNS.map((column, index) => [column, fields[index] ?? ''])) as Record<
      SamhsaColumn,
      string
    >;
    if (fields.length !== SAMHSA_COLUMNS.length) {
      yield { line, raw: row, error: `expected ${SAMHSA_COLUMNS.length} columns, found ${fields.length}` };
      continue;
    }
    const state = row.state.trim().toUpperCase();
    if (!isUsState(state)) {
      yield { line, raw: row, error: `address.state: "${row.state}" is not a US state or territory code` };
      continue;
    }
    const baseId = facilityId(row);
    const occurrence = (rowsSeenById.get(baseId) ?? 0) + 1;
    rowsSeenById.set(baseId, occurrence);
    const externalId = occurrence === 1 ? baseId : `${baseId}-${occurrence}`;
    yield { line, raw: row, record: toImportRecord(row, state, externalId) };
  }
}

function assertHeader(fields: readonly string[]): void {
  const matches =
    fields.length === SAMHSA_COLUMNS.length && SAMHSA_COLUMNS.every((column, index) => fields[index]?.trim() === column);
  if (!matches) {
    throw new Error(`not a SAMHSA facility file: expected header ${SAMHSA_COLUMNS.join(',')}, found ${fields.join(',')}`);
  }
}

function countLineBreaks(text: string): number {
  return text.match(/\r\n|\r|\n/g)?.length ?? 0;
}

function isUsState(code: string): code is UsState {
  return (US_STATES as readonly string[]).includes(code);
}

/**
 * The file's zips went through a spreadsheet that read them as numbers, which dropped the
 * leading zeros of New England, New Jersey and Puerto Rico zips (CT `6708` is `06708`). Only
 * all-digit values of 3 or 4 digits can be such a zip; anything else is left for the importer
 * to accept or reject.
 */
export function repairZip(zip: string): string {
  return /^\d{3,4}$/.test(zip) ? zip.padStart(5, '0') : zip;
}

/**
 * SHA-1 of the fields that identify a facility, so the id survives a re-export of the same
 * data. The operating name (name2) and suite (street2) are included because many programs of
 * one provider share a street address. The repaired zip is hashed so that a source which
 * later fixes its zips keeps the same ids; coordinates are left out because they move with
 * every re-geocoding.
 */
export function facilityId(row: Readonly<Record<SamhsaColumn, string>>): string {
  const identity = [row.name1, row.name2, row.street1, row.street2, row.city, row.state]
    .map((value) => value.trim())
    .concat(repairZip(row.zip))
    .join('|');
  return createHash('sha1').update(identity).digest('hex').slice(0, 16);
}

function toImportRecord(row: Readonly<Record<SamhsaColumn, string>>, state: UsState, externalId: string): ImportRecord {
  const name = row.name1.trim().slice(0, MAX_NAME_LENGTH);
  const organization = row.name2.trim().slice(0, MAX_NAME_LENGTH);
  const street2 = row.street2.trim();
  const location = coordinates(row.latitude, row.longitude);
  return {
    externalId,
    source: SAMHSA_SOURCE,
    name,
    ...(organization && organization.toLowerCase() !== name.toLowerCase() && { organization }),
    address: {
      street1: row.street1.trim(),
      ...(street2 && { street2 }),
      city: row.city.trim(),
      state,
      zip: repairZip(row.zip),
    },
    ...(location && { location }),
    ...synthesizeAttributes({ externalId, state }),
  };
}

function coordinates(latitude: string, longitude: string): GeoPoint | undefined {
  const lat = parseCoordinate(latitude);
  const lon = parseCoordinate(longitude);
  if (lat === undefined || lon === undefined || Math.abs(lat) > 90 || Math.abs(lon) > 180) return undefined;
  // (0, 0) is what geocoders return when they fail; the zip centroid is a better guess.
  if (lat === 0 && lon === 0) return undefined;
  return { lat, lon };
}

function parseCoordinate(value: string): number | undefined {
  const trimmed = value.trim();
  if (trimmed === '') return undefined;
  const parsed = Number(trimmed);
  return Number.isFinite(parsed) ? parsed : undefined;
}
