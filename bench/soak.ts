/**
 * `npm run bench:soak`: SOAK_MINUTES (default 10) of mixed public traffic (searches, gets by id,
 * place suggestions) over HTTP at SOAK_CONCURRENCY (default 32) keep-alive connections against a
 * stack started the way `npm start` starts one (`tsx local/start.ts`, SEED=demo, a fresh temp
 * DATA_DIR), with an import of fictional demo programs (`npm run import` in its own process) and a
 * reindex (`npm run reindex`) overlapping in the middle. Every demo program is invented
 * (seed/demo): no real facility is ever loaded.
 *
 * Reported per minute: requests/s, p50/p99, errors (any status other than 2xx/304, and failed
 * connections; the 404s of deliberate gets of unknown ids are expected and counted apart), and the
 * resident set (VmRSS) of each process of the stack: the node process serving the API (with the
 * stream emulation), the OpenSearch JVM and dynalite. At the end, against the targets: total
 * errors = 0, lost writes = 0 (every program the soak imported is in the store and served by
 * `GET /v1/programs/{id}`, and the store's published programs equal the index's), and RSS growth
 * after minute 1 <= 10% for each process.
 * Progress goes to stderr; the tables and the final JSON blob go to stdout.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { Agent, get as httpGet } from 'node:http';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEMO_SOURCE } from '../functions/domain/demo-source';
import { programIdFor } from '../functions/domain/program-id';
import { DEFAULT_DEMO_SIZE, demoProgram } from '../seed/demo/demo-programs';
import { useStackEnvironment } from '../cli/stack-clients';
import { readStackState, resolveStackEnvironment, type StackState } from '../cli/stack-state';
import { importDependencies } from '../seed/import-dependencies';
import { undoOnInterrupt } from './interrupts';
import { removeIfWeDie } from './leftovers';
import { summarize, type LatencySummary } from './percentiles';
import { mulberry32 } from './prng';
import { rounded, table, verdict } from './report';
import { CITY_ZIPS, SCENARIOS, type Query } from './scenarios';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const TSX = path.join(ROOT, 'node_modules/.bin/tsx');

export const SOAK_TARGETS = {
  errors: 0,
  lostWrites: 0,
  /** Resident set at the end over the resident set at the end of minute 1, for each process. */
  rssGrowthAfterMinuteOne: 0.1,
} as const;

const settings = {
  minutes: positiveNumber('SOAK_MINUTES', 10),
  concurrency: positiveInteger('SOAK_CONCURRENCY', 32),
  /** Fictional demo programs the stack is seeded with on its first start (SEED=demo, DEMO_SIZE). */
  seedPrograms: positiveInteger('SOAK_SEED_PROGRAMS', DEFAULT_DEMO_SIZE),
  /** Further demo programs (the next record numbers) imported during the soak. */
  importPrograms: positiveInteger('SOAK_IMPORT_PROGRAMS', 3_000),
  /** Where in the soak the import starts, as a share of its duration; the reindex follows it. */
  eventsAt: share('SOAK_EVENTS_AT', 0.4),
  /** Seconds from the import's start to the reindex's: the reindex then loads while the import writes. */
  reindexDelaySeconds: nonNegativeNumber('SOAK_REINDEX_DELAY_SECONDS', 2),
  rssSampleSeconds: positiveNumber('SOAK_RSS_SAMPLE_SECONDS', 5),
  requestTimeoutSeconds: positiveNumber('SOAK_REQUEST_TIMEOUT_SECONDS', 30),
};

const log = (line: string) => process.stderr.write(`${line}\n`);
const startedAt = performance.now();
const loadBefore = loadavg();
const elapsed = () => `${((performance.now() - startedAt) / 1000).toFixed(0)}s`;

// ---------------------------------------------------------------------------------------------
// The request mix

type Kind = 'search' | 'get' | 'places';
const KINDS: readonly Kind[] = ['search', 'get', 'places'];
/** Shares of the mix; a search page 2 (via its cursor) counts as a search. */
const MIX: readonly [Kind, number][] = [
  ['search', 0.55],
  ['get', 0.3],
  ['places', 0.15],
];
/** Share of gets that ask for an id no program has: their 404 is the right answer. */
const UNKNOWN_ID_SHARE = 0.03;
/** Share of searches that follow the `nextCursor` of an earlier search (page 2, 3, ...). */
const NEXT_PAGE_SHARE = 0.1;
const ID_POOL_SIZE = 5_000;

