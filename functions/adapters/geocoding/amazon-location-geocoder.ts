import { setTimeout as sleep } from 'node:timers/promises';
import {
  GeocodeCommand,
  GeoPlacesClient,
  type GeocodeCommandInput,
  type GeocodeResultItem,
  type GeoPlacesClientConfig,
} from '@aws-sdk/client-geo-places';
import { fiveDigitZip, normalizeForMatching } from '../../domain/address-key';
import type { GeoPoint } from '../../domain/program';
import type { GeocodeQuery, GeocodeResult, Geocoder } from '../../ports/geocoder';

/** Where the adapter reports the errors it swallows; Powertools' Logger fits. */
export interface GeocoderLogger {
  warn(message: string, fields: Record<string, unknown>): void;
}

export interface AmazonLocationGeocoderOptions {
  client: GeoPlacesClient;
  /** Requests per address while the service throttles or is unavailable (1: no retry). */
  maxAttempts?: number;
  /** Full-jitter exponential backoff between those attempts. */
  backoffBaseMs?: number;
  backoffCapMs?: number;
  logger?: GeocoderLogger;
}

/** What the adapter did since it was created (one import, or one warm Lambda instance). */
export interface AmazonLocationStats {
  /** Addresses asked about (retries not counted). */
  queries: number;
  /** Answers accepted: an address-level point in the address's own zip and state. */
  located: number;
  /** Answers refused (a street, locality or postal-code centroid, another zip or state, a corrected number). */
  refused: number;
  /** No result at all. */
  notFound: number;
  /** Addresses not asked about because the service cannot place them (military mail, no valid zip). */
  skipped: number;
  /** Requests repeated after throttling or unavailability. */
  retries: number;
  /** Requests that failed otherwise, by error name; each of those rows falls back to its zip centroid. */
  errors: Record<string, number>;
}

/** Thrown when the service stays throttled or unavailable through every attempt for one address. */
export class GeocoderUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'GeocoderUnavailableError';
  }
}

/**
 * Only these place types are points of the address itself: a `PointAddress` is a known building
 * entrance, an `InterpolatedAddress` the number's position along its block. A `Street`,
 * `Locality` or `PostalCode` result is the centroid of something larger, and the zip centroid is
 * the honest answer then (with `locationPrecision: "zip"`).
 */
const ADDRESS_LEVEL_PLACE_TYPES: ReadonlySet<string> = new Set(['PointAddress', 'InterpolatedAddress']);

/**
 * US territories and freely associated states, which Amazon Location may file under their own
 * ISO 3166 code rather than as a region of the USA. Military mail (AA, AE, AP) has no place.
 */
const TERRITORY_COUNTRIES: Readonly<Record<string, string>> = {
  AS: 'ASM',
  GU: 'GUM',
  MP: 'MNP',
  PR: 'PRI',
  VI: 'VIR',
  FM: 'FSM',
  MH: 'MHL',
  PW: 'PLW',
};
const MILITARY_MAIL = new Set(['AA', 'AE', 'AP']);

const RETRYABLE_NAMES = new Set([
  'ThrottlingException',
  'TooManyRequestsException',
  'ServiceUnavailableException',
  'ServiceUnavailable',
  'InternalServerException',
  'RequestTimeout',
  'RequestTimeoutException',
  'TimeoutError',
]);
const RETRYABLE_STATUSES = new Set([429, 500, 502, 503, 504]);
const RETRYABLE_NETWORK_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'ENOTFOUND']);

/**
 * A client for the Places API v2 (`geo-places`), which needs no place-index resource: requests
 * are authorised by IAM (`geo-places:Geocode` on the AWS-managed provider). Retries are the
 * geocoder's own (bounded, throttling and unavailability only), so the SDK's are switched off
 * rather than multiplied with them.
 */
export function createGeoPlacesClient(options: { region: string; endpoint?: string; credentials?: GeoPlacesClientConfig['credentials'] }): GeoPlacesClient {
  return new GeoPlacesClient({
    region: options.region,
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    ...(options.credentials ? { credentials: options.credentials } : {}),
    maxAttempts: 1,
    requestHandler: { connectionTimeout: 3_000, requestTimeout: 10_000 },
  });
}

/**
 * Geocodes addresses with Amazon Location Service (Places API v2, `Geocode`), by address
 * components, and accepts an answer only if it is a point of the address itself (see
 * ADDRESS_LEVEL_PLACE_TYPES) in the address's own zip and state, with the house number it was
 * asked for; anything else is undefined, so the importer uses the zip centroid rather than a
 * place the address does not name. Each request is billed, which is why the importer asks only
 * for new or changed addresses; answers are stored, so requests say `IntendedUse: Storage`.
 *
 * Throttling and unavailability are retried a bounded number of times and then thrown (the
 * import fails and is retried as a whole: rows already written are not asked again). Any other
 * error is counted in `stats`, logged once per error name, and answered with undefined.
 */
export class AmazonLocationGeocoder implements Geocoder {
  readonly stats: AmazonLocationStats = { queries: 0, located: 0, refused: 0, notFound: 0, skipped: 0, retries: 0, errors: {} };
  private readonly client: GeoPlacesClient;
  private readonly maxAttempts: number;
  private readonly backoffBaseMs: number;
  private readonly backoffCapMs: number;
  private readonly logger: GeocoderLogger | undefined;

  constructor(options: AmazonLocationGeocoderOptions) {
    this.client = options.client;
    this.maxAttempts = Math.max(1, Math.floor(options.maxAttempts ?? 5));
    this.backoffBaseMs = options.backoffBaseMs ?? 200;
    this.backoffCapMs = options.backoffCapMs ?? 5_000;
    this.logger = options.logger;
  }

