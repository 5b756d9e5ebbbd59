import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startStack, type RunningStack } from '../local/stack';
import { undoOnInterrupt } from './interrupts';
import { removeIfWeDie } from './leftovers';

/**
 * Full JIT (the local default is C1 only, for fast starts) and a fixed heap, so the latency
 * figures describe the engine as it would serve, not as it starts. An explicit
 * OPENSEARCH_JAVA_OPTS wins.
 */
const BENCH_JAVA_OPTIONS = '-Xms2g -Xmx2g -XX:TieredStopAtLevel=4';

/**
 * A stack of our own on a fresh, empty DATA_DIR, torn down and deleted however the run ends:
 * normal return, thrown error or Ctrl-C (also while it is still starting).
 */
export async function startOwnStack(log: (line: string) => void): Promise<{ stack: RunningStack; stop(): Promise<void> }> {
  // Servers named in the environment hold someone else's data; the bench measures its own.
  delete process.env.OPENSEARCH_URL;
  delete process.env.DYNAMODB_ENDPOINT;
  process.env.OPENSEARCH_JAVA_OPTS ??= BENCH_JAVA_OPTIONS;
  const dataDir = await mkdtemp(join(tmpdir(), 'iop-bench-data-'));
  const removed = removeIfWeDie(dataDir);

  const starting = new AbortController();
  let stack: RunningStack | undefined;
  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      unregister();
      try {
        await stack?.stop();
      } finally {
        await rm(dataDir, { recursive: true, force: true });
        removed();
      }
    })());
  const started = startStack({ dataDir, port: 0, seed: 'none', log, signal: starting.signal });
  const unregister = undoOnInterrupt(async () => {
    // Aborted, a starting stack undoes whatever it had started before it rejects.
    starting.abort(new Error('interrupted'));
    await started.catch(() => undefined);
    await stop();
  }, log);

  try {
    stack = await started;
  } catch (error) {
    await stop();
    throw error;
  }
  return { stack, stop };
}
