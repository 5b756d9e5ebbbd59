import type { S3Client } from '@aws-sdk/client-s3';
import middy from '@middy/core';
import { z } from 'zod';
import { documentClient } from '../adapters/dynamodb/client';
import { DynamoDbProgramStore } from '../adapters/dynamodb/dynamodb-program-store';
import { createS3Client } from '../adapters/s3/client';
import { decodeNotificationKey, downloadObject, IMPORTS_PREFIX, putJsonObject, reportKeyFor, type ObjectRef } from '../adapters/s3/import-objects';
import { dynamoDbConfig } from '../config/dynamodb-config';
import { zipDirectory } from '../geo/zip-table';
import { observability } from '../observability/observability';
import { recordImport } from '../observability/metrics';
import { telemetryFor } from '../observability/telemetry';
import { importPrograms, type ImportDependencies, type ImportSummary } from '../use-cases/import-programs';
// The CLI's own readers, so a file imports the same way from a laptop and from the bucket.
import { DEMO_REFUSAL, DEMO_SOURCE } from '../domain/demo-source';
import { DEFAULT_SOURCE, isProgramFormat, PROGRAM_FORMATS, readImportRows, type ProgramFormat } from '../imports/import-formats';

/**
 * Two shapes name the same thing, an object that was created: a direct S3 notification (records,
 * keys URL-encoded) and S3's EventBridge "Object Created" event, which is how the deployed bucket
 * reaches this function (see infra/stacks/api-stack.ts).
 */
const s3NotificationSchema = z.object({
  Records: z.array(
    z.object({
      eventName: z.string().optional(),
      s3: z.object({
        bucket: z.object({ name: z.string().min(1) }),
        object: z.object({ key: z.string().min(1), versionId: z.string().optional() }),
      }),
    }),
  ),
});

const eventBridgeSchema = z.object({
  'detail-type': z.literal('Object Created'),
  detail: z.object({
    bucket: z.object({ name: z.string().min(1) }),
    object: z.object({ key: z.string().min(1), 'version-id': z.string().optional() }),
  }),
});

export function objectsOfEvent(event: unknown): ObjectRef[] {
  const notification = s3NotificationSchema.safeParse(event);
  if (notification.success) {
    return notification.data.Records.filter((record) => !record.eventName || record.eventName.startsWith('ObjectCreated:')).map((record) => ({
      bucket: record.s3.bucket.name,
      key: decodeNotificationKey(record.s3.object.key),
      ...(record.s3.object.versionId ? { versionId: record.s3.object.versionId } : {}),
    }));
  }
  const bridged = eventBridgeSchema.safeParse(event);
  if (bridged.success) {
    const { bucket, object } = bridged.data.detail;
    return [{ bucket: bucket.name, key: object.key, ...(object['version-id'] ? { versionId: object['version-id'] } : {}) }];
  }
  throw new Error('Not an S3 ObjectCreated notification or EventBridge "Object Created" event');
}

/**
 * Only extensions that can mean one format. A `.csv` could be a native CSV, a National Directory
 * sheet or a FindTreatment.gov download (and was once read as the locator list, which states no
 * level of care), so a CSV must name its format in its key.
 */
const FORMAT_BY_EXTENSION: Readonly<Record<string, ProgramFormat>> = {
  '.ndjson': 'native',
  '.jsonl': 'native',
  '.xlsx': 'samhsa-directory',
};

/**
 * `imports/<format>/<name>` names the format outright (any program format the CLI knows, so new
 * formats need no change here); otherwise the extension decides. Undefined when neither does.
 */
export function importFormatForKey(key: string): ProgramFormat | undefined {
  if (!key.startsWith(IMPORTS_PREFIX)) return undefined;
  const segments = key.slice(IMPORTS_PREFIX.length).split('/');
  const [first] = segments;
  if (segments.length > 1 && first !== undefined && isProgramFormat(first)) return first;
  const extension = /\.[^./]+$/.exec(key)?.[0]?.toLowerCase();
  return extension === undefined ? undefined : FORMAT_BY_EXTENSION[extension];
}

/** What lands under `reports/<key>.report.json`: the CLI's `--json` summary plus where it came from. */
export type CompletedImportReport = ImportSummary & { status: 'completed'; object: ObjectRef; format: ProgramFormat; source: string; bytes: number; seconds: number };
export type FailedImportReport = { status: 'failed'; object: ObjectRef; format?: ProgramFormat; error: string; seconds: number };
export type ImportReport = CompletedImportReport | FailedImportReport;

