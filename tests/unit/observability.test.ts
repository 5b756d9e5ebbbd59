import { MetricUnit } from '@aws-lambda-powertools/metrics';
import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { httpErrors } from '../../functions/http/http-errors';
import { jsonResponse } from '../../functions/http/json-response';
import { recordSearch } from '../../functions/observability/metrics';
import { observability } from '../../functions/observability/observability';
import { telemetryFor } from '../../functions/observability/telemetry';
import { createLambdaContext } from '../../local/lambda/lambda-context';

const SERVICE = 'observability-unit-test';
const { logger, metrics } = telemetryFor(SERVICE);

let stdout: string[];

beforeEach(() => {
  stdout = [];
  // Powertools' Logger and Metrics write JSON lines straight to the process streams: EMF and
  // info to stdout, warnings and errors to stderr.
  for (const stream of [process.stdout, process.stderr]) {
    vi.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array) => {
      stdout.push(String(chunk));
      return true;
    });
  }
});

afterEach(() => {
  vi.restoreAllMocks();
});

function lines(): Array<Record<string, unknown>> {
  return stdout
    .join('')
    .split('\n')
    .filter((line) => line.trim().startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

const emf = () => lines().filter((line) => '_aws' in line);
const logs = () => lines().filter((line) => !('_aws' in line));

function event(headers: Record<string, string> = {}): APIGatewayProxyEventV2 {
  return {
    version: '2.0',
    routeKey: 'GET /v1/things',
    rawPath: '/v1/things',
    rawQueryString: '',
    headers,
    isBase64Encoded: false,
    requestContext: { requestId: 'apigw-request-1' } as APIGatewayProxyEventV2['requestContext'],
  };
}

const handler = middy<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>()
  .use(observability({ service: SERVICE }))
  .use(httpErrors())
  .handler(async (request) => {
    if (request.rawQueryString === 'fail') throw new Error('database exploded at /secret/path');
    logger.info('handled');
    metrics.addMetric('Things', MetricUnit.Count, 2);
    return jsonResponse(200, { ok: true });
  });

const invoke = (request: APIGatewayProxyEventV2) => handler(request, createLambdaContext(SERVICE));

describe('observability middleware', () => {
  it("uses the caller's x-correlation-id: echoed on the response and on every log line", async () => {
    const response = await invoke(event({ 'X-Correlation-Id': 'client-abc.123' }));
    expect(response.statusCode).toBe(200);
    expect(response.headers?.['x-correlation-id']).toBe('client-abc.123');
    const handled = logs().find((line) => line.message === 'handled');
    expect(handled).toMatchObject({ level: 'INFO', service: SERVICE, correlation_id: 'client-abc.123', function_name: SERVICE });
  });

  it("falls back to API Gateway's request id, also for an unusable header", async () => {
    const cases: Array<Record<string, string>> = [{}, { 'x-correlation-id': 'bad id\nwith injected line' }, { 'x-correlation-id': 'x'.repeat(200) }];
    for (const headers of cases) {
      stdout.length = 0;
      const response = await invoke(event(headers));
      expect(response.headers?.['x-correlation-id']).toBe('apigw-request-1');
      expect(logs().find((line) => line.message === 'handled')?.correlation_id).toBe('apigw-request-1');
    }
  });

  it('does not carry one request\'s correlation id into the next', async () => {
    await invoke(event({ 'x-correlation-id': 'first' }));
    stdout.length = 0;
    await invoke(event());
    expect(logs().find((line) => line.message === 'handled')?.correlation_id).toBe('apigw-request-1');
  });

  it('flushes metrics as EMF in the IopDirectory namespace with the function as service', async () => {
    await invoke(event());
    const [document] = emf();
    expect(document).toBeDefined();
    const directive = (document!._aws as { CloudWatchMetrics: Array<{ Namespace: string; Dimensions: string[][]; Metrics: Array<{ Name: string }> }> }).CloudWatchMetrics[0]!;
    expect(directive.Namespace).toBe('IopDirectory');
    expect(directive.Dimensions).toEqual([['service']]);
    expect(directive.Metrics.map((metric) => metric.Name)).toEqual(['Things']);
    expect(document).toMatchObject({ service: SERVICE, Things: 2 });
  });

  it('logs an unexpected error with its stack and correlation id, and tells the client nothing internal', async () => {
    const request = { ...event({ 'x-correlation-id': 'trace-me' }), rawQueryString: 'fail' };
    const response = await invoke(request);
    expect(response.statusCode).toBe(500);
    expect(response.headers?.['x-correlation-id']).toBe('trace-me');
    expect(response.body).not.toContain('exploded');
    expect(JSON.parse(String(response.body))).toEqual({ error: { code: 'internal', message: 'Internal error', details: [] } });

    const logged = logs().find((line) => line.message === 'Unhandled error');
    expect(logged).toMatchObject({ level: 'ERROR', correlation_id: 'trace-me', service: SERVICE });
    expect(JSON.stringify(logged)).toContain('database exploded');
    expect(JSON.stringify(logged)).toContain('stack');
    // Nothing was recorded before the failure, so there is nothing to flush (and no warning line).
    expect(emf()).toHaveLength(0);
  });
});

describe('search metrics', () => {
  it('records latency and results, and a zero-result search as a count of one', () => {
    const search = telemetryFor('search-metrics-unit-test').metrics;
    recordSearch(search, 100, 0, 142.5);
    search.publishStoredMetrics();
    const [document] = emf();
    expect(document).toMatchObject({ SearchLatency: 42.5, ResultsCount: 0, ZeroResultSearches: 1 });

    stdout.length = 0;
    recordSearch(search, 0, 7, 10);
    search.publishStoredMetrics();
    expect(emf()[0]).toMatchObject({ ResultsCount: 7 });
    expect(emf()[0]).not.toHaveProperty('ZeroResultSearches');
  });
});
