import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** What a running `npm start` publishes in DATA_DIR/stack.json for other commands. */
export interface StackState {
  pid: number;
  apiUrl: string;
  /** The change-capture proxy: DynamoDB clients must write through it for the index to follow. */
  dynamodbEndpoint: string;
  opensearchUrl: string;
  table: string;
  alias: string;
  region: string;
  startedAt: string;
}

export function stackStateFile(dataDir: string): string {
  return join(resolve(dataDir), 'stack.json');
}

export function writeStackState(dataDir: string, state: StackState): void {
  writeFileSync(stackStateFile(dataDir), `${JSON.stringify(state, null, 2)}\n`);
}

/** The state of the stack running on `dataDir`, or undefined (no file, or its process is gone). */
export function readStackState(dataDir: string): StackState | undefined {
  let state: StackState;
  try {
    state = JSON.parse(readFileSync(stackStateFile(dataDir), 'utf8')) as StackState;
  } catch {
    return undefined;
  }
  return isProcessAlive(state.pid) ? state : undefined;
}

/** Removes the file if it still describes the stack of process `pid`. */
export function removeStackState(dataDir: string, pid: number): void {
  let state: Partial<StackState> | undefined;
  try {
    state = JSON.parse(readFileSync(stackStateFile(dataDir), 'utf8')) as Partial<StackState>;
  } catch {
    return;
  }
  if (state.pid === pid) rmSync(stackStateFile(dataDir), { force: true });
}

/**
 * The environment for a command that works on a local stack (the import CLI): variables set
 * explicitly win; the rest come from the stack running on `dataDir`. Throws when neither says
 * where DynamoDB and OpenSearch are.
 */
export function resolveStackEnvironment(dataDir: string, env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const explicit = Boolean(env.DYNAMODB_ENDPOINT && env.OPENSEARCH_URL);
  const state = explicit ? undefined : readStackState(dataDir);
  if (!explicit && !state) {
    throw new Error(
      `No local stack is running on DATA_DIR ${resolve(dataDir)}: start one with \`npm start\` ` +
        '(same DATA_DIR), or set DYNAMODB_ENDPOINT and OPENSEARCH_URL',
    );
  }
  return {
    DYNAMODB_ENDPOINT: env.DYNAMODB_ENDPOINT || state!.dynamodbEndpoint,
    OPENSEARCH_URL: env.OPENSEARCH_URL || state!.opensearchUrl,
    PROGRAMS_TABLE: env.PROGRAMS_TABLE || state?.table || 'iop-programs',
    SEARCH_INDEX_ALIAS: env.SEARCH_INDEX_ALIAS || state?.alias || 'programs',
    OPENSEARCH_AUTH: env.OPENSEARCH_AUTH || 'none',
    AWS_REGION: env.AWS_REGION || state?.region || 'us-east-1',
    // Any credentials do for local servers; without them the SDK would go looking for real ones.
    AWS_ACCESS_KEY_ID: env.AWS_ACCESS_KEY_ID || 'local',
    AWS_SECRET_ACCESS_KEY: env.AWS_SECRET_ACCESS_KEY || 'local',
  };
}

function isProcessAlive(pid: unknown): boolean {
  if (typeof pid !== 'number' || !Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
