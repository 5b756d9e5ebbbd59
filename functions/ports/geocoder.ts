import type { GeoPoint } from '../domain/program';

/** What a geocoder is asked: a program's name and postal address. */
export interface GeocodeQuery {
  name: string;
  address: { street1: string; street2?: string; city: string; state: string; zip: string };
}

export interface GeocodeResult {
  location: GeoPoint;
  /** `zip` when the point is the zip's centroid rather than the address itself. */
  precision: 'exact' | 'zip';
  /** Which kind of adapter answered: a reference file, a geocoding service, or the zip table. */
  by: 'reference' | 'geocoder' | 'zip';
}

/**
 * Turns an address without coordinates into a point. Adapters: reference files of known
 * coordinates, the zip centroid, and Amazon Location Service in AWS; a chain asks them in turn.
 * Undefined when this geocoder cannot place the address (the next one in the chain is asked).
 */
export interface Geocoder {
  locate(query: GeocodeQuery): Promise<GeocodeResult | undefined>;
}
