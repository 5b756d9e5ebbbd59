import { fork } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface DynamoDbEngine {
  /** The DynamoDB-compatible HTTP endpoint, e.g. http://127.0.0.1:43121 */
  endpoint: string;
  /** True when DYNAMODB_ENDPOINT named a server we did not start (and must not stop). */
  external: boolean;
  stop(): Promise<void>;
}

/**
 * The DynamoDB engine for a local stack: dynalite in a child process, its LevelDB files under
 * DATA_DIR/dynamodb so a restart finds the data again. DYNAMODB_ENDPOINT overrides it with a
 * server someone else runs.
 */
export async function startDynamoDb(options: { dataDir: string }): Promise<DynamoDbEngine> {
  const existing = process.env.DYNAMODB_ENDPOINT;
  if (existing) return { endpoint: existing.replace(/\/+$/, ''), external: true, stop: async () => {} };
  const path = join(options.dataDir, 'dynamodb');
  await mkdir(path, { recursive: true });
  return launchDynalite({ path });
}

/** A dynalite server in a child process on a free port; in memory unless `path` is given. */
export async function launchDynalite(options: { path?: string } = {}): Promise<DynamoDbEngine> {
  const child = fork(fileURLToPath(new URL('./dynalite-server.mjs', import.meta.url)), options.path ? [options.path] : [], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (message) => resolve((message as { port: number }).port));
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`dynalite exited with code ${code} before it listened`)));
  });
  let stopping: Promise<void> | undefined;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    external: false,
    stop: () => {
      stopping ??= new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.send('stop');
      });
      return stopping;
    },
  };
}