/** Filters people combine with a location, each a value the demo data has (contract sections 2 and 5). */
const FILTERS: readonly Query[] = [
  { insurance: 'medicaid' },
  { insurance: 'private,bcbs' },
  { levelOfCare: 'iop' },
  { levelOfCare: 'iop,php' },
  { sessionTime: 'evening' },
  { acceptingNewPatients: 'true' },
  { language: 'es' },
  { delivery: 'virtual' },
  { ageGroup: 'adolescents' },
  { condition: 'co_occurring' },
  { licensed: 'true' },
  { accreditation: 'joint_commission,carf' },
  { medication: 'buprenorphine' },
  { population: 'veterans' },
];
const NEAR_PLACES = ['Burlington, VT', 'Boston, MA', 'Denver, CO', 'Queens', 'Austin, TX', 'Miami, FL', 'Atlanta, GA', 'Portland, OR'];
const TEXTS = ['recovery center', 'recovry center', 'counseling', 'outpatient program', 'behavioral health'];
/** What people type into a place box, one prefix at a time. */
const PLACE_NAMES = [
  'Burlington, VT',
  'Springfield',
  'Los Angeles',
  'Chicago',
  'Houston',
  'Phoenix',
  'Philadelphia',
  'San Antonio',
  'San Diego',
  'Dallas',
  'Seattle',
  'Queens',
  'Boston',
  'Denver',
  'Miami',
  'Atlanta',
  'New York',
  'Saint Louis, MO',
  'Albuquerque',
  ...CITY_ZIPS,
];
/** The timed scenarios' location and map queries (bench/scenarios.ts), cursor scenarios left to NEXT_PAGE_SHARE. */
const SCENARIO_QUERIES = SCENARIOS.filter((scenario) => !scenario.cursorDepth).flatMap((scenario) => scenario.queries);

interface Planned {
  kind: Kind;
  path: string;
  /** A 404 is the right answer (a get of an id no program has). */
  expect404: boolean;
  /** Collect ids and cursors from the answer. */
  harvest: boolean;
}

class TrafficMix {
  private readonly random = mulberry32(0x50a4);
  private readonly ids: string[] = [];
  private idsSeen = 0;
  private readonly cursors: string[] = [];
  private unknown = 0;

  next(): Planned {
    const kind = this.pickKind();
    if (kind === 'get' && this.ids.length > 0) {
      if (this.random() < UNKNOWN_ID_SHARE) return { kind, path: `/v1/programs/soak-unknown-${++this.unknown}`, expect404: true, harvest: false };
      const id = this.ids[Math.floor(this.random() * this.ids.length)]!;
      return { kind, path: `/v1/programs/${id}`, expect404: false, harvest: false };
    }
    if (kind === 'places') {
      const name = this.pick(PLACE_NAMES);
      const prefix = name.slice(0, 1 + Math.floor(this.random() * name.length)).trimEnd();
      return { kind, path: `/v1/places?${new URLSearchParams({ q: prefix, limit: this.random() < 0.5 ? '5' : '8' })}`, expect404: false, harvest: false };
    }
    // A search (also the fallback of a get before any search has answered).
    if (this.cursors.length > 0 && this.random() < NEXT_PAGE_SHARE) {
      const [query] = this.cursors.splice(Math.floor(this.random() * this.cursors.length), 1);
      return { kind: 'search', path: `/v1/programs?${query}`, expect404: false, harvest: true };
    }
    return { kind: 'search', path: `/v1/programs?${new URLSearchParams(this.searchQuery())}`, expect404: false, harvest: true };
  }

  /** Keeps ids (for gets) and next-page queries (for paging) from a search answer. */
  harvest(path: string, body: string): void {
    let page: { results?: { id?: unknown }[]; nextCursor?: unknown };
    try {
      page = JSON.parse(body) as typeof page;
    } catch {
      return;
    }
    for (const result of page.results ?? []) {
      if (typeof result.id !== 'string') continue;
      // Reservoir sampling: every id seen has the same chance to be in the pool.
      this.idsSeen++;
      if (this.ids.length < ID_POOL_SIZE) this.ids.push(result.id);
      else {
        const slot = Math.floor(this.random() * this.idsSeen);
        if (slot < ID_POOL_SIZE) this.ids[slot] = result.id;
      }
    }
    if (typeof page.nextCursor === 'string' && this.cursors.length < 200) {
      const query = new URLSearchParams(path.slice(path.indexOf('?') + 1));
      query.set('cursor', page.nextCursor);
      this.cursors.push(query.toString());
    }
  }

  private searchQuery(): Query {
    const roll = this.random();
    if (roll < 0.2) return this.pick(SCENARIO_QUERIES);
    if (roll < 0.3) return { q: this.pick(TEXTS), ...this.filters(1) };
    if (roll < 0.4) return { near: this.pick(NEAR_PLACES), ...this.filters(2) };
    const radius = this.pick(['10', '25', '25', '50']);
    return { zip: this.pick(CITY_ZIPS), radius, ...this.filters(3), ...(this.random() < 0.2 ? { limit: '50' } : {}) };
  }

  private filters(most: number): Query {
    const count = Math.floor(this.random() * (most + 1));
    return Object.assign({}, ...Array.from({ length: count }, () => this.pick(FILTERS))) as Query;
  }

  private pickKind(): Kind {
    let roll = this.random();
    for (const [kind, weight] of MIX) {
      if ((roll -= weight) < 0) return kind;
    }
    return 'search';
  }

  private pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.random() * items.length)]!;
  }
}

// ---------------------------------------------------------------------------------------------
// HTTP

interface Answer {
  status: number;
  body: string;
}

