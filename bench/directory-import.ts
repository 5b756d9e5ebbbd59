/**
 * `npm run bench:directory`: the real default data, twice.
 * 1. `npm run import -- <both National Directory workbooks> --format samhsa-directory --coordinates
 *    <both locator lists> --json` into a fresh stack, until searchable: facilities/s end to end and
 *    the CLI's peak memory (target: at least 1,000 facilities/s).
 * 2. `npm start` on a fresh DATA_DIR with the full default seed (directory, coordinates, CA
 *    licences): seconds until it prints its ready line (target: at most 45 s).
 */
import { execFile, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { DEFAULT_SEED } from '../seed/seed-default';
import { startOwnStack } from './own-stack';

const run = promisify(execFile);
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const TSX = path.join(ROOT, 'node_modules/.bin/tsx');
const MIN_FACILITIES_PER_SECOND = 1_000;
const MAX_READY_SECONDS = 45;

const log = (line: string) => process.stderr.write(`${line}\n`);

async function directoryImport(): Promise<{ facilities: number; sourceRows: number; seconds: number; perSecond: number; maxRssMiB: number }> {
  // The engine as `npm start` runs it (the latency bench's long-run JIT settings only slow a one-off import).
  process.env.OPENSEARCH_JAVA_OPTS ??= '';
  const { stack, stop } = await startOwnStack(log);
  try {
    const env = {
      ...process.env,
      DYNAMODB_ENDPOINT: stack.dynamodbEndpoint,
      OPENSEARCH_URL: stack.opensearchUrl,
      PROGRAMS_TABLE: stack.table,
      SEARCH_INDEX_ALIAS: stack.alias,
    };
    const started = performance.now();
    const args = [path.join(ROOT, 'seed/import-cli.ts'), ...DEFAULT_SEED.directory, '--format', 'samhsa-directory', '--coordinates', ...DEFAULT_SEED.coordinates, '--json'];
    const result = await run(TSX, args, { env, cwd: ROOT, maxBuffer: 512 * 1024 * 1024 }).catch((error: { code?: number; stdout?: string; stderr?: string }) => {
      // Exit 1 (facilities with no level of care are rejected) still carries the summary.
      if (error.code === 1 && error.stdout) return { stdout: error.stdout };
      throw new Error(`import failed (exit ${error.code}): ${error.stderr ?? ''}`);
    });
    const seconds = (performance.now() - started) / 1000;
    const summary = JSON.parse(result.stdout) as { rows: number; warnings: { message: string }[]; maxRssBytes: number };
    const merged = summary.warnings
      .filter((warning) => warning.message.startsWith('merged with'))
      .reduce((count, warning) => count + (warning.message.match(/row \d+/g)?.length ?? 0), 0);
    return {
      facilities: summary.rows,
      sourceRows: summary.rows + merged,
      seconds,
      perSecond: summary.rows / seconds,
      maxRssMiB: summary.maxRssBytes / 2 ** 20,
    };
  } finally {
    await stop();
  }
}

/** `npm start` as a new user runs it, on an empty DATA_DIR: seconds until the ready line. */
async function freshStart(): Promise<{ seconds: number; readyLine: string }> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'iop-bench-start-'));
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, PORT: '0' };
  delete env.OPENSEARCH_URL;
  delete env.DYNAMODB_ENDPOINT;
  delete env.SEED;
  const started = performance.now();
  const child = spawn(TSX, [path.join(ROOT, 'local/start.ts')], { env, cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    return await new Promise((resolve, reject) => {
      let output = '';
      let pending = '';
      const timer = setTimeout(() => reject(new Error(`not ready within 300 s:\n${output}`)), 300_000);
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        pending += chunk.toString();
        const lines = pending.split('\n');
        pending = lines.pop() ?? '';
        for (const line of lines) {
          if (!line.includes('rows read')) log(`  start: ${line}`);
          if (line.includes(' ready on ')) {
            clearTimeout(timer);
            resolve({ seconds: (performance.now() - started) / 1000, readyLine: line });
          }
        }
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', onData);
      child.on('exit', (code) => reject(new Error(`npm start exited with ${code} before it was ready:\n${output}`)));
    });
  } finally {
    child.kill('SIGINT');
    await new Promise((resolve) => child.once('exit', resolve).once('error', resolve));
    await rm(dataDir, { recursive: true, force: true });
  }
}

const importFigures = await directoryImport();
log('');
const startFigures = await freshStart();
const lines = [
  `samhsa-directory import, both workbooks until searchable: ${importFigures.facilities.toLocaleString('en-US')} facilities ` +
    `(${importFigures.sourceRows.toLocaleString('en-US')} workbook rows) in ${importFigures.seconds.toFixed(1)} s = ` +
    `${Math.round(importFigures.perSecond).toLocaleString('en-US')} facilities/s (target >= ${MIN_FACILITIES_PER_SECOND}), peak RSS ${importFigures.maxRssMiB.toFixed(0)} MiB`,
  `npm start, fresh DATA_DIR, full default seed: ready in ${startFigures.seconds.toFixed(1)} s (target <= ${MAX_READY_SECONDS} s)`,
  `  ${startFigures.readyLine.trim()}`,
];
process.stdout.write(`${lines.join('\n')}\n`);
const met = importFigures.perSecond >= MIN_FACILITIES_PER_SECOND && startFigures.seconds <= MAX_READY_SECONDS;
process.stdout.write(met ? 'targets met\n' : 'TARGETS MISSED\n');
process.exit(0);
