import { describe, expect, it } from 'vitest';
import type { GeocodeResultItem } from '@aws-sdk/client-geo-places';
import { acceptedLocation, AmazonLocationGeocoder, geocodeRequestOf, splitStreet } from '../../functions/adapters/geocoding/amazon-location-geocoder';
import { createGeocoder } from '../../functions/adapters/geocoding/create-geocoder';
import { GeocoderChain } from '../../functions/adapters/geocoding/geocoder-chain';
import { ZipCentroidGeocoder } from '../../functions/adapters/geocoding/zip-centroid-geocoder';
import { loadGeocodingConfig } from '../../functions/config/geocoding-config';
import { zipDirectory } from '../../functions/gazetteer/zip-table';
import type { GeocodeQuery, GeocodeResult, Geocoder } from '../../functions/ports/geocoder';

const lakeside: GeocodeQuery = { name: 'Lakeside Evening IOP', address: { street1: '1 Church St', city: 'Burlington', state: 'VT', zip: '05401' } };

function pointAddress(overrides: Partial<GeocodeResultItem> = {}): GeocodeResultItem {
  return {
    PlaceId: 'p1',
    PlaceType: 'PointAddress',
    Title: '1 Church St, Burlington, VT 05401-4417, United States',
    Address: {
      Country: { Code2: 'US', Code3: 'USA', Name: 'United States' },
      Region: { Code: 'VT', Name: 'Vermont' },
      Locality: 'Burlington',
      PostalCode: '05401-4417',
      Street: 'Church St',
      AddressNumber: '1',
    },
    Position: [-73.2121, 44.4759],
    ...overrides,
  };
}

describe('ZipCentroidGeocoder', () => {
  it("answers the zip's centroid with zip precision, and undefined for an unknown zip", async () => {
    const centroid = zipDirectory.lookup('05401')!.centroid;
    expect(await new ZipCentroidGeocoder(zipDirectory).locate(lakeside)).toEqual({ location: centroid, precision: 'zip', by: 'zip' });
    expect(await new ZipCentroidGeocoder(zipDirectory).locate({ ...lakeside, address: { ...lakeside.address, zip: '00000' } })).toBeUndefined();
  });
});

describe('GeocoderChain', () => {
  const fixed = (result: GeocodeResult | undefined, calls: string[], name: string): Geocoder => ({
    locate: async () => {
      calls.push(name);
      return result;
    },
  });

  it('asks in order and stops at the first answer', async () => {
    const calls: string[] = [];
    const exact: GeocodeResult = { location: { lat: 1, lon: 2 }, precision: 'exact', by: 'reference' };
    const chain = new GeocoderChain([fixed(undefined, calls, 'a'), fixed(exact, calls, 'b'), fixed(undefined, calls, 'c')]);
    expect(await chain.locate(lakeside)).toBe(exact);
    expect(calls).toEqual(['a', 'b']);
  });

  it('answers undefined when none can place the address, and lets errors through', async () => {
    const calls: string[] = [];
    expect(await new GeocoderChain([fixed(undefined, calls, 'a')]).locate(lakeside)).toBeUndefined();
    expect(await new GeocoderChain([]).locate(lakeside)).toBeUndefined();
    const failing: Geocoder = { locate: () => Promise.reject(new Error('throttled for good')) };
    await expect(new GeocoderChain([failing]).locate(lakeside)).rejects.toThrow('throttled for good');
  });
});

