import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { STAGE_SEARCH_INDEX_ALIAS } from '../functions/config/search-index-alias';

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
 * The environment for a command that works on a stack (import, reindex, reconcile, export,
 * expiring). Locally: variables set explicitly win; the rest come from the stack running on
 * `dataDir`; throws when neither says where DynamoDB and OpenSearch are. With
 * `OPENSEARCH_AUTH=sigv4` the command works on a deployed stage instead ({@link deployedStageEnvironment}).
 */
export function resolveStackEnvironment(dataDir: string, env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  if (env.OPENSEARCH_AUTH === 'sigv4') return deployedStageEnvironment(env);
  const explicit = Boolean(env.DYNAMODB_ENDPOINT && env.OPENSEARCH_URL);
  const state = explicit ? undefined : readStackState(dataDir);
  if (!explicit && !state) {
    throw new Error(
      `No local stack is running on DATA_DIR ${resolve(dataDir)}: start one with \`npm start\` ` +
        '(same DATA_DIR), set DYNAMODB_ENDPOINT and OPENSEARCH_URL (with PROGRAMS_TABLE, SEARCH_INDEX_ALIAS and AWS_REGION), or, for a deployed stage, ' +
        'OPENSEARCH_AUTH=sigv4 with OPENSEARCH_URL, PROGRAMS_TABLE and AWS_REGION',
    );
  }
  const dynamodbEndpoint = env.DYNAMODB_ENDPOINT || state!.dynamodbEndpoint;
  // No names are assumed here: the running stack's state says them (local/local-environment.ts
  // holds the local defaults), or the environment does; a setting neither gives is left out, and
  // loading the configuration (cli/stack-clients.ts) then names it.
  const named = {
    PROGRAMS_TABLE: env.PROGRAMS_TABLE || state?.table,
    SEARCH_INDEX_ALIAS: env.SEARCH_INDEX_ALIAS || state?.alias,
    AWS_REGION: env.AWS_REGION || state?.region,
  };
  return {
    DYNAMODB_ENDPOINT: dynamodbEndpoint,
    OPENSEARCH_URL: env.OPENSEARCH_URL || state!.opensearchUrl,
    ...(Object.fromEntries(Object.entries(named).filter(([, value]) => value)) as Record<string, string>),
    OPENSEARCH_AUTH: env.OPENSEARCH_AUTH || 'none',
    // Any credentials do for servers on this machine, and without them the SDK would go looking
    // for real ones; anywhere else the SDK's own chain decides (never a made-up key).
    ...(isLoopback(dynamodbEndpoint)
      ? { AWS_ACCESS_KEY_ID: env.AWS_ACCESS_KEY_ID || 'local', AWS_SECRET_ACCESS_KEY: env.AWS_SECRET_ACCESS_KEY || 'local' }
      : {}),
  };
}

/**
 * A deployed stage (`OPENSEARCH_AUTH=sigv4`): the stateful stack's outputs say where
 * (`OPENSEARCH_URL` = SearchDomainEndpoint, `PROGRAMS_TABLE` = ProgramsTableName) and `AWS_REGION`
 * which region, each required, never assumed. DynamoDB is the region's own endpoint, and
 * credentials are whatever the SDK's Node.js provider chain finds (environment, `AWS_PROFILE` with
 * SSO or `role_arn`, ...): nothing is filled in, so a missing login fails at the first request
 * with the SDK's own message instead of signing with a placeholder. The domain admits only the
 * stage's operations role (output OperationsRoleArn), so that is the role to use.
 */
export function deployedStageEnvironment(env: NodeJS.ProcessEnv): Record<string, string> {
  const missing = ['OPENSEARCH_URL', 'PROGRAMS_TABLE', 'AWS_REGION'].filter((name) => !env[name]);
  if (missing.length > 0) {
    throw new Error(`OPENSEARCH_AUTH=sigv4 works on a deployed stage and needs ${missing.join(', ')} (the stateful stack's outputs and its region)`);
  }
  if (!/^https:\/\//.test(env.OPENSEARCH_URL!)) throw new Error('OPENSEARCH_URL of a deployed stage must be its https:// endpoint (output SearchDomainEndpoint)');
  if (env.DYNAMODB_ENDPOINT) throw new Error('DYNAMODB_ENDPOINT points at a local table; unset it to work on a deployed stage');
  return {
    OPENSEARCH_URL: env.OPENSEARCH_URL!,
    OPENSEARCH_AUTH: 'sigv4',
    PROGRAMS_TABLE: env.PROGRAMS_TABLE!,
    SEARCH_INDEX_ALIAS: env.SEARCH_INDEX_ALIAS || STAGE_SEARCH_INDEX_ALIAS,
    AWS_REGION: env.AWS_REGION!,
  };
}

function isLoopback(endpoint: string): boolean {
  try {
    return ['127.0.0.1', 'localhost', '[::1]'].includes(new URL(endpoint).hostname);
  } catch {
    return false;
  }
}

/**
 * A stack killed with its whole process group leaves its node process a zombie until whoever
 * inherited it reaps it, and some init processes (a container's or a microVM's) never do; signal 0
 * still reaches a zombie, so it would pass for a running stack.
 */
function isZombie(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The state follows the command name, which is in parentheses and may itself hold spaces.
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) === 'Z';
  } catch {
    return false;
  }
}

function isProcessAlive(pid: unknown): boolean {
  if (typeof pid !== 'number' || !Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return !isZombie(pid);
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