function httpClient(apiUrl: string, connections: number) {
  const url = new URL(apiUrl);
  const agent = new Agent({ keepAlive: true, maxSockets: connections, maxFreeSockets: connections });
  const timeoutMs = settings.requestTimeoutSeconds * 1000;
  return {
    agent,
    get(pathAndQuery: string): Promise<Answer> {
      return new Promise((resolve, reject) => {
        const request = httpGet({ host: url.hostname, port: url.port, path: pathAndQuery, agent }, (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
          response.on('error', reject);
        });
        request.setTimeout(timeoutMs, () => request.destroy(new Error(`no answer within ${settings.requestTimeoutSeconds} s`)));
        request.on('error', reject);
      });
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Measurements

interface KindCounters {
  requests: number;
  errors: number;
  expected404: number;
  latencies: number[];
}

interface MinuteBucket {
  kinds: Record<Kind, KindCounters>;
  errorsByCause: Record<string, number>;
}

function emptyBucket(): MinuteBucket {
  const kinds = Object.fromEntries(KINDS.map((kind) => [kind, { requests: 0, errors: 0, expected404: 0, latencies: [] }])) as unknown as Record<Kind, KindCounters>;
  return { kinds, errorsByCause: {} };
}

type ProcessName = 'node' | 'opensearch' | 'dynalite';
const PROCESS_NAMES: readonly ProcessName[] = ['node', 'opensearch', 'dynalite'];
const PROCESS_LABELS: Record<ProcessName, string> = { node: 'node stack', opensearch: 'OpenSearch JVM', dynalite: 'dynalite' };

interface RssSample {
  /** Seconds since the traffic started. */
  at: number;
  bytes: Record<ProcessName, number>;
}

/** VmRSS of a process in bytes, NaN when it is gone. */
async function residentBytes(pid: number): Promise<number> {
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const kilobytes = /^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1];
    return kilobytes === undefined ? Number.NaN : Number(kilobytes) * 1024;
  } catch {
    return Number.NaN;
  }
}

/** The stack's processes: the node process that wrote stack.json, and its OpenSearch and dynalite children. */
async function stackProcesses(state: StackState): Promise<Record<ProcessName, number>> {
  const found: Partial<Record<ProcessName, number>> = { node: state.pid };
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = await readFile(`/proc/${entry}/stat`, 'utf8');
      // The command name is in parentheses and may hold spaces; the parent pid is the second field after it.
      const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (parent !== state.pid) continue;
      const commandLine = (await readFile(`/proc/${entry}/cmdline`, 'utf8')).split('\0').join(' ');
      if (commandLine.includes('LocalOpenSearch')) found.opensearch = Number(entry);
      else if (commandLine.includes('dynalite-server')) found.dynalite = Number(entry);
    } catch {
      // Gone between the listing and the read.
    }
  }
  for (const name of PROCESS_NAMES) if (found[name] === undefined) throw new Error(`cannot find the stack's ${PROCESS_LABELS[name]} process (stack pid ${state.pid})`);
  return found as Record<ProcessName, number>;
}

// ---------------------------------------------------------------------------------------------
// The stack, started the way `npm start` starts it

interface StartedStack {
  state: StackState;
  dataDir: string;
  launcherPid: number;
  readySeconds: number;
  readyLine: string;
  stop(): Promise<void>;
}

async function startStackProcess(workDir: string): Promise<StartedStack> {
  const dataDir = path.join(workDir, 'data');
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATA_DIR: dataDir,
    PORT: '0',
    SEED: 'demo',
    DEMO_SIZE: String(settings.seedPrograms),
    POWERTOOLS_METRICS_DISABLED: 'true',
  };
  // Servers named in the environment hold someone else's data; the soak starts its own engines.
  delete env.OPENSEARCH_URL;
  delete env.DYNAMODB_ENDPOINT;
  const stackLog = path.join(workDir, 'stack.log');
  const output = createWriteStream(stackLog);
  const started = performance.now();
  const child = spawn(TSX, [path.join(ROOT, 'local/start.ts')], { env, cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      // start.ts stops cleanly on SIGINT: drains the stream, then stops OpenSearch and dynalite.
      child.kill('SIGINT');
      const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
      await exited;
      clearTimeout(timer);
      output.end();
    })());

  const readyLine = await new Promise<string>((resolve, reject) => {
    let pending = '';
    const timer = setTimeout(() => reject(new Error(`the stack was not ready within 600 s; its output is in ${stackLog}`)), 600_000);
    const onData = (chunk: Buffer) => {
      output.write(chunk);
      pending += chunk.toString('utf8');
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        // Everything after the ready line goes to the log file only: a soak's stderr is its progress.
        if (stopping === undefined && !line.startsWith('{')) log(`  stack: ${line}`);
        if (line.includes(' ready on ')) {
          clearTimeout(timer);
          resolve(line);
        }
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    void exited.then(([code]) => {
      clearTimeout(timer);
      reject(new Error(`the stack exited (${code}) before it was ready; its output is in ${stackLog}`));
    });
  }).catch(async (error: unknown) => {
    await stop();
    throw error;
  });
  child.stdout.removeAllListeners('data');
  child.stderr.removeAllListeners('data');
  child.stdout.pipe(output, { end: false });
  child.stderr.pipe(output, { end: false });
  void exited.then(([code, signal]) => {
    if (stopping === undefined) log(`[${elapsed()}] THE STACK EXITED during the soak (code ${code}, signal ${signal}); its output is in ${stackLog}`);
  });

  const state = readStackState(dataDir);
  if (!state) {
    await stop();
    throw new Error(`the stack said it was ready but ${dataDir}/stack.json names no running process`);
  }
  return { state, dataDir, launcherPid: child.pid ?? -1, readySeconds: (performance.now() - started) / 1000, readyLine: readyLine.trim(), stop };
}

