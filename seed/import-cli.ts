/**
 * `npm run import -- FILE... [--format FORMAT] [--coordinates FILE...] [--as-of DATE] [--source SLUG] [--prune] [--dry-run] [--report FILE] [--json]`
 * `npm run import -- FILE --target aws --bucket BUCKET [--format ...] [--source SLUG] [--region REGION]`: hands the file to
 * the importer Lambda through the import bucket (the report lands under `reports/`).
 * Exit 0: every row accepted; 1: some rows rejected (the rest imported); 2: usage or fatal error.
 */
import { existsSync, statSync } from 'node:fs';
import { z } from 'zod';
import { DEMO_REFUSAL, DEMO_SOURCE } from '../functions/domain/demo-source';
import { parseArgs } from 'node:util';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { importFile, type FileImportSummary } from './import-file';
import { formatLicenceSummary, importLicenseRegistryFile } from './import-licenses';
import { useStackEnvironment } from '../cli/stack-clients';
import { resolveStackEnvironment } from '../cli/stack-state';
import type { ByteCounter } from '../functions/imports/counted-read-stream';
import {
  DEFAULT_SOURCE,
  IMPORT_FORMATS,
  isProgramFormat,
  MULTI_FILE_FORMATS,
  REFUSED_FORMATS,
  type ImportFormat,
} from '../functions/imports/import-formats';
import { progressReporter } from './import-progress';
import { buildImportReport, writeImportReport } from './import-report';
import { runCommand, UsageError } from '../cli/command-line';

const USAGE = [
  `usage: npm run import -- FILE... [--format ${IMPORT_FORMATS.join('|')}] [--coordinates FILE...] [--as-of YYYY-MM-DD]`,
  `                         [--source SLUG] [--prune] [--dry-run] [--report FILE] [--json]`,
  `       npm run import -- FILE --target aws --bucket BUCKET [--format ...] [--source SLUG] [--region REGION]`,
].join('\n');

const isoDate = z.iso.date();

/** `--coordinates A.csv B.csv`: every argument after the flag up to the next option is a reference file. */
function takeCoordinateFiles(argv: string[]): { rest: string[]; coordinates: string[] } {
  const rest: string[] = [];
  const coordinates: string[] = [];
  for (let position = 0; position < argv.length; position++) {
    const argument = argv[position]!;
    if (argument === '--coordinates' || argument.startsWith('--coordinates=')) {
      if (argument.includes('=')) coordinates.push(argument.slice('--coordinates='.length));
      while (position + 1 < argv.length && !argv[position + 1]!.startsWith('--')) coordinates.push(argv[++position]!);
      continue;
    }
    rest.push(argument);
  }
  return { rest, coordinates };
}


