/**
 * The 304 path of contract section 9 over HTTP: a stack of its own (fresh DATA_DIR, the fictional
 * demo programs, BENCH_CACHE_PROGRAMS of them, 15,000 by default), then per scenario the same
 * requests asked again and again through the local API Gateway adapter, p50/p99 of the whole
 * round trip as a client on this machine sees it (one keep-alive connection, one request at a
 * time):
 *
 * - 200: the request without a condition (the body travels; a search's page comes from the
 *   function's page cache after the first round, as for the 304);
 * - 304: the same request with the ETag of that answer in If-None-Match (no body). For a search
 *   the function's page cache (functions/adapters/memory/search-page-cache.ts) holds the page, so
 *   this is one version query to the engine plus the ETag;
 * - 200 after a search: searches only. The same search with a radius 0.000001 miles larger each
 *   time, so that no cached page fits and the function has to search, as it would for every
 *   request without the page cache. (It cannot be timed as a 304: the body differs, if only in
 *   nextCursor, which is bound to the radius.) Without the page cache a 304 would cost about this
 *   much, less the body's transfer.
 *
 * Between the repeated searches, in process: the version query alone and a bare `GET /` of the
 * engine, under the same load, to tell the engine's share of a 304 from the function's.
 *
 * Target: a search's 304 p50 <= 2 ms. Usage: npm run bench:cache (BENCH_CACHE_PROGRAMS,
 * BENCH_CACHE_ITERATIONS, default 400; BENCH_CACHE_WARMUP_SECONDS, default 30, of untimed requests
 * over every scenario first).
 */
import { Agent, request } from 'node:http';
import { cpus, loadavg } from 'node:os';
import { stackClients } from '../cli/stack-clients';
import { OpenSearchSearchIndex } from '../functions/adapters/opensearch/opensearch-search-index';
import { DEFAULT_DEMO_SIZE } from '../seed/demo/demo-programs';
import { measureImport } from './import-throughput';
import { startOwnStack } from './own-stack';
import { summarize, type LatencySummary } from './percentiles';
import { CITY_ZIPS } from './scenarios';

const TARGET_304_P50_MS = 2;

