import { rebuildTable, resumeTableRebuild } from './engines/table-rebuild';
import { jwtRoute, type RouteTable } from './http/route-table';
import type { StreamHandler } from './stream/event-source-mapping';
import { closeStackClients, stackClients } from '../cli/stack-clients';
import { ensureProgramsTable, programsTableDefinition } from '../functions/adapters/dynamodb/programs-table';
import { ensureSearchIndex, refreshSearchIndex, searchIndexIsCurrent } from '../functions/adapters/opensearch/index-admin';
import { reconcileSearchIndex, type ReconcileSummary } from '../functions/use-cases/reconcile-search-index';
import { reindexPrograms } from '../functions/use-cases/reindex-programs';
import { reconcileDependencies } from '../ops/reconcile-dependencies';
import { reindexDependencies } from '../ops/reindex-dependencies';
import { seedDemoData } from '../seed/demo/seed-demo';
import { retireSource } from '../seed/retire-source';
import { seedDefaultData } from '../seed/seed-default';

export interface SeedSummary {
  rows: number;
  accepted: number;
  rejected: number;
  /** What was loaded, in lines for people. */
  report?: string[];
}

export interface DemoSeedOptions {
  count: number;
  /** ISO date the demo's expiry dates and `dataAsOf` are placed around (the generator's fixed date by default). */
  asOf?: string;
}

/** The directory's own code as the local stack runs it: the Lambda handlers and the storage set-up. */
export interface LocalApplication {
  /** The HTTP API's routes, as API Gateway routes them to Lambda functions. */
  routes: RouteTable;
  /** The function the programs table's stream drives. */
  indexStream: StreamHandler;
  /** Creates the programs table and the search index when missing, and brings an older table's layout up to date. */
  prepareStorage(log?: (line: string) => void): Promise<void>;
  /** Makes everything indexed so far visible to searches. */
  refreshSearchIndex(): Promise<void>;
  /** Published programs in the search index: what search can find. */
  countIndexedPrograms(): Promise<number>;
  /**
   * Compares the search index with the table and repairs the difference through the stream
   * indexer's writer (functions/use-cases/reconcile-search-index.ts). Optional so that stand-ins
   * for tests of the stack's wiring need not provide it.
   */
  reconcileSearchIndex?(): Promise<ReconcileSummary>;
  seedDefaultData(onProgress?: (summary: Readonly<SeedSummary>) => void): Promise<SeedSummary>;
  /**
   * Loads `count` invented programs (seed/demo, source `demo`) through the importer. Optional
   * so that stand-ins for tests of the stack's wiring need not provide it.
   */
  seedDemoData?(options: DemoSeedOptions, onProgress?: (summary: Readonly<SeedSummary>) => void): Promise<SeedSummary>;
  /** Archives the programs of the synthetic seed retired in 1.1 (source `samhsa-locator`); returns how many. */
  retireLegacySeed(): Promise<number>;
  /** Releases the clients' sockets. */
  close(): void;
}

/**
 * Loads the real application. The handlers are Lambda entry modules: like a cold start, each reads
 * its configuration from the environment when first imported (functions/handlers/composition/),
 * so they are imported only here, after the stack has set DYNAMODB_ENDPOINT and friends, and the
 * routes a request may never reach only on first use. The stack's own tools (storage set-up,
 * seeding, reindex, reconciliation) share one set of clients (cli/stack-clients.ts).
 */
