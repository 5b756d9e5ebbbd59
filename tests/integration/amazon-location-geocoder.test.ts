import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { documentClient, dynamoDbConfig } from '../support/engines';
import { DynamoDbProgramStore } from '../../functions/adapters/dynamodb/dynamodb-program-store';
import {
  AmazonLocationGeocoder,
  createGeoPlacesClient,
  GeocoderUnavailableError,
  type AmazonLocationGeocoderOptions,
} from '../../functions/adapters/geocoding/amazon-location-geocoder';
import { GeocoderChain } from '../../functions/adapters/geocoding/geocoder-chain';
import { programIdFor } from '../../functions/domain/program-id';
import { zipDirectory } from '../../functions/gazetteer/zip-table';
import type { GeocodeQuery } from '../../functions/ports/geocoder';
import { importPrograms, type ImportRow } from '../../functions/use-cases/import-programs';

interface ReceivedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: Record<string, unknown>;
}

interface Reply {
  status: number;
  /** For errors: the exception name, sent as `x-amzn-errortype` as the service does. */
  errorType?: string;
  body: unknown;
}

/**
 * Amazon Location Service cannot run locally, so this answers the Places API v2 `Geocode`
 * operation (POST /v2/geocode, REST-JSON) on 127.0.0.1 for the real SDK client, from a script of
 * replies; when the script is empty it answers from the address asked (see `pointAddressFor`).
 */
class FakeGeoPlaces {
  readonly requests: ReceivedRequest[] = [];
  readonly script: Reply[] = [];
  endpoint = '';
  private server: Server | undefined;

  async start(): Promise<void> {
    this.server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        const body = (text ? JSON.parse(text) : {}) as Record<string, unknown>;
        this.requests.push({ method: request.method ?? '', path: request.url ?? '', headers: request.headers, body });
        const reply = request.method === 'POST' && request.url === '/v2/geocode' ? (this.script.shift() ?? { status: 200, body: pointAddressFor(body) }) : notFound;
        response.writeHead(reply.status, {
          'content-type': 'application/json',
          ...(reply.errorType ? { 'x-amzn-errortype': reply.errorType } : { 'x-amz-geo-pricing-bucket': 'Core' }),
          'x-amzn-requestid': `fake-${this.requests.length}`,
        });
        response.end(JSON.stringify(reply.body));
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.endpoint = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }

  reset(): void {
    this.requests.length = 0;
    this.script.length = 0;
  }
}

const notFound: Reply = { status: 404, errorType: 'ResourceNotFoundException', body: { message: 'only POST /v2/geocode' } };
const throttled: Reply = { status: 429, errorType: 'ThrottlingException', body: { message: 'Rate exceeded' } };
const unavailable: Reply = { status: 503, errorType: 'ServiceUnavailableException', body: { message: 'Service unavailable' } };

/** A point address echoing the components asked, at a position derived from the zip. */
function pointAddressFor(request: Record<string, unknown>, placeType = 'PointAddress') {
  const components = (request.QueryComponents ?? {}) as Record<string, string>;
  return {
    ResultItems: [
      {
        PlaceId: 'fake-place',
        PlaceType: placeType,
        Title: `${components.AddressNumber} ${components.Street}, ${components.Locality}, ${components.Region} ${components.PostalCode}`,
        Address: {
          Label: `${components.AddressNumber} ${components.Street}`,
          Country: { Code2: 'US', Code3: 'USA', Name: 'United States' },
          Region: { Code: components.Region, Name: 'Somewhere' },
          Locality: components.Locality,
          PostalCode: `${components.PostalCode}-0001`,
          Street: components.Street,
          AddressNumber: components.AddressNumber,
        },
        Position: [-73.2121, 44.4759],
        MatchScores: { Overall: 1 },
      },
    ],
  };
}

const fake = new FakeGeoPlaces();

function geocoder(options: Partial<AmazonLocationGeocoderOptions> = {}) {
  return new AmazonLocationGeocoder({
    // The adapter's own client factory (SDK retries off), pointed at the fake.
    client: createGeoPlacesClient({ region: 'us-east-1', endpoint: fake.endpoint, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } }),
    maxAttempts: 3,
    backoffBaseMs: 5,
    backoffCapMs: 20,
    ...options,
  });
}