function positiveInteger(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${name} must be a positive integer, not ${raw}`);
  return value;
}

const iterations = positiveInteger('BENCH_CACHE_ITERATIONS', 400);
const warmupSeconds = positiveInteger('BENCH_CACHE_WARMUP_SECONDS', 30);
const log = (line: string) => process.stderr.write(`${line}\n`);

interface Scenario {
  label: string;
  /** Cycled through, one per request, so each figure is over several distinct answers. */
  paths: string[];
  /** Searches are held to the target; the bundled-data routes are shown for comparison. */
  search: boolean;
}

const search = (query: Record<string, string>) => `/v1/programs?${new URLSearchParams(query).toString()}`;
const SCENARIOS: Scenario[] = [
  { label: 'search: zip + radius 25', search: true, paths: CITY_ZIPS.map((zip) => search({ zip, radius: '25' })) },
  {
    label: 'search: zip + radius + 3 filters',
    search: true,
    paths: CITY_ZIPS.map((zip) => search({ zip, radius: '25', insurance: 'medicaid', levelOfCare: 'iop', sessionTime: 'evening' })),
  },
  // With a location, like the others, so that the radius can make a search the cache has not seen.
  { label: 'search: q=recovery center + zip', search: true, paths: CITY_ZIPS.map((zip) => search({ q: 'recovery center', zip, radius: '25' })) },
  { label: 'places: q=burl, q=spring, ...', search: false, paths: ['burl', 'spring', 'new y', '9021'].map((q) => `/v1/places?q=${encodeURIComponent(q)}`) },
  { label: 'vocabularies: en, es', search: false, paths: ['/v1/vocabularies?lang=en', '/v1/vocabularies?lang=es'] },
];

interface Exchange {
  status: number;
  etag: string | undefined;
  bytes: number;
  ms: number;
}

const agent = new Agent({ keepAlive: true, maxSockets: 1 });

function get(baseUrl: string, path: string, headers: Record<string, string> = {}): Promise<Exchange> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const outgoing = request(`${baseUrl}${path}`, { agent, headers }, (response) => {
      let bytes = 0;
      response.on('data', (chunk: Buffer) => (bytes += chunk.length));
      response.once('end', () =>
        resolve({ status: response.statusCode ?? 0, etag: response.headers.etag, bytes, ms: performance.now() - started }),
      );
      response.once('error', reject);
    });
    outgoing.once('error', reject);
    outgoing.end();
  });
}

interface ScenarioFigures {
  label: string;
  search: boolean;
  full: LatencySummary;
  notModified: LatencySummary;
  /** Searches only: 200s that had to search (no page cached for the criteria). */
  fullAfterSearch?: LatencySummary;
  /** Searches only, in process, between the repeated requests: the version query alone, and a bare GET / of the engine. */
  engine?: { versionQuery: LatencySummary; bareGet: LatencySummary };
  meanBodyBytes: number;
}

let uncachedRadius = 0;
/** The same search with a radius no request has used yet: another cache key, the same answer. */
function uncached(path: string): string {
  const url = new URL(path, 'http://bench');
  const radius = Number(url.searchParams.get('radius') ?? '25');
  url.searchParams.set('radius', (radius + ++uncachedRadius * 1e-6).toFixed(6));
  return `${url.pathname}${url.search}`;
}

/** Calls straight to the engine, timed between the HTTP requests so that they see the same load. */
interface EngineProbes {
  versionQuery: () => Promise<unknown>;
  bareGet: () => Promise<unknown>;
}

async function timed(call: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await call();
  return performance.now() - started;
}

async function measure(baseUrl: string, scenario: Scenario, probes: EngineProbes): Promise<ScenarioFigures> {
  const full: number[] = [];
  const notModified: number[] = [];
  const afterSearch: number[] = [];
  const versionQuery: number[] = [];
  const bareGet: number[] = [];
  let bodyBytes = 0;
  const repeated = async (isTimed: boolean) => {
    for (let i = 0; i < iterations; i++) {
      const path = scenario.paths[i % scenario.paths.length]!;
      const answer = await get(baseUrl, path);
      if (answer.status !== 200 || !answer.etag) throw new Error(`${path} answered ${answer.status} without an ETag`);
      const conditional = await get(baseUrl, path, { 'if-none-match': answer.etag });
      // Nothing writes during the run, so every repeat must be a 304 with nothing in it.
      if (conditional.status !== 304 || conditional.bytes !== 0) throw new Error(`${path} with its ETag answered ${conditional.status} (${conditional.bytes} bytes)`);
      const [version, bare] = scenario.search ? [await timed(probes.versionQuery), await timed(probes.bareGet)] : [];
      if (!isTimed) continue;
      if (version !== undefined && bare !== undefined) {
        versionQuery.push(version);
        bareGet.push(bare);
      }
      full.push(answer.ms);
      notModified.push(conditional.ms);
      bodyBytes += answer.bytes;
    }
  };
  // Apart from the repeated ones, so that the engine's work on these does not spill into their timings.
  const searched = async (isTimed: boolean) => {
    for (let i = 0; i < iterations; i++) {
      const path = uncached(scenario.paths[i % scenario.paths.length]!);
      const fresh = await get(baseUrl, path);
      if (fresh.status !== 200) throw new Error(`${path} answered ${fresh.status}`);
      if (isTimed) afterSearch.push(fresh.ms);
    }
  };
  // Each first untimed, as warm-up: JIT on both sides, engine caches, the connection.
  await repeated(false);
  await repeated(true);
  if (scenario.search) {
    await searched(false);
    await searched(true);
  }
  return {
    label: scenario.label,
    search: scenario.search,
    full: summarize(full),
    notModified: summarize(notModified),
    ...(scenario.search ? { fullAfterSearch: summarize(afterSearch), engine: { versionQuery: summarize(versionQuery), bareGet: summarize(bareGet) } } : {}),
    meanBodyBytes: bodyBytes / full.length,
  };
}

const loadBefore = loadavg();
log(`starting a stack on a fresh DATA_DIR (load average ${loadBefore.map((value) => value.toFixed(2)).join(' ')})`);
const own = await startOwnStack(log);
const figures: ScenarioFigures[] = [];
let programs = 0;
try {
  const { openSearchClient: client, openSearchConfig } = stackClients();
  const count = positiveInteger('BENCH_CACHE_PROGRAMS', DEFAULT_DEMO_SIZE);
  log(`importing ${count} fictional demo programs until searchable`);
  programs = (await measureImport({ client, alias: openSearchConfig.SEARCH_INDEX_ALIAS, programs: count, log })).publishedInIndex;
  // Nothing may change the data while the figures are taken: a change would (rightly) empty the page cache.
  await own.stack.drain();
  // A fresh import leaves the engine merging segments for a while; each merge replaces the reader,
  // and with it the engine's request cache behind the version query. Figures are for an index at rest.
  log(`warming up for ${warmupSeconds} s over every scenario`);
  const warmUntil = performance.now() + warmupSeconds * 1000;
  for (let i = 0; performance.now() < warmUntil; i++) {
    for (const scenario of SCENARIOS) await get(own.stack.apiUrl, scenario.paths[i % scenario.paths.length]!);
  }
  const index = new OpenSearchSearchIndex(client, openSearchConfig.SEARCH_INDEX_ALIAS);
  const probes: EngineProbes = { versionQuery: () => index.dataVersion(), bareGet: () => client.info() };
  for (const scenario of SCENARIOS) {
    log(`${scenario.label}: ${iterations} x (GET, GET with If-None-Match), after as many untimed`);
    const row = await measure(own.stack.apiUrl, scenario, probes);
    figures.push(row);
    log(`  200 p50 ${row.full.p50.toFixed(2)} ms, 304 p50 ${row.notModified.p50.toFixed(2)} ms (p99 ${row.notModified.p99.toFixed(2)})${row.fullAfterSearch ? `, 200 after a search p50 ${row.fullAfterSearch.p50.toFixed(2)} ms` : ''}`);
  }
} finally {
  agent.destroy();
  await own.stop();
}

const ms = (value: number | undefined) => (value === undefined ? '-' : value.toFixed(2)).padStart(7);
const lines = [
  `Caching (contract 9) over HTTP through the local adapter, ${programs.toLocaleString('en-US')} programs, ${iterations} timed requests per column, ${cpus().length} CPUs`,
  `${'scenario'.padEnd(34)} ${'200 p50'.padStart(7)} ${'200 p99'.padStart(7)} ${'304 p50'.padStart(7)} ${'304 p99'.padStart(7)}   200 after a search p50 / p99   body`,
  ...figures.map(
    (row) =>
      `${row.label.padEnd(34)} ${ms(row.full.p50)} ${ms(row.full.p99)} ${ms(row.notModified.p50)} ${ms(row.notModified.p99)}   ${ms(row.fullAfterSearch?.p50)} / ${ms(row.fullAfterSearch?.p99)}`.padEnd(96) +
      `${Math.round(row.meanBodyBytes).toLocaleString('en-US')} B` +
      (row.search ? (row.notModified.p50 <= TARGET_304_P50_MS ? '  (304 p50 meets 2 ms)' : '  (304 p50 MISSES 2 ms)') : ''),
  ),
  ...figures
    .filter((row) => row.engine)
    .map(
      (row) =>
        `${row.label.padEnd(34)} engine, in process between those requests: the version query p50 ${row.engine!.versionQuery.p50.toFixed(2)} / p99 ${row.engine!.versionQuery.p99.toFixed(2)} ms, ` +
        `a bare GET / p50 ${row.engine!.bareGet.p50.toFixed(2)} / p99 ${row.engine!.bareGet.p99.toFixed(2)} ms`,
    ),
  `load average before ${loadBefore.map((value) => value.toFixed(2)).join(' ')}, after ${loadavg().map((value) => value.toFixed(2)).join(' ')}`,
  'JSON',
  JSON.stringify({ when: new Date().toISOString(), programs, iterations, targetNotModifiedP50Ms: TARGET_304_P50_MS, figures }),
];
process.stdout.write(`${lines.join('\n')}\n`);
