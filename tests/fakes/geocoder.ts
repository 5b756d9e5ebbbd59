import type { GeocodeQuery, GeocodeResult, Geocoder } from '../../functions/ports/geocoder';

/**
 * A geocoder that knows the addresses it is given (by `street1|zip`) and records every query, so
 * a test can tell which rows were sent to it. Undefined for any other address, as a geocoder of
 * the chain that cannot place it.
 */
export class MemoryGeocoder implements Geocoder {
  readonly queries: GeocodeQuery[] = [];
  private readonly known = new Map<string, GeocodeResult>();

  place(street1: string, zip: string, result: GeocodeResult): this {
    this.known.set(`${street1}|${zip}`, result);
    return this;
  }

  async locate(query: GeocodeQuery): Promise<GeocodeResult | undefined> {
    this.queries.push(structuredClone(query));
    const found = this.known.get(`${query.address.street1}|${query.address.zip}`);
    return found && structuredClone(found);
  }
}
