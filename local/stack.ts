import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { loadApplication, type LocalApplication, type SeedSummary } from './application';
import { openLocalIdentityProvider } from './auth/local-identity-provider';
import { authDirectory } from './auth/settings';
import { startDynamoDb } from './engines/dynamodb';
import { startOpenSearch } from './engines/opensearch';
import { startApiGatewayAdapter } from './http/api-gateway-adapter';
import { readStackState, removeStackState, writeStackState } from '../cli/stack-state';
import { LOCAL_DEFAULTS, LOCAL_SEARCH_INDEX_ALIAS, LOCAL_TABLE } from './local-environment';
import { TIMED_OUT, withTimeout } from './timeout';
import { startChangeCaptureProxy, type DrainResult } from './stream/change-capture-proxy';
import { DeadLetterFile } from './stream/dead-letter-file';
import { EventSourceMapping } from './stream/event-source-mapping';
import { StreamJournal } from './stream/stream-journal';
import type { ReconcileSummary } from '../functions/use-cases/reconcile-search-index';

export { resolveStackEnvironment } from '../cli/stack-state';

export type SeedDataset = 'default' | 'demo';

export interface StackOptions {
  dataDir: string;
  /** The API's port; 0 picks a free one. */
  port: number;
  /**
   * 'default' seeds a fresh DATA_DIR with the default dataset (once); 'demo' with invented,
   * clearly fictional programs instead (seed/demo); 'none' never seeds.
   */
  seed: SeedDataset | 'none';
  /** How many demo programs `seed: 'demo'` loads; DEFAULT_DEMO_SIZE when absent. */
  demoSize?: number;
  /** Defaults: PROGRAMS_TABLE or 'iop-programs', SEARCH_INDEX_ALIAS or 'programs'. */
  table?: string;
  alias?: string;
  log?: (line: string) => void;
  /** The code to run; tests of the stack itself pass stand-ins. */
  loadApplication?: () => Promise<LocalApplication>;
  /** Aborting it while the stack starts (Ctrl-C during seeding) undoes what has started and rejects. */
  signal?: AbortSignal;
}

export interface RunningStack {
  apiUrl: string;
  /** The change-capture proxy, which every DynamoDB client of the stack must use. */
  dynamodbEndpoint: string;
  opensearchUrl: string;
  table: string;
  alias: string;
  dataDir: string;
  /** The local identity provider's state (its signing key): what `npm run token` signs with. */
  authDir: string;
  /** What seeding did on this start; undefined when nothing was seeded. */
  seeded: SeedSummary | undefined;
  /** The dataset DATA_DIR was seeded with, on this start or an earlier one; undefined when never seeded. */
  seedDataset: SeedDataset | undefined;
  countIndexedPrograms(): Promise<number>;
  /** What this start did about changes the search index may have missed while no stack ran. */
  recovery: StartupRecovery;
  /** Waits until every write so far is indexed and searchable. */
  drain(): Promise<DrainResult>;
  stop(): Promise<void>;
}

export interface StartupRecovery {
  /** Changes captured (and acknowledged) by an earlier run that had not reached the indexer, delivered again from the stream journal. */
  redelivered: number;
  /**
   * The reconciliation of the index with the table, run once those were delivered; 'new DATA_DIR'
   * when this start created the data and the stream delivered every change of it (nothing can
   * differ); undefined when the application has no reconciliation.
   */
  reconciled: ReconcileSummary | 'new DATA_DIR' | undefined;
}

const STREAM_FUNCTION_NAME = 'index-stream';
/** Writes acknowledged before a stop still reach the index, unless the indexer is stuck. */
const STOP_DRAIN_TIMEOUT_MS = 30_000;

/**
 * The whole directory on this machine, wired as in AWS: DynamoDB (dynalite) is the source of
 * truth; every committed write to the programs table becomes a stream record that the real
 * indexer Lambda handler applies to OpenSearch; the real API handlers serve HTTP behind an
 * API Gateway stand-in whose JWT authorizer trusts the local identity provider (the user pool's
 * stand-in, key under `dataDir`/auth). Data lives under `dataDir` and survives restarts.
 *
 * Sets DYNAMODB_ENDPOINT (the change-capture proxy), OPENSEARCH_URL, PROGRAMS_TABLE,
 * SEARCH_INDEX_ALIAS, CURSOR_SIGNING_KEY and the local defaults (local-environment.ts) in
 * process.env (restored by stop()), for the handlers it runs in process; publishes where the
 * engines are in DATA_DIR/stack.json for other commands.
 */
