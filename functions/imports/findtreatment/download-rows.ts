import type { ErrorDetail } from '../../domain/errors';
import { fiveDigitZip } from '../../domain/address-key';
import { US_STATES, type UsState } from '../../domain/vocabulary';
import type { ImportRow } from '../../use-cases/import-programs';
import type { ByteCounter } from '../counted-read-stream';
import { readCsvLines } from '../csv-lines';
import { coordinates, usablePhone, websiteOf } from '../source-fields';
import { directoryExternalId, directoryIdentity } from '../samhsa/directory-import';
import { SERVICE_CODE_CATALOGUE } from '../samhsa/service-code-catalogue';
import { mapServiceCodes, presentFields } from '../samhsa/service-code-mapping';

/**
 * FindTreatment.gov's "download results" CSV: the locator's columns, then one column per
 * lower-case service code with `1` where the facility has it. The codes go through the same table
 * as the National Directory. The download has no facility id, so a row's externalId is the
 * directory's identity (name1, name2, street1, zip), which survives a later download of the same
 * facilities.
 */

export const FINDTREATMENT_DOWNLOAD_SOURCE = 'findtreatment-download';

const FACILITY_COLUMNS = [
  'name1', 'name2', 'street1', 'street2', 'city', 'state', 'zip', 'zip4', 'county', 'phone', 'intake_prompt', 'intake1', 'intake2',
  'website', 'latitude', 'longitude', 'type_facility',
] as const;
const REQUIRED_COLUMNS = ['name1', 'street1', 'city', 'state', 'zip'] as const;
const MAX_TEXT = 200;

interface Header {
  columns: string[];
  codeColumns: { position: number; code: string }[];
  /** Columns that are neither facility fields nor known service codes. */
  unknown: string[];
}

function readHeader(fields: readonly string[]): Header {
  const columns = fields.map((field) => field.trim().toLowerCase());
  const missing = REQUIRED_COLUMNS.filter((column) => !columns.includes(column));
  if (missing.length > 0) throw new Error(`not a FindTreatment.gov download: no column ${missing.join(', ')}`);
  const codeColumns: Header['codeColumns'] = [];
  const unknown: string[] = [];
  columns.forEach((column, position) => {
    if ((FACILITY_COLUMNS as readonly string[]).includes(column)) return;
    const code = column.toUpperCase();
    codeColumns.push({ position, code });
    if (SERVICE_CODE_CATALOGUE[code] === undefined) unknown.push(column);
  });
  return { columns, codeColumns, unknown };
}

interface Facility {
  line: number;
  cell: (column: string) => string;
  codes: Set<string>;
  mergedLines: number[];
}

/**
 * The download lists a facility once per type of care it offers (a `SU` row and an `MH` row at
 * the same address, with different codes): rows of the same identity are one program whose codes
 * are the union, as in the National Directory import. Every row is accounted for: in a program,
 * in a rejected program, or named in its program's "merged" warning.
 */
export async function* readFindtreatmentDownloadRows(filePath: string, counter?: ByteCounter): AsyncIterable<ImportRow> {
  let header: Header | undefined;
  const facilities = new Map<string, Facility>();
  for await (const { line, fields } of readCsvLines(filePath, counter)) {
    if (!header) {
      header = readHeader(fields);
      continue;
    }
    if (fields.length !== header.columns.length) {
      yield { line, parseError: `expected ${header.columns.length} columns, found ${fields.length}` };
      continue;
    }
    const columns = header.columns;
    const cell = (column: string) => (fields[columns.indexOf(column)] ?? '').trim();
    const codes = header.codeColumns.filter(({ position }) => fields[position]?.trim() === '1').map(({ code }) => code);
    const identity = directoryIdentity({ name1: cell('name1'), name2: cell('name2'), street1: cell('street1'), zip: cell('zip') });
    const facility = facilities.get(identity);
    if (facility) {
      for (const code of codes) facility.codes.add(code);
      facility.mergedLines.push(line);
    } else {
      facilities.set(identity, { line, cell, codes: new Set(codes), mergedLines: [] });
    }
  }
  if (!header) throw new Error('not a FindTreatment.gov download: the file is empty');
  let first = true;
  for (const [identity, facility] of facilities) {
    const warnings: ErrorDetail[] = [];
    if (first && header.unknown.length > 0) {
      // Said once, on the first program, so the report carries it without repeating it per row.
      warnings.push({ path: 'header', message: `ignored columns that name no service code of the reference sheets: ${header.unknown.join(', ')}` });
    }
    first = false;
    if (facility.mergedLines.length > 0) {
      warnings.push({ path: '', message: `merged with ${facility.mergedLines.map((line) => `row ${line}`).join(', ')} (same facility): codes are the union` });
    }
    yield { line: facility.line, value: toRecord(facility.cell, directoryExternalId(identity), [...facility.codes], warnings), warnings };
  }
}

function toRecord(cell: (column: string) => string, externalId: string, codes: string[], warnings: ErrorDetail[]): Record<string, unknown> {
  const state = cell('state').toUpperCase();
  const knownState = (US_STATES as readonly string[]).includes(state) ? (state as UsState) : undefined;
  const mapping = mapServiceCodes(codes.filter((code) => SERVICE_CODE_CATALOGUE[code] !== undefined), knownState);
  warnings.push(...mapping.warnings);
  const name = cell('name1').slice(0, MAX_TEXT);
  const organization = cell('name2').slice(0, MAX_TEXT);
  const phone = usablePhone('phone', cell('phone'), warnings);
  const intakePhone = usablePhone('intakePhone', cell('intake1') || cell('intake2'), warnings);
  const website = websiteOf(cell('website'), warnings);
  const location = coordinates(cell('latitude'), cell('longitude'));
  return {
    externalId,
    name,
    ...(organization && organization.toLowerCase() !== name.toLowerCase() && { organization }),
    ...(phone && { phone }),
    ...(intakePhone && { intakePhone }),
    ...(website && { website }),
    address: {
      street1: cell('street1'),
      ...(cell('street2') && { street2: cell('street2') }),
      city: cell('city'),
      state,
      zip: fiveDigitZip(cell('zip')),
    },
    ...(location && { location }),
    ...presentFields(mapping.fields),
    levelsOfCare: mapping.fields.levelsOfCare,
    delivery: mapping.fields.delivery,
  };
}
