import { Agent, request } from 'node:http';

/** A DynamoDB error answer, with its `__type` (e.g. ...#ResourceNotFoundException). */
export class DynamoDbCallError extends Error {
  constructor(
    readonly operation: string,
    readonly statusCode: number,
    readonly type: string,
    message: string,
  ) {
    super(`${operation} failed (${statusCode} ${type}): ${message}`);
  }
}

/**
 * Speaks DynamoDB's JSON protocol to a local DynamoDB-compatible server. The change-capture proxy
 * reads images through it in the wire format stream records use, so nothing is converted (an SDK
 * client would turn binary attributes into bytes and back). Local servers check that requests
 * are signed, not the signature.
 */
export class DynamoDbJsonClient {
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 32 });
  private readonly url: URL;

  constructor(
    endpoint: string,
    private readonly region: string,
  ) {
    this.url = new URL(endpoint);
  }

  async call<T>(operation: string, input: unknown): Promise<T> {
    const body = JSON.stringify(input);
    const amzDate = new Date().toISOString().replace(/[-:]|\.\d{3}/g, '');
    const headers = {
      'content-type': 'application/x-amz-json-1.0',
      'content-length': String(Buffer.byteLength(body)),
      'x-amz-target': `DynamoDB_20120810.${operation}`,
      'x-amz-date': amzDate,
      authorization:
        `AWS4-HMAC-SHA256 Credential=local/${amzDate.slice(0, 8)}/${this.region}/dynamodb/aws4_request, ` +
        `SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=${'0'.repeat(64)}`,
    };
    const { statusCode, text } = await new Promise<{ statusCode: number; text: string }>((resolve, reject) => {
      const outgoing = request(this.url, { method: 'POST', headers, agent: this.agent }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve({ statusCode: response.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
        response.on('error', reject);
      });
      outgoing.on('error', reject);
      outgoing.end(body);
    });
    const parsed = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    if (statusCode !== 200) {
      const type = String(parsed.__type ?? 'UnknownError');
      throw new DynamoDbCallError(operation, statusCode, type, String(parsed.message ?? parsed.Message ?? text));
    }
    return parsed as T;
  }

  close(): void {
    this.agent.destroy();
  }
}
