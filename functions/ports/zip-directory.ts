import type { GeoPoint } from '../domain/program';
import type { UsState } from '../domain/vocabulary';

export interface ZipPlace {
  zip: string;
  state: UsState;
  centroid: GeoPoint;
  /** IANA time zone of the zip. */
  timezone: string;
}

/** ZIP code facts: centroid, state, time zone. */
export interface ZipDirectory {
  lookup(zip: string): ZipPlace | undefined;
}
