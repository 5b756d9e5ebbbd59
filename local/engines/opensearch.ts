import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createWriteStream, existsSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { TIMED_OUT, withTimeout } from '../timeout';
import { findFreePort } from './free-port';
import { OPENSEARCH_PROJECT_DIR, OPENSEARCH_TARGET_DIR, resolveOpenSearchClasspath } from './opensearch-classpath';

export interface OpenSearchEngine {
  /** e.g. http://127.0.0.1:41234 */
  url: string;
  /** True when OPENSEARCH_URL named a server we did not start (and must not stop). */
  external: boolean;
  stop(): Promise<void>;
}

type Log = (line: string) => void;

const READY_MARKER = 'LOCAL_OPENSEARCH_READY';
const MAIN_SOURCE = join(OPENSEARCH_PROJECT_DIR, 'LocalOpenSearch.java');
const CLUSTER_NAME = 'iop-directory-local';
const START_TIMEOUT_MS = 180_000;
/** Closing flushes every shard, and the JVM may then write its class-data archive. */
const STOP_TIMEOUT_MS = 60_000;
/**
 * The node serves one developer or one test run, so start time counts more than peak throughput:
 * C1-only compilation starts it ~20% faster on a 2-core machine (about twice as fast when the
 * machine is busy), and short runs search as fast, since C2 would compete for the same cores.
 * OPENSEARCH_JAVA_OPTS is appended, and the JVM lets later flags win
 * (e.g. OPENSEARCH_JAVA_OPTS="-Xmx2g -XX:TieredStopAtLevel=4" for long benchmarks).
 */
const DEFAULT_JAVA_OPTIONS = ['-Xms512m', '-Xmx1g', '-XX:TieredStopAtLevel=1', '-XX:-UsePerfData', '-Djava.awt.headless=true'];

/**
 * The OpenSearch engine for a local stack: a real OpenSearch 2.19 node in a child JVM, its data
 * under DATA_DIR/opensearch so a restart finds the indices again. OPENSEARCH_URL overrides it with
 * a server someone else runs.
 */
export async function startOpenSearch(options: { dataDir: string; log?: Log }): Promise<OpenSearchEngine> {
  const existing = process.env.OPENSEARCH_URL;
  if (existing) {
    const url = existing.replace(/\/+$/, '');
    await waitForYellow(url, 30_000);
    return { url, external: true, stop: async () => {} };
  }
  return launchOpenSearchNode({ home: join(options.dataDir, 'opensearch'), log: options.log });
}

/** Starts a node whose files live in `home` (created if missing) and waits until it is yellow. */
export async function launchOpenSearchNode(options: { home: string; log?: Log }): Promise<OpenSearchEngine> {
  const log = options.log ?? (() => {});
  const classpath = await resolveOpenSearchClasspath(log);
  await mkdir(options.home, { recursive: true });
  for (let attempt = 1; ; attempt++) {
    try {
      return await launchOnFreePorts(options.home, classpath, log);
    } catch (error) {
      // Another process may take the free port between our probe and the JVM binding it.
      if (attempt >= 3 || !(error instanceof PortTakenError)) throw error;
    }
  }
}

class PortTakenError extends Error {}

