/**
 * `npm run bench:import`: the import CLI end to end (parse, validate, DynamoDB, stream, index)
 * at 14k and 100k rows of fictional demo programs (seed/demo), each into a fresh stack, reporting
 * rows/s and the CLI's peak memory. Memory must stay flat: peak RSS at 100k within 1.5x of that at 14k.
 */
import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { DEMO_SOURCE } from '../functions/domain/demo-source';
import { writeDemoNdjson } from '../seed/demo/seed-demo';
import { startOwnStack } from './own-stack';

const run = promisify(execFile);
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const IMPORT_SCALE_SIZES = [14_000, 100_000] as const;
export const MAX_MEMORY_GROWTH = 1.5;

export interface ImportScaleFigures {
  rows: number;
  accepted: number;
  rejected: number;
  seconds: number;
  rowsPerSecond: number;
  /** Peak resident set of the import process (process.resourceUsage().maxRSS). */
  maxRssBytes: number;
  indexedPrograms: number;
}

export interface ImportScaleResult {
  sizes: ImportScaleFigures[];
  memoryGrowth: number;
  memoryFlat: boolean;
}

/**
 * Native NDJSON of `rows` invented programs from the demo generator (seed/demo): fictional names
 * and streets at real zips, every record field filled. The same rows on every run and machine.
 */
export async function writeDemoRows(filePath: string, rows: number): Promise<void> {
  await writeDemoNdjson(filePath, { count: rows });
}

/** One size into a fresh stack, through the CLI in its own process so its memory is its own. */
async function measureSize(rows: number, workDir: string, log: (line: string) => void): Promise<ImportScaleFigures> {
  const file = path.join(workDir, `programs-${rows}.ndjson`);
  log(`  writing ${rows} fictional demo rows`);
  await writeDemoRows(file, rows);
  const { stack, stop } = await startOwnStack(log);
  try {
    log(`  importing ${rows} rows until searchable`);
    const env = {
      ...process.env,
      DYNAMODB_ENDPOINT: stack.dynamodbEndpoint,
      OPENSEARCH_URL: stack.opensearchUrl,
      PROGRAMS_TABLE: stack.table,
      SEARCH_INDEX_ALIAS: stack.alias,
    };
    const started = performance.now();
    const result = await run(path.join(ROOT, 'node_modules/.bin/tsx'), [path.join(ROOT, 'seed/import-cli.ts'), file, '--json', '--source', DEMO_SOURCE], {
      env,
      cwd: ROOT,
      maxBuffer: 512 * 1024 * 1024,
    }).catch((error: { code?: number; stdout?: string; stderr?: string }) => {
      // Exit 1 (some rows rejected) still carries the summary; anything else is a failed run.
      if (error.code === 1 && error.stdout) return { stdout: error.stdout };
      throw new Error(`import failed (exit ${error.code}): ${error.stderr ?? ''}`);
    });
    const seconds = (performance.now() - started) / 1000;
    const summary = JSON.parse(result.stdout) as { rows: number; accepted: number; rejected: number; maxRssBytes: number };
    return {
      rows: summary.rows,
      accepted: summary.accepted,
      rejected: summary.rejected,
      seconds,
      rowsPerSecond: summary.accepted / seconds,
      maxRssBytes: summary.maxRssBytes,
      indexedPrograms: await stack.countIndexedPrograms(),
    };
  } finally {
    await stop();
    await rm(file, { force: true });
  }
}

/**
 * Each size in a process of its own: the stack's clients are module singletons bound to the
 * first stack's addresses, so a second stack in the same process would be unreachable.
 */
async function measureSizeInChild(rows: number, log: (line: string) => void): Promise<ImportScaleFigures> {
  const child = spawn(path.join(ROOT, 'node_modules/.bin/tsx'), [fileURLToPath(import.meta.url)], {
    cwd: ROOT,
    env: { ...process.env, BENCH_IMPORT_ONE_SIZE: String(rows) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  // The indexer's metric lines would drown the progress; everything else is passed on.
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    for (const line of chunk.split('\n')) if (line && !line.startsWith('{"_aws"')) log(line);
  });
  const [code] = (await once(child, 'exit')) as [number | null];
  if (code !== 0) throw new Error(`the ${rows}-row run failed (exit ${code})`);
  return JSON.parse(stdout.trim().split('\n').pop() ?? '') as ImportScaleFigures;
}

export async function measureImportScale(log: (line: string) => void, sizes: readonly number[] = IMPORT_SCALE_SIZES): Promise<ImportScaleResult> {
  const figures: ImportScaleFigures[] = [];
  for (const rows of sizes) {
    log(`import at ${rows} rows`);
    const measured = await measureSizeInChild(rows, log);
    log(`  ${measured.accepted} accepted in ${measured.seconds.toFixed(1)} s (${measured.rowsPerSecond.toFixed(0)} rows/s), peak RSS ${(measured.maxRssBytes / 2 ** 20).toFixed(0)} MiB`);
    figures.push(measured);
  }
  const smallest = figures[0]!;
  const largest = figures[figures.length - 1]!;
  const memoryGrowth = largest.maxRssBytes / smallest.maxRssBytes;
  return { sizes: figures, memoryGrowth, memoryFlat: memoryGrowth <= MAX_MEMORY_GROWTH };
}

async function runOneSize(rows: number): Promise<void> {
  const workDir = await mkdtemp(path.join(tmpdir(), 'iop-bench-import-'));
  try {
    const measured = await measureSize(rows, workDir, (line) => process.stderr.write(`${line}\n`));
    process.stdout.write(`${JSON.stringify(measured)}\n`);
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}

const isMain = Boolean(process.argv[1]) && path.resolve(process.argv[1]!) === fileURLToPath(import.meta.url);
if (isMain && process.env.BENCH_IMPORT_ONE_SIZE) {
  await runOneSize(Number(process.env.BENCH_IMPORT_ONE_SIZE));
  // The stack's clients keep sockets open; the figures are out, so the process may end.
  process.exit(0);
} else if (isMain) {
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const sizes = process.env.BENCH_IMPORT_SIZES?.split(',').map(Number) ?? IMPORT_SCALE_SIZES;
  const result = await measureImportScale(log, sizes);
  const lines = ['rows     accepted  rejected  seconds  rows/s  peak RSS MiB  indexed'];
  for (const size of result.sizes) {
    lines.push(
      [size.rows, size.accepted, size.rejected, size.seconds.toFixed(1), size.rowsPerSecond.toFixed(0), (size.maxRssBytes / 2 ** 20).toFixed(0), size.indexedPrograms]
        .map(String)
        .join('\t'),
    );
  }
  lines.push(`peak memory growth ${result.memoryGrowth.toFixed(2)}x (target <= ${MAX_MEMORY_GROWTH}x): ${result.memoryFlat ? 'PASS' : 'MISS'}`);
  lines.push('', 'JSON', JSON.stringify(result));
  process.stdout.write(`${lines.join('\n')}\n`);
  process.exitCode = result.memoryFlat ? 0 : 1;
}
