import { Agent, createServer, request, type IncomingMessage, type OutgoingHttpHeaders, type ServerResponse } from 'node:http';
import { DynamoDbJsonClient } from './dynamodb-json-client';
import type { DeliveryStats, EventSourceMapping } from './event-source-mapping';
import { StreamRecordFactory } from './stream-records';
import { TableDescriptions } from './table-descriptions';
import { CAPTURED_OPERATIONS, WriteCapture, type UpstreamResponse } from './write-capture';

export const DRAIN_PATH = '/_local/stream/drain';
export const STATS_PATH = '/_local/stream/stats';

export interface ChangeCaptureProxyOptions {
  /** The DynamoDB-compatible server that holds the data (dynalite). */
  upstreamEndpoint: string;
  region: string;
  /** The tables that have a stream, each with the mapping that delivers its records. */
  streams: ReadonlyMap<string, EventSourceMapping>;
  /** The highest sequence number already used (by a journal of an earlier run); new records are numbered above it. */
  lastSequenceNumber?: bigint;
  /** Runs after a drain delivered everything (the stack refreshes the search index here). */
  afterDrain?: () => Promise<void>;
  log?: (line: string) => void;
}

export interface DrainResult {
  /** Records delivered to the stream functions since the proxy started. */
  delivered: number;
  /** Records dead-lettered since the proxy started. */
  failed: number;
}

export interface ChangeCaptureProxy {
  /** What DynamoDB clients use as their endpoint. */
  endpoint: string;
  drain(): Promise<DrainResult>;
  stats(): DeliveryStats[];
  /** Stops accepting requests; the mappings are the caller's to stop. */
  stop(): Promise<void>;
}

