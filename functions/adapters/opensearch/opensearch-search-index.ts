import type { Client } from '@opensearch-project/opensearch';
import { DependencyUnavailableError } from '../../domain/errors';
import { haversineMiles } from '../../domain/great-circle';
import { publicProgramView, type PublicProgram } from '../../domain/public-view';
import {
  FACET_NAMES,
  type BoundingBox,
  type Cluster,
  type Facets,
  type ProgramHit,
  type SearchCriteria,
  type SearchPage,
} from '../../domain/search-criteria';
import type { AddressMatch, IndexChange, IndexChangeOutcome, SearchIndex } from '../../ports/search-index';
import type { VersionedPage, VersionedSearch } from '../../ports/versioned-search';
import { toProgramDocument, tombstoneDocument, type ProgramDocument } from './program-document';
import { buildSearchBody, DISTANCE_QUERY_NAME } from './search-body';
import { decodeCursor, encodeCursor } from './search-cursor';
import { requireCursorKey } from '../cursor/signed-cursor';

interface Bucket {
  key: string;
  doc_count: number;
  programs?: { doc_count: number };
}
interface Hit {
  _id: string;
  _source?: { program?: PublicProgram };
  sort?: unknown[];
  matched_queries?: string[];
}
interface MapAggregation {
  clusters?: { buckets?: { key: string; doc_count: number; centroid?: { location?: { lat: number; lon: number } } }[] };
  bounds?: { bounds?: { top_left: { lat: number; lon: number }; bottom_right: { lat: number; lon: number } } };
}
interface BulkItem {
  status: number;
  error?: { type?: string; reason?: string };
}

function isConnectionProblem(error: unknown): boolean {
  const name = (error as { name?: string } | undefined)?.name;
  const status = (error as { meta?: { statusCode?: number } } | undefined)?.meta?.statusCode;
  return name === 'ConnectionError' || name === 'TimeoutError' || name === 'NoLivingConnectionsError' || status === 503 || status === 429;
}

/** Network failures and overload become 503s at the edge; everything else stays a bug. */
export async function guarded<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (isConnectionProblem(error)) throw new DependencyUnavailableError('The search engine is unavailable');
    throw error;
  }
}

/**
 * The query groups its aggregations in scopes (search-body.ts); each name appears in exactly one
 * of them, so the scopes' contents merge into one map by name.
 */
function inOneMap(scopes: Record<string, unknown> | undefined): Record<string, unknown> {
  const merged: Record<string, unknown> = {};
  for (const scope of Object.values(scopes ?? {})) {
    const { doc_count: _count, ...aggregations } = scope as Record<string, unknown>;
    Object.assign(merged, aggregations);
  }
  return merged;
}

function roundTo(value: number, decimals: number): number {
  const factor = 10 ** decimals;
  return Math.round(value * factor) / factor;
}

function toClusters(map: MapAggregation): Cluster[] {
  return (map.clusters?.buckets ?? []).map((bucket) => ({
    lat: bucket.centroid?.location?.lat ?? 0,
    lon: bucket.centroid?.location?.lon ?? 0,
    count: bucket.doc_count,
  }));
}

/** The box around every match, or null when nothing matched. */
function toBounds(map: MapAggregation): BoundingBox | null {
  const bounds = map.bounds?.bounds;
  if (!bounds) return null;
  return { west: bounds.top_left.lon, south: bounds.bottom_right.lat, east: bounds.bottom_right.lon, north: bounds.top_left.lat };
}

/**
 * The version of the data searches see (ports/versioned-search.ts): the indices behind the alias,
 * their live documents and the sum of their sequence numbers, from a `global` aggregation, which
 * reads every document of the same point-in-time reader as the query (so a page and its version
 * always agree, on whichever shard copy answered). Every write the index applies, upsert or
 * tombstone, gives its document a new sequence number higher than the one it replaces, so the sum
 * grows with every change a refresh makes visible; a reindex changes the index name. Only hard
 * deletes could go unseen (an insert and a delete on two shards in one refresh could leave count
 * and sum as they were): the directory never hard-deletes, and the index has one shard
 * (index-mapping.ts), where every write outnumbers all earlier ones.
 */
