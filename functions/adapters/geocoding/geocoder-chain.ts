import type { GeocodeQuery, GeocodeResult, Geocoder } from '../../ports/geocoder';

/**
 * Asks geocoders in order and answers with the first that places the address: cheap, exact
 * sources (reference files) before billed ones (a geocoding service), the zip centroid last.
 * An error of one geocoder is not caught here: each adapter decides what it may swallow.
 */
export class GeocoderChain implements Geocoder {
  private readonly geocoders: readonly Geocoder[];

  constructor(geocoders: readonly Geocoder[]) {
    this.geocoders = [...geocoders];
  }

  async locate(query: GeocodeQuery): Promise<GeocodeResult | undefined> {
    for (const geocoder of this.geocoders) {
      const found = await geocoder.locate(query);
      if (found) return found;
    }
    return undefined;
  }
}