// ---------------------------------------------------------------------------------------------
// Import and reindex, each through its command in a process of its own

interface CommandRun {
  command: string;
  /** Seconds since the traffic started. */
  startedAt: number;
  endedAt: number;
  exitCode: number | null;
  summary: Record<string, unknown> | undefined;
  stderrTail: string;
}

function runCommandLine(label: string, args: string[], dataDir: string, trafficStart: number): Promise<CommandRun> {
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, POWERTOOLS_METRICS_DISABLED: 'true' };
  delete env.OPENSEARCH_URL;
  delete env.DYNAMODB_ENDPOINT;
  const begun = (performance.now() - trafficStart) / 1000;
  log(`[${elapsed()}] ${label}: ${['tsx', ...args.map((arg) => (arg.startsWith(ROOT) ? path.relative(ROOT, arg) : arg))].join(' ')}`);
  const child: ChildProcess = spawn(TSX, args, { env, cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-4_000)));
  return new Promise((resolve) => {
    child.once('close', (code) => {
      let summary: Record<string, unknown> | undefined;
      try {
        summary = JSON.parse(stdout.trim().split('\n').pop() ?? '') as Record<string, unknown>;
      } catch {
        summary = undefined;
      }
      const ended = (performance.now() - trafficStart) / 1000;
      log(`[${elapsed()}] ${label} exited ${code} after ${(ended - begun).toFixed(1)} s`);
      resolve({ command: label, startedAt: begun, endedAt: ended, exitCode: code, summary, stderrTail: code === 0 ? '' : stderr });
    });
  });
}