export async function startStack(options: StackOptions): Promise<RunningStack> {
  const log = options.log ?? ((line) => console.log(line));
  const dataDir = resolve(options.dataDir);
  // Before the engines create their directories: a new DATA_DIR with engines of its own holds
  // nothing an earlier run could have left unindexed (servers named in the environment might).
  const newDataDir = !existsSync(join(dataDir, 'dynamodb')) && !process.env.DYNAMODB_ENDPOINT && !process.env.OPENSEARCH_URL;
  await mkdir(dataDir, { recursive: true });
  const running = readStackState(dataDir);
  if (running && running.pid !== process.pid) {
    throw new Error(`A stack is already running on ${dataDir} (pid ${running.pid}, ${running.apiUrl}); stop it first`);
  }

  const environment = new EnvironmentOverrides();
  for (const [name, value] of Object.entries(LOCAL_DEFAULTS)) environment.setDefault(name, value);
  const region = process.env.AWS_REGION!;
  // Cursors are sealed with this key (functions/config/cursor-config.ts); one per run is enough,
  // as a restart only sends a client following an old cursor back to the first page.
  environment.setDefault('CURSOR_SIGNING_KEY', randomBytes(32).toString('base64url'));
  const table = environment.set('PROGRAMS_TABLE', options.table ?? process.env.PROGRAMS_TABLE ?? LOCAL_TABLE);
  const alias = environment.set('SEARCH_INDEX_ALIAS', options.alias ?? process.env.SEARCH_INDEX_ALIAS ?? LOCAL_SEARCH_INDEX_ALIAS);

  // Undone in reverse order by stop(), or right away when starting fails half-way.
  const shutdownSteps: { name: string; run: () => Promise<void> }[] = [];
  const shutdown = async () => {
    for (const step of shutdownSteps.splice(0).reverse()) {
      try {
        await step.run();
      } catch (error) {
        log(`Stopping ${step.name} failed: ${String(error)}`);
      }
    }
    environment.restore();
  };

  try {
    log(`Starting DynamoDB (dynalite) and OpenSearch; data in ${dataDir}`);
    const [dynamoDb, openSearch] = await Promise.allSettled([startDynamoDb({ dataDir }), startOpenSearch({ dataDir, log })]);
    if (dynamoDb.status === 'fulfilled') shutdownSteps.push({ name: 'DynamoDB', run: () => dynamoDb.value.stop() });
    if (openSearch.status === 'fulfilled') shutdownSteps.push({ name: 'OpenSearch', run: () => openSearch.value.stop() });
    if (dynamoDb.status === 'rejected') throw dynamoDb.reason;
    if (openSearch.status === 'rejected') throw openSearch.reason;
    environment.set('OPENSEARCH_URL', openSearch.value.url);
    options.signal?.throwIfAborted();

    // Changes an earlier run captured but never delivered (it was killed) go first, before anything new.
    const { journal, unsettled } = await StreamJournal.open({ directory: join(dataDir, 'stream', table), log });
    shutdownSteps.push({ name: 'stream journal', run: () => journal.close() });
    if (unsettled.length > 0) log(`Delivering ${unsettled.length.toLocaleString('en-US')} changes an earlier run captured but never indexed (stream journal)`);

    // The application can only be imported once DYNAMODB_ENDPOINT names the proxy, and the
    // proxy needs the mapping first; the mapping's first delivery waits for the indexer to load.
    const loaded: { application?: LocalApplication } = {};
    const indexer = deferred<LocalApplication>();
    const mapping = new EventSourceMapping({
      functionName: STREAM_FUNCTION_NAME,
      handler: async (event, context) => (await indexer.promise).indexStream(event, context),
      deadLetters: new DeadLetterFile(join(dataDir, 'stream-dlq.ndjson')),
      journal,
      log,
    });
    mapping.recover(unsettled);
    shutdownSteps.push({
      name: 'stream delivery',
      run: () => {
        // A delivery waiting for an indexer that never loaded fails, and stays in the journal.
        indexer.reject(new Error('The stack stopped before the indexer loaded'));
        return mapping.stop();
      },
    });
    const proxy = await startChangeCaptureProxy({
      upstreamEndpoint: dynamoDb.value.endpoint,
      region,
      streams: new Map([[table, mapping]]),
      lastSequenceNumber: journal.lastSequenceNumber,
      afterDrain: async () => loaded.application?.refreshSearchIndex(),
      log,
    });
    shutdownSteps.push({ name: 'change-capture proxy', run: () => proxy.stop() });
    environment.set('DYNAMODB_ENDPOINT', proxy.endpoint);

    const app = await (options.loadApplication ?? loadApplication)();
    loaded.application = app;
    indexer.resolve(app);
    shutdownSteps.push({ name: 'application clients', run: async () => app.close() });
    await app.prepareStorage(log);
    options.signal?.throwIfAborted();
    // Acknowledged writes reach the index before OpenSearch goes down.
    shutdownSteps.push({
      name: 'final stream drain',
      run: async () => {
        if ((await withTimeout(proxy.drain(), STOP_DRAIN_TIMEOUT_MS)) === TIMED_OUT) log(`Stream delivery did not finish within ${STOP_DRAIN_TIMEOUT_MS / 1000}s; undelivered changes stay in DynamoDB only`);
      },
    });

    const seeded = await seedOnFirstStart(dataDir, options, app, log, options.signal);
    const delivery = await proxy.drain();
    options.signal?.throwIfAborted();
    // Whatever the journal cannot cover (a kill between a write and its journal line, a DATA_DIR
    // from before the journal, dead-lettered records) is found by comparing the index with the table.
    // A new DATA_DIR whose every write was delivered has nothing to find, and the default seed's
    // 19k programs would cost its first start ~10 s more (target: ready within 45 s).
    const reconciled = newDataDir && delivery.failed === 0 && app.reconcileSearchIndex ? ('new DATA_DIR' as const) : await app.reconcileSearchIndex?.();
    if (reconciled && reconciled !== 'new DATA_DIR') {
      await app.refreshSearchIndex();
      const drift = reconciled.missing + reconciled.stale + reconciled.extra;
      log(
        `Reconciled search with DynamoDB in ${reconciled.seconds.toFixed(1)}s: ${reconciled.scanned.toLocaleString('en-US')} items checked, ` +
          `${drift.toLocaleString('en-US')} differences (missing ${reconciled.missing}, stale ${reconciled.stale}, extra ${reconciled.extra}), ` +
          `${reconciled.repaired.toLocaleString('en-US')} repaired, ${reconciled.failed.toLocaleString('en-US')} failed`,
      );
    }
    options.signal?.throwIfAborted();

    const identityProvider = await openLocalIdentityProvider(authDirectory(dataDir));
    const api = await startApiGatewayAdapter({ port: options.port, routes: app.routes, verifyBearerToken: identityProvider.verifyBearerToken, log });
    shutdownSteps.push({ name: 'API', run: () => api.stop() });

    writeStackState(dataDir, {
      pid: process.pid,
      apiUrl: api.url,
      dynamodbEndpoint: proxy.endpoint,
      opensearchUrl: openSearch.value.url,
      table,
      alias,
      region,
      startedAt: new Date().toISOString(),
    });
    shutdownSteps.push({ name: 'stack.json', run: async () => removeStackState(dataDir, process.pid) });

    let stopping: Promise<void> | undefined;
    return {
      apiUrl: api.url,
      dynamodbEndpoint: proxy.endpoint,
      opensearchUrl: openSearch.value.url,
      table,
      alias,
      dataDir,
      authDir: identityProvider.authDir,
      seeded,
      seedDataset: seededDataset(dataDir),
      countIndexedPrograms: () => app.countIndexedPrograms(),
      recovery: { redelivered: unsettled.length, reconciled },
      drain: () => proxy.drain(),
      stop: () => (stopping ??= shutdown()),
    };
  } catch (error) {
    await shutdown();
    throw error;
  }
}

