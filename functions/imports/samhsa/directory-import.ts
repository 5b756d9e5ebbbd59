import { createHash } from 'node:crypto';
import path from 'node:path';
import { fiveDigitZip, normalizeForMatching } from '../../domain/address-key';
import type { ErrorDetail } from '../../domain/errors';
import { isUsPhone } from '../../domain/program';
import { US_STATES, type UsState } from '../../domain/vocabulary';
import type { ImportRow } from '../../use-cases/import-programs';
import type { ByteCounter } from '../counted-read-stream';
import { fileModifiedDate, readDirectoryFile, workbookModifiedDate, type DirectoryRow } from './directory-files';
import { mapServiceCodes, presentFields } from './service-code-mapping';

export const SAMHSA_DIRECTORY_SOURCE = 'samhsa-directory';

const MAX_TEXT = 200;

/**
 * The contract's identity of a National Directory facility: name1, name2, street1 and the 5-digit
 * zip, each normalised. Hashed, so the id stays short whatever the names; equal identities give
 * equal ids on every run and in every edition.
 */
export function directoryIdentity(cells: Pick<DirectoryRow['cells'], 'name1' | 'name2' | 'street1' | 'zip'>): string {
  return [cells.name1, cells.name2, cells.street1].map(normalizeForMatching).concat(fiveDigitZip(cells.zip)).join('|');
}

export function directoryExternalId(identity: string): string {
  return `nd-${createHash('sha256').update(identity).digest('hex').slice(0, 24)}`;
}

export interface DirectoryImportOptions {
  /** The edition date for every file (`--as-of`); else each workbook's own modification date. */
  asOf?: string;
  counter?: ByteCounter;
}

interface Facility {
  first: DirectoryRow;
  /** Every row of this identity, in the order read: file order, then row order. */
  rows: DirectoryRow[];
  codes: Set<string>;
  dataAsOf: string;
  /** Warnings about the file the facility was first read from. */
  notes: ErrorDetail[];
}

/**
 * Reads one or more National Directory files (workbooks or facilities CSVs) and yields one import
 * row per facility: rows with the same identity, within a file or across files (a facility listed
 * in both the substance use and the mental health edition), are one program whose codes are the
 * union. Every source row is accounted for: in a program, in a rejected program, or as merged into
 * another row (said in a warning on that program's line).
 */
export async function* readSamhsaDirectory(files: readonly string[], options: DirectoryImportOptions = {}): AsyncIterable<ImportRow> {
  const facilities = new Map<string, Facility>();
  const fileWarnings: { file: string; warning: ErrorDetail }[] = [];
  for (const file of files) {
    let asOf = options.asOf ?? (await workbookModifiedDate(file));
    if (!asOf) {
      asOf = await fileModifiedDate(file);
      fileWarnings.push({ file, warning: { path: 'dataAsOf', message: `${path.basename(file)} states no edition date and no --as-of was given: using the file's modification date ${asOf}` } });
    }
    for await (const row of readDirectoryFile(file, options.counter)) {
      const identity = directoryIdentity(row.cells);
      const codes = row.cells.service_code_info.split(/\s+/).filter((code) => code !== '' && code !== '*');
      const facility = facilities.get(identity);
      if (facility) {
        facility.rows.push(row);
        for (const code of codes) facility.codes.add(code.toUpperCase());
        if (asOf > facility.dataAsOf) facility.dataAsOf = asOf;
      } else {
        facilities.set(identity, { first: row, rows: [row], codes: new Set(codes.map((code) => code.toUpperCase())), dataAsOf: asOf, notes: [] });
      }
    }
  }
  const multipleFiles = files.length > 1;
  for (const { file, warning } of fileWarnings) {
    // On the first program read from that file, so the report shows it once.
    const owner = [...facilities.values()].find((facility) => facility.first.file === file);
    owner?.notes.push(warning);
  }
  for (const [identity, facility] of facilities) {
    yield toImportRow(identity, facility, multipleFiles);
  }
}

function where(row: DirectoryRow, multipleFiles: boolean): string {
  return multipleFiles ? `${path.basename(row.file)} row ${row.line}` : `row ${row.line}`;
}

function toImportRow(identity: string, facility: Facility, multipleFiles: boolean): ImportRow {
  const { first } = facility;
  const cells = first.cells;
  const warnings: ErrorDetail[] = [...facility.notes];
  if (facility.rows.length > 1) {
    const others = facility.rows.slice(1).map((row) => where(row, multipleFiles));
    warnings.push({ path: '', message: `merged with ${others.join(', ')} (same facility): codes are the union` });
  }
  const state = cells.state.trim().toUpperCase();
  const knownState = (US_STATES as readonly string[]).includes(state) ? (state as UsState) : undefined;
  const mapping = mapServiceCodes(facility.codes, knownState);
  warnings.push(...mapping.warnings);
  if (mapping.unknownCodes.length > 0) {
    warnings.push({
      path: 'service_code_info',
      message: `ignored codes that no edition's Service Code Reference defines: ${mapping.unknownCodes.join(', ')}`,
    });
  }
  const name = cells.name1.slice(0, MAX_TEXT);
  const organization = cells.name2.slice(0, MAX_TEXT);
  const phone = firstPhone('phone', facility.rows.map((row) => row.cells.phone), warnings);
  const intakePhone = firstPhone('intakePhone', facility.rows.flatMap((row) => [row.cells.intake1, row.cells.intake2]), warnings);
  const externalId = directoryExternalId(identity);
  const value: Record<string, unknown> = {
    externalId,
    // No source of its own: the format's default, or --source (a test or a second copy of the directory).
    name,
    // name2 is often the program's own name at the provider (name1): kept, unless it only repeats name1.
    ...(organization && organization.toLowerCase() !== name.toLowerCase() && { organization }),
    ...(phone && { phone }),
    ...(intakePhone && { intakePhone }),
    address: {
      street1: cells.street1,
      ...(cells.street2 && { street2: cells.street2 }),
      city: cells.city,
      state,
      zip: fiveDigitZip(cells.zip),
    },
    ...presentFields(mapping.fields),
    // levelsOfCare and delivery are required: without a setting code the row says no level of care,
    // and validation rejects it with that path rather than the directory inventing one.
    levelsOfCare: mapping.fields.levelsOfCare,
    delivery: mapping.fields.delivery,
    dataAsOf: facility.dataAsOf,
  };
  return { line: first.line, ...(multipleFiles && { file: first.file }), value, warnings, identity: { externalId } };
}

/** The first usable number among the rows' cells; unusable ones are reported, not repaired. */
function firstPhone(field: string, candidates: string[], warnings: ErrorDetail[]): string | undefined {
  const present = candidates.map((value) => value.trim()).filter(Boolean);
  const usable = present.find(isUsPhone);
  const unusable = present.filter((value) => !isUsPhone(value));
  if (!usable && unusable.length > 0) warnings.push({ path: field, message: `left out: "${unusable[0]}" is not a US phone number` });
  return usable;
}
