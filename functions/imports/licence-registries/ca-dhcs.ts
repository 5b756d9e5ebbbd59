import { fiveDigitZip } from '../../domain/address-key';
import type { ErrorDetail } from '../../domain/errors';
import { licenseSchema, type RegistryLicense } from '../../domain/program';
import type { RegistryRowResult } from '../../use-cases/attach-registry-licenses';
import type { ByteCounter } from '../counted-read-stream';
import { readCsvRecords } from './csv-records';
import type { LicenceRegistry } from './licence-registry';

/**
 * California DHCS's list of licensed and certified substance use disorder recovery and
 * treatment facilities (California Open Data Portal, CC BY 4.0; see
 * ../shared/data/ca-dhcs-sud-licenses/data-dictionary.md), one licence per row.
 */

export const CA_DHCS_SLUG = 'ca-dhcs';
export const CA_DHCS_ISSUER = 'California Department of Health Care Services';

/** The columns read; the file's others (capacity, population, coordinates, ...) are not licence facts. */
export const CA_DHCS_COLUMNS = [
  'license_number',
  'facility_name',
  'address_line1',
  'address_line2',
  'city',
  'zip',
  'setting_code',
  'is_licensed',
  'is_certified',
  'license_expiration',
] as const;
export type CaDhcsColumn = (typeof CA_DHCS_COLUMNS)[number];
export type CaDhcsCells = Record<CaDhcsColumn, string>;

/**
 * The settings the dataset's own description names (RES residential, NON non-residential).
 * DHCS defines no other code, so any other (DSS, DPH) is stated verbatim.
 */
const SETTING_LABELS: Record<string, string> = {
  RES: 'residential',
  NON: 'non-residential',
};

/** Problems are reported by the file's column, so an operator can find the cell. */
const LICENCE_FIELD_COLUMNS: Record<string, CaDhcsColumn> = {
  number: 'license_number',
  type: 'setting_code',
  expiresOn: 'license_expiration',
};

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function isIsoDate(value: string): boolean {
  const parts = ISO_DATE.exec(value);
  if (!parts) return false;
  const date = new Date(`${value}T00:00:00Z`);
  // Rejects dates that do not exist (2027-02-30), which Date would roll over.
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value;
}

function flag(cells: CaDhcsCells, column: 'is_licensed' | 'is_certified', errors: ErrorDetail[]): boolean {
  const value = cells[column].toLowerCase();
  if (value === 'true') return true;
  if (value === 'false') return false;
  errors.push({ path: column, message: `must be true or false, found "${cells[column]}"` });
  return false;
}

/**
 * The licence's kind as DHCS states it: the setting, then licence and/or certification as the
 * flags say ("residential license and certification", "non-residential certification",
 * "DSS certification"). Spelt as DHCS spells it.
 */
export function caDhcsLicenceType(settingCode: string, licensed: boolean, certified: boolean): string | undefined {
  const code = settingCode.trim().toUpperCase();
  const setting = SETTING_LABELS[code] ?? (code || undefined);
  const authorisation = licensed && certified ? 'license and certification' : licensed ? 'license' : certified ? 'certification' : undefined;
  return [setting, authorisation].filter((part) => part !== undefined).join(' ') || undefined;
}

/** One row of the file as a licence with its facility, or every field that keeps it from being one. */
export function caDhcsRow(line: number, cells: CaDhcsCells): RegistryRowResult {
  const errors: ErrorDetail[] = [];
  const number = cells.license_number;
  if (number === '') errors.push({ path: 'license_number', message: 'is required' });
  else if (number.length > 100) errors.push({ path: 'license_number', message: 'must be at most 100 characters' });
  const expiresOn = cells.license_expiration;
  if (expiresOn === '') errors.push({ path: 'license_expiration', message: 'is required' });
  else if (!isIsoDate(expiresOn)) errors.push({ path: 'license_expiration', message: `must be an ISO date (YYYY-MM-DD), found "${expiresOn}"` });
  const zip = fiveDigitZip(cells.zip);
  if (!/^\d{5}$/.test(zip)) errors.push({ path: 'zip', message: cells.zip === '' ? 'is required' : `must be 5 digits (or ZIP+4), found "${cells.zip}"` });
  const licensed = flag(cells, 'is_licensed', errors);
  const certified = flag(cells, 'is_certified', errors);
  const type = caDhcsLicenceType(cells.setting_code, licensed, certified);
  if (errors.length > 0) return { line, errors, ...(number !== '' && { number }) };

  const licence: RegistryLicense = {
    registry: CA_DHCS_SLUG,
    state: 'CA',
    number,
    ...(type !== undefined && { type }),
    issuer: CA_DHCS_ISSUER,
    expiresOn,
  };
  // What a program's own licences must be, a registry's must be too.
  const { registry: _registry, ...asRecord } = licence;
  const checked = licenseSchema.safeParse(asRecord);
  if (!checked.success) {
    const column = (field: string) => LICENCE_FIELD_COLUMNS[field] ?? field;
    return { line, number, errors: checked.error.issues.map((issue) => ({ path: column(issue.path.join('.')), message: issue.message })) };
  }
  return {
    line,
    licence,
    name: cells.facility_name,
    address: {
      ...(cells.address_line1 !== '' && { street1: cells.address_line1 }),
      ...(cells.address_line2 !== '' && { street2: cells.address_line2 }),
      ...(cells.city !== '' && { city: cells.city }),
      zip,
    },
  };
}

export async function* readCaDhcsRows(filePath: string, counter?: ByteCounter): AsyncIterable<RegistryRowResult> {
  for await (const record of readCsvRecords(filePath, CA_DHCS_COLUMNS, counter)) {
    if ('error' in record) yield { line: record.line, errors: [{ path: '', message: record.error }] };
    else yield caDhcsRow(record.line, record.cells);
  }
}

export const CA_DHCS: LicenceRegistry = {
  slug: CA_DHCS_SLUG,
  format: 'ca-dhcs-licenses',
  state: 'CA',
  issuer: CA_DHCS_ISSUER,
  attribution: 'California Department of Health Care Services',
  dataLicence: 'CC BY 4.0',
  readRows: readCaDhcsRows,
};