describe('geocoding config', () => {
  it('is off when configured so (locally nothing is billed and nothing leaves the machine), and never by default', () => {
    expect(() => loadGeocodingConfig({})).toThrow(/GEOCODER/);
    expect(loadGeocodingConfig({ GEOCODER: 'none', GEOCODER_REGION: 'us-east-1' })).toEqual({ geocoder: 'none' });
    expect(createGeocoder({ geocoder: 'none' })).toBeUndefined();
  });

  it('requires the region and attempts with amazon-location, naming each missing variable', () => {
    expect(() => loadGeocodingConfig({ GEOCODER: 'amazon-location' })).toThrow(
      /GEOCODER_REGION: required when GEOCODER=amazon-location; GEOCODER_MAX_ATTEMPTS: required when GEOCODER=amazon-location/,
    );
    expect(loadGeocodingConfig({ GEOCODER: 'amazon-location', GEOCODER_REGION: 'eu-central-1', GEOCODER_MAX_ATTEMPTS: '4' })).toEqual({
      geocoder: 'amazon-location',
      region: 'eu-central-1',
      maxAttempts: 4,
    });
    expect(
      loadGeocodingConfig({ GEOCODER: 'amazon-location', GEOCODER_REGION: 'us-east-1', GEOCODER_MAX_ATTEMPTS: '5', GEOCODER_ENDPOINT: 'http://127.0.0.1:9999' }),
    ).toMatchObject({ endpoint: 'http://127.0.0.1:9999' });
  });

  it('refuses unknown geocoders and malformed settings', () => {
    expect(() => loadGeocodingConfig({ GEOCODER: 'google' })).toThrow(/GEOCODER/);
    expect(() => loadGeocodingConfig({ GEOCODER: 'amazon-location', GEOCODER_REGION: 'Virginia', GEOCODER_MAX_ATTEMPTS: '5' })).toThrow(/GEOCODER_REGION/);
    expect(() => loadGeocodingConfig({ GEOCODER: 'amazon-location', GEOCODER_REGION: 'us-east-1', GEOCODER_MAX_ATTEMPTS: '0' })).toThrow(/GEOCODER_MAX_ATTEMPTS/);
  });

  it('builds a chain ending in Amazon Location Service when enabled, after the given local sources', async () => {
    const chain = createGeocoder({ geocoder: 'amazon-location', region: 'us-east-1', maxAttempts: 2 }, { first: [new ZipCentroidGeocoder(zipDirectory)] });
    expect(chain).toBeInstanceOf(GeocoderChain);
    // The zip centroid answers first here, so the service is never asked.
    expect((await chain!.locate(lakeside))?.by).toBe('zip');
  });
});

describe('Amazon Location requests', () => {
  it('asks by address components in the USA, for one result meant to be stored', () => {
    expect(geocodeRequestOf(lakeside)).toEqual({
      QueryComponents: { AddressNumber: '1', Street: 'Church St', Locality: 'Burlington', Region: 'VT', Country: 'USA', PostalCode: '05401' },
      Filter: { IncludeCountries: ['USA'] },
      MaxResults: 1,
      IntendedUse: 'Storage',
      Language: 'en',
    });
  });

  it('lets a territory be found as its own country or as part of the USA', () => {
    const sanJuan = geocodeRequestOf({ name: 'x', address: { street1: '100 Calle Loiza', city: 'San Juan', state: 'PR', zip: '00911' } });
    expect(sanJuan?.QueryComponents).not.toHaveProperty('Country');
    expect(sanJuan?.Filter).toEqual({ IncludeCountries: ['USA', 'PRI'] });
  });

  it('does not ask for military mail or an address without a valid zip or street', () => {
    expect(geocodeRequestOf({ name: 'x', address: { street1: 'Unit 2050', city: 'APO', state: 'AE', zip: '09012' } })).toBeUndefined();
    expect(geocodeRequestOf({ ...lakeside, address: { ...lakeside.address, zip: 'ABCDE' } })).toBeUndefined();
    expect(geocodeRequestOf({ ...lakeside, address: { ...lakeside.address, street1: '  ' } })).toBeUndefined();
  });

  it('splits a leading house number off the street', () => {
    expect(splitStreet('510  W 193rd St')).toEqual({ AddressNumber: '510', Street: 'W 193rd St' });
    expect(splitStreet('12B Main Street')).toEqual({ AddressNumber: '12B', Street: 'Main Street' });
    expect(splitStreet('101-103 Elm Ave')).toEqual({ AddressNumber: '101-103', Street: 'Elm Ave' });
    expect(splitStreet('N6W23001 Bluemound Rd')).toEqual({ Street: 'N6W23001 Bluemound Rd' });
    expect(splitStreet('PO Box 12')).toEqual({ Street: 'PO Box 12' });
  });
});

