/**
 * `npm run bench`: import throughput, search latency at 15k and 200k programs (fictional demo
 * data from seed/demo; BENCH_SEED_PROGRAMS, BENCH_PROGRAMS), and Lambda bundle
 * size and cold-load time, against a stack of its own (every engine real, fresh DATA_DIR).
 * Progress goes to stderr; the tables and the final JSON blob go to stdout.
 */
import { cpus, loadavg, totalmem } from 'node:os';
import { measureBundles, type BundleFigures } from './bundles';
import { measureImport, type ImportFigures } from './import-throughput';
import { measureScenarios, type ScenarioLatency } from './latency';
import { startOwnStack } from './own-stack';
import { bytes, rounded, table, verdict } from './report';
import { scaleUpIndex, type ScaleUpFigures } from './scale-up';
import { SCENARIOS } from './scenarios';
import { TARGETS } from './targets';
import { BUNDLE_BUDGETS } from './bundle-budgets';
import { DEFAULT_DEMO_SIZE } from '../seed/demo/demo-programs';
import { importDependencies } from '../seed/import-dependencies';
import { stackClients } from '../cli/stack-clients';
import { OpenSearchSearchIndex } from '../functions/adapters/opensearch/opensearch-search-index';
import { loadCursorConfig } from '../functions/config/cursor-config';
import { createSearchProgramsHandler } from '../functions/handlers/factories/search-programs';

const settings = {
  iterations: positiveInteger('BENCH_ITERATIONS', 300),
  warmup: positiveInteger('BENCH_WARMUP', 20),
  warmupSeconds: positiveInteger('BENCH_WARMUP_SECONDS', 20),
  scaledPrograms: positiveInteger('BENCH_PROGRAMS', 200_000),
  bulkBatch: positiveInteger('BENCH_BULK_BATCH', 2_000),
  loadRuns: positiveInteger('BENCH_LOAD_RUNS', 7),
  /** Fictional demo programs imported first (seed/demo); the scaled-up index copies them. */
  seedPrograms: positiveInteger('BENCH_SEED_PROGRAMS', DEFAULT_DEMO_SIZE),
};

const log = (line: string) => process.stderr.write(`${line}\n`);
const startedAt = performance.now();
// Two cores leave no room for a neighbour: a load above ~0.5 before the run means noisy figures.
const loadBefore = loadavg();
const elapsed = () => `${((performance.now() - startedAt) / 1000).toFixed(0)}s`;

// Bundles first, while nothing else runs: cold-load times are the figures most disturbed by a
// busy JVM next door.
log(`[${elapsed()}] bundling the Lambda functions and loading each in fresh processes`);
const bundles = await measureBundles({ loadRuns: settings.loadRuns, log });

log(`[${elapsed()}] starting a stack on a fresh DATA_DIR`);
let stack: Awaited<ReturnType<typeof startOwnStack>> | undefined;
let results: Awaited<ReturnType<typeof searchSide>> | undefined;
try {
  stack = await startOwnStack(log);
  results = await searchSide();
} finally {
  log(`[${elapsed()}] stopping the stack and removing its DATA_DIR`);
  await stack?.stop();
}

printReport(results, bundles);

/** Everything that needs the stack, whose clients are built from the environment it has set. */
async function searchSide() {
  const { openSearchClient: client, openSearchConfig } = stackClients();
  const cursorKey = loadCursorConfig(process.env).CURSOR_SIGNING_KEY;
  const alias = openSearchConfig.SEARCH_INDEX_ALIAS;
  // Without the page cache (it would answer the repeated queries from memory): this times searches.
  const handler = createSearchProgramsHandler(new OpenSearchSearchIndex(client, alias, cursorKey));
  const latency = (scenarioLog: string) => {
    log(`[${elapsed()}] ${scenarioLog}`);
    return measureScenarios({ handler, client, alias, cursorKey, scenarios: SCENARIOS, iterations: settings.iterations, warmup: settings.warmup, warmupSeconds: settings.warmupSeconds, log });
  };

  log(`[${elapsed()}] importing ${settings.seedPrograms} fictional demo programs until searchable`);
  const importFigures = await measureImport({ client, alias, programs: settings.seedPrograms, log });
  log(`  ${importFigures.accepted} rows in ${importFigures.seconds.toFixed(1)}s, ${importFigures.publishedInIndex} published in the index`);

  const small = await latency(`search latency at ${importFigures.publishedInIndex} programs`);

  log(`[${elapsed()}] building a ${settings.scaledPrograms}-program index from the stored programs`);
  const scaleUp = await scaleUpIndex({
    client,
    alias,
    store: importDependencies().store,
    target: settings.scaledPrograms,
    batchSize: settings.bulkBatch,
    forceMerge: true,
    log,
  });
  log(`  loaded in ${scaleUp.loadSeconds.toFixed(1)}s, merged in ${scaleUp.mergeSeconds.toFixed(1)}s`);
  const large = await latency(`search latency at ${scaleUp.programs} programs`);
  return { importFigures, small, scaleUp, large };
}

