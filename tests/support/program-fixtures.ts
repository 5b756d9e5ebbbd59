import { contentHash } from '../../functions/domain/content-hash';
import type { GeoPoint, Program } from '../../functions/domain/program';
import { programIdFor } from '../../functions/domain/program-id';

/** A point `miles` due north of `origin` (one degree of latitude is 69.09 miles on the mean sphere). */
export function northOf(origin: GeoPoint, miles: number): GeoPoint {
  return { lat: origin.lat + miles / 69.093, lon: origin.lon };
}

/** An address the zip table places in Burlington, VT, for tests of listings and claims. */
export const BURLINGTON_ADDRESS = { street1: '1 Church St', city: 'Burlington', state: 'VT' as const, zip: '05401' };

/** An imported, published program at BURLINGTON_ADDRESS, as a claim or a duplicate check finds it. */
export function importedInBurlington(externalId: string, name: string): Program {
  return makeProgram('samhsa', externalId, {
    name,
    address: BURLINGTON_ADDRESS,
    location: { lat: 44.4759, lon: -73.2121 },
    timezone: 'America/New_York',
    levelsOfCare: ['iop'],
  });
}

/** A complete stored program; tests override what they are about. */
export function makeProgram(source: string, externalId: string, overrides: Partial<Program> = {}): Program {
  const base = {
    source,
    externalId,
    name: `Program ${externalId}`,
    address: { street1: '1 Main St', city: 'Cheyenne', state: 'WY' as const, zip: '82001' },
    levelsOfCare: ['outpatient' as const],
    delivery: ['in_person' as const],
    ...overrides,
  };
  const program: Program = {
    id: programIdFor(source, externalId),
    location: { lat: 41.14, lon: -104.82 },
    locationPrecision: 'exact',
    timezone: 'America/Denver',
    status: 'published',
    version: 1,
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
    contentHash: '',
    ...base,
  };
  return { ...program, contentHash: contentHash(base) };
}
