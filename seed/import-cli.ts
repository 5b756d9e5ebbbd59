/**
 * `npm run import -- FILE [--format native|csv|findtreatment|samhsa-csv] [--source SLUG] [--prune] [--dry-run] [--report FILE] [--json]`
 * `npm run import -- FILE --target aws --bucket BUCKET [--format ...] [--source SLUG] [--region REGION]`: hands the file to
 * the importer Lambda through the import bucket (the report lands under `reports/`).
 * Exit 0: every row accepted; 1: some rows rejected (the rest imported); 2: usage or fatal error.
 */
import { existsSync, statSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { ImportSummary } from '../functions/use-cases/import-programs';
import { resolveStackEnvironment } from '../local/stack-state';
import type { ByteCounter } from '../functions/imports/counted-read-stream';
import { DEFAULT_SOURCE, IMPORT_FORMATS, type ImportFormat } from '../functions/imports/import-formats';
import { progressReporter } from './import-progress';
import { buildImportReport, writeImportReport } from './import-report';
import { runCommand, UsageError } from '../ops/command-line';

const USAGE = [
  `usage: npm run import -- FILE [--format ${IMPORT_FORMATS.join('|')}] [--source SLUG] [--prune] [--dry-run] [--report FILE] [--json]`,
  `       npm run import -- FILE --target aws --bucket BUCKET [--format ...] [--source SLUG] [--region REGION]`,
].join('\n');


function parseCommandLine(argv: string[]) {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      format: { type: 'string', default: 'native' },
      source: { type: 'string' },
      prune: { type: 'boolean', default: false },
      'dry-run': { type: 'boolean', default: false },
      report: { type: 'string' },
      json: { type: 'boolean', default: false },
      target: { type: 'string', default: 'local' },
      bucket: { type: 'string' },
      region: { type: 'string' },
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
  if (values.report === '') throw new UsageError('--report needs a file name');
  if (values.target !== 'local' && values.target !== 'aws') throw new UsageError(`unknown --target ${values.target}; expected local or aws`);
  if (values.target === 'aws') {
    if (!values.bucket) throw new UsageError('--target aws needs --bucket (the stack output ImportBucketName)');
    // The Lambda importer always writes; pruning and dry runs need the operator's own view of the table.
    if (values.prune || values['dry-run']) throw new UsageError('--prune and --dry-run work with --target local only');
  }
  return {
    file,
    format: values.format as ImportFormat,
    source: values.source,
    prune: values.prune,
    dryRun: values['dry-run'],
    report: values.report,
    json: values.json,
    target: values.target as 'local' | 'aws',
    bucket: values.bucket,
    region: values.region,
  };
}

function printHuman(summary: ImportSummary, seconds: number): void {
  const out = process.stdout;
  for (const error of summary.errors) out.write(`line ${error.line}: ${error.path || '(row)'}: ${error.message}\n`);
  for (const warning of summary.warnings) out.write(`warning: line ${warning.line}: ${warning.path}: ${warning.message}\n`);
  if (summary.pruneSkipped) out.write(`prune skipped: ${summary.pruneSkipped}\n`);
  out.write(
    `${summary.dryRun ? 'dry run: ' : ''}${summary.rows} rows: ${summary.accepted} accepted (${summary.written} written, ${summary.unchanged} unchanged), ` +
      `${summary.rejected} rejected, ${summary.archived} archived, ${summary.warnings.length} warnings in ${seconds.toFixed(1)} s\n`,
  );
}

async function main(options: ReturnType<typeof parseCommandLine>): Promise<number> {
  if (options.target === 'aws') return handToAwsImporter(options);
  Object.assign(process.env, resolveStackEnvironment(process.env.DATA_DIR ?? '.data'));
  const { importFile } = await import('./import-file');
  const startedAt = new Date();
  const started = performance.now();
  const bytesRead: ByteCounter = { bytes: 0 };
  const progress = progressReporter(statSync(options.file).size, bytesRead);
  let summary: ImportSummary;
  try {
    summary = await importFile(options.file, {
      format: options.format,
      source: options.source,
      dryRun: options.dryRun,
      prune: options.prune,
      bytesRead,
      onProgress: (current) => progress.update(current),
    });
  } finally {
    progress.stop();
  }
  const seconds = (performance.now() - started) / 1000;
  // Peak resident memory of the whole run: what an operator sizes the machine by.
  const maxRssBytes = process.resourceUsage().maxRSS * 1024;
  if (options.report) {
    const source = options.source ?? DEFAULT_SOURCE[options.format];
    await writeImportReport(options.report, buildImportReport(summary, { file: options.file, format: options.format, source, startedAt, seconds }));
  }
  if (options.json) process.stdout.write(`${JSON.stringify({ ...summary, seconds: Number(seconds.toFixed(3)), maxRssBytes })}\n`);
  else printHuman(summary, seconds);
  return summary.rejected > 0 ? 1 : 0;
}

async function handToAwsImporter(options: ReturnType<typeof parseCommandLine>): Promise<number> {
  const { uploadForAwsImport } = await import('./aws-target');
  const uploaded = await uploadForAwsImport({
    file: options.file,
    bucket: options.bucket!,
    format: options.format,
    source: options.source,
    region: options.region,
    onProgress: options.json ? undefined : (sent, total) => process.stderr.write(`\ruploaded ${sent} of ${total ?? '?'} bytes`),
  });
  if (options.json) process.stdout.write(`${JSON.stringify(uploaded)}\n`);
  else process.stdout.write(`\nuploaded s3://${uploaded.bucket}/${uploaded.key}; the importer will write s3://${uploaded.bucket}/${uploaded.reportKey}\n`);
  return 0;
}

runCommand(USAGE, parseCommandLine, main);
