import type { ErrorDetail } from '../../domain/errors';
import type { ImportRecord } from '../../domain/program';

/**
 * The native record as CSV (seed/FORMATS.md): one flat column per scalar, dotted columns for
 * address, location and programLengthWeeks, `;`-separated lists for the vocabulary arrays and
 * JSON cells for the structured lists. An empty cell is an absent field.
 */
export const SCALAR_COLUMNS = ['externalId', 'source', 'name', 'organization', 'description', 'phone', 'intakePhone', 'website', 'email', 'timezone', 'ownership', 'dataAsOf'] as const;
export const ADDRESS_COLUMNS = ['address.street1', 'address.street2', 'address.city', 'address.state', 'address.zip'] as const;
export const NUMBER_COLUMNS = ['location.lat', 'location.lon', 'programLengthWeeks.min', 'programLengthWeeks.max'] as const;
export const LIST_COLUMNS = ['levelsOfCare', 'conditions', 'services', 'ageGroups', 'languages', 'delivery', 'insurance', 'medications', 'populations', 'gendersAccepted'] as const;
export const JSON_COLUMNS = ['licenses', 'accreditations', 'sessions', 'serviceArea'] as const;
export const BOOLEAN_COLUMNS = ['acceptingNewPatients'] as const;

export const NATIVE_CSV_COLUMNS = [
  ...SCALAR_COLUMNS,
  ...ADDRESS_COLUMNS,
  ...NUMBER_COLUMNS,
  ...LIST_COLUMNS,
  ...JSON_COLUMNS,
  ...BOOLEAN_COLUMNS,
] as const;
export type NativeCsvColumn = (typeof NATIVE_CSV_COLUMNS)[number];

const LIST_SEPARATOR = ';';

export type CellsResult = { ok: true; value: Record<string, unknown> } | { ok: false; error: ErrorDetail };

/**
 * Cells to the shape of a native record. Values that do not parse as their column's type are
 * passed on as text, so validation names the field and says what it must be.
 */
export function cellsToRecord(cells: ReadonlyMap<NativeCsvColumn, string>): CellsResult {
  const record: Record<string, unknown> = {};
  const nested = (parent: string): Record<string, unknown> => (record[parent] ??= {}) as Record<string, unknown>;
  for (const [column, raw] of cells) {
    const cell = raw.trim();
    if (cell === '') continue;
    const [parent, child] = column.split('.') as [string, string | undefined];
    if ((LIST_COLUMNS as readonly string[]).includes(column)) {
      record[column] = cell.split(LIST_SEPARATOR).map((item) => item.trim()).filter(Boolean);
    } else if ((JSON_COLUMNS as readonly string[]).includes(column)) {
      try {
        record[column] = JSON.parse(cell) as unknown;
      } catch (error) {
        return { ok: false, error: { path: column, message: `is not valid JSON: ${(error as Error).message}` } };
      }
    } else if ((NUMBER_COLUMNS as readonly string[]).includes(column)) {
      const number = Number(cell);
      nested(parent)[child!] = Number.isFinite(number) ? number : cell;
    } else if ((BOOLEAN_COLUMNS as readonly string[]).includes(column)) {
      record[column] = cell === 'true' ? true : cell === 'false' ? false : cell;
    } else if (child !== undefined) {
      nested(parent)[child] = raw;
    } else {
      record[column] = raw;
    }
  }
  return { ok: true, value: record };
}

/** The inverse of cellsToRecord, in NATIVE_CSV_COLUMNS order. */
export function recordToCells(record: ImportRecord): string[] {
  const source = record as unknown as Record<string, unknown>;
  return NATIVE_CSV_COLUMNS.map((column) => {
    const [parent, child] = column.split('.') as [string, string | undefined];
    const value = child === undefined ? source[parent] : (source[parent] as Record<string, unknown> | undefined)?.[child];
    if (value === undefined) return '';
    if ((LIST_COLUMNS as readonly string[]).includes(column)) return (value as string[]).join(LIST_SEPARATOR);
    if ((JSON_COLUMNS as readonly string[]).includes(column)) return JSON.stringify(value);
    return String(value);
  });
}

export function csvLine(cells: readonly string[]): string {
  return cells.map((cell) => (/[",\r\n]/.test(cell) ? `"${cell.replaceAll('"', '""')}"` : cell)).join(',');
}