function parseCommandLine(argv: string[]) {
  const { rest, coordinates } = takeCoordinateFiles(argv);
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: {
      format: { type: 'string', default: 'native' },
      source: { type: 'string' },
      prune: { type: 'boolean', default: false },
      'dry-run': { type: 'boolean', default: false },
      'as-of': { type: 'string' },
      report: { type: 'string' },
      json: { type: 'boolean', default: false },
      target: { type: 'string', default: 'local' },
      bucket: { type: 'string' },
      region: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) throw new UsageError('');
  const refused = REFUSED_FORMATS[values.format];
  if (refused) throw new UsageError(`--format ${values.format}: ${refused}`);
  if (!(IMPORT_FORMATS as readonly string[]).includes(values.format)) {
    throw new UsageError(`unknown --format ${values.format}; expected one of ${IMPORT_FORMATS.join(', ')}`);
  }
  const format = values.format as ImportFormat;
  const files = positionals;
  if (files.length === 0) throw new UsageError('give a FILE to import');
  if (files.length > 1 && !MULTI_FILE_FORMATS.has(format)) throw new UsageError(`--format ${format} imports one FILE at a time`);
  for (const file of [...files, ...coordinates]) if (!existsSync(file)) throw new UsageError(`no such file: ${file}`);
  if (coordinates.length > 0 && !isProgramFormat(format)) throw new UsageError(`--coordinates places programs; --format ${format} creates none`);
  const asOf = values['as-of'];
  if (asOf !== undefined && !isoDate.safeParse(asOf).success) throw new UsageError(`--as-of must be a date (YYYY-MM-DD), not ${asOf}`);
  if (values.report === '') throw new UsageError('--report needs a file name');
  if (values.target !== 'local' && values.target !== 'aws') throw new UsageError(`unknown --target ${values.target}; expected local or aws`);
  if (values.target === 'aws') {
    if (!values.bucket) throw new UsageError('--target aws needs --bucket (the stack output ImportBucketName)');
    // The Lambda importer always writes; pruning and dry runs need the operator's own view of the table.
    if (values.prune || values['dry-run']) throw new UsageError('--prune and --dry-run work with --target local only');
    // Invented programs (seed/demo) never reach a deployed directory; the importer Lambda refuses their rows too.
    if (values.source === DEMO_SOURCE) throw new UsageError(`--source ${DEMO_SOURCE}: ${DEMO_REFUSAL}`);
  }
  return {
    files,
    format,
    coordinates,
    asOf,
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

function where(problem: { line: number; file?: string }): string {
  return problem.file ? `${path.basename(problem.file)} line ${problem.line}` : `line ${problem.line}`;
}

function printHuman(summary: FileImportSummary, seconds: number): void {
  const out = process.stdout;
  for (const error of summary.errors) out.write(`${where(error)}: ${error.path || '(row)'}: ${error.message}\n`);
  for (const warning of summary.warnings) out.write(`warning: ${where(warning)}: ${warning.path || '(row)'}: ${warning.message}\n`);
  if (summary.pruneSkipped) out.write(`prune skipped: ${summary.pruneSkipped}\n`);
  if (summary.changedMeanwhile) out.write(`prune kept ${summary.changedMeanwhile} programs that a concurrent import changed after the prune read them; prune again to decide on them\n`);
  const { located } = summary;
  out.write(`located: ${located.record} by their own coordinates, ${located.reference} from reference files, ${located.geocoder} by the geocoder, ${located.zip} at their zip centroid\n`);
  out.write(
    `${summary.dryRun ? 'dry run: ' : ''}${summary.rows} rows: ${summary.accepted} accepted (${summary.written} written, ${summary.unchanged} unchanged), ` +
      `${summary.rejected} rejected, ${summary.archived} archived, ${summary.warnings.length} warnings in ${seconds.toFixed(1)} s\n`,
  );
}

async function main(options: ReturnType<typeof parseCommandLine>): Promise<number> {
  if (options.target === 'aws') return handToAwsImporter(options);
  useStackEnvironment(resolveStackEnvironment(process.env.DATA_DIR ?? '.data'));
  const startedAt = new Date();
  const started = performance.now();
  const bytesRead: ByteCounter = { bytes: 0 };
  const totalBytes = options.files.reduce((total, file) => total + statSync(file).size, 0);
  const progress = progressReporter(totalBytes, bytesRead);
  const format = options.format;
  if (!isProgramFormat(format)) {
    let summary: Awaited<ReturnType<typeof importLicenseRegistryFile>>;
    try {
      summary = await importLicenseRegistryFile(options.files[0]!, { registry: format, dryRun: options.dryRun, prune: options.prune, bytesRead });
    } finally {
      progress.stop();
    }
    const maxRssBytes = process.resourceUsage().maxRSS * 1024;
    if (options.report) await writeFile(options.report, `${JSON.stringify({ file: options.files[0], format, startedAt: startedAt.toISOString(), summary }, null, 2)}\n`);
    if (options.json) process.stdout.write(`${JSON.stringify({ ...summary, maxRssBytes })}\n`);
    else process.stdout.write(`${formatLicenceSummary(summary)}\n`);
    return summary.rejected > 0 ? 1 : 0;
  }
  let summary: FileImportSummary;
  try {
    summary = await importFile(options.files, {
      format,
      source: options.source,
      dryRun: options.dryRun,
      prune: options.prune,
      asOf: options.asOf,
      coordinates: options.coordinates,
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
    const source = options.source ?? DEFAULT_SOURCE[format];
    await writeImportReport(options.report, buildImportReport(summary, { file: options.files.join(', '), format, source, startedAt, seconds }));
  }
  if (options.json) process.stdout.write(`${JSON.stringify({ ...summary, seconds: Number(seconds.toFixed(3)), maxRssBytes })}\n`);
  else printHuman(summary, seconds);
  return summary.rejected > 0 ? 1 : 0;
}

async function handToAwsImporter(options: ReturnType<typeof parseCommandLine>): Promise<number> {
  // Loaded only for --target aws: the S3 upload machinery is of no use to a local import.
  const { uploadForAwsImport } = await import('./aws-target');
  if (options.files.length > 1) throw new UsageError('--target aws uploads one FILE at a time');
  const uploaded = await uploadForAwsImport({
    file: options.files[0]!,
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