export interface ImportFromS3Dependencies {
  s3: S3Client;
  imports: ImportDependencies;
  /** Where objects are staged while they are read; Lambda's ephemeral storage by default. */
  tempDirectory?: string;
}

/** An import that cannot succeed however often it is retried (the key names no known format). */
class UnimportableObjectError extends Error {}

const { logger, metrics } = telemetryFor('import-from-s3');

function log(level: 'INFO' | 'ERROR', message: string, fields: Record<string, unknown>): void {
  if (level === 'ERROR') logger.error(message, fields);
  else logger.info(message, fields);
}

async function importObject(object: ObjectRef, deps: ImportFromS3Dependencies): Promise<CompletedImportReport> {
  const started = performance.now();
  const seconds = () => Number(((performance.now() - started) / 1000).toFixed(3));
  const format = importFormatForKey(object.key);
  if (!format) {
    throw new UnimportableObjectError(
      `cannot tell the format of ${object.key}: use ${IMPORTS_PREFIX}<format>/<name> with a format of ${PROGRAM_FORMATS.join(', ')}, ` +
        'or a .ndjson/.jsonl (native) or .xlsx (samhsa-directory) name',
    );
  }
  const download = await downloadObject(deps.s3, object, deps.tempDirectory);
  try {
    const source = download.metadata.source ?? DEFAULT_SOURCE[format];
    const summary = await importPrograms(readImportRows([download.filePath], format), deps.imports, {
      defaultSource: source,
      // Invented demo programs (seed/demo) must never reach a deployed directory: each row is rejected.
      refusedSources: new Map([[DEMO_SOURCE, DEMO_REFUSAL]]),
    });
    recordImport(metrics, summary);
    return { status: 'completed', object, format, source, bytes: download.bytes, ...summary, seconds: seconds() };
  } finally {
    // Warm instances share /tmp, so a leftover copy would eat into the next import's space.
    await download.remove();
  }
}

/**
 * Imports each created object under `imports/` with the same use case as `npm run import`, and
 * writes its report next to it under `reports/`. A failure still leaves a report, then fails the
 * invocation so Lambda's async retries and on-failure destination take over (re-importing is a
 * no-op for rows already written). A key that names no format is reported but not retried.
 */
export function createImportFromS3Handler(dependencies: () => ImportFromS3Dependencies) {
  return async (event: unknown): Promise<{ reports: string[] }> => {
    const deps = dependencies();
    const reports: string[] = [];
    const failures: unknown[] = [];
    for (const object of objectsOfEvent(event)) {
      const reportKey = reportKeyFor(object.key);
      const started = performance.now();
      let report: ImportReport;
      try {
        const completed = await importObject(object, deps);
        report = completed;
        const { errors, warnings, ...counts } = completed;
        log('INFO', 'Import finished', { ...counts, errorCount: errors.length, warningCount: warnings.length, reportKey });
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        const format = importFormatForKey(object.key);
        report = { status: 'failed', object, ...(format ? { format } : {}), error: message, seconds: Number(((performance.now() - started) / 1000).toFixed(3)) };
        log('ERROR', 'Import failed', { object, error: message, reportKey });
        if (!(error instanceof UnimportableObjectError)) failures.push(error);
      }
      try {
        await putJsonObject(deps.s3, object.bucket, reportKey, report);
        reports.push(reportKey);
      } catch (error) {
        log('ERROR', 'Writing the import report failed', { object, reportKey, error: error instanceof Error ? error.message : String(error) });
        failures.push(error);
      }
    }
    if (failures.length === 1) throw failures[0];
    if (failures.length > 1) throw new AggregateError(failures, `${failures.length} imports or reports failed`);
    return { reports };
  };
}

// Kept next to the composition below while the top of this file is being edited elsewhere;
// import declarations are hoisted, so they may move up into the import block at any time.
import { createGeocoder } from '../adapters/geocoding/create-geocoder';
import { geocodingConfig } from '../config/geocoding-config';

let defaults: ImportFromS3Dependencies | undefined;

export const handler = middy<unknown, { reports: string[] }>()
  .use(observability({ service: 'import-from-s3' }))
  .handler(
    createImportFromS3Handler(() => {
      defaults ??= {
        s3: createS3Client(),
        imports: {
          store: new DynamoDbProgramStore(documentClient, dynamoDbConfig.PROGRAMS_TABLE),
          zips: zipDirectory,
          // Amazon Location Service where the stage enables it (GEOCODER); else the zip centroid.
          geocoder: createGeocoder(geocodingConfig, { logger }),
        },
      };
      return defaults;
    }),
  );