const lakeside: GeocodeQuery = { name: 'Lakeside Evening IOP', address: { street1: '1 Church St', street2: 'Suite 2', city: 'Burlington', state: 'VT', zip: '05401' } };

beforeAll(async () => {
  await fake.start();
});

afterAll(async () => {
  await fake.stop();
});

beforeEach(() => {
  fake.reset();
});

describe('AmazonLocationGeocoder against a fake Places API v2', () => {
  it('asks Geocode by address components, signed for geo-places, and accepts a point address', async () => {
    const found = await geocoder().locate(lakeside);
    expect(found).toEqual({ location: { lat: 44.4759, lon: -73.2121 }, precision: 'exact', by: 'geocoder' });
    expect(fake.requests).toHaveLength(1);
    const [request] = fake.requests;
    expect(request).toMatchObject({ method: 'POST', path: '/v2/geocode' });
    expect(request!.body).toEqual({
      QueryComponents: { AddressNumber: '1', Street: 'Church St', Locality: 'Burlington', Country: 'USA', Region: 'VT', PostalCode: '05401' },
      Filter: { IncludeCountries: ['USA'] },
      MaxResults: 1,
      IntendedUse: 'Storage',
      Language: 'en',
    });
    expect(String(request!.headers.authorization)).toMatch(/^AWS4-HMAC-SHA256 Credential=test\/\d{8}\/us-east-1\/geo-places\/aws4_request/);
  });

  it('refuses an answer that is not the address itself (a street or locality centroid)', async () => {
    const subject = geocoder();
    for (const placeType of ['Street', 'Locality', 'PostalCode']) {
      fake.script.push({ status: 200, body: pointAddressFor({ QueryComponents: { AddressNumber: '1', Street: 'Church St', Locality: 'Burlington', Region: 'VT', PostalCode: '05401' } }, placeType) });
      expect(await subject.locate(lakeside), placeType).toBeUndefined();
    }
    expect(subject.stats).toMatchObject({ queries: 3, located: 0, refused: 3, retries: 0 });
  });

  it('refuses a point address in another zip', async () => {
    fake.script.push({ status: 200, body: pointAddressFor({ QueryComponents: { AddressNumber: '1', Street: 'Church St', Locality: 'Burlington', Region: 'VT', PostalCode: '05403' } }) });
    expect(await geocoder().locate(lakeside)).toBeUndefined();
  });

  it('answers undefined when the service finds nothing', async () => {
    fake.script.push({ status: 200, body: { ResultItems: [] } });
    const subject = geocoder();
    expect(await subject.locate(lakeside)).toBeUndefined();
    expect(subject.stats).toMatchObject({ queries: 1, notFound: 1 });
  });

  it('retries throttling and unavailability, then answers', async () => {
    fake.script.push(throttled, unavailable);
    const subject = geocoder();
    expect(await subject.locate(lakeside)).toMatchObject({ precision: 'exact', by: 'geocoder' });
    expect(fake.requests).toHaveLength(3);
    // Every attempt carries the same address.
    expect(new Set(fake.requests.map((request) => JSON.stringify(request.body))).size).toBe(1);
    expect(subject.stats).toMatchObject({ queries: 1, located: 1, retries: 2, errors: {} });
  });

  it('gives up after its bounded attempts when throttling persists, and throws', async () => {
    fake.script.push(throttled, throttled, throttled, throttled);
    const subject = geocoder({ maxAttempts: 3 });
    await expect(subject.locate(lakeside)).rejects.toThrow(GeocoderUnavailableError);
    expect(fake.requests).toHaveLength(3);
    expect(fake.script).toHaveLength(1);
  });

  it('does not throw other errors: counts them, logs each kind once, and answers undefined', async () => {
    const warnings: Array<{ message: string; fields: Record<string, unknown> }> = [];
    const subject = geocoder({ logger: { warn: (message, fields) => warnings.push({ message, fields }) } });
    fake.script.push(
      { status: 400, errorType: 'ValidationException', body: { message: 'bad components', reason: 'UnknownField', fieldList: [] } },
      { status: 400, errorType: 'ValidationException', body: { message: 'bad components', reason: 'UnknownField', fieldList: [] } },
      { status: 403, errorType: 'AccessDeniedException', body: { message: 'not authorized to perform geo-places:Geocode' } },
    );
    expect(await subject.locate(lakeside)).toBeUndefined();
    expect(await subject.locate(lakeside)).toBeUndefined();
    expect(await subject.locate(lakeside)).toBeUndefined();
    // Not retried: each was one request.
    expect(fake.requests).toHaveLength(3);
    expect(subject.stats).toMatchObject({ queries: 3, located: 0, retries: 0, errors: { ValidationException: 2, AccessDeniedException: 1 } });
    expect(warnings.map(({ fields }) => fields.errorName)).toEqual(['ValidationException', 'AccessDeniedException']);
    expect(String(warnings[1]!.fields.error)).toContain('geo-places:Geocode');
  });

  it('treats a service that cannot be reached as unavailable', async () => {
    // A port that was just free: the connection is refused at once.
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const unreachable = new AmazonLocationGeocoder({
      client: createGeoPlacesClient({ region: 'us-east-1', endpoint: `http://127.0.0.1:${port}`, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } }),
      maxAttempts: 2,
      backoffBaseMs: 1,
    });
    await expect(unreachable.locate(lakeside)).rejects.toThrow(GeocoderUnavailableError);
    expect(unreachable.stats.retries).toBe(1);
  });
});

