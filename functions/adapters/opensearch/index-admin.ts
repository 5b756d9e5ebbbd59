import type { Client } from '@opensearch-project/opensearch';
import { randomBytes } from 'node:crypto';
import { MAPPING_VERSION, programIndexBody } from './index-mapping';

/**
 * A concrete index name for the alias: versioned by mapping and stamped to the millisecond plus a
 * random tail, so a reindex and a cold-starting indexer can never pick the same name.
 */
export function newIndexName(alias: string, now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:T.Z]/g, '');
  return `${alias}-v${MAPPING_VERSION}-${stamp}-${randomBytes(3).toString('hex')}`;
}

/** The mapping version a concrete index was made with, read from its name; undefined for a name `newIndexName` did not make. */
export function mappingVersionOf(index: string): number | undefined {
  const match = /-v(\d+)-\d{17}-[0-9a-f]{6}$/.exec(index);
  return match ? Number(match[1]) : undefined;
}

/** Whether every index behind the alias was made with the current mapping (false: it needs a reindex). */
export async function searchIndexIsCurrent(client: Client, alias: string): Promise<boolean> {
  const indices = await indicesBehindAlias(client, alias);
  return indices.length > 0 && indices.every((index) => mappingVersionOf(index) === MAPPING_VERSION);
}

export async function aliasExists(client: Client, alias: string): Promise<boolean> {
  const response = await client.indices.existsAlias({ name: alias });
  return response.body === true;
}

/**
 * Creates a versioned index with the alias pointing at it, unless the alias already exists
 * (whichever index it points at: one this function made, or one a reindex swapped in).
 * Safe to call from several processes at once: losing the race to create the alias is fine.
 *
 * An existing index made with an older mapping keeps serving until a reindex replaces it, but
 * first gets the fields this version adds, so the indexer's documents are not refused by its
 * strict mapping in the meantime (documents indexed before lack them until the reindex).
 */
export async function ensureSearchIndex(client: Client, alias: string): Promise<void> {
  if (await aliasExists(client, alias)) {
    await addNewFields(client, alias);
  } else {
    const index = newIndexName(alias);
    try {
      await client.indices.create({
        index,
        body: { ...programIndexBody, aliases: { [alias]: { is_write_index: true } } } as never,
      });
    } catch (error) {
      if (!(await aliasExists(client, alias))) throw error;
      // Lost the race: the name is ours alone, so this removes nothing anyone else made.
      await client.indices.delete({ index }, { ignore: [404] });
    }
  }
  // Through the alias, so the winner of a race waits on the index that actually serves.
  await client.cluster.health({ index: alias, wait_for_status: 'yellow', timeout: '30s' });
}

async function addNewFields(client: Client, alias: string): Promise<void> {
  const older = (await indicesBehindAlias(client, alias)).filter((index) => (mappingVersionOf(index) ?? 0) < MAPPING_VERSION);
  for (const index of older) {
    // Adding fields is done in place. A change the engine cannot make in place (a field's type) is
    // refused with a 400 and left to the reindex: until then only documents that need it fail.
    await client.indices.putMapping({ index, body: { properties: programIndexBody.mappings.properties } as never }, { ignore: [400] });
  }
}

/** Makes every change indexed so far visible to searches (local runs and tests; AWS relies on refresh_interval). */
export async function refreshSearchIndex(client: Client, alias: string): Promise<void> {
  await client.indices.refresh({ index: alias });
}

/** The concrete indices the alias points at now (one, outside a broken manual change). */
export async function indicesBehindAlias(client: Client, alias: string): Promise<string[]> {
  const response = await client.indices.getAlias({ name: alias }, { ignore: [404] });
  return response.statusCode === 404 ? [] : Object.keys(response.body as Record<string, unknown>);
}

/**
 * A new, empty, unaliased index with the same mapping, tuned for a bulk load: no periodic
 * refresh and no replicas to copy every document to. `finishBulkLoad` undoes both.
 */
export async function createBulkLoadIndex(client: Client, alias: string): Promise<string> {
  const index = newIndexName(alias);
  const settings = { ...programIndexBody.settings, refresh_interval: '-1', auto_expand_replicas: false, number_of_replicas: 0 };
  await client.indices.create({ index, body: { ...programIndexBody, settings } as never });
  await client.cluster.health({ index, wait_for_status: 'yellow', timeout: '30s' });
  return index;
}

/** How long a reindex waits for the replicas of the new index before swapping anyway. */
const REPLICA_WAIT_SECONDS = 60;

/** Restores the mapping module's refresh and replica settings, refreshes, and waits for the replicas. */
export async function finishBulkLoad(client: Client, index: string): Promise<void> {
  const { refresh_interval, auto_expand_replicas } = programIndexBody.settings;
  await client.indices.putSettings({ index, body: { index: { refresh_interval, auto_expand_replicas } } as never });
  await client.indices.refresh({ index });
  // Green means the restored replicas are copied; a cluster that cannot place them still serves from
  // primaries. The engine answers 408 when the wait is over, so the client must wait a little longer
  // than that, whatever its own per-request timeout (30 s for the command-line tools).
  await client.cluster.health(
    { index, wait_for_status: 'green', timeout: `${REPLICA_WAIT_SECONDS}s` },
    { ignore: [408], requestTimeout: (REPLICA_WAIT_SECONDS + 5) * 1000 },
  );
}

export async function countDocuments(client: Client, index: string): Promise<number> {
  const response = await client.count({ index });
  return (response.body as { count: number }).count;
}

/**
 * Points the alias at `to` instead of `from` in one `_aliases` request: searches and writes move
 * together, and no request ever finds the alias missing or on two indices.
 */
export async function swapAlias(client: Client, alias: string, from: readonly string[], to: string): Promise<void> {
  await client.indices.updateAliases({
    body: {
      actions: [...from.map((index) => ({ remove: { index, alias } })), { add: { index: to, alias, is_write_index: true } }],
    } as never,
  });
}

export async function deleteIndex(client: Client, index: string): Promise<void> {
  await client.indices.delete({ index }, { ignore: [404] });
}
