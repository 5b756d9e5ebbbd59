import { connect } from 'node:net';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { errorResponse } from '../../functions/http/error-response';
import { parseInput } from '../../functions/http/parse-input';
import { startApiGatewayAdapter, type ApiGatewayAdapter } from '../../local/http/api-gateway-adapter';
import type { ApiHandler } from '../../local/http/route-table';

describe('API Gateway adapter', () => {
  const events: APIGatewayProxyEventV2[] = [];
  const logged: string[] = [];
  let api: ApiGatewayAdapter;

  const echo: ApiHandler = async (event) => {
    events.push(event);
    return { statusCode: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ok: true }) };
  };

  beforeAll(async () => {
    api = await startApiGatewayAdapter({
      port: 0,
      log: (line) => logged.push(line),
      routes: {
        'GET /v1/programs': echo,
        'GET /v1/programs/{id}': echo,
        'GET /v1/openapi.json': echo,
        'POST /v1/uploads': echo,
        'GET /v1/files/{path+}': echo,
        'GET /v1/plain': async () => 'just text',
        'GET /v1/object': async () => ({ hello: 'world' }),
        'GET /v1/cookies': async () => ({ statusCode: 201, cookies: ['a=1', 'b=2'], headers: { 'X-Count': 2 }, body: 'AAEC', isBase64Encoded: true }),
        'GET /v1/not-modified': async () => ({ statusCode: 304, headers: { ETag: '"v1"', 'Cache-Control': 'public, max-age=60' } }),
        'GET /v1/broken': async () => {
          throw new Error('secret internals at /srv/app.ts:12');
        },
        'GET /v1/strict': async (event) => {
          events.push(event);
          try {
            parseInput(z.strictObject({ q: z.string().optional() }), event.queryStringParameters ?? {}, 'query parameters');
            return { statusCode: 200, body: '{}' };
          } catch (error) {
            return errorResponse(error);
          }
        },
      },
    });
  });
  afterAll(async () => {
    await api.stop();
  });
  beforeEach(() => {
    events.length = 0;
    logged.length = 0;
  });

  it('hands the handler an HTTP API payload 2.0 event', async () => {
    const response = await fetch(`${api.url}/v1/programs?insurance=medicaid&insurance=va&q=evening+iop&zip=22902&note=a%2Cb%26c`, {
      headers: { 'X-Custom-Header': 'Value', Cookie: 'session=abc; theme=dark', 'User-Agent': 'adapter-test' },
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ok: true });

    const [event] = events;
    expect(event).toMatchObject({
      version: '2.0',
      routeKey: 'GET /v1/programs',
      rawPath: '/v1/programs',
      rawQueryString: 'insurance=medicaid&insurance=va&q=evening+iop&zip=22902&note=a%2Cb%26c',
      // Repeated keys joined with commas, values decoded, as API Gateway does.
      queryStringParameters: { insurance: 'medicaid,va', q: 'evening iop', zip: '22902', note: 'a,b&c' },
      cookies: ['session=abc', 'theme=dark'],
      isBase64Encoded: false,
      requestContext: {
        accountId: expect.any(String),
        apiId: expect.any(String),
        domainName: '127.0.0.1',
        http: { method: 'GET', path: '/v1/programs', protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'adapter-test' },
        requestId: expect.stringMatching(/^[0-9a-f-]{36}$/),
        routeKey: 'GET /v1/programs',
        stage: '$default',
        time: expect.stringMatching(/^\d\d\/[A-Z][a-z]{2}\/\d{4}:\d\d:\d\d:\d\d \+0000$/),
        timeEpoch: expect.any(Number),
      },
    });
    expect(event?.headers).toMatchObject({ 'x-custom-header': 'Value', 'user-agent': 'adapter-test', 'x-forwarded-for': '127.0.0.1' });
    expect(event?.headers.cookie).toBeUndefined();
    expect(event?.pathParameters).toBeUndefined();
    expect(event?.body).toBeUndefined();
  });

  it('fills path parameters, decoded, and prefers literal routes over parameterised ones', async () => {
    await fetch(`${api.url}/v1/programs/abc%20123`);
    await fetch(`${api.url}/v1/files/a/b/c.txt`);
    await fetch(`${api.url}/v1/openapi.json`);

    expect(events.map((event) => [event.routeKey, event.pathParameters, event.queryStringParameters])).toEqual([
      ['GET /v1/programs/{id}', { id: 'abc 123' }, undefined],
      ['GET /v1/files/{path+}', { path: 'a/b/c.txt' }, undefined],
      ['GET /v1/openapi.json', undefined, undefined],
    ]);
    expect(events[0]?.rawPath).toBe('/v1/programs/abc%20123');
  });

  it('passes text bodies as text and other bodies base64-encoded', async () => {
    await fetch(`${api.url}/v1/uploads`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a":1}' });
    await fetch(`${api.url}/v1/uploads`, { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: new Uint8Array([0, 1, 2]) });

    expect(events.map((event) => [event.body, event.isBase64Encoded])).toEqual([
      ['{"a":1}', false],
      ['AAEC', true],
    ]);
  });

  it('maps results back to HTTP: structured results as given, anything else as a JSON 200', async () => {
    const plain = await fetch(`${api.url}/v1/plain`);
    expect([plain.status, plain.headers.get('content-type'), await plain.text()]).toEqual([200, 'application/json', 'just text']);

    const object = await fetch(`${api.url}/v1/object`);
    expect([object.status, await object.json()]).toEqual([200, { hello: 'world' }]);

    const structured = await fetch(`${api.url}/v1/cookies`);
    expect(structured.status).toBe(201);
    expect(structured.headers.get('x-count')).toBe('2');
    expect(structured.headers.getSetCookie()).toEqual(['a=1', 'b=2']);
    expect([...new Uint8Array(await structured.arrayBuffer())]).toEqual([0, 1, 2]);
  });

  it('passes a 304 through with its headers but no body nor Content-Length', async () => {
    const response = await fetch(`${api.url}/v1/not-modified`);
    expect(response.status).toBe(304);
    expect(response.headers.get('etag')).toBe('"v1"');
    expect(response.headers.get('cache-control')).toBe('public, max-age=60');
    expect(response.headers.get('content-length')).toBeNull();
    expect(await response.text()).toBe('');
  });

  it('answers HEAD from the GET route: the handler sees HEAD, the client gets the headers and no body', async () => {
    const response = await fetch(`${api.url}/v1/programs?zip=05401`, { method: 'HEAD' });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(response.headers.get('content-length')).toBe(String(JSON.stringify({ ok: true }).length));
    expect(await response.text()).toBe('');
    expect(events.map((event) => [event.routeKey, event.requestContext.http.method, event.rawQueryString])).toEqual([['GET /v1/programs', 'HEAD', 'zip=05401']]);

    const postOnly = await fetch(`${api.url}/v1/uploads`, { method: 'HEAD' });
    expect(postOnly.status).toBe(405);
    expect(postOnly.headers.get('allow')).toBe('POST');
  });

  it('answers unknown routes with 404 and wrong methods with 405, in the contract error shape', async () => {
    const missing = await fetch(`${api.url}/v2/nothing`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ error: { code: 'not_found', message: expect.any(String), details: [] } });

    const wrongMethod = await fetch(`${api.url}/v1/programs`, { method: 'DELETE' });
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get('allow')).toBe('GET');
    expect(await wrongMethod.json()).toEqual({ error: { code: 'invalid_request', message: expect.any(String), details: [] } });
    expect(events).toEqual([]);
  });

  it('turns a throwing handler into a 500 without leaking its message, and logs it', async () => {
    const response = await fetch(`${api.url}/v1/broken`);
    const text = await response.text();

    expect(response.status).toBe(500);
    expect(JSON.parse(text)).toEqual({ error: { code: 'internal', message: 'Internal server error', details: [] } });
    expect(text).not.toContain('secret');
    expect(logged.some((line) => line.includes('secret internals'))).toBe(true);
  });

  it('rejects bodies over 64 KB with 413 payload_too_large', async () => {
    const response = await fetch(`${api.url}/v1/uploads`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: 'x'.repeat(65 * 1024) });
    expect(response.status).toBe(413);
    expect(await response.json()).toMatchObject({ error: { code: 'payload_too_large' } });
    expect(events).toEqual([]);
  });

  it.each(['__proto__', 'constructor', 'prototype'])('passes a query parameter named %s as the plain field it is, for the schema to refuse', async (name) => {
    const response = await fetch(`${api.url}/v1/strict?${name}=x&q=a`);
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: { code: 'invalid_request', message: 'Invalid query parameters', details: [{ path: name, message: 'is not a recognised field' }] } });
    expect(Object.hasOwn(events[0]?.queryStringParameters ?? {}, name)).toBe(true);
    expect(events[0]?.queryStringParameters?.[name]).toBe('x');
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });

  it('passes a header named like an Object property as the header it is', async () => {
    // fetch drops a header named __proto__, so this one is written by hand.
    await rawExchange(api.url, 'GET /v1/programs HTTP/1.1\r\nhost: x\r\nconstructor: c\r\n__proto__: p\r\nconnection: close\r\n\r\n');
    expect(events[0]?.headers).toMatchObject({ constructor: 'c' });
    expect(Object.hasOwn(events[0]?.headers ?? {}, '__proto__')).toBe(true);
    expect(events[0]?.headers['__proto__']).toBe('p');
    expect(Object.getPrototypeOf(events[0]?.headers)).toBe(Object.prototype);
  });

  it('sends its own errors with nosniff', async () => {
    const missing = await fetch(`${api.url}/v2/nothing`);
    expect(missing.headers.get('x-content-type-options')).toBe('nosniff');
  });
});

