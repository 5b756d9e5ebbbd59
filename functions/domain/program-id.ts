import { createHash } from 'node:crypto';

/**
 * Program ids are derived from the upsert key, so re-importing a row always addresses the same
 * program and two sources can never collide.
 */
export function programIdFor(source: string, externalId: string): string {
  return createHash('sha256').update(`${source}\u0000${externalId}`).digest('hex').slice(0, 24);
}