const SEED_MARKER = 'seeded';

/** The dataset goes in once per DATA_DIR; the marker file records that it did, and which one. */
async function seedOnFirstStart(
  dataDir: string,
  options: Pick<StackOptions, 'seed' | 'demoSize'>,
  application: LocalApplication,
  log: (line: string) => void,
  signal: AbortSignal | undefined,
): Promise<SeedSummary | undefined> {
  const marker = join(dataDir, SEED_MARKER);
  const { seed } = options;
  if (seed === 'none') return undefined;
  if (existsSync(marker) && !seededWithRetiredData(dataDir)) {
    const earlier = seededDataset(dataDir);
    if (earlier !== seed) log(`${dataDir} already holds the ${earlier} dataset; SEED (${seed}) only picks what a fresh DATA_DIR is seeded with`);
    return undefined;
  }
  if (existsSync(marker)) {
    // Seeded before 1.1 with attributes invented for real facilities: they leave search before anything else.
    const archived = await application.retireLegacySeed();
    log(`Archived ${archived.toLocaleString('en-US')} programs of the retired synthetic seed (source samhsa-locator): their attributes were invented`);
  }
  const startedAt = Date.now();
  let lastReport = 0;
  const onProgress = (progress: Readonly<SeedSummary>) => {
    // Thrown from inside the import, so an interrupted seed stops at its next progress report.
    signal?.throwIfAborted();
    if (Date.now() - lastReport < 2_000) return;
    lastReport = Date.now();
    log(`  ${progress.rows.toLocaleString('en-US')} rows read, ${progress.accepted.toLocaleString('en-US')} accepted`);
  };
  let summary: SeedSummary;
  if (seed === 'demo') {
    if (!application.seedDemoData) throw new Error('this application cannot seed demo data');
    const { DEFAULT_DEMO_SIZE } = await import('../seed/demo/demo-programs');
    const count = options.demoSize ?? DEFAULT_DEMO_SIZE;
    log(
      `Seeding ${count.toLocaleString('en-US')} FICTIONAL demo programs (SEED=demo; first start on this DATA_DIR): ` +
        'invented names, addresses and attributes, none of them a real facility...',
    );
    // Expiry dates around today, so "current" and "expiring soon" mean something whenever the demo runs.
    summary = await application.seedDemoData({ count, asOf: new Date().toISOString().slice(0, 10) }, onProgress);
  } else {
    log('Seeding the default dataset (first start on this DATA_DIR): SAMHSA National Directory, locator coordinates, CA DHCS licences...');
    summary = await application.seedDefaultData(onProgress);
    for (const line of summary.report ?? []) log(line);
  }
  writeFileSync(marker, `${JSON.stringify({ seededAt: new Date().toISOString(), dataset: seed, ...pickCounts(summary) })}\n`);
  log(
    `Seeded ${summary.accepted.toLocaleString('en-US')} ${seed === 'demo' ? 'fictional demo ' : ''}programs ` +
      `(${summary.rejected.toLocaleString('en-US')} rows rejected) in ${((Date.now() - startedAt) / 1000).toFixed(1)}s`,
  );
  return summary;
}