/** Writes `request` on a fresh connection and reads whatever comes back until the server closes it. */
function rawExchange(url: string, request: string): Promise<{ status: number; headers: Record<string, string>; body: string; elapsedMs: number }> {
  const { hostname, port } = new URL(url);
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => socket.write(request));
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const [head = '', body = ''] = text.split('\r\n\r\n');
      const [statusLine = '', ...lines] = head.split('\r\n');
      const headers = Object.fromEntries(lines.map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]));
      resolve({ status: Number(statusLine.split(' ')[1]), headers, body, elapsedMs: Date.now() - started });
    });
  });
}

describe("API Gateway adapter, requests Node's HTTP parser refuses", () => {
  let api: ApiGatewayAdapter;
  const reached: string[] = [];

  beforeAll(async () => {
    api = await startApiGatewayAdapter({
      port: 0,
      log: () => undefined,
      requestTimeoutMs: 600,
      headersTimeoutMs: 300,
      routes: {
        'POST /v1/uploads': async (event) => {
          reached.push(event.routeKey);
          return { statusCode: 200, body: '{}' };
        },
      },
    });
  });
  afterAll(async () => {
    await api.stop();
  });

  const contractError = (code: string) => ({ error: { code, message: expect.any(String), details: [] } });

  it('answers a malformed request with 400 and the contract error body', async () => {
    const response = await rawExchange(api.url, 'NOT HTTP AT ALL\r\n\r\n');
    expect(response.status).toBe(400);
    expect(response.headers['content-type']).toBe('application/json');
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(JSON.parse(response.body)).toEqual(contractError('invalid_request'));
  });

  it('answers headers past the size limit with 431 and the contract error body', async () => {
    const response = await rawExchange(api.url, `GET /v1/uploads HTTP/1.1\r\nhost: x\r\nx-big: ${'a'.repeat(20_000)}\r\n\r\n`);
    expect(response.status).toBe(431);
    expect(JSON.parse(response.body)).toEqual(contractError('payload_too_large'));
  });

  it('cuts off a client that sends its headers too slowly with 408 and the contract error body', async () => {
    const response = await rawExchange(api.url, 'POST /v1/uploads HTTP/1.1\r\nhost: x\r\n');
    expect(response.status).toBe(408);
    expect(JSON.parse(response.body)).toEqual(contractError('invalid_request'));
  });

  it('cuts off a body that arrives too slowly with 408, without reaching the handler', async () => {
    const response = await rawExchange(api.url, 'POST /v1/uploads HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{"partial":');
    expect(response.status).toBe(408);
    expect(JSON.parse(response.body)).toEqual(contractError('invalid_request'));
    expect(response.elapsedMs).toBeLessThan(5_000);
    expect(reached).toEqual([]);
  });
});
