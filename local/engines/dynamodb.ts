import type { Server } from 'node:http';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import dynalite from 'dynalite';

export interface DynamoDbEngine {
  /** The DynamoDB-compatible HTTP endpoint, e.g. http://127.0.0.1:43121 */
  endpoint: string;
  /** True when DYNAMODB_ENDPOINT named a server we did not start (and must not stop). */
  external: boolean;
  stop(): Promise<void>;
}

/**
 * The DynamoDB engine for a local stack: dynalite in this process, its LevelDB files under
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

/** A dynalite server on a free port; in memory unless `path` is given. */
export async function launchDynalite(options: { path?: string } = {}): Promise<DynamoDbEngine> {
  // Tables are usable the moment CreateTable returns, like on-demand tables appear to a test.
  const server: Server = dynalite({
    ...(options.path ? { path: options.path } : {}),
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  if (!address || typeof address !== 'object') throw new Error('dynalite did not report its port');
  let stopping: Promise<void> | undefined;
  return {
    endpoint: `http://127.0.0.1:${address.port}`,
    external: false,
    stop: () => {
      stopping ??= new Promise<void>((resolve, reject) => {
        // dynalite's close waits for its LevelDB to close, which waits for idle keep-alive
        // sockets of SDK clients that may never go away on their own.
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      });
      return stopping;
    },
  };
}