function printReport(search: typeof results, bundleFigures: BundleFigures[]): void {
  if (!search) return;
  const { importFigures, small, scaleUp, large } = search;
  const lines: string[] = [];
  lines.push(importTable(importFigures));
  lines.push(latencyTable(`2a. Search latency at ${importFigures.publishedInIndex.toLocaleString('en-US')} programs (ms; targets are for 200k, shown for reference)`, small));
  lines.push(scaleUpTable(scaleUp));
  lines.push(latencyTable(`2b. Search latency at ${scaleUp.programs.toLocaleString('en-US')} programs (ms)`, large));
  lines.push(bundleTable(bundleFigures));
  if ((loadBefore[0] ?? 0) > 0.5) lines.push('', `Note: the 1-minute load average was ${loadBefore[0]?.toFixed(2)} before the run; something else was using the CPUs.`);
  const blob = {
    when: new Date().toISOString(),
    machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model, memoryBytes: totalmem(), node: process.version, openSearchJavaOptions: process.env.OPENSEARCH_JAVA_OPTS, loadAverage: { before: loadBefore, after: loadavg() } },
    settings,
    targets: TARGETS,
    import: importFigures,
    search: { atSeed: small, scaleUp, atScale: large },
    bundles: bundleFigures,
    verdicts: verdicts(importFigures, large, bundleFigures),
    seconds: (performance.now() - startedAt) / 1000,
  };
  lines.push('', 'JSON', JSON.stringify(rounded(blob)));
  process.stdout.write(`${lines.join('\n')}\n`);
}

function importTable(figures: ImportFigures): string {
  return table(
    '1. Import throughput (fictional demo dataset as native NDJSON, end to end until searchable)',
    ['measure', 'value', 'target', 'result'],
    [
      ['rows read / accepted / rejected', `${figures.rows} / ${figures.accepted} / ${figures.rejected}`, '', ''],
      ['seconds until searchable', figures.seconds.toFixed(2), '', ''],
      ['  of which writing to DynamoDB', figures.storeSeconds.toFixed(2), '', ''],
      ['accepted rows per second', figures.rowsPerSecond.toFixed(0), `>= ${TARGETS.importRowsPerSecond}`, verdict(figures.rowsPerSecond >= TARGETS.importRowsPerSecond)],
      ['published docs in index', String(figures.publishedInIndex), `= ${figures.accepted}`, verdict(figures.searchableMatchesAccepted)],
    ],
  );
}

function latencyMisses(result: ScenarioLatency): string[] {
  const misses: string[] = [];
  if (result.handler.p50 > TARGETS.searchP50Ms) misses.push('p50');
  if (result.handler.p99 > TARGETS.searchP99Ms) misses.push('p99');
  if (result.overhead > TARGETS.handlerOverhead) misses.push('overhead');
  return misses;
}

