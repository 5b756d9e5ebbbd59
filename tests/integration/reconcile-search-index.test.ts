import { DeleteTableCommand } from '@aws-sdk/client-dynamodb';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { documentClient, dynamoDbClient, openSearchClient, cursorSigningKey } from '../support/engines';
import { DynamoDbProgramStore } from '../../functions/adapters/dynamodb/dynamodb-program-store';
import { toListingItem } from '../../functions/adapters/dynamodb/listing-item';
import { ensureProgramsTable } from '../../functions/adapters/dynamodb/programs-table';
import { ensureSearchIndex, indicesBehindAlias, refreshSearchIndex } from '../../functions/adapters/opensearch/index-admin';
import { OpenSearchIndexAudit } from '../../functions/adapters/opensearch/opensearch-index-audit';
import { OpenSearchSearchIndex } from '../../functions/adapters/opensearch/opensearch-search-index';
import type { Listing } from '../../functions/domain/listing';
import type { Program } from '../../functions/domain/program';
import type { IndexChange } from '../../functions/ports/search-index';
import { reconcileHandler, type ReconcileResult } from '../../functions/handlers/factories/reconcile-search-index';
import { createLambdaContext } from '../../local/lambda/lambda-context';
import { reconcileSearchIndex, type ReconcileDependencies } from '../../functions/use-cases/reconcile-search-index';
import { makeProgram } from '../support/program-fixtures';

// A table and an index of this file's own on the run's engines: the table has no stream (the
// proxy captures only the run's programs table), so the index holds exactly what the test puts
// there, drift included, and no other test's data is reconciled.
const runId = `${Date.now().toString(36)}-${process.pid}`;
const table = `reconcile-test-${runId}`;
const alias = `reconcile-test-${runId}`;
const store = new DynamoDbProgramStore(documentClient, table);
const index = new OpenSearchSearchIndex(openSearchClient, alias, cursorSigningKey);
const audit = new OpenSearchIndexAudit(openSearchClient, alias);
const dependencies: ReconcileDependencies = { store, index, audit };
const SOURCE = 'test-reconcile';
const IN_SYNC = 1_200;
const LONG_AGO = '2026-01-01T00:00:00.000Z';

const program = (n: number, overrides: Partial<Program> = {}) => makeProgram(SOURCE, `p${n}`, { updatedAt: LONG_AGO, ...overrides } as Partial<Program>);
const upsert = (p: Program): IndexChange => ({ kind: 'upsert', program: p });

async function applyAll(changes: IndexChange[]): Promise<void> {
  for (let start = 0; start < changes.length; start += 500) {
    const outcomes = await index.apply(changes.slice(start, start + 500));
    expect(outcomes.every((outcome) => outcome.status === 'applied')).toBe(true);
  }
}

const drift = {
  missing: [] as Program[],
  stale: [] as Program[],
  unpublished: [] as Program[],
  orphans: [] as string[],
  recent: undefined as unknown as Program,
  conflict: undefined as unknown as Program,
  ahead: undefined as unknown as Program,
  listing: undefined as unknown as Listing,
  archivedWithoutTombstone: undefined as unknown as Program,
};

beforeAll(async () => {
  await ensureProgramsTable(dynamoDbClient, table);
  await ensureSearchIndex(openSearchClient, alias);

  const synced = Array.from({ length: IN_SYNC }, (_, n) => program(n));
  drift.missing = Array.from({ length: 5 }, (_, n) => program(10_000 + n));
  drift.stale = Array.from({ length: 5 }, (_, n) => program(20_000 + n, { name: `Renamed ${n}`, version: 2 }));
  drift.unpublished = Array.from({ length: 3 }, (_, n) => program(30_000 + n, { status: 'archived', version: 2 }));
  drift.orphans = ['orphan-program-1', 'orphan-program-2'];
  drift.recent = program(40_000, { updatedAt: new Date().toISOString() });
  drift.conflict = program(50_000, { status: 'archived', version: 4 });
  drift.ahead = program(60_000, { version: 2 });
  drift.archivedWithoutTombstone = program(70_000, { status: 'archived', version: 3 });
  const live = program(80_000, { source: 'provider' });
  drift.listing = {
    id: 'lst_reconcile0000000001',
    ownerId: 'provider-1',
    status: 'published',
    live: { ...live, id: 'lst_reconcile0000000001' },
    revision: 3,
    createdAt: LONG_AGO,
    updatedAt: LONG_AGO,
    history: [],
  };

  await store.putMany([
    ...synced,
    ...drift.missing,
    ...drift.stale,
    ...drift.unpublished,
    drift.recent,
    drift.conflict,
    drift.ahead,
    drift.archivedWithoutTombstone,
  ]);
  await documentClient.send(new PutCommand({ TableName: table, Item: toListingItem(drift.listing) }));

  // What the index holds: everything as the stream would have left it, but for the drift.
  await applyAll([
    ...synced.map(upsert),
    ...drift.stale.map((p) => upsert({ ...p, name: 'Before the rename', version: 1 })),
    ...drift.unpublished.map((p) => upsert({ ...p, status: 'published', version: 1 })),
    ...drift.orphans.map((id) => upsert(program(90_000, { id, version: 5 }))),
    upsert({ ...drift.conflict, status: 'published' }),
    upsert({ ...drift.ahead, version: 3 }),
    upsert({ ...drift.listing.live!, status: 'published', version: drift.listing.revision }),
  ]);
  await refreshSearchIndex(openSearchClient, alias);
});

afterAll(async () => {
  for (const concrete of await indicesBehindAlias(openSearchClient, alias)) await openSearchClient.indices.delete({ index: concrete });
  await dynamoDbClient.send(new DeleteTableCommand({ TableName: table }));
});

