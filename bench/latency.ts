import type { Client } from '@opensearch-project/opensearch';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { decodeCursor } from '../functions/adapters/opensearch/search-cursor';
import { buildSearchBody } from '../functions/adapters/opensearch/search-body';
import { searchQuerySchema } from '../functions/domain/search-request';
import { zipDirectory } from '../functions/gazetteer/zip-table';
import { toCriteria } from '../functions/use-cases/search-programs';
import { benchContext, searchEvent } from './api-event';
import { summarize, type LatencySummary } from './percentiles';
import type { Query, Scenario } from './scenarios';

export type SearchHandler = (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyStructuredResultV2>;

export interface ScenarioLatency {
  key: string;
  label: string;
  handler: LatencySummary;
  /** The same query body sent straight to OpenSearch with the same client. */
  bare: LatencySummary;
  /** OpenSearch's own `took` of the bare requests: the engine's share of the round trip. */
  engineTookP50: number;
  overhead: number;
  /** Matches of the first query of the scenario, so a figure can be read against its result size. */
  firstTotal: number;
  /** For cursor scenarios: the page actually reached (less than asked if results ran out). */
  pageReached?: number;
}

interface Prepared {
  event: APIGatewayProxyEventV2;
  body: Record<string, unknown>;
}

interface SearchBody {
  total: number;
  nextCursor: string | null;
}

export async function measureScenarios(options: {
  handler: SearchHandler;
  client: Client;
  alias: string;
  /** The key the handler's index seals cursors with, to open them for the bare side's body. */
  cursorKey: string;
  scenarios: readonly Scenario[];
  iterations: number;
  /** Untimed iterations before each scenario's timed ones. */
  warmup: number;
  /** Untimed rounds over every scenario first: the JVM compiles the search path only after thousands of queries. */
  warmupSeconds: number;
  log: (line: string) => void;
}): Promise<ScenarioLatency[]> {
  const preparedScenarios = [];
  for (const scenario of options.scenarios) preparedScenarios.push({ scenario, ...(await prepare(scenario, options.handler, options.cursorKey)) });

  const everything = preparedScenarios.flatMap(({ prepared }) => prepared);
  const warmUntil = performance.now() + options.warmupSeconds * 1000;
  for (let round = 0; performance.now() < warmUntil; round++) {
    const item = everything[round % everything.length];
    if (!item) break;
    await timeHandler(options.handler, item.event);
    await timeBare(options.client, options.alias, item.body);
  }

  const results: ScenarioLatency[] = [];
  for (const { scenario, prepared, firstTotal, pageReached } of preparedScenarios) {
    const handlerSamples: number[] = [];
    const bareSamples: number[] = [];
    const tooks: number[] = [];
    for (let iteration = -options.warmup; iteration < options.iterations; iteration++) {
      const item = prepared[(iteration + options.warmup) % prepared.length];
      if (!item) throw new Error(`scenario ${scenario.key} has no queries`);
      // Alternating which side goes first cancels whatever the first request warms for the second.
      const handlerFirst = iteration % 2 === 0;
      let handlerMs = 0;
      if (handlerFirst) handlerMs = await timeHandler(options.handler, item.event);
      const { ms: bareMs, took } = await timeBare(options.client, options.alias, item.body);
      if (!handlerFirst) handlerMs = await timeHandler(options.handler, item.event);
      if (iteration < 0) continue;
      handlerSamples.push(handlerMs);
      bareSamples.push(bareMs);
      tooks.push(took);
    }
    const handler = summarize(handlerSamples);
    const bare = summarize(bareSamples);
    const result: ScenarioLatency = {
      key: scenario.key,
      label: scenario.label,
      handler,
      bare,
      engineTookP50: summarize(tooks).p50,
      overhead: handler.p50 / bare.p50,
      firstTotal,
      ...(pageReached !== undefined ? { pageReached } : {}),
    };
    options.log(
      `  ${scenario.key}: handler p50 ${handler.p50.toFixed(1)} / p99 ${handler.p99.toFixed(1)} ms, bare p50 ${bare.p50.toFixed(1)} ms (${firstTotal} matches)`,
    );
    results.push(result);
  }
  return results;
}

/**
 * Turns each query into the handler's event and the body the handler would send, built by the
 * same code path (schema, zip lookup, criteria, query builder), so both sides ask the same thing.
 * Cursor scenarios walk the pages once here; only the deep page is timed.
 */
async function prepare(scenario: Scenario, handler: SearchHandler, cursorKey: string): Promise<{ prepared: Prepared[]; firstTotal: number; pageReached?: number }> {
  const prepared: Prepared[] = [];
  let firstTotal = -1;
  let shallowest: number | undefined;
  for (const base of scenario.queries) {
    let query: Query = base;
    let page = 1;
    const first = await callHandler(handler, searchEvent(query));
    if (firstTotal < 0) firstTotal = first.total;
    let cursor = first.nextCursor;
    while (scenario.cursorDepth !== undefined && page < scenario.cursorDepth && cursor) {
      query = { ...base, cursor };
      page++;
      if (page < scenario.cursorDepth) cursor = (await callHandler(handler, searchEvent(query))).nextCursor;
    }
    if (scenario.cursorDepth !== undefined) shallowest = Math.min(shallowest ?? page, page);
    prepared.push({ event: searchEvent(query), body: bareBody(query, cursorKey) });
  }
  return { prepared, firstTotal, ...(shallowest !== undefined ? { pageReached: shallowest } : {}) };
}

function bareBody(query: Query, cursorKey: string): Record<string, unknown> {
  const parsed = searchQuerySchema.parse(query);
  const place = parsed.zip ? zipDirectory.lookup(parsed.zip) : undefined;
  if (parsed.zip && !place) throw new Error(`unknown zip ${parsed.zip}`);
  const criteria = toCriteria(parsed, place?.centroid, new Date().toISOString().slice(0, 10));
  return buildSearchBody(criteria, criteria.cursor ? decodeCursor(criteria.cursor, criteria, cursorKey) : undefined);
}

async function callHandler(handler: SearchHandler, event: APIGatewayProxyEventV2): Promise<SearchBody> {
  const result = await handler(event, benchContext);
  if (result.statusCode !== 200) throw new Error(`search ${event.rawQueryString} answered ${result.statusCode}: ${String(result.body)}`);
  return JSON.parse(String(result.body)) as SearchBody;
}

async function timeHandler(handler: SearchHandler, event: APIGatewayProxyEventV2): Promise<number> {
  const start = performance.now();
  const result = await handler(event, benchContext);
  const elapsed = performance.now() - start;
  // Checked after the clock stops: a benchmark of error responses would measure nothing useful.
  if (result.statusCode !== 200) throw new Error(`search ${event.rawQueryString} answered ${result.statusCode}: ${String(result.body)}`);
  return elapsed;
}

async function timeBare(client: Client, alias: string, body: Record<string, unknown>): Promise<{ ms: number; took: number }> {
  const start = performance.now();
  const response = await client.search({ index: alias, body: body as never });
  const ms = performance.now() - start;
  return { ms, took: Number(response.body.took) };
}