async function writeImportFile(file: string, asOf: string): Promise<string[]> {
  const out = createWriteStream(file);
  const externalIds: string[] = [];
  for (let index = settings.seedPrograms + 1; index <= settings.seedPrograms + settings.importPrograms; index++) {
    const record = demoProgram(index, { asOf });
    externalIds.push(record.externalId);
    if (!out.write(`${JSON.stringify(record)}\n`)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  return externalIds;
}

// ---------------------------------------------------------------------------------------------
// The soak

interface SoakFigures {
  buckets: MinuteBucket[];
  rss: RssSample[];
  pids: Record<ProcessName, number>;
  events: CommandRun[];
  trafficSeconds: number;
}

async function soak(stack: StartedStack, importFile: string): Promise<SoakFigures> {
  const pids = await stackProcesses(stack.state);
  log(`  processes: node stack ${pids.node}, OpenSearch JVM ${pids.opensearch}, dynalite ${pids.dynalite} (launcher ${stack.launcherPid})`);
  const client = httpClient(stack.state.apiUrl, settings.concurrency);
  const mix = new TrafficMix();
  const durationMs = settings.minutes * 60_000;
  const buckets = Array.from({ length: Math.ceil(settings.minutes) }, emptyBucket);
  const rss: RssSample[] = [];
  const trafficStart = performance.now();
  const deadline = trafficStart + durationMs;
  const sinceStart = () => (performance.now() - trafficStart) / 1000;
  const bucketAt = (now: number) => buckets[Math.min(buckets.length - 1, Math.floor((now - trafficStart) / 60_000))]!;

  const sample = async () => {
    const at = sinceStart();
    const values = await Promise.all(PROCESS_NAMES.map((name) => residentBytes(pids[name])));
    rss.push({ at, bytes: Object.fromEntries(PROCESS_NAMES.map((name, position) => [name, values[position]!])) as Record<ProcessName, number> });
  };
  await sample();
  const sampler = setInterval(() => void sample(), settings.rssSampleSeconds * 1000);

  // Progress every 10 s: what the last 10 s did.
  let window = { requests: 0, errors: 0, latencies: [] as number[] };
  const progress = setInterval(() => {
    const { requests, errors, latencies } = window;
    window = { requests: 0, errors: 0, latencies: [] };
    const last = rss.at(-1);
    const mb = (name: ProcessName) => (last ? (last.bytes[name] / 2 ** 20).toFixed(0) : '?');
    log(
      `[${elapsed()}] t=${sinceStart().toFixed(0)}s ${(requests / 10).toFixed(0)} req/s, p50 ${summarize(latencies).p50.toFixed(1)} ms, p99 ${summarize(latencies).p99.toFixed(1)} ms, ` +
        `${errors} errors; RSS MiB node ${mb('node')}, OpenSearch ${mb('opensearch')}, dynalite ${mb('dynalite')}`,
    );
  }, 10_000);

  let totalErrors = 0;
  const record = (planned: Planned, began: number, status: number | string) => {
    const now = performance.now();
    const counters = bucketAt(now).kinds[planned.kind];
    counters.requests++;
    window.requests++;
    const latency = now - began;
    counters.latencies.push(latency);
    window.latencies.push(latency);
    const ok = typeof status === 'number' && (planned.expect404 ? status === 404 : (status >= 200 && status < 300) || status === 304);
    if (ok && planned.expect404) counters.expected404++;
    if (ok) return;
    counters.errors++;
    window.errors++;
    const cause = `${planned.kind} ${status}`;
    const errorsByCause = bucketAt(now).errorsByCause;
    errorsByCause[cause] = (errorsByCause[cause] ?? 0) + 1;
    if (totalErrors++ < 10) log(`  error: GET ${planned.path} -> ${status}`);
  };

  const worker = async () => {
    while (performance.now() < deadline) {
      const planned = mix.next();
      const began = performance.now();
      try {
        const answer = await client.get(planned.path);
        record(planned, began, answer.status);
        if (planned.harvest && answer.status === 200) mix.harvest(planned.path, answer.body);
        if (answer.status >= 500 && totalErrors <= 10) log(`    ${answer.body.slice(0, 300)}`);
      } catch (error) {
        record(planned, began, (error as NodeJS.ErrnoException).code ?? (error as Error).message);
      }
    }
  };

  // The import, then the reindex while the import still writes.
  const eventsStartMs = durationMs * settings.eventsAt;
  const events = (async () => {
    await sleepUntil(trafficStart + eventsStartMs);
    const imported = runCommandLine('import', [path.join(ROOT, 'seed/import-cli.ts'), importFile, '--json', '--source', DEMO_SOURCE], stack.dataDir, trafficStart);
    await sleepUntil(trafficStart + eventsStartMs + settings.reindexDelaySeconds * 1000);
    const reindexed = runCommandLine('reindex', [path.join(ROOT, 'ops/reindex-cli.ts'), '--json'], stack.dataDir, trafficStart);
    return Promise.all([imported, reindexed]);
  })();

  log(`[${elapsed()}] soaking for ${settings.minutes} min at ${settings.concurrency} connections; import at ${(eventsStartMs / 1000).toFixed(0)} s, reindex ${settings.reindexDelaySeconds} s later`);
  await Promise.all(Array.from({ length: settings.concurrency }, worker));
  const trafficSeconds = sinceStart();
  clearInterval(progress);
  await sample();
  clearInterval(sampler);
  log(`[${elapsed()}] traffic stopped after ${trafficSeconds.toFixed(0)} s; waiting for the import and the reindex if still running`);
  const eventRuns = await events;
  client.agent.destroy();
  return { buckets, rss, pids, events: eventRuns, trafficSeconds };
}

// ---------------------------------------------------------------------------------------------
// Lost writes

interface WriteCheck {
  imported: number;
  /** Imported programs missing from the store (or not published there). */
  missingInStore: number;
  /** Imported programs `GET /v1/programs/{id}` did not serve (404 or another answer). */
  missingInIndex: number;
  lostWrites: number;
  lostSample: string[];
  storePublished: number;
  /** Every program item in the store, archived ones included (the index keeps those as tombstones). */
  storePrograms: number;
  /** OpenSearch's `_count` on the alias: published programs and tombstones. */
  indexDocuments: number;
  searchTotal: number | undefined;
  countsMatch: boolean;
  stream: { delivered: number; failed: number } | undefined;
}

async function checkWrites(stack: StartedStack, externalIds: readonly string[]): Promise<WriteCheck> {
  const environment = resolveStackEnvironment(stack.dataDir, {});
  // Everything acknowledged so far reaches the index first.
  const drained = await fetch(new URL('/_local/stream/drain', environment.DYNAMODB_ENDPOINT), { method: 'POST' });
  const stream = drained.ok ? ((await drained.json()) as { delivered: number; failed: number }) : undefined;

  useStackEnvironment(environment);
  const published = new Set<string>();
  let storePrograms = 0;
  for await (const page of importDependencies().store.scanAll()) {
    storePrograms += page.length;
    for (const program of page) if (program.status === 'published') published.add(program.id);
  }
  const countResponse = await fetch(`${environment.OPENSEARCH_URL}/${environment.SEARCH_INDEX_ALIAS}/_count`);
  const indexDocuments = ((await countResponse.json()) as { count: number }).count;

  const client = httpClient(stack.state.apiUrl, settings.concurrency);
  const everything = await client.get('/v1/programs?limit=1');
  const searchTotal = everything.status === 200 ? (JSON.parse(everything.body) as { total: number }).total : undefined;

  const expected = externalIds.map((externalId) => ({ externalId, id: programIdFor(DEMO_SOURCE, externalId) }));
  const missingInStore = expected.filter(({ id }) => !published.has(id));
  const missingInIndex: string[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: settings.concurrency }, async () => {
      while (next < expected.length) {
        const { externalId, id } = expected[next++]!;
        const answer = await client.get(`/v1/programs/${id}`).catch((error: Error) => ({ status: 0, body: error.message }));
        const served = answer.status === 200 && (JSON.parse(answer.body) as { externalId?: string }).externalId === externalId;
        if (!served) missingInIndex.push(`${externalId} (${answer.status})`);
      }
    }),
  );
  client.agent.destroy();
  const lost = new Set([...missingInStore.map(({ externalId }) => externalId), ...missingInIndex.map((entry) => entry.split(' ')[0]!)]);
  return {
    imported: expected.length,
    missingInStore: missingInStore.length,
    missingInIndex: missingInIndex.length,
    lostWrites: lost.size,
    lostSample: [...lost].slice(0, 10),
    storePublished: published.size,
    storePrograms,
    indexDocuments,
    searchTotal,
    // What search serves is what the store publishes; every stored program has its document.
    countsMatch: searchTotal === published.size && indexDocuments === storePrograms,
    stream,
  };
}