  async locate(query: GeocodeQuery): Promise<GeocodeResult | undefined> {
    const input = geocodeRequestOf(query);
    if (!input) {
      this.stats.skipped++;
      return undefined;
    }
    this.stats.queries++;
    let items: GeocodeResultItem[];
    try {
      items = await this.send(input);
    } catch (error) {
      if (error instanceof GeocoderUnavailableError) throw error;
      this.noteError(error, query);
      return undefined;
    }
    const [best] = items;
    if (!best) {
      this.stats.notFound++;
      return undefined;
    }
    const location = acceptedLocation(best, query);
    if (!location) {
      this.stats.refused++;
      return undefined;
    }
    this.stats.located++;
    return { location, precision: 'exact', by: 'geocoder' };
  }

  private async send(input: GeocodeCommandInput): Promise<GeocodeResultItem[]> {
    for (let attempt = 1; ; attempt++) {
      try {
        const response = await this.client.send(new GeocodeCommand(input));
        return response.ResultItems ?? [];
      } catch (error) {
        if (!isThrottlingOrUnavailable(error)) throw error;
        if (attempt >= this.maxAttempts) {
          throw new GeocoderUnavailableError(`Amazon Location Service stayed throttled or unavailable through ${attempt} attempt(s): ${describe(error)}`, {
            cause: error,
          });
        }
        this.stats.retries++;
        await sleep(Math.random() * Math.min(this.backoffCapMs, this.backoffBaseMs * 2 ** (attempt - 1)));
      }
    }
  }

  private noteError(error: unknown, query: GeocodeQuery): void {
    const name = error instanceof Error ? error.name : 'Error';
    const seen = this.stats.errors[name] ?? 0;
    this.stats.errors[name] = seen + 1;
    // Once per kind: a misconfiguration (AccessDenied) would otherwise log every row of a file.
    if (seen === 0) {
      this.logger?.warn('Geocoding failed; the zip centroid is used instead (logged once per error name, counted in stats)', {
        error: describe(error),
        errorName: name,
        zip: query.address.zip,
        state: query.address.state,
      });
    }
  }
}

/** The Geocode request for an address, or undefined for one the service cannot place. */
export function geocodeRequestOf(query: GeocodeQuery): GeocodeCommandInput | undefined {
  const { street1, city, state, zip: rawZip } = query.address;
  const zip = fiveDigitZip(rawZip);
  if (!/^\d{5}$/.test(zip) || MILITARY_MAIL.has(state) || street1.trim() === '') return undefined;
  const territory = TERRITORY_COUNTRIES[state];
  return {
    QueryComponents: {
      ...splitStreet(street1),
      Locality: city.trim(),
      // A territory may be filed as its own country or as a region of the USA: name neither, allow both.
      ...(territory ? {} : { Country: 'USA', Region: state }),
      PostalCode: zip,
    },
    Filter: { IncludeCountries: territory ? ['USA', territory] : ['USA'] },
    MaxResults: 1,
    // The importer keeps the coordinates with the program; the service terms require saying so.
    IntendedUse: 'Storage',
    Language: 'en',
  };
}

/** `510 W 193rd St` as `AddressNumber: 510, Street: W 193rd St`; a street without a leading number as it is. */
export function splitStreet(street1: string): { AddressNumber?: string; Street: string } {
  const trimmed = street1.trim().replace(/\s+/g, ' ');
  const match = /^(\d+[A-Za-z]?(?:-\d+[A-Za-z]?)?) (.+)$/.exec(trimmed);
  return match ? { AddressNumber: match[1]!, Street: match[2]! } : { Street: trimmed };
}

/** The result's point if it is the address itself, in the address's zip and state; else undefined. */
export function acceptedLocation(item: GeocodeResultItem, query: GeocodeQuery): GeoPoint | undefined {
  if (!item.PlaceType || !ADDRESS_LEVEL_PLACE_TYPES.has(item.PlaceType)) return undefined;
  // The service moved the house number to one it knows: that is another building.
  if (item.AddressNumberCorrected) return undefined;
  const address = item.Address;
  const zip = fiveDigitZip(query.address.zip);
  if (/^\d{5}/.exec(address?.PostalCode?.trim() ?? '')?.[0] !== zip) return undefined;
  if (!sameStateOrTerritory(address?.Country?.Code3, address?.Region?.Code, query.address.state)) return undefined;
  const number = normalizeForMatching(address?.AddressNumber);
  if (number && !` ${normalizeForMatching(query.address.street1)} `.includes(` ${number} `)) return undefined;
  const [lon, lat] = item.Position ?? [];
  if (lon === undefined || lat === undefined || !Number.isFinite(lon) || !Number.isFinite(lat)) return undefined;
  if (Math.abs(lat) > 90 || Math.abs(lon) > 180 || (lat === 0 && lon === 0)) return undefined;
  return { lat, lon };
}

function sameStateOrTerritory(country: string | undefined, region: string | undefined, state: string): boolean {
  const territory = TERRITORY_COUNTRIES[state];
  const inUsa = country === undefined || country.toUpperCase() === 'USA';
  if (inUsa && region?.toUpperCase() === state) return true;
  return territory !== undefined && country?.toUpperCase() === territory;
}

function isThrottlingOrUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const details = error as Error & { $metadata?: { httpStatusCode?: number }; $retryable?: unknown; code?: unknown };
  if (RETRYABLE_NAMES.has(error.name) || details.$retryable) return true;
  const status = details.$metadata?.httpStatusCode;
  if (status !== undefined && RETRYABLE_STATUSES.has(status)) return true;
  return typeof details.code === 'string' && RETRYABLE_NETWORK_CODES.has(details.code);
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
