import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { StagedObject, UploadedObject, UploadedObjects } from '../../ports/uploaded-objects';

/**
 * Streams an object to a file in the temp directory. The row readers take a path (CSV parsing
 * and line numbering live there), and streaming keeps memory flat whatever the object's size;
 * the function's ephemeral storage bounds how large an import can be instead.
 */
export async function downloadObject(s3: S3Client, object: UploadedObject, directory = tmpdir()): Promise<StagedObject> {
  const workDir = await mkdtemp(path.join(directory, 'import-'));
  const remove = () => rm(workDir, { recursive: true, force: true });
  try {
    const response = await s3.send(
      new GetObjectCommand({ Bucket: object.bucket, Key: object.key, ...(object.versionId ? { VersionId: object.versionId } : {}) }),
    );
    if (!(response.Body instanceof Readable)) throw new Error(`s3://${object.bucket}/${object.key}: the response has no readable body`);
    // The key's own name, so readers that infer anything from the extension still can.
    const filePath = path.join(workDir, path.basename(object.key) || 'object');
    await pipeline(response.Body, createWriteStream(filePath));
    const metadata = Object.fromEntries(Object.entries(response.Metadata ?? {}).map(([name, value]) => [name.toLowerCase(), value]));
    return { filePath, bytes: response.ContentLength ?? 0, metadata, remove };
  } catch (error) {
    await remove();
    throw error;
  }
}

export async function putJsonObject(s3: S3Client, bucket: string, key: string, body: unknown): Promise<void> {
  await s3.send(
    new PutObjectCommand({
      Bucket: bucket,
      Key: key,
      Body: `${JSON.stringify(body, null, 2)}\n`,
      ContentType: 'application/json',
    }),
  );
}

/**
 * Object keys arrive URL-encoded in S3 notifications, with spaces as '+'; EventBridge events
 * carry them as stored.
 */
export function decodeNotificationKey(key: string): string {
  return decodeURIComponent(key.replace(/\+/g, ' '));
}

/** The uploads port over S3, staging objects in `directory` (Lambda's ephemeral storage by default). */
export function s3UploadedObjects(s3: S3Client, directory?: string): UploadedObjects {
  return {
    stage: (object) => downloadObject(s3, object, directory),
    writeJson: (bucket, key, body) => putJsonObject(s3, bucket, key, body),
  };
}
