import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, DynamoDBDocumentClient, PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, describe, expect, it } from 'vitest';
import type { Program } from '../../functions/domain/program';
import { launchDynalite } from '../../local/engines/dynamodb';
import { readStackState, type StackState } from '../../cli/stack-state';
import { writeDemoNdjson } from '../../seed/demo/seed-demo';

// `npm start` in a child process of its own on a temporary DATA_DIR, killed with SIGKILL to its
// whole process group half-way through an import, as a crash or an OOM kill would: the next start
// must deliver what the dead one acknowledged but never indexed, and reconcile the rest.
const ROOT = path.resolve(import.meta.dirname, '../..');
const TSX = path.join(ROOT, 'node_modules/.bin/tsx');
const PROGRAMS = 3_000;
const dataDir = mkdtempSync(path.join(tmpdir(), 'iop-crash-'));
const importFile = path.join(dataDir, 'demo-programs.ndjson');
const running: ChildProcess[] = [];

// The children get their own engines: nothing of the run's shared stack may leak into them.
const childEnv: NodeJS.ProcessEnv = Object.fromEntries(
  Object.entries(process.env).filter(([name]) => !['DYNAMODB_ENDPOINT', 'OPENSEARCH_URL', 'PROGRAMS_TABLE', 'SEARCH_INDEX_ALIAS', 'LOCAL_API_URL', 'LOCAL_AUTH_DIR'].includes(name)),
);
const stackEnv = { ...childEnv, DATA_DIR: dataDir, PORT: '0', SEED: 'none' };

afterAll(async () => {
  for (const child of running) killGroup(child, 'SIGKILL');
  await waitForOpenSearchToExit();
  rmSync(dataDir, { recursive: true, force: true });
});

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    if (child.pid && child.exitCode === null && child.signalCode === null) process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}