async function launchOnFreePorts(home: string, classpath: string, log: Log): Promise<OpenSearchEngine> {
  const httpPort = await findFreePort();
  let transportPort = await findFreePort();
  while (transportPort === httpPort) transportPort = await findFreePort();

  const archive = classDataArchive(classpath);
  const outputFile = join(home, 'opensearch.out');
  // This run's console output only; the node's own rolling logs are under node_1/logs.
  const output = createWriteStream(outputFile);
  output.on('error', (error) => log(`Cannot write ${outputFile}: ${error.message}`));
  const recentLines: string[] = [];
  const javaOptions = [
    ...DEFAULT_JAVA_OPTIONS,
    ...archive.javaOptions,
    ...(process.env.OPENSEARCH_JAVA_OPTS?.split(/\s+/).filter(Boolean) ?? []),
  ];
  const args = [
    ...javaOptions,
    '-cp',
    classpath,
    MAIN_SOURCE,
    '--home',
    home,
    '--http-port',
    String(httpPort),
    '--transport-port',
    String(transportPort),
    '--cluster-name',
    CLUSTER_NAME,
    '--exit-with-parent',
  ];
  const java = process.env.JAVA_HOME ? join(process.env.JAVA_HOME, 'bin', 'java') : 'java';
  const startedAt = Date.now();
  // Its own process group: a Ctrl-C in the terminal reaches only the stack, which stops the node
  // after the last index writes. stdin stays an open pipe; the node exits when it closes.
  const child = spawn(java, args, { cwd: home, detached: true, stdio: ['pipe', 'pipe', 'pipe'] });
  // 'close' rather than 'exit': by then the last output has been read and the log can be closed.
  const exited = new Promise<number | null>((resolve) => {
    child.once('close', (code, signal) => resolve(code ?? (signal ? 128 + signalNumber(signal) : null)));
    child.once('error', () => resolve(null));
  });
  let stopRequested = false;
  let archiveRejected = false;
  let portTaken = false;
  void exited.then(async (code) => {
    output.end();
    if (archiveRejected) await archive.forget();
    if (stopRequested) return;
    log(`OpenSearch exited unexpectedly (exit ${code}); its output is in ${outputFile}`);
    await archive.discard();
  });

  const url = `http://127.0.0.1:${httpPort}`;
  const ready = new Promise<void>((resolve, reject) => {
    child.once('error', (error: NodeJS.ErrnoException) =>
      reject(error.code === 'ENOENT' ? new Error('Java (17+) is needed to run the embedded OpenSearch; install it, or set OPENSEARCH_URL') : error),
    );
    for (const stream of [child.stdout, child.stderr]) {
      stream.pipe(output, { end: false });
      createInterface({ input: stream }).on('line', (line) => {
        recentLines.push(line);
        if (recentLines.length > 40) recentLines.shift();
        if (line.includes(READY_MARKER)) resolve();
        if (/shared archive file/i.test(line)) archiveRejected = true;
        if (/BindException|Address already in use/.test(line)) portTaken = true;
      });
    }
    void exited.then((code) => {
      const failure = portTaken ? PortTakenError : Error;
      reject(new failure(`OpenSearch exited during start (exit ${code}); see ${outputFile}. Last lines:\n${recentLines.join('\n')}`));
    });
  });

  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    stopRequested = true;
    child.kill('SIGTERM');
    if ((await withTimeout(exited, STOP_TIMEOUT_MS)) === TIMED_OUT) {
      log(`OpenSearch did not stop within ${STOP_TIMEOUT_MS / 1000}s; killing it`);
      child.kill('SIGKILL');
      await exited;
      await archive.discard();
      return;
    }
    await archive.keep();
  };

  try {
    if ((await withTimeout(ready, START_TIMEOUT_MS)) === TIMED_OUT) {
      throw new Error(`OpenSearch did not start within ${START_TIMEOUT_MS / 1000}s; see ${outputFile}`);
    }
    await waitForYellow(url, 60_000);
  } catch (error) {
    stopRequested = true;
    await killNow(child, exited);
    await archive.discard();
    throw error;
  }
  log(`OpenSearch ${url} ready in ${((Date.now() - startedAt) / 1000).toFixed(1)}s (data: ${home})`);
  return { url, external: false, stop };
}

/**
 * Class-data sharing: the first clean stop of a node dumps the classes it loaded into an
 * archive, and later starts map it instead of parsing jars, which roughly halves start time.
 * Keyed by classpath because the JVM refuses an archive made from other jars.
 */
function classDataArchive(classpath: string) {
  const key = createHash('sha256').update(classpath).digest('hex').slice(0, 16);
  const finalPath = join(OPENSEARCH_TARGET_DIR, `opensearch-${key}.jsa`);
  if (existsSync(finalPath)) {
    // The JVM ignores, with a warning, an archive from another JDK build; forgetting it lets a
    // later clean stop write a fresh one.
    return { javaOptions: [`-XX:SharedArchiveFile=${finalPath}`], keep: async () => {}, discard: async () => {}, forget: () => rm(finalPath, { force: true }) };
  }
  // A CI machine starts from a fresh clone every time: it would only pay for the dump (~5 s).
  if (process.env.CI) return { javaOptions: [], keep: async () => {}, discard: async () => {}, forget: async () => {} };
  // Dumped beside the final name and renamed only after a clean exit, so an interrupted dump
  // is never used.
  const partialPath = `${finalPath}.${process.pid}-${Date.now()}.partial`;
  return {
    javaOptions: [`-XX:ArchiveClassesAtExit=${partialPath}`],
    keep: async () => {
      if (existsSync(partialPath)) await rename(partialPath, finalPath).catch(() => rm(partialPath, { force: true }));
    },
    discard: () => rm(partialPath, { force: true }),
    forget: async () => {},
  };
}

async function killNow(child: ChildProcess, exited: Promise<unknown>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGKILL');
  await exited;
}

/** Polls cluster health until the cluster is at least yellow (green on a fresh single node). */
export async function waitForYellow(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastProblem = 'no answer';
  while (Date.now() < deadline) {
    try {
      const response = await fetch(`${url}/_cluster/health?wait_for_status=yellow&timeout=5s`);
      const health = (await response.json()) as { status?: string };
      if (response.ok && (health.status === 'yellow' || health.status === 'green')) return;
      lastProblem = `status ${health.status ?? response.status}`;
    } catch (error) {
      lastProblem = String(error);
    }
    await sleep(250);
  }
  throw new Error(`OpenSearch at ${url} is not healthy after ${timeoutMs / 1000}s (${lastProblem})`);
}

function signalNumber(signal: NodeJS.Signals): number {
  return ({ SIGINT: 2, SIGKILL: 9, SIGTERM: 15 } as Record<string, number>)[signal] ?? 0;
}
