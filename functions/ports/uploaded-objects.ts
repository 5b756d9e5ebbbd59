/** An object an operator uploaded for import (an S3 object in AWS). */
export interface UploadedObject {
  bucket: string;
  key: string;
  /** Set on versioned buckets: the import reads exactly the version that triggered it. */
  versionId?: string;
}

/** A local copy of an upload: the row readers take a path (CSV parsing and line numbers live there). */
export interface StagedObject {
  filePath: string;
  bytes: number;
  /** User metadata of the upload (x-amz-meta-* in S3), lower-cased keys. */
  metadata: Readonly<Record<string, string>>;
  /** Removes the local copy; safe to call more than once. */
  remove(): Promise<void>;
}

/** Where uploads are read from and their reports written to. */
export interface UploadedObjects {
  stage(object: UploadedObject): Promise<StagedObject>;
  writeJson(bucket: string, key: string, body: unknown): Promise<void>;
}
