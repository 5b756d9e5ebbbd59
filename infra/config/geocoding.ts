import { Aws } from 'aws-cdk-lib';
import type { FunctionEnvironment } from '../../functions/config/environment-variables';

/**
 * How a stage's importer places rows that come without coordinates, besides the zip centroid
 * (functions/config/geocoding-config.ts reads what this sets). Amazon Location Service bills each
 * request; the importer asks only for new or changed addresses and keeps the answers.
 */
export type GeocodingStageConfig =
  | { readonly geocoder: 'none' }
  | {
      readonly geocoder: 'amazon-location';
      /**
       * Region of the Places API v2 endpoint; absent means the stack's own region. Set it when
       * deploying to a region where the Places API v2 is not offered.
       */
      readonly region?: string;
      /** Requests per address while the service throttles or is unavailable (1 to 10). */
      readonly maxAttempts: number;
    };

/** The region whose Places API the importer calls, as a value or the stack's region token. */
export function geocodingRegion(geocoding: Extract<GeocodingStageConfig, { geocoder: 'amazon-location' }>): string {
  return geocoding.region ?? Aws.REGION;
}

/**
 * The AWS-managed data provider of the Places API v2 in one region: the only resource
 * `geo-places:Geocode` is authorised against (no place index or other resource of ours exists).
 */
export function geoPlacesProviderArn(region: string): string {
  return `arn:${Aws.PARTITION}:geo-places:${region}::provider/default`;
}

/** The importer's geocoding settings; `GEOCODER=none` is stated outright rather than left to a default. */
export function geocodingEnvironment(geocoding: GeocodingStageConfig): FunctionEnvironment {
  if (geocoding.geocoder === 'none') return { GEOCODER: 'none' };
  return {
    GEOCODER: 'amazon-location',
    GEOCODER_REGION: geocodingRegion(geocoding),
    GEOCODER_MAX_ATTEMPTS: String(geocoding.maxAttempts),
  };
}
