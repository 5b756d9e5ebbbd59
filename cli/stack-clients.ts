import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Client } from '@opensearch-project/opensearch';
import { createDynamoDbClients } from '../functions/adapters/dynamodb/client';
import { createOpenSearchClient } from '../functions/adapters/opensearch/client';
import { loadDynamoDbConfig, type DynamoDbConfig } from '../functions/config/dynamodb-config';
import { loadOpenSearchConfig, type OpenSearchConfig } from '../functions/config/opensearch-config';

/** The settings and clients of the stack a tool (import, reindex, reconcile, export, seeding) works on. */
export interface StackClients {
  readonly openSearchConfig: OpenSearchConfig;
  readonly openSearchClient: Client;
  readonly dynamoDbConfig: DynamoDbConfig;
  readonly dynamoDbClient: DynamoDBClient;
  readonly documentClient: DynamoDBDocumentClient;
}

/** Builds a stack's clients from an environment with the functions' own load functions and factories. */
export function createStackClients(env: NodeJS.ProcessEnv): StackClients {
  const openSearchConfig = loadOpenSearchConfig(env);
  const dynamoDbConfig = loadDynamoDbConfig(env);
  const { client: dynamoDbClient, documentClient } = createDynamoDbClients(dynamoDbConfig);
  return { openSearchConfig, openSearchClient: createOpenSearchClient(openSearchConfig), dynamoDbConfig, dynamoDbClient, documentClient };
}

let current: { env: NodeJS.ProcessEnv; clients?: StackClients } | undefined;

/**
 * Names the stack this process's tools work on: a command-line tool calls it with the environment
 * `resolveStackEnvironment` gave it (cli/stack-state.ts) before any import or reindex runs. The
 * variables also go into process.env, where the AWS SDK's credential chain looks (the local
 * engines' placeholder keys) and child processes find them.
 */
export function useStackEnvironment(env: Record<string, string>): void {
  closeStackClients();
  Object.assign(process.env, env);
  current = { env };
}

/**
 * The clients of the stack named by {@link useStackEnvironment}, or else of the environment the
 * process runs in (the local stack's, which sets it before seeding, and the test workers'),
 * built on first use and shared by every tool in the process.
 */
export function stackClients(): StackClients {
  current ??= { env: process.env };
  current.clients ??= createStackClients(current.env);
  return current.clients;
}

/** Releases the clients' sockets; the next {@link stackClients} builds new ones. */
export function closeStackClients(): void {
  if (!current?.clients) return;
  current.clients.dynamoDbClient.destroy();
  void current.clients.openSearchClient.close();
  current.clients = undefined;
}
