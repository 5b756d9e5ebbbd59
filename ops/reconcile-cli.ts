/**
 * `npm run reconcile -- [--segments N] [--settle SECONDS] [--json]`
 * Compares the search index of the running stack with DynamoDB and repairs the difference.
 * Exit 0: the index matches the table (or was repaired to); 1: some drift could not be repaired;
 * 2: usage or fatal error.
 */
import { parseArgs } from 'node:util';
import type { ReconcileSummary } from '../functions/use-cases/reconcile-search-index';
import { useStackEnvironment } from '../cli/stack-clients';
import { resolveStackEnvironment } from '../cli/stack-state';
import { reconcileSearchIndex } from '../functions/use-cases/reconcile-search-index';
import { reconcileDependencies } from './reconcile-dependencies';
import { runCommand, UsageError, wholeNumberOption } from '../cli/command-line';

const USAGE = 'usage: npm run reconcile -- [--segments N] [--settle SECONDS] [--json]';

function parseCommandLine(argv: string[]) {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      segments: { type: 'string', default: '4' },
      settle: { type: 'string', default: '0' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) throw new UsageError('');
  if (positionals.length > 0) throw new UsageError(`unexpected argument ${positionals[0]}`);
  const segments = wholeNumberOption('segments', values.segments, 1, 64);
  const settle = wholeNumberOption('settle', values.settle, 0, 86_400, 'seconds');
  return { segments, settleMs: settle * 1000, json: values.json };
}

const count = (value: number) => value.toLocaleString('en-US');

function printHuman(summary: ReconcileSummary): void {
  const out = process.stdout;
  for (const item of summary.malformed) out.write(`warning: ${item.key}: ${item.reason} (not indexed)\n`);
  for (const failure of summary.failures) out.write(`failed: ${failure.id}: ${failure.reason}\n`);
  if (summary.failed > summary.failures.length) out.write(`failed: ... and ${count(summary.failed - summary.failures.length)} more\n`);
  out.write(
    `${count(summary.scanned)} stored items checked (${count(summary.published)} published), ${count(summary.indexChecked)} published documents checked; ` +
      `missing ${count(summary.missing)}, stale ${count(summary.stale)}, extra ${count(summary.extra)}; ` +
      `repaired ${count(summary.repaired)}, superseded ${count(summary.superseded)}, failed ${count(summary.failed)} ` +
      `in ${summary.seconds.toFixed(1)} s\n`,
  );
}

async function main(options: ReturnType<typeof parseCommandLine>): Promise<number> {
  useStackEnvironment(resolveStackEnvironment(process.env.DATA_DIR ?? '.data'));
  const dependencies = reconcileDependencies();
  const started = performance.now();
  let lastReport = 0;
  await dependencies.prepare();
  const summary = await reconcileSearchIndex(dependencies, {
    segments: options.segments,
    settleMs: options.settleMs,
    onProgress: options.json
      ? undefined
      : ({ phase, checked }) => {
          // A log gets a line every few seconds; a terminal one updating line.
          const elapsed = ((performance.now() - started) / 1000).toFixed(1);
          if (process.stderr.isTTY) process.stderr.write(`\r${phase}: ${count(checked)} checked (${elapsed} s)   `);
          else if (performance.now() - lastReport >= 5_000) {
            process.stderr.write(`${phase}: ${count(checked)} checked (${elapsed} s)\n`);
            lastReport = performance.now();
          }
        },
  });
  if (!options.json && process.stderr.isTTY) process.stderr.write('\n');
  // Repairs become visible to searches at the next refresh; locally nothing else refreshes soon.
  await dependencies.refresh();
  // Peak memory, as the import CLI reports it: it must not grow with the table.
  const maxRssBytes = process.resourceUsage().maxRSS * 1024;
  if (options.json) process.stdout.write(`${JSON.stringify({ ...summary, seconds: Number(summary.seconds.toFixed(3)), maxRssBytes })}\n`);
  else printHuman(summary);
  return summary.failed > 0 ? 1 : 0;
}

runCommand(USAGE, parseCommandLine, main);
