import type { ErrorDetail } from '../../domain/errors';
import { US_STATES, type UsState } from '../../domain/vocabulary';
import { coordinates, text, usablePhone, websiteOf } from '../source-fields';
import { codeOfLocatorLabel, MAPPED_LOCATOR_CATEGORIES } from '../samhsa/locator-labels';
import { mapServiceCodes, presentFields } from '../samhsa/service-code-mapping';

/**
 * One row of the SAMHSA treatment locator's JSON export as a native record. Labels are read as
 * the service codes they name (samhsa/locator-labels.ts) and go through the same code table as
 * the National Directory (contract 1.1, section 6); what the locator does not publish (sessions,
 * carriers, licence numbers, programme length) stays absent. seed/FORMATS.md documents it.
 */

export const FINDTREATMENT_SOURCE = 'findtreatment';

export interface LocatorService {
  f1?: string;
  f2?: string;
  f3?: string;
}

export interface LocatorRow {
  frid?: unknown;
  name1?: unknown;
  name2?: unknown;
  street1?: unknown;
  street2?: unknown;
  city?: unknown;
  state?: unknown;
  zip?: unknown;
  phone?: unknown;
  intake1?: unknown;
  website?: unknown;
  latitude?: unknown;
  longitude?: unknown;
  services?: unknown;
}

const MAX_TEXT = 200;

export interface LocatorMapping {
  /** The native record to validate, or undefined when the row is not an object at all. */
  record: Record<string, unknown> | undefined;
  externalId?: string;
  warnings: ErrorDetail[];
}

export function mapLocatorRow(row: unknown): LocatorMapping {
  if (typeof row !== 'object' || row === null || Array.isArray(row)) return { record: undefined, warnings: [] };
  const source = row as LocatorRow;
  const warnings: ErrorDetail[] = [];
  const codes = new Set<string>();
  const unreadable: string[] = [];
  for (const [category, labels] of servicesByCategory(source.services)) {
    for (const label of labels) {
      const code = codeOfLocatorLabel(category, label);
      if (code) codes.add(code);
      else if (MAPPED_LOCATOR_CATEGORIES.has(category)) unreadable.push(`${category} "${label}"`);
    }
  }
  if (unreadable.length > 0) warnings.push({ path: 'services', message: `ignored labels that name no service code: ${unreadable.join('; ')}` });
  const externalId = text(source.frid);
  const name = text(source.name1)?.slice(0, MAX_TEXT);
  const organization = text(source.name2)?.slice(0, MAX_TEXT);
  const state = text(source.state)?.toUpperCase();
  const knownState = state && (US_STATES as readonly string[]).includes(state) ? (state as UsState) : undefined;
  const mapping = mapServiceCodes(codes, knownState);
  warnings.push(...mapping.warnings);

  const phone = usablePhone('phone', source.phone, warnings);
  const intakePhone = usablePhone('intakePhone', source.intake1, warnings);
  const website = websiteOf(source.website, warnings);
  const location = coordinates(source.latitude, source.longitude);
  const street2 = text(source.street2);

  const record: Record<string, unknown> = {
    externalId,
    source: FINDTREATMENT_SOURCE,
    name,
    ...(organization && organization.toLowerCase() !== name?.toLowerCase() && { organization }),
    ...(phone && { phone }),
    ...(intakePhone && { intakePhone }),
    ...(website && { website }),
    address: {
      street1: text(source.street1),
      ...(street2 && { street2 }),
      city: text(source.city),
      state,
      zip: zipOf(source.zip),
    },
    ...(location && { location }),
    ...presentFields(mapping.fields),
    levelsOfCare: mapping.fields.levelsOfCare,
    delivery: mapping.fields.delivery,
  };
  return { record, ...(externalId && { externalId }), warnings };
}

function servicesByCategory(services: unknown): Map<string, string[]> {
  const byCategory = new Map<string, string[]>();
  if (!Array.isArray(services)) return byCategory;
  for (const service of services as LocatorService[]) {
    if (typeof service?.f2 !== 'string' || typeof service.f3 !== 'string') continue;
    const labels = service.f3.split(';').map((label) => label.trim()).filter(Boolean);
    byCategory.set(service.f2, [...(byCategory.get(service.f2) ?? []), ...labels]);
  }
  return byCategory;
}

function zipOf(value: unknown): string | undefined {
  const zip = text(value);
  return zip && /^\d{5}-\d{4}$/.test(zip) ? zip.slice(0, 5) : zip;
}