describe('reconciling the search index with the table', () => {
  it('finds every kind of drift, repairs it through the stream indexer, and leaves changes younger than the settle time to the stream', async () => {
    const progress: string[] = [];
    const summary = await reconcileSearchIndex(dependencies, {
      segments: 3,
      settleMs: 60_000,
      indexPageSize: 100,
      onProgress: ({ phase }) => progress.push(phase),
    });
    const stored = IN_SYNC + 5 + 5 + 3 + 1 + 1 + 1 + 1; // programs older than a minute, and the listing
    expect(summary).toMatchObject({
      scanned: stored,
      published: IN_SYNC + 5 + 5 + 1 + 1,
      missing: 5 + 1,
      stale: 5,
      extra: 3 + 2,
      repaired: 6 + 5 + 5,
      superseded: 0,
      failed: 1,
      malformed: [],
    });
    expect(summary.failures).toEqual([{ id: drift.conflict.id, reason: expect.stringContaining('only a reindex') }]);
    // Several scan pages and index pages, each reported.
    expect(progress.filter((phase) => phase === 'store').length).toBeGreaterThan(2);
    expect(progress.filter((phase) => phase === 'index').length).toBeGreaterThan(10);

    // What searches see, as the next run would.
    await refreshSearchIndex(openSearchClient, alias);
    const after = await audit.versionsOf([
      ...drift.missing.map((p) => p.id),
      ...drift.stale.map((p) => p.id),
      ...drift.unpublished.map((p) => p.id),
      ...drift.orphans,
      drift.recent.id,
      drift.ahead.id,
      drift.archivedWithoutTombstone.id,
      drift.listing.id,
    ]);
    for (const p of drift.missing) expect(after.get(p.id)).toEqual({ version: 1, published: true });
    for (const p of drift.stale) expect(after.get(p.id)).toEqual({ version: 2, published: true });
    expect((await index.get(drift.stale[0]!.id))?.name).toBe('Renamed 0');
    for (const p of drift.unpublished) expect(after.get(p.id)).toEqual({ version: 2, published: false });
    // Removed as the stream removes a deleted item: a tombstone one version past the last seen.
    for (const id of drift.orphans) expect(after.get(id)).toEqual({ version: 6, published: false });
    expect(after.get(drift.archivedWithoutTombstone.id)).toEqual({ version: 3, published: false });
    // Younger than the settle time: the stream's to deliver, untouched.
    expect(after.has(drift.recent.id)).toBe(false);
    // The index is ahead of what the scan read: a change made during the run, not drift.
    expect(after.get(drift.ahead.id)).toEqual({ version: 3, published: true });
    expect(after.get(drift.listing.id)).toEqual({ version: 3, published: true });
  });

  it('finds nothing more to do on the next run but the drift it cannot repair, and with no settle time checks recent changes too', async () => {
    const summary = await reconcileSearchIndex(dependencies, { settleMs: 0 });
    expect(summary).toMatchObject({ missing: 1, stale: 0, extra: 0, repaired: 1, superseded: 0, failed: 1 });
    expect(await audit.versionsOf([drift.recent.id])).toEqual(new Map([[drift.recent.id, { version: 1, published: true }]]));
  });

  it('loses a repair to a newer change that reaches the index first, and counts it as superseded', async () => {
    const raced = program(100_000, { version: 1 });
    await store.putMany([raced]);
    const newer = { ...raced, name: 'Newer from the stream', version: 2 };
    const racing: ReconcileDependencies = {
      ...dependencies,
      index: {
        apply: async (changes) => {
          // The stream delivers version 2 just before the repair of version 1 lands.
          if (changes.some((change) => change.kind === 'upsert' && change.program.id === raced.id)) await index.apply([upsert(newer)]);
          return index.apply(changes);
        },
      },
    };
    const summary = await reconcileSearchIndex(racing, { settleMs: 0 });
    expect(summary).toMatchObject({ missing: 1, repaired: 0, superseded: 1, failed: 1 });
    expect((await index.get(raced.id))?.name).toBe('Newer from the stream');
  });

  it('runs as the scheduled function: repairs, returns the counts and publishes DriftRepaired for the alarm', async () => {
    const lost = program(110_000);
    await store.putMany([lost]);
    const written: string[] = [];
    // Powertools writes EMF and log lines straight to the process streams.
    for (const stream of [process.stdout, process.stderr]) {
      vi.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array) => written.push(String(chunk)) > 0);
    }
    let prepared = 0;
    let result: ReconcileResult;
    try {
      const handler = reconcileHandler(() => ({ ...dependencies, prepare: async () => void prepared++, settleMs: 0 }));
      result = (await handler({}, createLambdaContext('reconcile-search-index'))) as ReconcileResult;
    } finally {
      vi.restoreAllMocks();
    }
    expect(prepared).toBe(1);
    expect(result).toMatchObject({ missing: 1, repaired: 1, failed: 1, malformed: 0 });
    const lines = written.join('').split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as Record<string, unknown>);
    const emf = lines.find((line) => '_aws' in line)!;
    expect(emf).toMatchObject({ service: 'reconcile-search-index', DriftRepaired: 1, DriftUnrepaired: 1, DriftFound: 1 });
    expect((emf._aws as { CloudWatchMetrics: { Namespace: string }[] }).CloudWatchMetrics[0]!.Namespace).toBe('IopDirectory');
    // Drift left in place is an error line, with the counts.
    expect(lines).toContainEqual(expect.objectContaining({ level: 'ERROR', message: 'Drift left unrepaired', failed: 1 }));
  });
});