// ---------------------------------------------------------------------------------------------
// Report

function minuteRows(figures: SoakFigures) {
  return figures.buckets.map((bucket, minute) => {
    const all = KINDS.flatMap((kind) => bucket.kinds[kind].latencies);
    const requests = KINDS.reduce((sum, kind) => sum + bucket.kinds[kind].requests, 0);
    const errors = KINDS.reduce((sum, kind) => sum + bucket.kinds[kind].errors, 0);
    const expected404 = KINDS.reduce((sum, kind) => sum + bucket.kinds[kind].expected404, 0);
    const seconds = Math.min(60, figures.trafficSeconds - minute * 60);
    const end = rssAtOrBefore(figures.rss, (minute + 1) * 60);
    const inMinute = figures.rss.filter((sample) => sample.at > minute * 60 && sample.at <= (minute + 1) * 60 + 1);
    const events = figures.events
      .filter((event) => event.startedAt < (minute + 1) * 60 && event.endedAt >= minute * 60)
      .map((event) => event.command);
    const latency = summarize(all);
    return {
      minute: minute + 1,
      seconds,
      requests,
      requestsPerSecond: requests / seconds,
      p50: latency.p50,
      p99: latency.p99,
      errors,
      expected404,
      errorsByCause: bucket.errorsByCause,
      rssEndBytes: end?.bytes,
      rssMaxBytes: Object.fromEntries(PROCESS_NAMES.map((name) => [name, Math.max(...inMinute.map((sample) => sample.bytes[name]))])) as Record<ProcessName, number>,
      events,
      byKind: Object.fromEntries(KINDS.map((kind) => [kind, { requests: bucket.kinds[kind].requests, errors: bucket.kinds[kind].errors, p50: summarize(bucket.kinds[kind].latencies).p50, p99: summarize(bucket.kinds[kind].latencies).p99 }])),
    };
  });
}

function rssAtOrBefore(samples: readonly RssSample[], at: number): RssSample | undefined {
  // Sampling is every few seconds: the last sample up to a second past the minute's end.
  return samples.filter((sample) => sample.at <= at + 1).at(-1);
}

function rssGrowth(figures: SoakFigures) {
  const baseline = figures.trafficSeconds > 60 ? rssAtOrBefore(figures.rss, 60) : undefined;
  const last = figures.rss.at(-1);
  return Object.fromEntries(
    PROCESS_NAMES.map((name) => {
      const from = baseline?.bytes[name] ?? Number.NaN;
      const to = last?.bytes[name] ?? Number.NaN;
      const growth = to / from - 1;
      return [name, { afterMinuteOneBytes: from, finalBytes: to, growth, pass: Number.isFinite(growth) && growth <= SOAK_TARGETS.rssGrowthAfterMinuteOne }];
    }),
  ) as Record<ProcessName, { afterMinuteOneBytes: number; finalBytes: number; growth: number; pass: boolean }>;
}

/**
 * For reading a MISS above, not a target: growth from the first sample after the import and the
 * reindex ended to the last, i.e. with no new data arriving. Undefined when they ended with the traffic.
 */
function rssGrowthAfterCommands(figures: SoakFigures) {
  const ended = Math.max(...figures.events.map((event) => event.endedAt));
  const from = figures.rss.find((sample) => sample.at >= ended);
  const last = figures.rss.at(-1);
  if (!from || !last || last.at - from.at < 30) return undefined;
  return {
    fromSecond: from.at,
    toSecond: last.at,
    ...Object.fromEntries(PROCESS_NAMES.map((name) => [name, { fromBytes: from.bytes[name], toBytes: last.bytes[name], growth: last.bytes[name] / from.bytes[name] - 1 }])),
  } as { fromSecond: number; toSecond: number } & Record<ProcessName, { fromBytes: number; toBytes: number; growth: number }>;
}

const mib = (value: number | undefined) => (value === undefined || !Number.isFinite(value) ? '-' : (value / 2 ** 20).toFixed(0));
const percent = (value: number) => (Number.isFinite(value) ? `${value >= 0 ? '+' : ''}${(value * 100).toFixed(1)}%` : '-');

