import { createHash } from 'node:crypto';
import type { Program } from '../../domain/program';

/**
 * Open Referral HSDS 3.0 (the flat, table-per-entity form; see README "HSDS export"): the version,
 * the document's sections and the stable ids every entity is given.
 */

export const HSDS_VERSION = '3.0';

/**
 * Fixed namespace for UUIDv5 ids. HSDS requires UUIDs; deriving them from our own ids keeps every
 * entity's id stable across exports, so consumers can upsert rather than replace.
 */
const NAMESPACE = '6f1c3a52-8d1e-4b7a-9c55-2f6a0e4d9b13';

export function uuidV5(name: string, namespace: string = NAMESPACE): string {
  const hash = createHash('sha1')
    .update(Buffer.from(namespace.replace(/-/g, ''), 'hex'))
    .update(name, 'utf8')
    .digest();
  const bytes = hash.subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x50;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export type HsdsEntity = Record<string, unknown> & { id: string };

/** The top-level arrays of the export, in file order, and the official schema each item follows. */
export const HSDS_SECTIONS = {
  taxonomies: 'taxonomy.json',
  taxonomy_terms: 'taxonomy_term.json',
  organizations: 'organization.json',
  services: 'service.json',
  locations: 'location.json',
  service_at_locations: 'service_at_location.json',
  schedules: 'schedule.json',
} as const;

export type HsdsSection = keyof typeof HSDS_SECTIONS;

/** Organizations are merged by name, case and spacing aside, so one operator's programs share one. */
export function organizationKey(program: Pick<Program, 'id' | 'organization'>): string {
  const name = program.organization?.trim().replace(/\s+/g, ' ').toLowerCase();
  return name ? `organization:name:${name}` : `organization:program:${program.id}`;
}

/** The HSDS ids a program maps to, for callers that need to find it in an export. */
export function hsdsIdsFor(program: Pick<Program, 'id' | 'organization'>): { organization: string; service: string; location: string; serviceAtLocation: string } {
  return {
    organization: uuidV5(organizationKey(program)),
    service: uuidV5(`service:${program.id}`),
    location: uuidV5(`location:${program.id}`),
    serviceAtLocation: uuidV5(`service_at_location:${program.id}`),
  };
}
