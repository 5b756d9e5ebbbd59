/**
 * `npm start`: the whole directory on this machine (contract section 4).
 * PORT (default 3000), DATA_DIR (default .data). SEED picks what a fresh DATA_DIR is seeded
 * with: `default` (when unset), `demo` (DEMO_SIZE invented, clearly fictional programs, 15,000 by
 * default; see seed/README.md) or `none`.
 */
import { startStack, type RunningStack, type StackOptions } from './stack';

// CloudWatch reads the metric lines in AWS; on a terminal they would bury everything else.
// The handlers load after this line (the stack imports them dynamically), so they see it.
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';

const port = Number(process.env.PORT ?? 3000);
const dataDir = process.env.DATA_DIR || '.data';
const SEEDS = ['default', 'demo', 'none'] as const satisfies readonly StackOptions['seed'][];
const seed = (process.env.SEED || 'default') as StackOptions['seed'];
const demoSize = process.env.DEMO_SIZE ? Number(process.env.DEMO_SIZE) : undefined;

if (!Number.isInteger(port) || port < 0 || port > 65_535) {
  console.error(`PORT must be a port number, not ${process.env.PORT}`);
  process.exit(2);
}
if (!(SEEDS as readonly string[]).includes(seed)) {
  console.error(`SEED must be one of ${SEEDS.join(', ')} (default when unset), not ${process.env.SEED}`);
  process.exit(2);
}
if (demoSize !== undefined && (!Number.isInteger(demoSize) || demoSize < 1)) {
  console.error(`DEMO_SIZE must be a whole number of programs (1 or more), not ${process.env.DEMO_SIZE}`);
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

/** What start-up repaired, for the ready line: the search index is only as good as this says. */
function recoveryNote({ redelivered, reconciled }: RunningStack['recovery']): string {
  const count = (value: number) => value.toLocaleString('en-US');
  const parts: string[] = [];
  if (redelivered > 0) parts.push(`${count(redelivered)} undelivered changes re-delivered from the stream journal`);
  if (reconciled === 'new DATA_DIR') parts.push('reconciled: nothing to repair in a new DATA_DIR');
  else if (reconciled) {
    const failed = reconciled.failed > 0 ? `, ${count(reconciled.failed)} NOT repaired` : '';
    parts.push(`reconciled: ${count(reconciled.repaired)} repaired of ${count(reconciled.scanned)}${failed}`);
  }
  return parts.map((part) => `${part}; `).join('');
}

try {
  const startedAt = Date.now();
  stack = await startStack({ dataDir, port, seed, demoSize, signal: starting.signal });
  const programs = await stack.countIndexedPrograms();
  const fictional = stack.seedDataset === 'demo' ? ', seeded with FICTIONAL demo data: invented programs, not real facilities' : '';
  console.log(
    `iop-directory ready on ${stack.apiUrl} (${programs.toLocaleString('en-US')} programs${fictional}; ` +
      `${recoveryNote(stack.recovery)}started in ${((Date.now() - startedAt) / 1000).toFixed(1)}s)`,
  );
  const { reconciled } = stack.recovery;
  if (reconciled && reconciled !== 'new DATA_DIR' && reconciled.failed > 0) {
    console.log(`  ${reconciled.failed.toLocaleString('en-US')} differences between DynamoDB and search could not be repaired: \`npm run reconcile\` lists them.`);
  }
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
