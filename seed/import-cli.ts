/**
 * `npm run import -- FILE [--format native|samhsa-csv] [--source SLUG] [--dry-run] [--json]`
 * Exit 0: every row accepted; 1: some rows rejected (the rest imported); 2: usage or fatal error.
 */
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { ImportSummary } from '../functions/use-cases/import-programs';
import { resolveStackEnvironment } from '../local/stack-state';
import { IMPORT_FORMATS, type ImportFormat } from './import-formats';

const USAGE = `usage: npm run import -- FILE [--format ${IMPORT_FORMATS.join('|')}] [--source SLUG] [--dry-run] [--json]`;

class UsageError extends Error {}

function parseCommandLine(argv: string[]) {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      format: { type: 'string', default: 'native' },
      source: { type: 'string' },
      'dry-run': { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) throw new UsageError('');
  const [file, ...extra] = positionals;
  if (!file || extra.length > 0) throw new UsageError('give exactly one FILE');
  if (!existsSync(file)) throw new UsageError(`no such file: ${file}`);
  if (!(IMPORT_FORMATS as readonly string[]).includes(values.format)) {
    throw new UsageError(`unknown --format ${values.format}; expected one of ${IMPORT_FORMATS.join(', ')}`);
  }
  return { file, format: values.format as ImportFormat, source: values.source, dryRun: values['dry-run'], json: values.json };
}

function printHuman(summary: ImportSummary, seconds: number): void {
  const out = process.stdout;
  for (const error of summary.errors) out.write(`line ${error.line}: ${error.path || '(row)'}: ${error.message}\n`);
  for (const warning of summary.warnings) out.write(`warning: line ${warning.line}: ${warning.path}: ${warning.message}\n`);
  out.write(
    `${summary.dryRun ? 'dry run: ' : ''}${summary.rows} rows: ${summary.accepted} accepted (${summary.written} written, ${summary.unchanged} unchanged), ` +
      `${summary.rejected} rejected, ${summary.warnings.length} warnings in ${seconds.toFixed(1)} s\n`,
  );
}

async function main(): Promise<number> {
  let options: ReturnType<typeof parseCommandLine>;
  try {
    options = parseCommandLine(process.argv.slice(2));
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`${message ? `error: ${message}\n` : ''}${USAGE}\n`);
    return 2;
  }
  Object.assign(process.env, resolveStackEnvironment(process.env.DATA_DIR ?? '.data'));
  const { importFile } = await import('./import-file');
  const started = performance.now();
  const summary = await importFile(options.file, {
    format: options.format,
    source: options.source,
    dryRun: options.dryRun,
    onProgress: options.json ? undefined : (progress) => process.stderr.write(`\r${progress.rows} rows read, ${progress.rejected} rejected`),
  });
  const seconds = (performance.now() - started) / 1000;
  if (!options.json) process.stderr.write('\n');
  if (options.json) process.stdout.write(`${JSON.stringify({ ...summary, seconds: Number(seconds.toFixed(3)) })}\n`);
  else printHuman(summary, seconds);
  return summary.rejected > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(2);
  },
);
