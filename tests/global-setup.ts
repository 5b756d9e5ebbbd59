import { DeleteTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startStack } from '../local/stack';

/**
 * Runs the directory's real engines for the whole test run: OpenSearch, dynalite, the
 * change-capture proxy and the stream delivery that drives the real indexer handler, in a fresh
 * temporary DATA_DIR. When OPENSEARCH_URL or DYNAMODB_ENDPOINT are set those servers are used
 * instead, and the run's own table and index are removed afterwards.
 *
 * Test workers inherit the environment set here: DYNAMODB_ENDPOINT (the proxy), OPENSEARCH_URL,
 * PROGRAMS_TABLE, SEARCH_INDEX_ALIAS, plus LOCAL_API_URL for HTTP-level tests and LOCAL_AUTH_DIR,
 * where the API's identity provider keeps its signing key (tests/support/tokens.ts mints with it).
 */
export default async function setup(): Promise<() => Promise<void>> {
  const startedAt = Date.now();
  const existingDynamoDb = process.env.DYNAMODB_ENDPOINT;
  const existingOpenSearch = process.env.OPENSEARCH_URL;
  const dataDir = mkdtempSync(join(tmpdir(), 'iop-test-'));
  // Distinct per run, so runs against shared servers never see each other's data.
  const runId = `${Date.now().toString(36)}-${process.pid}`;
  const stack = await startStack({
    dataDir,
    port: 0,
    seed: 'none',
    table: `iop-programs-test-${runId}`,
    alias: `programs-test-${runId}`,
    log: (line) => console.log(`[test stack] ${line}`),
  });
  process.env.LOCAL_API_URL = stack.apiUrl;
  process.env.LOCAL_AUTH_DIR = stack.authDir;
  console.log(`[test stack] ready in ${((Date.now() - startedAt) / 1000).toFixed(1)}s`);

  return async () => {
    await stack.stop();
    delete process.env.LOCAL_API_URL;
    delete process.env.LOCAL_AUTH_DIR;
    rmSync(dataDir, { recursive: true, force: true });
    // Our own engines went away with dataDir; servers someone else runs keep only their own data.
    if (existingDynamoDb) await removeTable(existingDynamoDb, stack.table);
    if (existingOpenSearch) await removeAliasedIndices(existingOpenSearch, stack.alias);
  };
}

async function removeTable(endpoint: string, table: string): Promise<void> {
  const dynamoDb = new DynamoDBClient({
    endpoint,
    region: process.env.AWS_REGION ?? 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  await dynamoDb.send(new DeleteTableCommand({ TableName: table })).catch(() => undefined);
  dynamoDb.destroy();
}

async function removeAliasedIndices(opensearchUrl: string, alias: string): Promise<void> {
  const aliases = await fetch(`${opensearchUrl}/_alias/${alias}`).then((response) => (response.ok ? response.json() : {}));
  for (const index of Object.keys(aliases as Record<string, unknown>)) await fetch(`${opensearchUrl}/${index}`, { method: 'DELETE' });
}
