import { createDynamoDbClients } from '../../functions/adapters/dynamodb/client';
import { createOpenSearchClient } from '../../functions/adapters/opensearch/client';
import { loadCursorConfig } from '../../functions/config/cursor-config';
import { loadDynamoDbConfig } from '../../functions/config/dynamodb-config';
import { loadOpenSearchConfig } from '../../functions/config/opensearch-config';

/**
 * The engines' settings and clients for tests, built with the functions' own load functions and
 * factories from the environment the global setup's local stack gives every worker
 * (tests/global-setup.ts). One set per worker process, as one per Lambda process.
 */
export const openSearchConfig = loadOpenSearchConfig(process.env);
export const openSearchClient = createOpenSearchClient(openSearchConfig);
export const dynamoDbConfig = loadDynamoDbConfig(process.env);
export const { client: dynamoDbClient, documentClient } = createDynamoDbClients(dynamoDbConfig);
/** The key the stack's handlers seal cursors with, for adapters a test pages through itself. */
export const cursorSigningKey = loadCursorConfig(process.env).CURSOR_SIGNING_KEY;
