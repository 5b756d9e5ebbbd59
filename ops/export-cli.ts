/**
 * `npm run export -- --format hsds [--out FILE] [--validate] [--schemas DIR]`
 * Writes the published directory as Open Referral HSDS 3.0 JSON (stdout without --out).
 * Exit 0: written (and, with --validate, every entity valid); 1: written but some entities fail
 * the official schemas (each reported on stderr with its path); 2: usage or fatal error.
 */
import { once } from 'node:events';
import { createWriteStream, renameSync, rmSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { stackClients, useStackEnvironment } from '../cli/stack-clients';
import { resolveStackEnvironment } from '../cli/stack-state';
import { DynamoDbProgramStore } from '../functions/adapters/dynamodb/dynamodb-program-store';
import { scanLiveListings } from '../functions/adapters/dynamodb/published-listings';
import { createHsdsDocumentWriter } from '../functions/adapters/hsds/hsds-document-writer';
import { exportPublishedDirectory } from '../functions/use-cases/export-directory';
import { createHsdsValidator, DEFAULT_HSDS_SCHEMA_DIR, formatValidationError, type HsdsValidationError } from './validate-hsds';
import type { HsdsSection } from '../functions/adapters/hsds/hsds-ids';
import { runCommand, UsageError } from '../cli/command-line';

const FORMATS = ['hsds'] as const;
const USAGE = `usage: npm run export -- --format ${FORMATS.join('|')} [--out FILE] [--validate] [--schemas DIR]`;


function parseCommandLine(argv: string[]) {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      format: { type: 'string', default: 'hsds' },
      out: { type: 'string' },
      validate: { type: 'boolean', default: false },
      schemas: { type: 'string', default: DEFAULT_HSDS_SCHEMA_DIR },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) throw new UsageError('');
  if (positionals.length > 0) throw new UsageError(`unexpected argument ${positionals[0]}`);
  if (!(FORMATS as readonly string[]).includes(values.format)) throw new UsageError(`unknown --format ${values.format}; expected one of ${FORMATS.join(', ')}`);
  return { out: values.out, validate: values.validate, schemas: values.schemas };
}

async function main(options: ReturnType<typeof parseCommandLine>): Promise<number> {
  useStackEnvironment(resolveStackEnvironment(process.env.DATA_DIR ?? '.data'));
  const { documentClient, dynamoDbConfig } = stackClients();
  const table = dynamoDbConfig.PROGRAMS_TABLE;

  const validator = options.validate ? createHsdsValidator(options.schemas) : undefined;
  const errors: HsdsValidationError[] = [];
  const indexes = new Map<HsdsSection, number>();
  const onEntity = validator
    ? (section: HsdsSection, entity: unknown) => {
        const index = indexes.get(section) ?? 0;
        indexes.set(section, index + 1);
        errors.push(...validator(section, entity, index));
      }
    : undefined;

  // A partial file is never left under the requested name: written beside it, renamed when complete.
  const partial = options.out ? `${options.out}.partial` : undefined;
  const output = partial ? createWriteStream(partial) : process.stdout;
  try {
    const summary = await exportPublishedDirectory(
      { store: new DynamoDbProgramStore(documentClient, table), liveListings: () => scanLiveListings(documentClient, table) },
      await createHsdsDocumentWriter(output, { onEntity }),
    );
    if (partial && options.out) {
      output.end();
      await once(output, 'finish');
      renameSync(partial, options.out);
    }
    const counts = Object.entries(summary.counts).map(([section, count]) => `${count} ${section}`).join(', ');
    process.stderr.write(
      `exported ${summary.programs} programs and ${summary.listings} listings${summary.skipped ? ` (${summary.skipped} unreadable items skipped)` : ''}: ${counts}` +
        `${options.out ? ` to ${options.out}` : ''}\n`,
    );
  } catch (error) {
    if (partial) rmSync(partial, { force: true });
    throw error;
  }
  if (validator) {
    for (const error of errors) process.stderr.write(`invalid: ${formatValidationError(error)}\n`);
    process.stderr.write(`validation against HSDS 3.0 schemas: ${errors.length === 0 ? 'every entity valid' : `${errors.length} errors`}\n`);
  }
  return errors.length > 0 ? 1 : 0;
}

runCommand(USAGE, parseCommandLine, main);