function printReport(stack: StartedStack, figures: SoakFigures, writes: WriteCheck): void {
  const minutes = minuteRows(figures);
  const growth = rssGrowth(figures);
  const settled = rssGrowthAfterCommands(figures);
  const kinds = Object.fromEntries(
    KINDS.map((kind) => {
      const latencies = figures.buckets.flatMap((bucket) => bucket.kinds[kind].latencies);
      return [
        kind,
        {
          requests: latencies.length,
          errors: figures.buckets.reduce((sum, bucket) => sum + bucket.kinds[kind].errors, 0),
          expected404: figures.buckets.reduce((sum, bucket) => sum + bucket.kinds[kind].expected404, 0),
          latency: summarize(latencies) as LatencySummary,
        },
      ];
    }),
  ) as Record<Kind, { requests: number; errors: number; expected404: number; latency: LatencySummary }>;
  const totalErrors = minutes.reduce((sum, minute) => sum + minute.errors, 0);
  const totalRequests = minutes.reduce((sum, minute) => sum + minute.requests, 0);
  const errorsByCause: Record<string, number> = {};
  for (const minute of minutes) for (const [cause, count] of Object.entries(minute.errorsByCause)) errorsByCause[cause] = (errorsByCause[cause] ?? 0) + count;
  const eventsOk = figures.events.every((event) => event.exitCode === 0);

  const lines: string[] = [];
  lines.push(
    table(
      `1. Soak: ${settings.minutes} min of mixed traffic at ${settings.concurrency} keep-alive connections (${MIX.map(([kind, weight]) => `${kind} ${Math.round(weight * 100)}%`).join(', ')}), ` +
        `${settings.seedPrograms.toLocaleString('en-US')} fictional demo programs + ${settings.importPrograms.toLocaleString('en-US')} imported\n` +
        '   latency in ms over HTTP (client side, whole body read); errors = any status but 2xx/304 and failed connections; exp 404 = gets of unknown ids (right answer)\n' +
        '   RSS MiB at the end of each minute (VmRSS)',
      ['minute', 'requests', 'req/s', 'p50', 'p99', 'errors', 'exp 404', 'node RSS', 'OpenSearch RSS', 'dynalite RSS', 'during'],
      minutes.map((minute) => [
        minute.minute,
        minute.requests,
        minute.requestsPerSecond,
        minute.p50,
        minute.p99,
        minute.errors,
        minute.expected404,
        mib(minute.rssEndBytes?.node),
        mib(minute.rssEndBytes?.opensearch),
        mib(minute.rssEndBytes?.dynalite),
        minute.events.join(', ') || '-',
      ]),
    ),
  );
  lines.push(
    table(
      '   By kind, whole soak (ms)',
      ['kind', 'requests', 'p50', 'p95', 'p99', 'max', 'errors', 'exp 404'],
      KINDS.map((kind) => [kind, kinds[kind].requests, kinds[kind].latency.p50, kinds[kind].latency.p95, kinds[kind].latency.p99, kinds[kind].latency.max, kinds[kind].errors, kinds[kind].expected404]),
    ),
  );
  lines.push(
    table(
      '   Import and reindex during the soak (seconds since the traffic started)',
      ['command', 'start', 'end', 'exit', 'summary'],
      figures.events.map((event) => [event.command, event.startedAt.toFixed(1), event.endedAt.toFixed(1), String(event.exitCode), eventSummary(event)]),
    ),
  );
  lines.push(
    table(
      '2. Soak targets',
      ['measure', 'value', 'target', 'result'],
      [
        ['errors (whole soak)', `${totalErrors} of ${totalRequests.toLocaleString('en-US')}${Object.keys(errorsByCause).length ? ` (${Object.entries(errorsByCause).map(([cause, count]) => `${cause}: ${count}`).join(', ')})` : ''}`, `= ${SOAK_TARGETS.errors}`, verdict(totalErrors <= SOAK_TARGETS.errors)],
        ['import and reindex exit codes', figures.events.map((event) => `${event.command} ${event.exitCode}`).join(', '), '0', verdict(eventsOk)],
        [
          'lost writes (imported, not in store or not served)',
          `${writes.lostWrites} of ${writes.imported} (store ${writes.missingInStore}, GET ${writes.missingInIndex})`,
          `= ${SOAK_TARGETS.lostWrites}`,
          verdict(writes.lostWrites <= SOAK_TARGETS.lostWrites),
        ],
        [
          'store published / search total; store programs / index docs',
          `${writes.storePublished} / ${writes.searchTotal ?? '-'}; ${writes.storePrograms} / ${writes.indexDocuments}`,
          'equal',
          verdict(writes.countsMatch),
        ],
        ['stream records failed (dead-lettered)', writes.stream ? String(writes.stream.failed) : '-', '0', verdict(writes.stream?.failed === 0)],
        ...PROCESS_NAMES.map((name) => [
          `RSS growth after minute 1: ${PROCESS_LABELS[name]}`,
          `${mib(growth[name].afterMinuteOneBytes)} -> ${mib(growth[name].finalBytes)} MiB (${percent(growth[name].growth)})`,
          `<= +${SOAK_TARGETS.rssGrowthAfterMinuteOne * 100}%`,
          Number.isFinite(growth[name].growth) ? verdict(growth[name].pass) : 'MISS (soak of 1 minute or less)',
        ]),
        ...(settled
          ? PROCESS_NAMES.map((name) => [
              `  for reading: ${PROCESS_LABELS[name]} from ${settled.fromSecond.toFixed(0)} s (import and reindex done) to ${settled.toSecond.toFixed(0)} s`,
              `${mib(settled[name].fromBytes)} -> ${mib(settled[name].toBytes)} MiB (${percent(settled[name].growth)})`,
              '-',
              '-',
            ])
          : []),
      ],
    ),
  );
  if ((loadBefore[0] ?? 0) > 0.5) lines.push('', `Note: the 1-minute load average was ${loadBefore[0]?.toFixed(2)} before the run; something else was using the CPUs.`);

  const verdicts = {
    errors: verdict(totalErrors <= SOAK_TARGETS.errors),
    commands: verdict(eventsOk),
    lostWrites: verdict(writes.lostWrites <= SOAK_TARGETS.lostWrites),
    storeMatchesIndex: verdict(writes.countsMatch),
    rssGrowth: Object.fromEntries(PROCESS_NAMES.map((name) => [name, verdict(growth[name].pass)])),
  };
  const blob = {
    when: new Date().toISOString(),
    machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model, memoryBytes: totalmem(), node: process.version, openSearchJavaOptions: process.env.OPENSEARCH_JAVA_OPTS ?? null, loadAverage: { before: loadBefore, after: loadavg() } },
    settings: { ...settings, mix: Object.fromEntries(MIX), unknownIdShare: UNKNOWN_ID_SHARE, nextPageShare: NEXT_PAGE_SHARE },
    targets: SOAK_TARGETS,
    stack: { readySeconds: stack.readySeconds, pids: figures.pids },
    trafficSeconds: figures.trafficSeconds,
    totals: { requests: totalRequests, errors: totalErrors, errorsByCause, requestsPerSecond: totalRequests / figures.trafficSeconds },
    minutes,
    kinds,
    events: figures.events.map((event) => ({ ...event, stderrTail: event.stderrTail || undefined })),
    writes,
    rssGrowth: growth,
    rssGrowthAfterCommands: settled ?? null,
    rssSamples: figures.rss,
    verdicts,
    seconds: (performance.now() - startedAt) / 1000,
  };
  lines.push('', 'JSON', JSON.stringify(rounded(blob)));
  process.stdout.write(`${lines.join('\n')}\n`);
}