describe('importing through a chain with AmazonLocationGeocoder', () => {
  const store = new DynamoDbProgramStore(documentClient, dynamoDbConfig.PROGRAMS_TABLE);
  const source = `test-geocoding-${Date.now().toString(36)}`;

  async function* rows(...values: unknown[]): AsyncIterable<ImportRow> {
    for (const [index, value] of values.entries()) yield { line: index + 1, value };
  }

  function record(externalId: string, street1: string, extra: Record<string, unknown> = {}) {
    return {
      externalId,
      name: `Burlington Program ${externalId}`,
      address: { street1, city: 'Burlington', state: 'VT', zip: '05401' },
      levelsOfCare: ['iop'],
      delivery: ['in_person'],
      insurance: ['medicaid'],
      ...extra,
    };
  }

  it('stores exact points for addresses it finds, the zip centroid otherwise, and asks again only for changed addresses', async () => {
    const chain = new GeocoderChain([geocoder()]);
    // `located` is answered from the address; `refused` gets a locality centroid, which is refused.
    fake.script.push(
      { status: 200, body: pointAddressFor({ QueryComponents: { AddressNumber: '1', Street: 'Church St', Locality: 'Burlington', Region: 'VT', PostalCode: '05401' } }) },
      { status: 200, body: pointAddressFor({ QueryComponents: { Locality: 'Burlington', Region: 'VT', PostalCode: '05401' } }, 'Locality') },
    );
    const file = [record('located', '1 Church St'), record('refused', '999 Nowhere Rd'), record('has-location', '2 Church St', { location: { lat: 44.5, lon: -73.2 } })];
    const first = await importPrograms(rows(...file), { store, zips: zipDirectory, geocoder: chain }, { defaultSource: source });
    expect(first).toMatchObject({ accepted: 3, rejected: 0, written: 3 });
    // A row with its own coordinates is never sent to the service.
    expect(fake.requests).toHaveLength(2);

    const located = await store.get(programIdFor(source, 'located'));
    expect(located).toMatchObject({ location: { lat: 44.4759, lon: -73.2121 }, locationPrecision: 'exact', locationSource: 'geocoder' });
    const refused = await store.get(programIdFor(source, 'refused'));
    expect(refused).toMatchObject({ location: zipDirectory.lookup('05401')!.centroid, locationPrecision: 'zip', locationSource: 'zip' });

    // Re-importing: the stored answer is reused for the unchanged address; the row that fell back
    // to its zip centroid is asked again (and refused again).
    fake.reset();
    fake.script.push({ status: 200, body: pointAddressFor({ QueryComponents: { Locality: 'Burlington', Region: 'VT', PostalCode: '05401' } }, 'Locality') });
    const again = await importPrograms(rows(...file), { store, zips: zipDirectory, geocoder: chain }, { defaultSource: source });
    expect(again).toMatchObject({ accepted: 3, written: 0, unchanged: 3 });
    expect(fake.requests.map((request) => (request.body.QueryComponents as { Street?: string }).Street)).toEqual(['Nowhere Rd']);
  });
});
