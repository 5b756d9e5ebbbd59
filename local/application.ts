import type { RouteTable } from './http/route-table';
import type { StreamHandler } from './stream/event-source-mapping';

export interface SeedSummary {
  rows: number;
  accepted: number;
  rejected: number;
}

/** The directory's own code as the local stack runs it: the Lambda handlers and the storage set-up. */
export interface LocalApplication {
  /** The HTTP API's routes, as API Gateway routes them to Lambda functions. */
  routes: RouteTable;
  /** The function the programs table's stream drives. */
  indexStream: StreamHandler;
  /** Creates the programs table and the search index when missing. */
  prepareStorage(): Promise<void>;
  /** Makes everything indexed so far visible to searches. */
  refreshSearchIndex(): Promise<void>;
  countIndexedPrograms(): Promise<number>;
  seedDefaultData(onProgress?: (summary: Readonly<SeedSummary>) => void): Promise<SeedSummary>;
  /** Releases the clients' sockets. */
  close(): void;
}

/**
 * Loads the real application. Its modules read their configuration from the environment when
 * first imported, so this must run only after the stack has set DYNAMODB_ENDPOINT and friends.
 */
export async function loadApplication(): Promise<LocalApplication> {
  const [
    { dynamoDbClient },
    { ensureProgramsTable },
    { dynamoDbConfig },
    { openSearchClient },
    { ensureSearchIndex, refreshSearchIndex },
    { openSearchConfig },
    searchPrograms,
    getProgram,
    openApiDocument,
    indexStream,
    seed,
  ] = await Promise.all([
    import('../functions/adapters/dynamodb/client'),
    import('../functions/adapters/dynamodb/programs-table'),
    import('../functions/config/dynamodb-config'),
    import('../functions/adapters/opensearch/client'),
    import('../functions/adapters/opensearch/index-admin'),
    import('../functions/config/opensearch-config'),
    import('../functions/handlers/search-programs'),
    import('../functions/handlers/get-program'),
    import('../functions/handlers/openapi-document'),
    import('../functions/handlers/index-stream'),
    import('../seed/seed-default'),
  ]);
  const table = dynamoDbConfig.PROGRAMS_TABLE;
  const alias = openSearchConfig.SEARCH_INDEX_ALIAS;
  return {
    routes: {
      'GET /v1/programs': searchPrograms.handler,
      'GET /v1/programs/{id}': getProgram.handler,
      'GET /v1/openapi.json': openApiDocument.handler,
    },
    indexStream: indexStream.handler,
    prepareStorage: async () => {
      await Promise.all([ensureProgramsTable(dynamoDbClient, table), ensureSearchIndex(openSearchClient, alias)]);
    },
    refreshSearchIndex: () => refreshSearchIndex(openSearchClient, alias),
    countIndexedPrograms: async () => {
      const response = await openSearchClient.count({ index: alias });
      return (response.body as { count: number }).count;
    },
    seedDefaultData: (onProgress) => seed.seedDefaultData(onProgress),
    close: () => {
      dynamoDbClient.destroy();
      void openSearchClient.close();
    },
  };
}
