import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { documentClient, openSearchClient, dynamoDbConfig, openSearchConfig, cursorSigningKey } from '../support/engines';
import { DynamoDbProgramStore } from '../../functions/adapters/dynamodb/dynamodb-program-store';
import { OpenSearchSearchIndex } from '../../functions/adapters/opensearch/opensearch-search-index';
import { programIdFor } from '../../functions/domain/program-id';
import { zipDirectory } from '../../functions/gazetteer/zip-table';
import { s3UploadedObjects } from '../../functions/adapters/s3/import-objects';
import { createImportFromS3Handler } from '../../functions/handlers/factories/import-from-s3';
import { importFormatForKey } from '../../functions/imports/import-object-keys';
import type { ImportReport } from '../../functions/use-cases/import-uploaded-objects';
import { uploadForAwsImport } from '../../seed/aws-target';
import { demoPrograms } from '../../seed/demo/demo-programs';
import { api } from '../support/http';
import { awaitIndexed } from '../support/stream';

interface StoredObject {
  body: Buffer;
  versionId: string;
  metadata: Record<string, string>;
  contentType?: string;
}

/**
 * S3 is the one service the test stack cannot run, so this speaks just enough of its REST API
 * (path-style GetObject and PutObject, versioned) on 127.0.0.1 for the real SDK client to talk to.
 */
class FakeS3 {
  readonly objects = new Map<string, StoredObject>();
  private server: Server | undefined;
  private versions = 0;
  endpoint = '';