/** `npm start`, resolved with its stdout once it printed the ready line. */
async function startStackProcess(): Promise<{ child: ChildProcess; readyLine: string; output: () => string; state: StackState }> {
  const child = spawn(TSX, ['local/start.ts'], { cwd: ROOT, env: stackEnv, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  running.push(child);
  let output = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const deadline = Date.now() + 90_000;
  while (!/ready on .*\n/.test(output)) {
    if (child.exitCode !== null) throw new Error(`npm start exited (${child.exitCode}):\n${output}`);
    if (Date.now() > deadline) throw new Error(`npm start did not get ready:\n${output}`);
    await sleep(50);
  }
  const readyLine = /^.*ready on .*$/m.exec(output)![0];
  const state = JSON.parse(readFileSync(path.join(dataDir, 'stack.json'), 'utf8')) as StackState;
  return { child, readyLine, output: () => output, state };
}

/** The OpenSearch JVM has its own process group and leaves when its parent dies; the next start needs its data directory lock. */
async function waitForOpenSearchToExit(): Promise<void> {
  const home = path.join(dataDir, 'opensearch');
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const alive = existsSync('/proc')
      ? readdirSync('/proc')
          .filter((entry) => /^\d+$/.test(entry))
          .some((pid) => {
            try {
              return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(home);
            } catch {
              return false;
            }
          })
      : false;
    if (!alive) return;
    await sleep(100);
  }
  throw new Error('The killed stack left OpenSearch running');
}

async function killMidImport(stack: { child: ChildProcess; state: StackState }): Promise<{ capturedAtKill: number; pendingAtKill: number }> {
  const importer = spawn(TSX, ['seed/import-cli.ts', importFile, '--json'], { cwd: ROOT, env: { ...childEnv, DATA_DIR: dataDir }, detached: true, stdio: 'ignore' });
  running.push(importer);
  const stats = new URL('/_local/stream/stats', stack.state.dynamodbEndpoint);
  const deadline = Date.now() + 60_000;
  for (;;) {
    const { streams } = (await (await fetch(stats)).json()) as { streams: { received: number; pending: number }[] };
    const { received, pending } = streams[0]!;
    // Half-way, with changes acknowledged to the importer but not yet indexed.
    if (received >= PROGRAMS / 3 && pending > 0) {
      killGroup(stack.child, 'SIGKILL');
      killGroup(importer, 'SIGKILL');
      await once(stack.child, 'exit');
      await waitForStackToExit();
      return { capturedAtKill: received, pendingAtKill: pending };
    }
    if (Date.now() > deadline || importer.exitCode !== null) throw new Error(`the import ended before it could be interrupted (${received} captured)`);
    await sleep(5);
  }
}

/** Every stored program beside its search document: where they disagree, and the published counts of both. */
async function compareStoreAndIndex(state: StackState) {
  const client = new DynamoDBClient({ endpoint: state.dynamodbEndpoint, region: state.region, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  const documents = DynamoDBDocumentClient.from(client);
  const stored: Pick<Program, 'id' | 'version' | 'status'>[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await documents.send(new ScanCommand({ TableName: state.table, ExclusiveStartKey: startKey, ConsistentRead: true }));
    for (const item of page.Items ?? []) if (item.kind === 'program') stored.push({ id: item.id as string, version: item.version as number, status: item.status as Program['status'] });
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  client.destroy();

  const mismatches: string[] = [];
  for (let start = 0; start < stored.length; start += 500) {
    const chunk = stored.slice(start, start + 500);
    const response = await fetch(`${state.opensearchUrl}/${state.alias}/_mget?_source_includes=published`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ids: chunk.map((program) => program.id) }),
    });
    const { docs } = (await response.json()) as { docs: { _id: string; found: boolean; _version?: number; _source?: { published: boolean } }[] };
    chunk.forEach((program, position) => {
      const doc = docs[position]!;
      const published = program.status === 'published';
      if (!doc.found) mismatches.push(`${program.id}: v${program.version} not indexed`);
      else if (doc._version !== program.version || doc._source?.published !== published) {
        mismatches.push(`${program.id}: stored v${program.version} ${program.status}, indexed v${doc._version} ${doc._source?.published ? 'published' : 'unpublished'}`);
      }
    });
  }
  const count = await fetch(`${state.opensearchUrl}/${state.alias}/_count`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: { term: { published: true } } }),
  });
  return {
    storePublished: stored.filter((program) => program.status === 'published').length,
    indexPublished: ((await count.json()) as { count: number }).count,
    mismatches,
  };
}

async function stopCleanly(stack: { child: ChildProcess }): Promise<void> {
  killGroup(stack.child, 'SIGTERM');
  await once(stack.child, 'exit');
  await waitForStackToExit();
}

/** Until stack.json names no live process (`npm start` refuses to start beside one) and OpenSearch is gone. */
async function waitForStackToExit(): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (readStackState(dataDir)) {
    if (Date.now() > deadline) throw new Error('the killed stack still looks alive');
    await sleep(50);
  }
  await waitForOpenSearchToExit();
}

