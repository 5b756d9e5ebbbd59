import { createReadStream } from 'node:fs';
import path from 'node:path';
import { S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { IMPORTS_PREFIX, reportKeyFor } from '../functions/imports/import-bucket-keys';
import type { ImportFormat } from '../functions/imports/import-formats';

export interface AwsImportUpload {
  /** Local file to upload; streamed, never read whole. */
  file: string;
  /** The stateful stack's import bucket (output `ImportBucketName`). */
  bucket: string;
  format: ImportFormat;
  /**
   * Key prefix, `imports/` by default. Only objects under `imports/` trigger the importer; any
   * other prefix just stores the file.
   */
  prefix?: string;
  /** Defaults to the SDK's own resolution (AWS_REGION, profile). */
  region?: string;
  /** Stored as `x-amz-meta-source`; the importer uses it for rows that name no source, like `--source`. */
  source?: string;
  /** For tests and callers with a configured client; `region` is ignored when given. */
  s3?: S3Client;
  onProgress?: (uploadedBytes: number, totalBytes: number | undefined) => void;
}

export interface AwsImportUploaded {
  bucket: string;
  /** `<prefix><format>/<basename of file>` */
  key: string;
  /** Where the importer will write its report: `reports/<key>.report.json`. */
  reportKey: string;
  /** Set when the bucket is versioned (the deployed one is); the import reads exactly this version. */
  versionId?: string;
}

/**
 * Hands a file to the importer in AWS: a multipart, streaming upload (any size, parts retried on
 * their own) to `imports/<format>/<name>`, whose ObjectCreated event starts the import. The import
 * itself runs asynchronously; poll `reportKey` for its summary.
 */
export async function uploadForAwsImport(options: AwsImportUpload): Promise<AwsImportUploaded> {
  const prefix = normalisePrefix(options.prefix ?? IMPORTS_PREFIX);
  const key = `${prefix}${options.format}/${path.basename(options.file)}`;
  const client = options.s3 ?? new S3Client(options.region ? { region: options.region } : {});
  try {
    const upload = new Upload({
      client,
      params: {
        Bucket: options.bucket,
        Key: key,
        Body: createReadStream(options.file),
        ContentType: contentTypeOf(options.file),
        ...(options.source ? { Metadata: { source: options.source } } : {}),
      },
      // Parts are buffered in memory: 4 x 8 MiB bounds what the CLI holds at once.
      queueSize: 4,
      partSize: 8 * 1024 * 1024,
      leavePartsOnError: false,
    });
    if (options.onProgress) upload.on('httpUploadProgress', (progress) => options.onProgress?.(progress.loaded ?? 0, progress.total));
    const result = await upload.done();
    return { bucket: options.bucket, key, reportKey: reportKeyFor(key), ...(result.VersionId ? { versionId: result.VersionId } : {}) };
  } finally {
    if (!options.s3) client.destroy();
  }
}

/** Only informative (the importer goes by key); lets the console preview text files. */
function contentTypeOf(file: string): string {
  const extension = path.extname(file).toLowerCase();
  if (extension === '.csv') return 'text/csv';
  if (extension === '.ndjson' || extension === '.jsonl') return 'application/x-ndjson';
  if (extension === '.json') return 'application/json';
  return 'application/octet-stream';
}

function normalisePrefix(prefix: string): string {
  const trimmed = prefix.replace(/^\/+/, '');
  return trimmed === '' || trimmed.endsWith('/') ? trimmed : `${trimmed}/`;
}