describe('Amazon Location answers', () => {
  it('accepts a point or interpolated address in the same zip and state, as lat/lon from [lon, lat]', () => {
    expect(acceptedLocation(pointAddress(), lakeside)).toEqual({ lat: 44.4759, lon: -73.2121 });
    expect(acceptedLocation(pointAddress({ PlaceType: 'InterpolatedAddress' }), lakeside)).toEqual({ lat: 44.4759, lon: -73.2121 });
  });

  it('accepts the house number in any spelling the street has (a range, a letter)', () => {
    const elm: GeocodeQuery = { name: 'x', address: { street1: '101-103 Elm Ave', city: 'Burlington', state: 'VT', zip: '05401' } };
    const base = pointAddress();
    expect(acceptedLocation(pointAddress({ Address: { ...base.Address, AddressNumber: '101-103' } }), elm)).toBeDefined();
    expect(acceptedLocation(pointAddress({ Address: { ...base.Address, AddressNumber: '101' } }), elm)).toBeDefined();
    expect(acceptedLocation(pointAddress({ Address: { ...base.Address, AddressNumber: '10' } }), elm)).toBeUndefined();
  });

  it('refuses anything coarser than the address: street, locality, postal code, point of interest', () => {
    for (const PlaceType of ['Street', 'Locality', 'PostalCode', 'PointOfInterest', 'Region'] as const) {
      expect(acceptedLocation(pointAddress({ PlaceType }), lakeside), PlaceType).toBeUndefined();
    }
  });

  it('refuses an address in another zip or state, with a corrected or another house number, or without a position', () => {
    const base = pointAddress();
    expect(acceptedLocation(pointAddress({ Address: { ...base.Address, PostalCode: '05402' } }), lakeside)).toBeUndefined();
    expect(acceptedLocation(pointAddress({ Address: { ...base.Address, PostalCode: undefined } }), lakeside)).toBeUndefined();
    expect(acceptedLocation(pointAddress({ Address: { ...base.Address, Region: { Code: 'NY' } } }), lakeside)).toBeUndefined();
    expect(acceptedLocation(pointAddress({ Address: { ...base.Address, Country: { Code3: 'CAN' } } }), lakeside)).toBeUndefined();
    expect(acceptedLocation(pointAddress({ AddressNumberCorrected: true }), lakeside)).toBeUndefined();
    expect(acceptedLocation(pointAddress({ Address: { ...base.Address, AddressNumber: '3' } }), lakeside)).toBeUndefined();
    expect(acceptedLocation(pointAddress({ Position: undefined }), lakeside)).toBeUndefined();
    expect(acceptedLocation(pointAddress({ Position: [0, 0] }), lakeside)).toBeUndefined();
  });

  it('accepts a territory filed as its own country', () => {
    const sanJuan: GeocodeQuery = { name: 'x', address: { street1: '100 Calle Loiza', city: 'San Juan', state: 'PR', zip: '00911' } };
    const item = pointAddress({
      Address: { Country: { Code3: 'PRI' }, Region: { Code: 'San Juan' }, PostalCode: '00911', AddressNumber: '100' },
      Position: [-66.05, 18.45],
    });
    expect(acceptedLocation(item, sanJuan)).toEqual({ lat: 18.45, lon: -66.05 });
  });

  it('skips, without a request, what the service cannot place', async () => {
    const geocoder = new AmazonLocationGeocoder({ client: { send: () => Promise.reject(new Error('must not be called')) } as never });
    expect(await geocoder.locate({ name: 'x', address: { street1: 'Unit 2050', city: 'APO', state: 'AE', zip: '09012' } })).toBeUndefined();
    expect(geocoder.stats).toMatchObject({ queries: 0, skipped: 1 });
  });
});