describe('npm start after a crash', () => {
  it('delivers what the killed stack acknowledged but never indexed, and reconciles drift it could not have seen', { timeout: 240_000 }, async () => {
    await writeDemoNdjson(importFile, { count: PROGRAMS });

    const first = await startStackProcess();
    const { capturedAtKill, pendingAtKill } = await killMidImport(first);
    expect(capturedAtKill).toBeLessThan(PROGRAMS);
    expect(pendingAtKill).toBeGreaterThan(0);

    // The journal still holds what was captured after its last checkpoint.
    const second = await startStackProcess();
    const redelivered = /([\d,]+) undelivered changes re-delivered from the stream journal/.exec(second.readyLine);
    expect(redelivered, second.readyLine).not.toBeNull();
    expect(Number(redelivered![1]!.replace(/,/g, ''))).toBeGreaterThanOrEqual(1);
    // A write committed in the moment between the table and its journal line is the reconciliation's to repair.
    expect(second.readyLine).toMatch(/reconciled: [\d,]+ repaired of [\d,]+;/);
    const afterRedelivery = await compareStoreAndIndex(second.state);
    expect(afterRedelivery.mismatches).toEqual([]);
    expect(afterRedelivery.indexPublished).toBe(afterRedelivery.storePublished);
    expect(afterRedelivery.storePublished).toBeGreaterThanOrEqual(capturedAtKill);
    expect(second.readyLine).toContain(`(${afterRedelivery.indexPublished.toLocaleString('en-US')} programs;`);

    // A clean stop delivers everything and leaves nothing for the next start.
    await stopCleanly(second);
    const journalDir = path.join(dataDir, 'stream', second.state.table);
    expect(readdirSync(journalDir).filter((name) => name.endsWith('.ndjson'))).toEqual([]);

    // Drift no journal sees: writes straight to the table's files, as by a DATA_DIR from before the
    // journal, a kill between a write and its journal line, or a stream that lost records.
    const drift = await driftTheTableBehindTheStreamsBack(second.state);

    const third = await startStackProcess();
    try {
      expect(third.readyLine).not.toContain('re-delivered');
      expect(third.readyLine).toMatch(new RegExp(`reconciled: ${drift.total} repaired of [\\d,]+;`));
      const afterReconcile = await compareStoreAndIndex(third.state);
      expect(afterReconcile.mismatches).toEqual([]);
      expect(afterReconcile.indexPublished).toBe(afterReconcile.storePublished);
      expect(afterReconcile.storePublished).toBe(afterRedelivery.storePublished + drift.created - drift.archived - drift.deleted);
      // What search answers, not just what the index holds.
      const search = async (id: string) => (await fetch(`${third.state.apiUrl}/v1/programs/${id}`)).status;
      expect(await search(drift.createdId)).toBe(200);
      expect(await search(drift.archivedId)).toBe(404);
      expect(await search(drift.deletedId)).toBe(404);
      const renamed = (await (await fetch(`${third.state.apiUrl}/v1/programs/${drift.renamedId}`)).json()) as { name: string };
      expect(renamed.name).toBe('Renamed Behind The Stream');
    } finally {
      await stopCleanly(third);
    }
  });
});

/**
 * Opens the stopped stack's dynalite files directly (no proxy, so no stream records) and makes
 * every kind of drift: new programs (missing from search), changed ones (stale), archived ones
 * and deleted ones (extra: still found by search).
 */
async function driftTheTableBehindTheStreamsBack(state: StackState) {
  const dynalite = await launchDynalite({ path: path.join(dataDir, 'dynamodb') });
  const client = new DynamoDBClient({ endpoint: dynalite.endpoint, region: state.region, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  const documents = DynamoDBDocumentClient.from(client);
  try {
    const { Items = [] } = await documents.send(new ScanCommand({ TableName: state.table, Limit: 200 }));
    const programs = Items.filter((item) => item.kind === 'program' && item.status === 'published');
    const [renamed, archived, deleted, template] = programs;
    const at = new Date().toISOString();
    const createdId = 'drift-created-program-0000';
    await documents.send(new PutCommand({ TableName: state.table, Item: { ...template, pk: `PROGRAM#${createdId}`, id: createdId, externalId: 'drift-created', version: 1, updatedAt: at } }));
    await documents.send(new PutCommand({ TableName: state.table, Item: { ...renamed, name: 'Renamed Behind The Stream', version: (renamed!.version as number) + 1, updatedAt: at } }));
    await documents.send(new PutCommand({ TableName: state.table, Item: { ...archived, status: 'archived', version: (archived!.version as number) + 1, updatedAt: at } }));
    await documents.send(new DeleteCommand({ TableName: state.table, Key: { pk: deleted!.pk, sk: deleted!.sk } }));
    return {
      created: 1,
      archived: 1,
      deleted: 1,
      total: 4,
      createdId,
      renamedId: renamed!.id as string,
      archivedId: archived!.id as string,
      deletedId: deleted!.id as string,
    };
  } finally {
    client.destroy();
    await dynalite.stop();
  }
}
