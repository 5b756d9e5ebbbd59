import type { Client } from '@opensearch-project/opensearch';
import { newIndexName } from '../functions/adapters/opensearch/index-admin';
import { programIndexBody } from '../functions/adapters/opensearch/index-mapping';
import { OpenSearchSearchIndex } from '../functions/adapters/opensearch/opensearch-search-index';
import type { GeoPoint, Program } from '../functions/domain/program';
import { programIdFor } from '../functions/domain/program-id';
import type { IndexChange } from '../functions/ports/search-index';
import type { ProgramStore } from '../functions/ports/program-store';
import { mulberry32 } from './prng';

export interface ScaleUpFigures {
  index: string;
  programs: number;
  baseLocations: number;
  copiesPerLocation: number;
  loadSeconds: number;
  docsPerSecond: number;
  mergeSeconds: number;
  segments: number;
  storeBytes: number;
}

const SOURCE = 'bench-scale-up';
const JITTER_KM = 5;
const KM_PER_DEGREE_LAT = 111.32;
const PRNG_SEED = 0x1a2b3c4d;
/** Two bulk requests in flight: one being indexed while the next is serialised, on two cores. */
const IN_FLIGHT = 2;

/**
 * Builds a bigger directory from the stored one (the fictional demo programs the benchmark
 * imported): every stored program is copied (the first copy unchanged, the others moved up to a
 * few km) until there are `target` programs, and the search alias is moved to the new index.
 * Densities then grow like a real directory would, around the same towns, rather than spreading
 * programs evenly over the map.
 */
export async function scaleUpIndex(options: {
  client: Client;
  alias: string;
  store: ProgramStore;
  target: number;
  batchSize: number;
  forceMerge: boolean;
  log: (line: string) => void;
}): Promise<ScaleUpFigures> {
  const { client, alias } = options;
  const base: Program[] = [];
  for await (const page of options.store.scanAll()) base.push(...page.filter((program) => program.status === 'published'));
  if (base.length === 0) throw new Error('nothing to scale up: the store holds no published program');
  // Scan order is the store's business; sorting makes the copies the same on every run.
  base.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));

  const index = `${newIndexName(alias)}-scaled`;
  // No refreshes while loading: each one would cut a small segment that then has to be merged.
  await client.indices.create({
    index,
    body: { ...programIndexBody, settings: { ...programIndexBody.settings, refresh_interval: '-1' } } as never,
  });
  await client.cluster.health({ index, wait_for_status: 'yellow', timeout: '30s' });
  const target = new OpenSearchSearchIndex(client, index);
  const random = mulberry32(PRNG_SEED);

  const loadStart = performance.now();
  const inFlight = new Set<Promise<void>>();
  let failure: unknown;
  for (let start = 0; start < options.target; start += options.batchSize) {
    const batch: IndexChange[] = [];
    for (let position = start; position < Math.min(options.target, start + options.batchSize); position++) {
      batch.push({ kind: 'upsert', program: copyOf(base, position, random) });
    }
    const request = target.apply(batch).then((outcomes) => {
      const failed = outcomes.find((outcome) => outcome.status !== 'applied');
      if (failed) throw new Error(`bulk load into ${index} failed: ${JSON.stringify(failed)}`);
    });
    const tracked: Promise<void> = request.catch((error: unknown) => void (failure ??= error)).finally(() => inFlight.delete(tracked));
    inFlight.add(tracked);
    if (inFlight.size >= IN_FLIGHT) await Promise.race(inFlight);
    if (failure) break;
    if ((start / options.batchSize) % 20 === 19) options.log(`  ${start + options.batchSize} programs sent`);
  }
  await Promise.all(inFlight);
  if (failure) throw failure;
  await client.indices.putSettings({ index, body: { index: { refresh_interval: programIndexBody.settings.refresh_interval } } as never });
  await client.indices.refresh({ index });
  const loadSeconds = (performance.now() - loadStart) / 1000;

  const mergeStart = performance.now();
  // A bulk-loaded index that has sat for a while has been merged down by the merge policy;
  // merging now measures that steady state instead of whatever the last flush left behind.
  if (options.forceMerge) await client.indices.forcemerge({ index, max_num_segments: 1, wait_for_completion: true } as never, { requestTimeout: 600_000 });
  // The merged segment is what searches see only after a refresh; a search-idle shard skips the periodic one.
  await client.indices.refresh({ index });
  const mergeSeconds = (performance.now() - mergeStart) / 1000;

  await moveAlias(client, alias, index);
  const stats = await client.indices.stats({ index, metric: ['segments', 'store', 'docs'] });
  const primaries = (stats.body.indices as Record<string, { primaries?: { segments?: { count?: number }; store?: { size_in_bytes?: number } } }>)[index]
    ?.primaries;
  return {
    index,
    programs: options.target,
    baseLocations: base.length,
    copiesPerLocation: options.target / base.length,
    loadSeconds,
    docsPerSecond: options.target / loadSeconds,
    mergeSeconds,
    segments: primaries?.segments?.count ?? -1,
    storeBytes: primaries?.store?.size_in_bytes ?? -1,
  };
}

function copyOf(base: readonly Program[], position: number, random: () => number): Program {
  const original = base[position % base.length];
  if (!original) throw new Error('no program to copy');
  const copy = Math.floor(position / base.length);
  if (copy === 0) return original;
  const externalId = `${original.id}~${copy}`;
  return { ...original, id: programIdFor(SOURCE, externalId), source: SOURCE, externalId, location: jitter(original.location, random) };
}

/** A point up to JITTER_KM away, uniformly over the disc (hence the square root). */
function jitter(point: GeoPoint, random: () => number): GeoPoint {
  const distanceKm = JITTER_KM * Math.sqrt(random());
  const bearing = 2 * Math.PI * random();
  const lat = clamp(point.lat + (distanceKm * Math.cos(bearing)) / KM_PER_DEGREE_LAT, -90, 90);
  const kmPerDegreeLon = KM_PER_DEGREE_LAT * Math.max(0.01, Math.cos((point.lat * Math.PI) / 180));
  let lon = point.lon + (distanceKm * Math.sin(bearing)) / kmPerDegreeLon;
  if (lon > 180) lon -= 360;
  if (lon < -180) lon += 360;
  return { lat: round6(lat), lon: round6(lon) };
}

const clamp = (value: number, low: number, high: number) => Math.min(high, Math.max(low, value));
const round6 = (value: number) => Math.round(value * 1e6) / 1e6;

/** One atomic alias swap, as a reindex in production would do it. */
async function moveAlias(client: Client, alias: string, index: string): Promise<void> {
  const current = await client.indices.getAlias({ name: alias }, { ignore: [404] });
  const holders = current.statusCode === 404 ? [] : Object.keys(current.body as Record<string, unknown>);
  await client.indices.updateAliases({
    body: {
      actions: [...holders.map((holder) => ({ remove: { index: holder, alias } })), { add: { index, alias, is_write_index: true } }],
    } as never,
  });
}
