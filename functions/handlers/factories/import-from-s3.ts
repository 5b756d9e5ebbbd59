import { z } from 'zod';
import { decodeNotificationKey } from '../../adapters/s3/import-objects';
import { recordImport } from '../../observability/metrics';
import { telemetryFor } from '../../observability/telemetry';
import type { UploadedObject } from '../../ports/uploaded-objects';
import { importUploadedObjects, type ImportUploadsDependencies } from '../../use-cases/import-uploaded-objects';

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

export function objectsOfEvent(event: unknown): UploadedObject[] {
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

const { logger, metrics } = telemetryFor('import-from-s3');

/**
 * Imports each created object under `imports/` and writes its report under `reports/`
 * (use-cases/import-uploaded-objects.ts). A failure still leaves a report, then fails the
 * invocation so Lambda's async retries and on-failure destination take over (re-importing is a
 * no-op for rows already written). A key that names no format is reported but not retried.
 */
export function createImportFromS3Handler(dependencies: () => ImportUploadsDependencies) {
  return async (event: unknown): Promise<{ reports: string[] }> => {
    const outcomes = await importUploadedObjects(objectsOfEvent(event), dependencies());
    for (const { object, report, reportKey, reportWritten } of outcomes) {
      if (report.status === 'completed') {
        recordImport(metrics, report);
        const { errors, warnings, ...counts } = report;
        logger.info('Import finished', { ...counts, errorCount: errors.length, warningCount: warnings.length, reportKey });
      } else {
        logger.error('Import failed', { object, error: report.error, reportKey });
      }
      if (!reportWritten) logger.error('Writing the import report failed', { object, reportKey });
    }
    const failures = outcomes.flatMap((outcome) => outcome.failures);
    if (failures.length === 1) throw failures[0];
    if (failures.length > 1) throw new AggregateError(failures, `${failures.length} imports or reports failed`);
    return { reports: outcomes.filter((outcome) => outcome.reportWritten).map((outcome) => outcome.reportKey) };
  };
}