const DATA_VERSION = 'data_version';
const DATA_VERSION_AGGREGATION = {
  global: {},
  aggs: { indices: { terms: { field: '_index', size: 10 } }, sequence: { sum: { field: '_seq_no' } } },
};

function dataVersionOf(aggregation: unknown): string {
  const version = aggregation as { doc_count?: number; indices?: { buckets?: { key: string }[] }; sequence?: { value?: number } } | undefined;
  if (version?.doc_count === undefined || version.sequence?.value === undefined) throw new Error('The search engine answered without the data version aggregation');
  const indices = (version.indices?.buckets ?? []).map((bucket) => bucket.key).sort();
  return `${indices.join('+')}/${version.doc_count}/${version.sequence.value}`;
}

export class OpenSearchSearchIndex implements SearchIndex, VersionedSearch {
  constructor(
    private readonly client: Client,
    private readonly alias: string,
    /** Seals the result pages' cursors; only a caller that pages needs it (signed-cursor.ts `requireCursorKey`). */
    private readonly cursorKey?: string,
  ) {}

  async search(criteria: SearchCriteria): Promise<SearchPage> {
    return (await this.read(criteria, false)).page;
  }

  /** The page and the version of the data it was read from, both from one point-in-time reader. */
  async searchWithVersion(criteria: SearchCriteria): Promise<VersionedPage> {
    const { page, dataVersion } = await this.read(criteria, true);
    return { page, dataVersion: dataVersion! };
  }

  /** The version of the data searches see now: a size-0 request the engine's request cache answers until a refresh changes the data. */
  async dataVersion(): Promise<string> {
    const body = { size: 0, track_total_hits: false, aggs: { [DATA_VERSION]: DATA_VERSION_AGGREGATION } };
    const response = await guarded(() => this.client.search({ index: this.alias, request_cache: true, body: body as never }));
    return dataVersionOf((response.body.aggregations as Record<string, unknown> | undefined)?.[DATA_VERSION]);
  }

  private async read(criteria: SearchCriteria, withVersion: boolean): Promise<{ page: SearchPage; dataVersion?: string }> {
    const searchAfter = criteria.cursor ? decodeCursor(criteria.cursor, criteria, requireCursorKey(this.cursorKey)) : undefined;
    const body = buildSearchBody(criteria, searchAfter);
    if (withVersion) body.aggs = { ...(body.aggs as object), [DATA_VERSION]: DATA_VERSION_AGGREGATION };
    const response = await guarded(() => this.client.search({ index: this.alias, body: body as never }));
    const hits = response.body.hits.hits as unknown as Hit[];
    const total = response.body.hits.total;
    const results = hits.map((hit) => this.toResult(hit, criteria));
    const last = hits.at(-1);
    const morePossible = hits.length === criteria.limit && last?.sort !== undefined;
    const { [DATA_VERSION]: version, ...scopes } = (response.body.aggregations ?? {}) as Record<string, unknown>;
    const aggregations = inOneMap(scopes);
    const map = aggregations as MapAggregation;
    const page: SearchPage = {
      total: typeof total === 'number' ? total : (total?.value ?? 0),
      results,
      facets: this.toFacets(aggregations),
      nextCursor: morePossible && last?.sort ? encodeCursor(last.sort, criteria, requireCursorKey(this.cursorKey)) : null,
      ...(criteria.clusters !== undefined ? { clusters: toClusters(map) } : {}),
      ...(criteria.bounds ? { bounds: toBounds(map) } : {}),
    };
    return withVersion ? { page, dataVersion: dataVersionOf(version) } : { page };
  }

  async get(id: string): Promise<PublicProgram | undefined> {
    const response = await guarded(() =>
      this.client.get({ index: this.alias, id, _source_includes: ['published', 'program'] }, { ignore: [404] }),
    );
    const source = (response.body as { found?: boolean; _source?: ProgramDocument }).found
      ? (response.body as { _source?: ProgramDocument })._source
      : undefined;
    return source?.published && source.program ? publicProgramView(source.program) : undefined;
  }

