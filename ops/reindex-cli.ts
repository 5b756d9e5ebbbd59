/**
 * `npm run reindex -- [--keep-old] [--segments N] [--json]`
 * Rebuilds the search index of the running stack from DynamoDB while it keeps serving.
 * Exit 0: the alias serves the rebuilt index; 2: usage or fatal error.
 */
import { parseArgs } from 'node:util';
import type { ReindexSummary } from '../functions/use-cases/reindex-programs';
import { useStackEnvironment } from '../cli/stack-clients';
import { resolveStackEnvironment } from '../cli/stack-state';
import { reindexPrograms } from '../functions/use-cases/reindex-programs';
import { reindexDependencies } from './reindex-dependencies';
import { runCommand, UsageError, wholeNumberOption } from '../cli/command-line';

const USAGE = 'usage: npm run reindex -- [--keep-old] [--segments N] [--json]';


function parseCommandLine(argv: string[]) {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      'keep-old': { type: 'boolean', default: false },
      segments: { type: 'string', default: '4' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) throw new UsageError('');
  if (positionals.length > 0) throw new UsageError(`unexpected argument ${positionals[0]}`);
  const segments = wholeNumberOption('segments', values.segments, 1, 64);
  return { keepOld: values['keep-old'], segments, json: values.json };
}

function printHuman(summary: ReindexSummary): void {
  const out = process.stdout;
  for (const item of summary.malformed) out.write(`warning: ${item.key}: ${item.reason} (not indexed)\n`);
  const old = summary.oldIndices.join(', ') || '(none)';
  out.write(
    `${summary.scanned} scanned, ${summary.indexed} indexed, ${summary.caughtUp} changed during the reindex re-applied (${summary.caughtUpNewer} newer); ` +
      `${old} → ${summary.newIndex}${summary.oldIndices.length > 0 ? (summary.oldDeleted ? ' (old deleted)' : ' (old kept)') : ''} ` +
      `in ${summary.seconds.toFixed(1)} s\n`,
  );
}

async function main(options: ReturnType<typeof parseCommandLine>): Promise<number> {
  useStackEnvironment(resolveStackEnvironment(process.env.DATA_DIR ?? '.data'));
  const started = performance.now();
  const elapsed = () => `${((performance.now() - started) / 1000).toFixed(1)} s`;
  let lastPhase = '';
  let lastLoadReport = 0;
  const summary = await reindexPrograms(reindexDependencies(), {
    keepOld: options.keepOld,
    segments: options.segments,
    onProgress: options.json
      ? undefined
      : ({ phase, scanned }) => {
          if (phase === 'load') {
            // A terminal gets one updating line; a log gets a line every few thousand items.
            if (process.stderr.isTTY) process.stderr.write(`\rload: ${scanned} items (${elapsed()})`);
            else if (scanned - lastLoadReport >= 5_000) {
              process.stderr.write(`load: ${scanned} items (${elapsed()})\n`);
              lastLoadReport = scanned;
            }
          } else {
            if (lastPhase === 'load' && process.stderr.isTTY) process.stderr.write('\n');
            process.stderr.write(`${phase} (${elapsed()})\n`);
          }
          lastPhase = phase;
        },
  });
  if (options.json) process.stdout.write(`${JSON.stringify({ ...summary, seconds: Number(summary.seconds.toFixed(3)) })}\n`);
  else printHuman(summary);
  return 0;
}

runCommand(USAGE, parseCommandLine, main);
