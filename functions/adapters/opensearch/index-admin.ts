import type { Client } from '@opensearch-project/opensearch';
import { MAPPING_VERSION, programIndexBody } from './index-mapping';

/** A concrete index name for the alias: versioned by mapping and stamped, so a reindex never collides. */
export function newIndexName(alias: string, now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:T.Z]/g, '').slice(0, 14);
  return `${alias}-v${MAPPING_VERSION}-${stamp}`;
}

export async function aliasExists(client: Client, alias: string): Promise<boolean> {
  const response = await client.indices.existsAlias({ name: alias });
  return response.body === true;
}

/**
 * Creates a versioned index with the alias pointing at it, unless the alias already exists.
 * Safe to call from several processes at once: losing the race to create the alias is fine.
 */
export async function ensureSearchIndex(client: Client, alias: string): Promise<void> {
  if (await aliasExists(client, alias)) return;
  const index = newIndexName(alias);
  try {
    await client.indices.create({
      index,
      body: { ...programIndexBody, aliases: { [alias]: { is_write_index: true } } } as never,
    });
  } catch (error) {
    if (!(await aliasExists(client, alias))) throw error;
    await client.indices.delete({ index }, { ignore: [404] });
  }
  await client.cluster.health({ index, wait_for_status: 'yellow', timeout: '30s' });
}

/** Makes every change indexed so far visible to searches (local runs and tests; AWS relies on refresh_interval). */
export async function refreshSearchIndex(client: Client, alias: string): Promise<void> {
  await client.indices.refresh({ index: alias });
}