/** Like DynamoDB's own limit on a request body. */
const MAX_REQUEST_BYTES = 16 * 1024 * 1024;
const HOP_BY_HOP_HEADERS = new Set(['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'proxy-connection', 'te', 'trailer']);

/**
 * DynamoDB Streams for a local DynamoDB that has none: an HTTP proxy in front of the server
 * that forwards every request unchanged and turns each committed write on a streamed table into
 * stream records for that table's event source mapping. Every DynamoDB client of the stack,
 * in any process, uses the proxy as its endpoint, so no write can bypass the stream.
 */
export async function startChangeCaptureProxy(options: ChangeCaptureProxyOptions): Promise<ChangeCaptureProxy> {
  const log = options.log ?? ((line) => console.error(line));
  const upstream = new URL(options.upstreamEndpoint);
  const upstreamAgent = new Agent({ keepAlive: true, maxSockets: 64 });
  const client = new DynamoDbJsonClient(options.upstreamEndpoint, options.region);
  const tables = new TableDescriptions(client, options.region);
  const capture = new WriteCapture({
    client,
    tables,
    streams: options.streams,
    records: new StreamRecordFactory(options.region, options.lastSequenceNumber),
    log,
  });
  const mappings = [...options.streams.values()];

  const drain = async (): Promise<DrainResult> => {
    await Promise.all(mappings.map((mapping) => mapping.drain()));
    await options.afterDrain?.();
    const stats = mappings.map((mapping) => mapping.stats());
    return {
      delivered: stats.reduce((sum, entry) => sum + entry.delivered, 0),
      failed: stats.reduce((sum, entry) => sum + entry.failed, 0),
    };
  };

  const forward = (incoming: IncomingMessage, body: Buffer): Promise<UpstreamResponse> =>
    new Promise((resolve, reject) => {
      const headers: OutgoingHttpHeaders = {};
      for (const [name, value] of Object.entries(incoming.headers)) {
        if (!HOP_BY_HOP_HEADERS.has(name) && value !== undefined) headers[name] = value;
      }
      headers['content-length'] = String(body.length);
      const outgoing = request(
        { protocol: upstream.protocol, hostname: upstream.hostname, port: upstream.port, path: incoming.url, method: incoming.method, headers, agent: upstreamAgent },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () => resolve({ statusCode: response.statusCode ?? 502, headers: response.headers, body: Buffer.concat(chunks) }));
          response.on('error', reject);
        },
      );
      outgoing.on('error', reject);
      outgoing.end(body);
    });

  const handleDynamoDbRequest = async (incoming: IncomingMessage, outgoing: ServerResponse): Promise<void> => {
    const body = await readBody(incoming);
    if (body === undefined) return sendDynamoDbError(outgoing, 413, 'com.amazon.coral.service#RequestEntityTooLarge', 'Request too large');
    const operation = String(incoming.headers['x-amz-target'] ?? '').split('.')[1] ?? '';
    let response: UpstreamResponse;
    try {
      response = CAPTURED_OPERATIONS.has(operation)
        ? await capture.capture(operation, body.toString('utf8'), (replaced) => forward(incoming, replaced === undefined ? body : Buffer.from(replaced)))
        : await forward(incoming, body);
    } catch (error) {
      log(`[stream] ${operation || incoming.method} failed in the proxy: ${String(error)}`);
      // A 5xx the SDK retries: nothing was written without its record.
      return sendDynamoDbError(outgoing, 500, 'com.amazonaws.dynamodb.v20120810#InternalServerError', 'Local change-capture proxy error');
    }
    if (response.statusCode === 200 && /^(Create|Delete|Update)Table$/.test(operation)) {
      const tableName = (JSON.parse(body.toString('utf8')) as { TableName?: unknown }).TableName;
      if (typeof tableName === 'string') tables.forget(tableName);
    }
    if (response.statusCode === 200 && operation === 'TransactWriteItems') {
      log('[stream] TransactWriteItems is not captured; the search index may now lag behind DynamoDB');
    }
    const headers: OutgoingHttpHeaders = {};
    for (const [name, value] of Object.entries(response.headers)) {
      if (!HOP_BY_HOP_HEADERS.has(name) && value !== undefined) headers[name] = value;
    }
    headers['content-length'] = String(response.body.length);
    outgoing.writeHead(response.statusCode, headers).end(response.body);
  };

  const server = createServer((incoming, outgoing) => {
    const path = (incoming.url ?? '/').split('?')[0];
    let handling: Promise<void>;
    if (path === DRAIN_PATH && incoming.method === 'POST') {
      handling = drain().then((result) => sendJson(outgoing, 200, result));
    } else if (path === STATS_PATH && incoming.method === 'GET') {
      handling = Promise.resolve(sendJson(outgoing, 200, { streams: mappings.map((mapping) => mapping.stats()) }));
    } else {
      handling = handleDynamoDbRequest(incoming, outgoing);
    }
    handling.catch((error: unknown) => {
      log(`[stream] ${incoming.method} ${path} failed: ${String(error)}`);
      if (!outgoing.headersSent) sendJson(outgoing, 500, { error: String(error) });
      else outgoing.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  if (!address || typeof address !== 'object') throw new Error('The change-capture proxy did not report its port');

  return {
    endpoint: `http://127.0.0.1:${address.port}`,
    drain,
    stats: () => mappings.map((mapping) => mapping.stats()),
    stop: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
      upstreamAgent.destroy();
      client.close();
    },
  };
}

/** The body, or undefined past the limit (reading stops without destroying the request, so the error still goes out). */
function readBody(incoming: IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_REQUEST_BYTES) return void chunks.push(chunk);
      incoming.off('data', onData);
      incoming.pause();
      resolve(undefined);
    };
    incoming.on('data', onData);
    incoming.once('end', () => resolve(Buffer.concat(chunks)));
    incoming.once('error', reject);
  });
}

function sendJson(outgoing: ServerResponse, statusCode: number, body: unknown, contentType = 'application/json'): void {
  const text = JSON.stringify(body);
  outgoing.writeHead(statusCode, { 'content-type': contentType, 'content-length': String(Buffer.byteLength(text)) }).end(text);
}

/** An error answer in DynamoDB's own format, which SDK clients understand (and retry when 5xx). */
function sendDynamoDbError(outgoing: ServerResponse, statusCode: number, type: string, message: string): void {
  sendJson(outgoing, statusCode, { __type: type, message }, 'application/x-amz-json-1.0');
}