function latencyTable(title: string, results: ScenarioLatency[]): string {
  return table(
    `${title}\n   handler = search Lambda handler in-process; bare = same body via the same client; took = OpenSearch's own time\n   targets: handler p50 <= ${TARGETS.searchP50Ms}, p99 <= ${TARGETS.searchP99Ms}, overhead (handler p50 / bare p50) <= ${TARGETS.handlerOverhead}x`,
    ['query', 'matches', 'n', 'h p50', 'h p95', 'h p99', 'bare p50', 'bare p95', 'bare p99', 'took p50', 'overhead', 'result'],
    results.map((result) => {
      const misses = latencyMisses(result);
      return [
        result.pageReached !== undefined && result.label.startsWith('page') ? result.label.replace(/^page \d+/, `page ${result.pageReached}`) : result.label,
        result.firstTotal,
        result.handler.n,
        result.handler.p50,
        result.handler.p95,
        result.handler.p99,
        result.bare.p50,
        result.bare.p95,
        result.bare.p99,
        result.engineTookP50,
        `${result.overhead.toFixed(2)}x`,
        misses.length ? `MISS (${misses.join(', ')})` : 'PASS',
      ];
    }),
  );
}

function scaleUpTable(figures: ScaleUpFigures): string {
  return table(
    `   Scaled-up index: ${figures.baseLocations.toLocaleString('en-US')} stored programs copied ${figures.copiesPerLocation.toFixed(1)}x with up to 5 km jitter, bulk-loaded straight into OpenSearch`,
    ['measure', 'value'],
    [
      ['programs', figures.programs.toLocaleString('en-US')],
      ['bulk load + refresh (s)', figures.loadSeconds.toFixed(1)],
      ['documents per second', figures.docsPerSecond.toFixed(0)],
      ['force-merge to 1 segment (s)', figures.mergeSeconds.toFixed(1)],
      ['segments / store size', `${figures.segments} / ${bytes(figures.storeBytes)}`],
    ],
  );
}

function bundleTable(figures: BundleFigures[]): string {
  return table(
    `3. Lambda bundles (esbuild as NodejsFunction: minified ESM, node24, @aws-sdk/* and @aws-lambda-powertools/* external; .map not counted)\n   load = import() of the bundle in a fresh node process, median of ${settings.loadRuns}; own = the same with its externals (the runtime's SDK, the Powertools layer) loaded first`,
    ['function', 'bytes', 'size target', 'load median', 'load min', 'load max', 'own load', 'load target', 'result'],
    figures.map((figure) => {
      const sizeTarget = BUNDLE_BUDGETS[figure.name];
      const sizeOk = figure.bytes <= sizeTarget;
      const loadTarget = loadTargetOf(figure);
      const loadOk = figure.loadMedianMs <= loadTarget;
      return [
        figure.name,
        `${figure.bytes.toLocaleString('en-US')} (${bytes(figure.bytes)})`,
        `<= ${bytes(sizeTarget)}`,
        `${figure.loadMedianMs.toFixed(1)} ms`,
        `${Math.min(...figure.loadRunsMs).toFixed(1)} ms`,
        `${Math.max(...figure.loadRunsMs).toFixed(1)} ms`,
        `${figure.ownLoadMedianMs.toFixed(1)} ms`,
        `<= ${loadTarget} ms`,
        sizeOk && loadOk ? 'PASS' : `MISS (${[!sizeOk && 'size', !loadOk && 'load'].filter(Boolean).join(', ')})`,
      ];
    }),
  );
}

function loadTargetOf(figure: BundleFigures): number {
  return figure.name === 'search-programs' ? TARGETS.searchBundleLoadMs : TARGETS.bundleLoadMs;
}

function verdicts(importFigures: ImportFigures, large: ScenarioLatency[], bundleFigures: BundleFigures[]) {
  return {
    importThroughput: verdict(importFigures.rowsPerSecond >= TARGETS.importRowsPerSecond),
    importAllSearchable: verdict(importFigures.searchableMatchesAccepted),
    searchAtScale: Object.fromEntries(large.map((result) => [result.key, verdict(latencyMisses(result).length === 0)])),
    bundles: Object.fromEntries(
      bundleFigures.map((figure) => [
        figure.name,
        verdict(figure.loadMedianMs <= loadTargetOf(figure) && figure.bytes <= BUNDLE_BUDGETS[figure.name]),
      ]),
    ),
  };
}

function positiveInteger(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${name} must be a positive whole number, not ${raw}`);
  return value;
}
