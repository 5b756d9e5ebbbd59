/**
 * `npm start`: the whole directory on this machine (contract section 4).
 * PORT (default 3000), DATA_DIR (default .data), SEED=none to skip seeding a fresh DATA_DIR.
 */
import { startStack, type RunningStack } from './stack';

// CloudWatch reads the metric lines in AWS; on a terminal they would bury everything else.
// The handlers load after this line (the stack imports them dynamically), so they see it.
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';

const port = Number(process.env.PORT ?? 3000);
const dataDir = process.env.DATA_DIR || '.data';
const seed = process.env.SEED === 'none' ? 'none' : 'default';

if (!Number.isInteger(port) || port < 0 || port > 65_535) {
  console.error(`PORT must be a port number, not ${process.env.PORT}`);
  process.exit(2);
}

const starting = new AbortController();
let stack: RunningStack | undefined;
let stopRequestedAt: number | undefined;

async function stop(signal: NodeJS.Signals): Promise<void> {
  if (stopRequestedAt !== undefined) {
    // One Ctrl-C reaches us twice: from the terminal and relayed by npm/tsx.
    if (Date.now() - stopRequestedAt < 1_500) return;
    // A second Ctrl-C: leave now. The OpenSearch JVM exits by itself when we are gone.
    console.error('Forced exit');
    process.exit(130);
  }
  stopRequestedAt = Date.now();
  console.log(`\n${signal}: stopping...`);
  if (!stack) return starting.abort(); // startStack undoes what it started, then rejects.
  await stack.stop();
  console.log('Stopped.');
  process.exit(0);
}

process.on('SIGINT', (signal) => void stop(signal));
process.on('SIGTERM', (signal) => void stop(signal));

try {
  const startedAt = Date.now();
  stack = await startStack({ dataDir, port, seed, signal: starting.signal });
  const programs = await stack.countIndexedPrograms();
  console.log(
    `iop-directory ready on ${stack.apiUrl} (${programs.toLocaleString('en-US')} programs; ` +
      `started in ${((Date.now() - startedAt) / 1000).toFixed(1)}s)`,
  );
  console.log(`  DynamoDB (through the stream capture proxy): ${stack.dynamodbEndpoint}   OpenSearch: ${stack.opensearchUrl}`);
  console.log('  Ctrl-C stops it; `npm run import -- FILE` imports into it.');
} catch (error) {
  if (starting.signal.aborted) {
    console.log('Stopped.');
    process.exit(0);
  }
  console.error(`Could not start the stack: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
