import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { StagedObject, UploadedObject, UploadedObjects } from '../../functions/ports/uploaded-objects';

/** Uploads in memory, staged as real files (the row readers take a path), with faults on demand. */
export class MemoryUploadedObjects implements UploadedObjects {
  readonly uploads = new Map<string, { body: string; metadata: Record<string, string> }>();
  readonly written = new Map<string, unknown>();
  readonly staged: string[] = [];
  failWrites = false;

  upload(key: string, body: string, metadata: Record<string, string> = {}): UploadedObject {
    this.uploads.set(key, { body, metadata });
    return { bucket: 'imports-bucket', key };
  }

  async stage(object: UploadedObject): Promise<StagedObject> {
    const upload = this.uploads.get(object.key);
    if (!upload) throw new Error(`NoSuchKey: ${object.key}`);
    const directory = await mkdtemp(path.join(tmpdir(), 'iop-upload-'));
    const filePath = path.join(directory, path.basename(object.key));
    await writeFile(filePath, upload.body);
    this.staged.push(filePath);
    return { filePath, bytes: Buffer.byteLength(upload.body), metadata: upload.metadata, remove: () => rm(directory, { recursive: true, force: true }) };
  }

  async writeJson(bucket: string, key: string, body: unknown): Promise<void> {
    if (this.failWrites) throw new Error('AccessDenied');
    this.written.set(`${bucket}/${key}`, structuredClone(body));
  }

  /** Staged copies still on disk. */
  leftovers(): string[] {
    return this.staged.filter((filePath) => existsSync(filePath));
  }
}