/**
 * Markers written before contract 1.1 name no dataset: that DATA_DIR holds the retired default
 * seed, real SAMHSA facilities with synthesised attributes, which must not be served again.
 */
function seededWithRetiredData(dataDir: string): boolean {
  try {
    return !('dataset' in (JSON.parse(readFileSync(join(dataDir, SEED_MARKER), 'utf8')) as object));
  } catch {
    return false;
  }
}

/** What the marker says DATA_DIR was seeded with; markers older than the demo dataset mean the default one. */
function seededDataset(dataDir: string): SeedDataset | undefined {
  const marker = join(dataDir, SEED_MARKER);
  if (!existsSync(marker)) return undefined;
  try {
    const { dataset } = JSON.parse(readFileSync(marker, 'utf8')) as { dataset?: unknown };
    return dataset === 'demo' ? 'demo' : 'default';
  } catch {
    return 'default';
  }
}

function pickCounts(summary: SeedSummary): SeedSummary {
  return { rows: summary.rows, accepted: summary.accepted, rejected: summary.rejected };
}

function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void; reject: (error: Error) => void } {
  let resolve!: (value: T) => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
  // Rejected only at a stop, when nothing may be waiting on it.
  promise.catch(() => undefined);
  return { promise, resolve, reject };
}

/** Environment variables the stack sets, remembered so stop() leaves process.env as it found it. */
class EnvironmentOverrides {
  private readonly original = new Map<string, string | undefined>();

  set(name: string, value: string): string {
    if (!this.original.has(name)) this.original.set(name, process.env[name]);
    process.env[name] = value;
    return value;
  }

  setDefault(name: string, value: string): string {
    return this.set(name, process.env[name] || value);
  }

  restore(): void {
    for (const [name, value] of this.original) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    this.original.clear();
  }
}
