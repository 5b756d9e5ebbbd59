/**
 * `npm run expiring -- [--within N] [--json]`
 * Prints the expiry watch's summary for the running stack (same environment as `npm start`): how
 * many published programs have a licence or accreditation expiring between today and today + N
 * days (default 60), and the 10 soonest; the same summary the daily function publishes in AWS.
 * Exit 0: printed; 2: usage or fatal error.
 */
import { parseArgs } from 'node:util';
import { closeStackClients, stackClients, useStackEnvironment } from '../cli/stack-clients';
import { resolveStackEnvironment } from '../cli/stack-state';
import { OpenSearchExpiryIndex } from '../functions/adapters/opensearch/opensearch-expiry-index';
import { expirySummary, expirySummaryText } from '../functions/use-cases/expiring-programs';
import { runCommand, UsageError } from '../cli/command-line';

const USAGE = 'usage: npm run expiring -- [--within DAYS] [--json]   (DAYS a whole number from 1 to 365, default 60)';

function parseCommandLine(argv: string[]) {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      within: { type: 'string', default: '60' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) throw new UsageError('');
  if (positionals.length > 0) throw new UsageError(`unexpected argument ${positionals[0]}`);
  const within = /^\d+$/.test(values.within) ? Number(values.within) : Number.NaN;
  if (!Number.isInteger(within) || within < 1 || within > 365) throw new UsageError('--within must be a whole number of days from 1 to 365');
  return { within, json: values.json };
}

async function main(options: ReturnType<typeof parseCommandLine>): Promise<number> {
  useStackEnvironment(resolveStackEnvironment(process.env.DATA_DIR ?? '.data'));
  const { openSearchClient, openSearchConfig } = stackClients();
  try {
    const summary = await expirySummary(options.within, { index: new OpenSearchExpiryIndex(openSearchClient, openSearchConfig.SEARCH_INDEX_ALIAS) });
    process.stdout.write(options.json ? `${JSON.stringify(summary)}\n` : expirySummaryText(summary));
  } finally {
    closeStackClients();
  }
  return 0;
}

runCommand(USAGE, parseCommandLine, main);