  async start(): Promise<void> {
    this.server = createServer((request, response) => {
      this.handle(request).then(
        ({ status, headers, body }) => {
          response.writeHead(status, headers);
          response.end(body);
        },
        (error: unknown) => {
          response.writeHead(500, { 'content-type': 'application/xml' });
          response.end(`<Error><Code>InternalError</Code><Message>${String(error)}</Message></Error>`);
        },
      );
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.endpoint = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }

  client(): S3Client {
    return new S3Client({
      endpoint: this.endpoint,
      forcePathStyle: true,
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    });
  }

  put(bucket: string, key: string, body: string, metadata: Record<string, string> = {}): string {
    const versionId = `v${++this.versions}`;
    this.objects.set(`${bucket}/${key}`, { body: Buffer.from(body), versionId, metadata });
    return versionId;
  }

  json(bucket: string, key: string): unknown {
    const object = this.objects.get(`${bucket}/${key}`);
    if (!object) throw new Error(`no object s3://${bucket}/${key}; have ${[...this.objects.keys()].join(', ')}`);
    return JSON.parse(object.body.toString('utf8'));
  }

  private async handle(request: IncomingMessage): Promise<{ status: number; headers: Record<string, string>; body?: Buffer | string }> {
    const url = new URL(request.url ?? '/', 'http://fake');
    const [bucket, ...keyParts] = url.pathname.slice(1).split('/');
    const id = `${decodeURIComponent(bucket ?? '')}/${keyParts.map(decodeURIComponent).join('/')}`;
    const notFound = { status: 404, headers: { 'content-type': 'application/xml' }, body: '<Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message></Error>' };
    if (request.method === 'GET' || request.method === 'HEAD') {
      const object = this.objects.get(id);
      const wanted = url.searchParams.get('versionId');
      if (!object || (wanted !== null && wanted !== object.versionId)) return notFound;
      const headers: Record<string, string> = {
        'content-length': String(object.body.length),
        'content-type': object.contentType ?? 'application/octet-stream',
        etag: '"fake"',
        'last-modified': new Date().toUTCString(),
        'x-amz-version-id': object.versionId,
      };
      for (const [name, value] of Object.entries(object.metadata)) headers[`x-amz-meta-${name}`] = value;
      return { status: 200, headers, body: request.method === 'GET' ? object.body : undefined };
    }
    if (request.method === 'PUT' && !url.searchParams.has('uploadId')) {
      const chunks: Buffer[] = [];
      for await (const chunk of request) chunks.push(chunk as Buffer);
      const raw = Buffer.concat(chunks);
      const chunked = String(request.headers['content-encoding'] ?? '').includes('aws-chunked') || String(request.headers['x-amz-content-sha256'] ?? '').startsWith('STREAMING-');
      const metadata = Object.fromEntries(
        Object.entries(request.headers)
          .filter(([name]) => name.startsWith('x-amz-meta-'))
          .map(([name, value]) => [name.slice('x-amz-meta-'.length), String(value)]),
      );
      const versionId = `v${++this.versions}`;
      this.objects.set(id, { body: chunked ? decodeAwsChunked(raw) : raw, versionId, metadata, contentType: request.headers['content-type'] });
      return { status: 200, headers: { etag: '"fake"', 'x-amz-version-id': versionId } };
    }
    return { status: 501, headers: { 'content-type': 'application/xml' }, body: '<Error><Code>NotImplemented</Code><Message>only GetObject and PutObject</Message></Error>' };
  }
}

/** The SDK may stream bodies as `aws-chunked` (size-prefixed chunks, then checksum trailers). */
function decodeAwsChunked(raw: Buffer): Buffer {
  const parts: Buffer[] = [];
  let offset = 0;
  for (;;) {
    const lineEnd = raw.indexOf('\r\n', offset);
    const size = Number.parseInt(raw.subarray(offset, lineEnd).toString('latin1').split(';')[0]!, 16);
    if (!size) return Buffer.concat(parts);
    parts.push(raw.subarray(lineEnd + 2, lineEnd + 2 + size));
    offset = lineEnd + 2 + size + 2;
  }
}

const bucket = 'iop-imports-test';
const fakeS3 = new FakeS3();
const store = new DynamoDbProgramStore(documentClient, dynamoDbConfig.PROGRAMS_TABLE);
const searchIndex = new OpenSearchSearchIndex(openSearchClient, openSearchConfig.SEARCH_INDEX_ALIAS, cursorSigningKey);
const directory = mkdtempSync(path.join(tmpdir(), 'iop-s3-import-'));
let handler: ReturnType<typeof createImportFromS3Handler>;

beforeAll(async () => {
  await fakeS3.start();
  const s3 = fakeS3.client();
  handler = createImportFromS3Handler(() => ({ uploads: s3UploadedObjects(s3, directory), imports: { store, zips: zipDirectory } }));
});
afterAll(async () => {
  await fakeS3.stop();
  rmSync(directory, { recursive: true, force: true });
});

function row(externalId: string, overrides: Record<string, unknown> = {}) {
  return {
    externalId,
    name: `Bangor S3 Program ${externalId}`,
    address: { street1: '1 Main St', city: 'Bangor', state: 'ME', zip: '04401' },
    levelsOfCare: ['iop'],
    delivery: ['in_person'],
    insurance: ['medicaid'],
    ...overrides,
  };
}

/** What S3 delivers for one created object; keys arrive URL-encoded, spaces as '+'. */
function objectCreated(key: string, versionId?: string) {
  return {
    Records: [
      {
        eventVersion: '2.1',
        eventSource: 'aws:s3',
        awsRegion: 'us-east-1',
        eventName: 'ObjectCreated:Put',
        s3: {
          s3SchemaVersion: '1.0',
          bucket: { name: bucket, arn: `arn:aws:s3:::${bucket}` },
          object: { key: encodeURIComponent(key).replace(/%2F/g, '/').replace(/%20/g, '+'), size: 1, ...(versionId ? { versionId } : {}) },
        },
      },
    ],
  };
}

describe('import from S3', () => {
  it('imports the good rows of an uploaded NDJSON file and reports each bad row with its line and path', async () => {
    const key = 'imports/native/bangor batch.ndjson';
    const versionId = fakeS3.put(
      bucket,
      key,
      [
        JSON.stringify(row('s3-good-1')),
        '{"externalId": "broken", ',
        JSON.stringify(row('s3-bad-zip', { address: { street1: '1 Main', city: 'Nowhere', state: 'ME', zip: '00000' } })),
        JSON.stringify(row('s3-good-2', { sessions: [{ days: ['tue'], start: '18:00', end: '20:00' }] })),
        JSON.stringify(row('s3-no-name', { name: '' })),
      ].join('\n'),
      { source: 'test-s3-import' },
    );

    const result = await handler(objectCreated(key, versionId));
    const reportKey = 'reports/imports/native/bangor batch.ndjson.report.json';
    expect(result).toEqual({ reports: [reportKey] });

    const report = fakeS3.json(bucket, reportKey) as ImportReport;
    expect(report).toMatchObject({
      status: 'completed',
      object: { bucket, key, versionId },
      format: 'native',
      source: 'test-s3-import',
      rows: 5,
      accepted: 2,
      rejected: 3,
      written: 2,
      dryRun: false,
    });
    expect(report.status === 'completed' && report.seconds).toBeGreaterThanOrEqual(0);
    expect(report.status === 'completed' && report.errors.map(({ line, path }) => ({ line, path }))).toEqual([
      { line: 2, path: '' },
      { line: 3, path: 'address.zip' },
      { line: 5, path: 'name' },
    ]);
    expect(report.status === 'completed' && report.errors.every((error) => error.message.length > 0)).toBe(true);

    expect(await store.get(programIdFor('test-s3-import', 's3-good-1'))).toMatchObject({ version: 1, status: 'published' });
    expect(await store.get(programIdFor('test-s3-import', 's3-bad-zip'))).toBeUndefined();

    await awaitIndexed();
    expect(await searchIndex.get(programIdFor('test-s3-import', 's3-good-2'))).toMatchObject({ name: 'Bangor S3 Program s3-good-2' });
    const search = await api('GET', `/v1/programs?zip=04401&radius=5&q=${encodeURIComponent('Bangor S3 Program')}`);
    expect(search.status).toBe(200);
    const names = (search.body as { results: Array<{ name: string }> }).results.map((hit) => hit.name).sort();
    expect(names).toEqual(['Bangor S3 Program s3-good-1', 'Bangor S3 Program s3-good-2']);

    // A redelivered event (async retries are at-least-once) writes nothing new.
    await handler(objectCreated(key, versionId));
    expect(fakeS3.json(bucket, reportKey)).toMatchObject({ accepted: 2, written: 0, unchanged: 2 });
  });

  it('uploads from the CLI side to imports/<format>/<name> and imports it from the EventBridge event', async () => {
    const file = path.join(directory, 'from-cli.ndjson');
    writeFileSync(file, `${JSON.stringify(row('s3-cli-1'))}\n`);
    const uploaded = await uploadForAwsImport({ file, bucket, format: 'native', source: 'test-s3-cli', s3: fakeS3.client() });
    expect(uploaded).toMatchObject({ bucket, key: 'imports/native/from-cli.ndjson', reportKey: 'reports/imports/native/from-cli.ndjson.report.json' });
    expect(fakeS3.objects.get(`${bucket}/${uploaded.key}`)?.body.toString('utf8')).toBe(`${JSON.stringify(row('s3-cli-1'))}\n`);

    await handler({
      version: '0',
      source: 'aws.s3',
      'detail-type': 'Object Created',
      detail: { bucket: { name: bucket }, object: { key: uploaded.key, size: 1, ...(uploaded.versionId ? { 'version-id': uploaded.versionId } : {}) } },
    });
    expect(fakeS3.json(bucket, uploaded.reportKey)).toMatchObject({ status: 'completed', source: 'test-s3-cli', accepted: 1, rejected: 0 });
    expect(await store.get(programIdFor('test-s3-cli', 's3-cli-1'))).toMatchObject({ version: 1 });
  });

  it('refuses demo data row by row, whether the rows or the upload name the demo source', async () => {
    const refusal = 'demo data is fictional and is never loaded into a deployed directory';
    const demoRows = [...demoPrograms({ count: 3 })];
    const key = 'imports/native/demo-programs.ndjson';
    const versionId = fakeS3.put(bucket, key, demoRows.map((record) => JSON.stringify(record)).join('\n'));
    await handler(objectCreated(key, versionId));
    const report = fakeS3.json(bucket, `reports/${key}.report.json`) as ImportReport;
    expect(report).toMatchObject({ status: 'completed', rows: 3, accepted: 0, rejected: 3, written: 0 });
    expect(report.status === 'completed' && report.errors).toEqual([1, 2, 3].map((line) => ({ line, path: 'source', message: refusal })));
    for (const record of demoRows) expect(await store.get(programIdFor('demo', record.externalId))).toBeUndefined();

    // Rows that name no source take the upload's, and `demo` there is refused just the same.
    const tagged = 'imports/native/tagged-demo.ndjson';
    const taggedVersion = fakeS3.put(bucket, tagged, JSON.stringify(row('s3-tagged-demo')), { source: 'demo' });
    await handler(objectCreated(tagged, taggedVersion));
    expect(fakeS3.json(bucket, `reports/${tagged}.report.json`)).toMatchObject({
      source: 'demo',
      accepted: 0,
      rejected: 1,
      errors: [{ line: 1, path: 'source', message: refusal }],
    });
    expect(await store.get(programIdFor('demo', 's3-tagged-demo'))).toBeUndefined();
  });

  it('writes a failure report and fails the invocation when the object cannot be read, so Lambda retries it', async () => {
    const key = 'imports/native/vanished.ndjson';
    await expect(handler(objectCreated(key))).rejects.toThrow();
    expect(fakeS3.json(bucket, `reports/${key}.report.json`)).toMatchObject({ status: 'failed', object: { bucket, key }, format: 'native', error: expect.any(String) });
  });

  it('reports a key that names no format without failing, since a retry could not help', async () => {
    // A .csv could be a native CSV, a National Directory sheet or a download: it must name its format.
    const key = 'imports/programs.csv';
    fakeS3.put(bucket, key, 'not an import');
    await expect(handler(objectCreated(key))).resolves.toEqual({ reports: [`reports/${key}.report.json`] });
    expect(fakeS3.json(bucket, `reports/${key}.report.json`)).toMatchObject({ status: 'failed', error: expect.stringContaining('cannot tell the format') });
  });

  it('takes the format from imports/<format>/ first, then from the extension', () => {
    expect(importFormatForKey('imports/samhsa-directory/facilities.csv')).toBe('samhsa-directory');
    expect(importFormatForKey('imports/findtreatment-download/boston.csv')).toBe('findtreatment-download');
    expect(importFormatForKey('imports/native/rows.csv')).toBe('native');
    expect(importFormatForKey('imports/rows.ndjson')).toBe('native');
    expect(importFormatForKey('imports/2026/rows.JSONL')).toBe('native');
    expect(importFormatForKey('imports/su-facilities-2023.xlsx')).toBe('samhsa-directory');
    // The locator lists state no level of care: never a format, neither named nor by extension.
    expect(importFormatForKey('imports/samhsa-csv/facilities.csv')).toBeUndefined();
    expect(importFormatForKey('imports/facilities.csv')).toBeUndefined();
    // Licence registries attach to programs through the CLI; the S3 importer makes programs only.
    expect(importFormatForKey('imports/ca-dhcs-licenses/facilities.csv')).toBeUndefined();
    expect(importFormatForKey('imports/rows.json')).toBeUndefined();
    expect(importFormatForKey('reports/rows.ndjson')).toBeUndefined();
  });
});