function eventSummary(event: CommandRun): string {
  const summary = event.summary;
  if (!summary) return event.stderrTail.trim().split('\n').at(-1) ?? '-';
  if (event.command === 'import') return `rows ${summary.rows}, accepted ${summary.accepted}, rejected ${summary.rejected}, written ${summary.written}, ${Number(summary.seconds).toFixed(1)} s`;
  return `scanned ${summary.scanned}, indexed ${summary.indexed}, caught up ${summary.caughtUp} (${summary.caughtUpNewer} newer), ${Number(summary.seconds).toFixed(1)} s`;
}

// ---------------------------------------------------------------------------------------------
// Settings from the environment

function positiveInteger(name: string, fallback: number): number {
  const value = positiveNumber(name, fallback);
  if (!Number.isInteger(value)) throw new Error(`${name} must be a positive whole number, not ${process.env[name]}`);
  return value;
}

function positiveNumber(name: string, fallback: number): number {
  const value = nonNegativeNumber(name, fallback);
  if (value <= 0) throw new Error(`${name} must be greater than 0, not ${process.env[name]}`);
  return value;
}

function nonNegativeNumber(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) throw new Error(`${name} must be a number of 0 or more, not ${raw}`);
  return value;
}

function share(name: string, fallback: number): number {
  const value = nonNegativeNumber(name, fallback);
  if (value >= 1) throw new Error(`${name} must be a share of the soak below 1, not ${process.env[name]}`);
  return value;
}

function sleepUntil(when: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, when - performance.now())));
}

// ---------------------------------------------------------------------------------------------

const workDir = await mkdtemp(path.join(tmpdir(), 'iop-soak-'));
const removed = removeIfWeDie(workDir);
let stack: StartedStack | undefined;
const cleanUp = async () => {
  await stack?.stop();
  await rm(workDir, { recursive: true, force: true });
  removed();
};
const unregister = undoOnInterrupt(cleanUp, log);
try {
  const asOf = new Date().toISOString().slice(0, 10);
  const importFile = path.join(workDir, 'soak-import.ndjson');
  log(`[${elapsed()}] writing ${settings.importPrograms} fictional demo programs (records ${settings.seedPrograms + 1}..${settings.seedPrograms + settings.importPrograms}) to import during the soak`);
  const externalIds = await writeImportFile(importFile, asOf);
  log(`[${elapsed()}] starting the stack as npm start does (SEED=demo, DEMO_SIZE=${settings.seedPrograms}, fresh DATA_DIR)`);
  stack = await startStackProcess(workDir);
  log(`[${elapsed()}] ready in ${stack.readySeconds.toFixed(1)} s: ${stack.readyLine}`);
  const figures = await soak(stack, importFile);
  log(`[${elapsed()}] checking for lost writes`);
  const writes = await checkWrites(stack, externalIds);
  log(`[${elapsed()}] stopping the stack and removing its DATA_DIR`);
  unregister();
  await cleanUp();
  printReport(stack, figures, writes);
} finally {
  unregister();
  await cleanUp();
}
// The store's client keeps sockets open; the figures are out, so the process may end. A MISS is
// reported, never hidden, and does not fail the run (as in bench/targets.ts).
process.exit(0);