  async apply(changes: IndexChange[]): Promise<IndexChangeOutcome[]> {
    if (changes.length === 0) return [];
    const body: object[] = [];
    for (const change of changes) {
      const id = change.kind === 'upsert' ? change.program.id : change.id;
      const version = change.kind === 'upsert' ? change.program.version : change.version;
      const document: ProgramDocument = change.kind === 'upsert' ? toProgramDocument(change.program) : tombstoneDocument(id);
      // External versions: the index keeps the highest version it has seen, so replays and
      // out-of-order deliveries cannot overwrite newer data.
      body.push({ index: { _index: this.alias, _id: id, version, version_type: 'external' } }, document);
    }
    const response = await guarded(() => this.client.bulk({ body }));
    const items = response.body.items as unknown as Record<string, BulkItem>[];
    return changes.map((_, position): IndexChangeOutcome => {
      const item = items[position]?.index;
      if (!item) return { status: 'failed', reason: 'no result for this change in the bulk response' };
      if (item.status >= 200 && item.status < 300) return { status: 'applied' };
      if (item.status === 409 && item.error?.type === 'version_conflict_engine_exception') return { status: 'stale' };
      return { status: 'failed', reason: `${item.status} ${item.error?.type ?? ''}: ${item.error?.reason ?? 'unknown error'}` };
    });
  }

  /**
   * Published documents with this street key. An address holds a handful of programs at most, so
   * one page of 50 is every candidate in practice.
   */
  async findByAddress(streetKey: string): Promise<AddressMatch[]> {
    const body = {
      size: 50,
      query: { bool: { filter: [{ term: { published: true } }, { term: { streetKey } }] } },
      _source: ['nameKey', 'program.source'],
      sort: [{ id: 'asc' }],
    };
    // A check beside a submission, not the submission itself: it must not hold a provider's request for long.
    const response = await guarded(() => this.client.search({ index: this.alias, body: body as never }, { requestTimeout: 3_000, maxRetries: 1 }));
    const hits = response.body.hits.hits as unknown as { _id: string; _source?: { nameKey?: string; program?: { source?: string } } }[];
    return hits.map((hit) => ({ id: hit._id, nameKey: hit._source?.nameKey, source: hit._source?.program?.source ?? '' }));
  }

  private toResult(hit: Hit, criteria: SearchCriteria): ProgramHit {
    const program = hit._source?.program;
    if (!program) throw new Error(`Indexed program ${hit._id} has no stored record`);
    // The engine re-serialises filtered sources in its own key order.
    const ordered = publicProgramView(program);
    if (!criteria.origin) return ordered;
    const distanceMiles = roundTo(haversineMiles(criteria.origin, program.location), 2);
    if (!criteria.reachState) return { ...ordered, distanceMiles };
    // The engine says which clause matched: within the radius wins over the service area.
    const matchedBy = hit.matched_queries?.includes(DISTANCE_QUERY_NAME) ? 'distance' : 'service_area';
    return { ...ordered, distanceMiles, matchedBy };
  }

  private toFacets(aggregations: Record<string, unknown>): Facets {
    const facets = Object.fromEntries(FACET_NAMES.map((name) => [name, {}])) as Facets;
    for (const name of FACET_NAMES) {
      const aggregation = aggregations[name] as Record<string, unknown> | undefined;
      const buckets =
        name === 'accreditation'
          ? ((aggregation as { current?: { values?: { buckets?: Bucket[] } } } | undefined)?.current?.values?.buckets ?? [])
          : ((aggregation as { buckets?: Bucket[] } | undefined)?.buckets ?? []);
      for (const bucket of buckets) {
        const count = bucket.programs?.doc_count ?? bucket.doc_count;
        if (count > 0) facets[name][bucket.key] = count;
      }
    }
    return facets;
  }
}
