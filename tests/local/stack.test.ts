import type { DynamoDBRecord } from 'aws-lambda';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeleteTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, describe, expect, it } from 'vitest';
import { startStack } from '../../local/stack';
import { resolveStackEnvironment, stackStateFile, writeStackState, type StackState } from '../../cli/stack-state';
import { standInApplication } from './fixtures/stand-in-application';

// The stack as `npm start` composes it, around a stand-in application. The engines are the
// run's shared ones (OPENSEARCH_URL and DYNAMODB_ENDPOINT are set by the global setup), so this
// exercises the wiring: proxy, stream delivery, API, seeding, stack.json, environment.
const dataDir = mkdtempSync(join(tmpdir(), 'iop-stack-'));
const runId = `${Date.now().toString(36)}-${process.pid}`;

afterAll(async () => {
  rmSync(dataDir, { recursive: true, force: true });
  // The shared engines may be long-lived servers (OPENSEARCH_URL / DYNAMODB_ENDPOINT set by hand).
  await fetch(`${process.env.OPENSEARCH_URL}/stand-in-${runId}`, { method: 'DELETE' });
  const dynamoDb = new DynamoDBClient({ endpoint: process.env.DYNAMODB_ENDPOINT });
  await dynamoDb.send(new DeleteTableCommand({ TableName: `stand-in-${runId}` }));
  dynamoDb.destroy();
});

describe('local stack', () => {
  const calls = { seeds: 0, indexed: [] as DynamoDBRecord[], retired: 0 };
  const start = () =>
    startStack({
      dataDir,
      port: 0,
      seed: 'default',
      table: `stand-in-${runId}`,
      alias: `stand-in-${runId}`,
      loadApplication: standInApplication(calls),
      log: () => {},
    });

  it('serves the application, indexes every write through the stream, and seeds a fresh DATA_DIR once', async () => {
    const environmentBefore = { ...process.env };
    const stack = await start();
    try {
      expect(stack.seeded).toEqual({ rows: 3, accepted: 3, rejected: 0 });
      expect(await stack.countIndexedPrograms()).toBe(3);
      expect(calls.indexed.map((record) => record.eventName)).toEqual(['INSERT', 'INSERT', 'INSERT']);

      const served = await fetch(`${stack.apiUrl}/v1/things/seed-2`);
      expect(await served.json()).toEqual({ name: 'Seeded seed-2' });
      expect(process.env.DYNAMODB_ENDPOINT).toBe(stack.dynamodbEndpoint);

      const state = JSON.parse(readFileSync(stackStateFile(dataDir), 'utf8')) as StackState;
      expect(state).toMatchObject({ pid: process.pid, apiUrl: stack.apiUrl, dynamodbEndpoint: stack.dynamodbEndpoint, table: stack.table, alias: stack.alias });
      // What the import CLI uses: the running stack, unless variables are set explicitly.
      expect(resolveStackEnvironment(dataDir, {})).toMatchObject({
        DYNAMODB_ENDPOINT: stack.dynamodbEndpoint,
        OPENSEARCH_URL: stack.opensearchUrl,
        PROGRAMS_TABLE: stack.table,
        SEARCH_INDEX_ALIAS: stack.alias,
        OPENSEARCH_AUTH: 'none',
      });
      expect(resolveStackEnvironment(dataDir, { SEARCH_INDEX_ALIAS: 'explicit' }).SEARCH_INDEX_ALIAS).toBe('explicit');
    } finally {
      await stack.stop();
    }
    expect(existsSync(stackStateFile(dataDir))).toBe(false);
    expect(process.env).toEqual(environmentBefore);
    expect(() => resolveStackEnvironment(dataDir, {})).toThrow(/No local stack is running/);
  });

  it('does not seed again when restarted on the same DATA_DIR, and finds the data', async () => {
    const stack = await start();
    try {
      expect(stack.seeded).toBeUndefined();
      expect(calls.seeds).toBe(1);
      expect((await fetch(`${stack.apiUrl}/v1/things/seed-1/source`)).status).toBe(200);
      expect(await stack.countIndexedPrograms()).toBe(3);
    } finally {
      await stack.stop();
    }
  });

  it('retires a DATA_DIR seeded with the pre-1.1 synthetic data and seeds the default dataset instead', async () => {
    // Markers of that seed named no dataset.
    writeFileSync(join(dataDir, 'seeded'), `${JSON.stringify({ seededAt: '2026-11-20T00:00:00.000Z', rows: 14_034, accepted: 14_034, rejected: 0 })}\n`);
    const lines: string[] = [];
    const stack = await startStack({ dataDir, port: 0, seed: 'default', table: `stand-in-${runId}`, alias: `stand-in-${runId}`, loadApplication: standInApplication(calls), log: (line) => lines.push(line) });
    try {
      expect(calls.retired).toBe(1);
      expect(calls.seeds).toBe(2);
      expect(lines).toContainEqual(expect.stringContaining('Archived 14,034 programs of the retired synthetic seed'));
      expect(JSON.parse(readFileSync(join(dataDir, 'seeded'), 'utf8'))).toMatchObject({ dataset: 'default' });
    } finally {
      await stack.stop();
    }
    // Seeded properly now: a restart leaves it alone.
    const again = await start();
    await again.stop();
    expect(calls.retired).toBe(1);
  });

  it('refuses to start a second stack on a DATA_DIR that has a running one', async () => {
    const stack = await start();
    try {
      const state = JSON.parse(readFileSync(stackStateFile(dataDir), 'utf8')) as StackState;
      // Pretend another live process owns it: our parent is alive and not us.
      writeStackState(dataDir, { ...state, pid: process.ppid });
      await expect(start()).rejects.toThrow(/already running/);
      writeStackState(dataDir, state);
    } finally {
      await stack.stop();
    }
  });
});