export async function loadApplication(): Promise<LocalApplication> {
  const [searchPrograms, getProgram, openApiDocument, indexStream, handlerOpenSearch, handlerDynamoDb] = await Promise.all([
    import('../functions/handlers/search-programs'),
    import('../functions/handlers/get-program'),
    import('../functions/handlers/openapi-document'),
    import('../functions/handlers/index-stream'),
    import('../functions/handlers/composition/opensearch-runtime'),
    import('../functions/handlers/composition/dynamodb-runtime'),
  ]);
  const { dynamoDbClient, dynamoDbConfig, openSearchClient, openSearchConfig } = stackClients();
  const table = dynamoDbConfig.PROGRAMS_TABLE;
  const alias = openSearchConfig.SEARCH_INDEX_ALIAS;
  return {
    routes: {
      'GET /v1/programs': searchPrograms.handler,
      'GET /v1/programs/{id}': getProgram.handler,
      // Anonymous problem reports: public like search, imported on first use as a cold start would.
      'POST /v1/programs/{id}/reports': async (event, context) => (await import('../functions/handlers/submit-report')).handler(event, context),
      'GET /v1/openapi.json': openApiDocument.handler,
      // Place suggestions: public, answered from the bundled gazetteer only.
      'GET /v1/places': async (event, context) => (await import('../functions/handlers/suggest-places')).handler(event, context),
      // Filter labels in English or Spanish: public, from the bundled label files only.
      'GET /v1/vocabularies': async (event, context) => (await import('../functions/handlers/vocabularies')).handler(event, context),
      // Provider and reviewer routes sit behind the JWT authorizer (the Cognito user pool in AWS).
      'POST /v1/listings': jwtRoute(() => import('../functions/handlers/create-listing')),
      'GET /v1/listings': jwtRoute(() => import('../functions/handlers/list-listings')),
      'GET /v1/listings/{id}': jwtRoute(() => import('../functions/handlers/get-listing')),
      'PUT /v1/listings/{id}': jwtRoute(() => import('../functions/handlers/update-listing')),
      'DELETE /v1/listings/{id}': jwtRoute(() => import('../functions/handlers/archive-listing')),
      'GET /v1/listings/{id}/history': jwtRoute(() => import('../functions/handlers/listing-history')),
      'POST /v1/listings/{id}/confirm': jwtRoute(() => import('../functions/handlers/confirm-listing')),
      'POST /v1/programs/{id}/claims': jwtRoute(() => import('../functions/handlers/submit-claim')),
      'GET /v1/review/queue': jwtRoute(() => import('../functions/handlers/review-queue')),
      'GET /v1/review/expiring': jwtRoute(() => import('../functions/handlers/expiring-programs')),
      'POST /v1/review/{id}/approve': jwtRoute(() => import('../functions/handlers/approve-listing')),
      'POST /v1/review/{id}/reject': jwtRoute(() => import('../functions/handlers/reject-listing')),
      'POST /v1/review/{id}/convert': jwtRoute(() => import('../functions/handlers/convert-to-claim')),
    },
    indexStream: indexStream.handler,
    prepareStorage: async (log) => {
      // The index first: rebuilding an older DATA_DIR's table (dynalite cannot add its new
      // indexes in place) rewrites every item, and the stream delivers those writes at once.
      await ensureSearchIndex(openSearchClient, alias);
      await resumeTableRebuild(dynamoDbClient, programsTableDefinition(table), log);
      await ensureProgramsTable(dynamoDbClient, table, { rebuild: (definition) => rebuildTable(dynamoDbClient, definition, log) });
      // An index made with an older mapping lacks fields documents now carry: rebuilt without downtime.
      if (!(await searchIndexIsCurrent(openSearchClient, alias))) {
        log?.('The search index predates the current mapping: reindexing from DynamoDB...');
        const summary = await reindexPrograms(reindexDependencies());
        log?.(`Reindexed ${summary.indexed.toLocaleString('en-US')} documents into ${summary.newIndex} in ${summary.seconds.toFixed(1)}s`);
      }
    },
    refreshSearchIndex: () => refreshSearchIndex(openSearchClient, alias),
    countIndexedPrograms: async () => {
      // Tombstones of archived or removed programs are documents too, but nothing search finds.
      const response = await openSearchClient.count({ index: alias, body: { query: { term: { published: true } } } });
      return (response.body as { count: number }).count;
    },
    reconcileSearchIndex: async () => {
      // Nothing else writes while the stack starts, and the journal has been delivered: every difference is drift.
      return reconcileSearchIndex(reconcileDependencies(), { settleMs: 0 });
    },
    seedDefaultData: (onProgress) => seedDefaultData(onProgress),
    retireLegacySeed: () => retireSource('samhsa-locator'),
    seedDemoData: (options, onProgress) => seedDemoData({ ...options, onProgress }),
    close: () => {
      closeStackClients();
      handlerDynamoDb.documentClient.destroy();
      void handlerOpenSearch.openSearchClient.close();
    },
  };
}
