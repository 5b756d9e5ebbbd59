import { stat } from 'node:fs/promises';
import path from 'node:path';
import ExcelJS from 'exceljs';
import unzipper from 'unzipper';
import { countedReadStream, type ByteCounter } from '../counted-read-stream';
import { readCsvLines } from '../csv-lines';

/**
 * Reading SAMHSA's National Directory as SAMHSA publishes it: the workbook (`.xlsx`, streamed
 * with exceljs, sheet `Facilities List`) or that sheet saved as CSV. Header case varies between
 * editions (`Name1` in 2023, `name1` in 2024), so columns are found by their lower-cased names.
 */

export const DIRECTORY_COLUMNS = [
  'name1',
  'name2',
  'street1',
  'street2',
  'city',
  'state',
  'zip',
  'phone',
  'intake1',
  'intake2',
  'intake1a',
  'intake2a',
  'service_code_info',
] as const;
export type DirectoryColumn = (typeof DIRECTORY_COLUMNS)[number];

/** Without these a row cannot be a facility; the phone columns may be missing from an export. */
const REQUIRED_COLUMNS: readonly DirectoryColumn[] = ['name1', 'street1', 'city', 'state', 'zip', 'service_code_info'];

export const FACILITIES_SHEET = 'Facilities List';

export interface DirectoryRow {
  file: string;
  /** The sheet's row number, or the CSV line where the row starts (the header is 1). */
  line: number;
  cells: Record<DirectoryColumn, string>;
}

export class DirectoryFileError extends Error {}

export function isWorkbook(filePath: string): boolean {
  return path.extname(filePath).toLowerCase() === '.xlsx';
}

export function readDirectoryFile(filePath: string, counter?: ByteCounter): AsyncIterable<DirectoryRow> {
  return isWorkbook(filePath) ? readWorkbookRows(filePath, counter) : readCsvRows(filePath, counter);
}

/**
 * The date of the edition: the workbook's own modification date (`dcterms:modified` in
 * `docProps/core.xml`, what SAMHSA's tool stamped when it wrote the file). Undefined for a CSV or
 * a workbook that does not say.
 */
export async function workbookModifiedDate(filePath: string): Promise<string | undefined> {
  if (!isWorkbook(filePath)) return undefined;
  const directory = await unzipper.Open.file(filePath);
  const core = directory.files.find((entry) => entry.path === 'docProps/core.xml');
  if (!core) return undefined;
  const xml = (await core.buffer()).toString('utf8');
  const modified = /<dcterms:modified\b[^>]*>\s*(\d{4}-\d{2}-\d{2})/.exec(xml)?.[1];
  return modified;
}

/** When a CSV has no edition date of its own: the file's modification date, said so in a warning. */
export async function fileModifiedDate(filePath: string): Promise<string> {
  return (await stat(filePath)).mtime.toISOString().slice(0, 10);
}

function headerIndex(header: readonly string[], file: string): Map<DirectoryColumn, number> {
  const names = header.map((name) => name.trim().toLowerCase());
  const index = new Map<DirectoryColumn, number>();
  for (const column of DIRECTORY_COLUMNS) {
    const position = names.indexOf(column);
    if (position >= 0) index.set(column, position);
  }
  const missing = REQUIRED_COLUMNS.filter((column) => !index.has(column));
  if (missing.length > 0) {
    throw new DirectoryFileError(
      `${path.basename(file)} is not a National Directory facilities list: no column ${missing.join(', ')} (found ${names.filter(Boolean).join(', ')})`,
    );
  }
  return index;
}

function cellsOf(values: readonly string[], index: Map<DirectoryColumn, number>): Record<DirectoryColumn, string> {
  return Object.fromEntries(DIRECTORY_COLUMNS.map((column) => {
    const position = index.get(column);
    return [column, position === undefined ? '' : (values[position] ?? '').trim()];
  })) as Record<DirectoryColumn, string>;
}

/** A cell as text: workbooks hold strings, numbers (a zip typed as a number), rich text or formula results. */
function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  if (typeof value === 'object') {
    const cell = value as { richText?: { text: string }[]; text?: unknown; result?: unknown };
    if (Array.isArray(cell.richText)) return cell.richText.map((part) => part.text).join('');
    if (cell.text !== undefined) return cellText(cell.text);
    if (cell.result !== undefined) return cellText(cell.result);
  }
  return String(value);
}

async function* readWorkbookRows(filePath: string, counter?: ByteCounter): AsyncIterable<DirectoryRow> {
  const input = countedReadStream(filePath, counter);
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(input, {
    sharedStrings: 'cache',
    worksheets: 'emit',
    hyperlinks: 'ignore',
    styles: 'ignore',
    entries: 'ignore',
  });
  let found = false;
  for await (const worksheet of reader) {
    const sheet = worksheet as unknown as AsyncIterable<{ number: number; values: unknown[] }> & { name: string };
    if (sheet.name.trim().toLowerCase() !== FACILITIES_SHEET.toLowerCase()) {
      // The stream must still be read through to reach the next sheet.
      for await (const _row of sheet) void _row;
      continue;
    }
    found = true;
    let index: Map<DirectoryColumn, number> | undefined;
    for await (const row of sheet) {
      // exceljs numbers cells from 1; position 0 is always empty.
      const values = (row.values ?? []).slice(1).map(cellText);
      if (!index) {
        index = headerIndex(values, filePath);
        continue;
      }
      if (values.every((value) => value.trim() === '')) continue;
      yield { file: filePath, line: row.number, cells: cellsOf(values, index) };
    }
    if (!index) throw new DirectoryFileError(`${path.basename(filePath)}: sheet "${FACILITIES_SHEET}" is empty`);
  }
  if (!found) throw new DirectoryFileError(`${path.basename(filePath)} has no sheet "${FACILITIES_SHEET}"`);
}

async function* readCsvRows(filePath: string, counter?: ByteCounter): AsyncIterable<DirectoryRow> {
  let index: Map<DirectoryColumn, number> | undefined;
  for await (const { line, fields } of readCsvLines(filePath, counter)) {
    if (!index) {
      index = headerIndex(fields, filePath);
      continue;
    }
    yield { file: filePath, line, cells: cellsOf(fields, index) };
  }
  if (!index) throw new DirectoryFileError(`${path.basename(filePath)} is empty`);
}
