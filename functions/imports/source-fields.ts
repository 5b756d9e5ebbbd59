import type { ErrorDetail } from '../domain/errors';
import { isUsPhone, type GeoPoint } from '../domain/program';

/**
 * Reading a publisher's contact and location cells as record fields. A value that is not what
 * the field needs is left out with a warning, never repaired into something the source did not
 * print.
 */

export function text(value: unknown): string | undefined {
  if (typeof value !== 'string' && typeof value !== 'number') return undefined;
  const trimmed = String(value).trim();
  return trimmed === '' ? undefined : trimmed;
}

export function usablePhone(field: string, value: unknown, warnings: ErrorDetail[]): string | undefined {
  const raw = text(value);
  if (!raw) return undefined;
  if (isUsPhone(raw)) return raw;
  warnings.push({ path: field, message: `left out: "${raw}" is not a US phone number` });
  return undefined;
}

/** `http://` is added to a bare host name (`www.example.org`), the way the locator publishes most. */
export function websiteOf(value: unknown, warnings: ErrorDetail[]): string | undefined {
  const raw = text(value);
  if (!raw) return undefined;
  const candidate = /^https?:\/\//i.test(raw) ? raw : `http://${raw}`;
  try {
    if (new URL(candidate).hostname.includes('.')) return candidate;
  } catch {
    // reported below
  }
  warnings.push({ path: 'website', message: `left out: "${raw}" is not a web address` });
  return undefined;
}

export function coordinates(latitude: unknown, longitude: unknown): GeoPoint | undefined {
  const lat = Number(text(latitude));
  const lon = Number(text(longitude));
  if (text(latitude) === undefined || text(longitude) === undefined) return undefined;
  if (!Number.isFinite(lat) || !Number.isFinite(lon) || Math.abs(lat) > 90 || Math.abs(lon) > 180) return undefined;
  // (0, 0) is a failed geocode; the zip centroid is the better guess.
  if (lat === 0 && lon === 0) return undefined;
  return { lat, lon };
}
