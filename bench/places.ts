/**
 * The gazetteer behind `near=` and `GET /v1/places`, in process (no engines needed): the size
 * of the generated table, the one-off decoding, then p50/p99 of `resolve`, of `suggest` (as a
 * person types, letter by letter), of `GET /v1/places` through its handler, and what `near=City, ST`
 * adds over the same search by zip in the search use case (against an index that answers at once,
 * so only the resolution differs).
 *
 * Usage: npm run bench:places
 */
import { statSync } from 'node:fs';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { searchQuerySchema } from '../functions/domain/search-request';
import { createPlaceDirectory } from '../functions/gazetteer/place-directory';
import { zipDirectory } from '../functions/gazetteer/zip-table';
import { createSuggestPlacesHandler } from '../functions/handlers/suggest-places';
import type { SearchIndex } from '../functions/ports/search-index';
import { searchPrograms } from '../functions/use-cases/search-programs';
import { GENERATED_PLACE_TABLE_PATH } from '../scripts/generate-place-table';
import { benchContext } from './api-event';
import { summarize } from './percentiles';

const ROUNDS = 200;
const RESOLVE = ['Burlington, VT', 'burlington vt', 'Springfield', 'Queens', 'Vermont', 'VT', 'Queens County, NY', 'St. Albans, VT', '05401', 'Nowhereville', 'Los Angeles, CA', 'Chicago'];
const TYPED = ['burlington', 'springfeld', 'new york', 'queens', 'sacramento, ca', '9021', 'washington'];
const prefixes = TYPED.flatMap((word) => Array.from({ length: word.length }, (_, i) => word.slice(0, i + 1)));

function time(run: () => unknown, samples: number[]): void {
  const started = performance.now();
  run();
  samples.push(performance.now() - started);
}

async function timeAsync(run: () => Promise<unknown>, samples: number[]): Promise<void> {
  const started = performance.now();
  await run();
  samples.push(performance.now() - started);
}

const line = (label: string, samples: number[]) => {
  const { n, p50, p99 } = summarize(samples);
  console.log(`${label.padEnd(44)} n=${String(n).padStart(6)}  p50 ${p50.toFixed(3)} ms  p99 ${p99.toFixed(3)} ms`);
};

function placesEvent(q: string): APIGatewayProxyEventV2 {
  const query = { q, limit: '8' };
  return {
    version: '2.0',
    routeKey: 'GET /v1/places',
    rawPath: '/v1/places',
    rawQueryString: new URLSearchParams(query).toString(),
    headers: { accept: 'application/json', host: 'localhost' },
    queryStringParameters: query,
    isBase64Encoded: false,
    requestContext: {
      http: { method: 'GET', path: '/v1/places', protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'bench' },
      requestId: 'bench',
      routeKey: 'GET /v1/places',
      stage: '$default',
      time: new Date().toISOString(),
      timeEpoch: Date.now(),
    },
  } as unknown as APIGatewayProxyEventV2;
}

const directory = createPlaceDirectory();
console.log(`place table: ${statSync(GENERATED_PLACE_TABLE_PATH).size} bytes (${GENERATED_PLACE_TABLE_PATH})`);
const decodeStarted = performance.now();
directory.resolve('Burlington, VT');
console.log(`first resolve (decodes the table): ${(performance.now() - decodeStarted).toFixed(1)} ms`);
const zipStarted = performance.now();
directory.suggest('0540', 8);
console.log(`first zip suggestion (decodes the zip table): ${(performance.now() - zipStarted).toFixed(1)} ms`);

const resolveSamples: number[] = [];
const suggestSamples: number[] = [];
for (let round = 0; round < ROUNDS; round++) {
  for (const text of RESOLVE) time(() => directory.resolve(text), resolveSamples);
  for (const prefix of prefixes) time(() => directory.suggest(prefix, 8), suggestSamples);
}
line('resolve', resolveSamples);
line('suggest (letter by letter, limit 8)', suggestSamples);

const handler = createSuggestPlacesHandler(directory);
const handlerSamples: number[] = [];
for (let round = 0; round < ROUNDS / 4; round++) {
  for (const prefix of prefixes) await timeAsync(() => handler(placesEvent(prefix), benchContext), handlerSamples);
}
line('GET /v1/places through the handler', handlerSamples);

const instantIndex = {
  search: async () => ({ total: 0, results: [], facets: {}, nextCursor: null }),
} as unknown as SearchIndex;
const deps = { index: instantIndex, zips: zipDirectory, places: directory };
const byZip = searchQuerySchema.parse({ zip: '05401', radius: '10' });
const byNear = searchQuerySchema.parse({ near: 'Burlington, VT', radius: '10' });
const zipSamples: number[] = [];
const nearSamples: number[] = [];
for (let round = 0; round < ROUNDS * 5; round++) {
  await timeAsync(() => searchPrograms(byZip, deps), zipSamples);
  await timeAsync(() => searchPrograms(byNear, deps), nearSamples);
}
line('search use case, zip=05401 (instant index)', zipSamples);
line('search use case, near=Burlington, VT', nearSamples);
const added = summarize(nearSamples).p50 - summarize(zipSamples).p50;
console.log(`near=City, ST adds ${added.toFixed(3)} ms p50 over zip (target: at most 1 ms)`);
