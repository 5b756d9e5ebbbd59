import type { GeocodeQuery, GeocodeResult, Geocoder } from '../../ports/geocoder';
import type { ZipDirectory } from '../../ports/zip-directory';

/**
 * The centroid of the address's zip: the last resort of a chain (the import use case falls back
 * to it by itself, so a chain needs it only where something else than the importer asks).
 */
export class ZipCentroidGeocoder implements Geocoder {
  constructor(private readonly zips: ZipDirectory) {}

  async locate(query: GeocodeQuery): Promise<GeocodeResult | undefined> {
    const place = this.zips.lookup(query.address.zip.trim());
    return place ? { location: { ...place.centroid }, precision: 'zip', by: 'zip' } : undefined;
  }
}
