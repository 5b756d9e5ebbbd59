import type { GeocodingConfig } from '../../config/geocoding-config';
import type { Geocoder } from '../../ports/geocoder';
import { AmazonLocationGeocoder, createGeoPlacesClient, type GeocoderLogger } from './amazon-location-geocoder';
import { GeocoderChain } from './geocoder-chain';

/**
 * The importer's geocoder chain: the given local sources first (reference files, free and exact),
 * then the configured service. Undefined when the chain would be empty. The zip centroid is not
 * part of it: the import use case falls back to it for any row the chain cannot place.
 */
export function createGeocoder(config: GeocodingConfig, options: { first?: readonly Geocoder[]; logger?: GeocoderLogger } = {}): Geocoder | undefined {
  const geocoders: Geocoder[] = [...(options.first ?? [])];
  if (config.geocoder === 'amazon-location') {
    geocoders.push(
      new AmazonLocationGeocoder({
        client: createGeoPlacesClient({ region: config.region, ...(config.endpoint ? { endpoint: config.endpoint } : {}) }),
        maxAttempts: config.maxAttempts,
        ...(options.logger ? { logger: options.logger } : {}),
      }),
    );
  }
  return geocoders.length === 0 ? undefined : new GeocoderChain(geocoders);
}
