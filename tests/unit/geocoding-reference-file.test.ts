import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { coordinatesOf, ReferenceFileGeocoder } from '../../functions/adapters/geocoding/reference-file-geocoder';
import type { GeocodeQuery } from '../../functions/ports/geocoder';

// The shared files are read in place, never copied.
const SUBSTANCE_USE = fileURLPath('../../../shared/data/samhsa-substance-use-facilities.csv');
const MENTAL_HEALTH = fileURLPath('../../../shared/data/samhsa-mental-health-facilities.csv');

function fileURLPath(relative: string): string {
  return new URL(relative, import.meta.url).pathname;
}

function query(name: string, street1: string, zip: string, state = 'AL', city = 'Anywhere'): GeocodeQuery {
  return { name, address: { street1, city, state, zip } };
}

let reference: ReferenceFileGeocoder;
let loadMs: number;
let scratch: string;

beforeAll(async () => {
  const started = performance.now();
  reference = await ReferenceFileGeocoder.load([SUBSTANCE_USE, MENTAL_HEALTH]);
  loadMs = performance.now() - started;
  scratch = mkdtempSync(path.join(tmpdir(), 'reference-geocoder-'));
});

afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

describe('ReferenceFileGeocoder on the shared SAMHSA facility lists', () => {
  it('reads both files quickly and counts every row, all of them usable', () => {
    // 14,034 substance-use and 11,375 mental-health rows, each with coordinates and a valid zip.
    expect(reference.counts).toEqual({ files: 2, rows: 25_409, usable: 25_409, withoutCoordinates: 0, withoutKey: 0 });
    // About half a second on a quiet 2-core machine; the bound only catches a pathological slowdown.
    expect(loadMs).toBeLessThan(5_000);
  });

  it('places a known facility by street1 + zip, whatever the name and the street spelling', async () => {
    // A New Beginning, 122 Helton Court, Florence AL 35630 (substance-use list).
    const found = await reference.locate(query('Some Other Program', '122  HELTON court.', '35630'));
    expect(found).toEqual({ location: { lat: 34.832909, lon: -87.66639 }, precision: 'exact', by: 'reference' });
  });

  it('falls back to name1 + zip when the street does not match', async () => {
    const found = await reference.locate(query('A New Beginning', 'PO Box 1234', '35630'));
    expect(found).toEqual({ location: { lat: 34.832909, lon: -87.66639 }, precision: 'exact', by: 'reference' });
  });

  it('repairs zips that lost their leading zero in the reference file (CT 6708)', async () => {
    // Perspectives Center for Care Inc, 60 Westwood Avenue, Waterbury CT, zip written as 6708.
    const expected = { location: { lat: 41.5613412, lon: -73.0638482 }, precision: 'exact', by: 'reference' };
    expect(await reference.locate(query('Perspectives Center for Care', '60 Westwood Avenue', '06708', 'CT'))).toEqual(expected);
    // A query carrying the same damage is repaired the same way.
    expect(await reference.locate(query('Perspectives Center for Care', '60 Westwood Avenue', '6708', 'CT'))).toEqual(expected);
  });

  it('prefers, among rows sharing a street key, the one whose name also matches, else the first read', async () => {
    // 200 Dean Buttram Senior Avenue, 35960: CED Mental Health Center (substance-use list, read
    // first) and Cherokee Etowah Dekalb CMHC (mental-health list), at different coordinates.
    expect((await reference.locate(query('Cherokee Etowah Dekalb CMHC', '200 Dean Buttram Senior Avenue', '35960')))?.location).toEqual({
      lat: 34.1678322,
      lon: -85.6611071,
    });
    expect((await reference.locate(query('CED Mental Health Center', '200 Dean Buttram Senior Avenue', '35960')))?.location).toEqual({
      lat: 34.1520406,
      lon: -85.6788531,
    });
    expect((await reference.locate(query('A New Clinic', '200 Dean Buttram Senior Avenue', '35960')))?.location).toEqual({
      lat: 34.1520406,
      lon: -85.6788531,
    });
  });

  it('answers undefined for an address it does not know, and for the right street in another zip', async () => {
    expect(await reference.locate(query('Nowhere Clinic', '1 Nonexistent Road', '35630'))).toBeUndefined();
    expect(await reference.locate(query('Unknown Program', '122 Helton Court', '35631'))).toBeUndefined();
  });

  it('counts how each lookup matched', async () => {
    const fresh = await ReferenceFileGeocoder.load(SUBSTANCE_USE);
    fresh.find(query('X', '122 Helton Court', '35630'));
    fresh.find(query('A New Beginning', 'elsewhere', '35630'));
    fresh.find(query('X', 'elsewhere', '35630'));
    expect(fresh.matches).toEqual({ byStreet: 1, byName: 1, missed: 1 });
    expect(fresh.counts).toMatchObject({ files: 1, rows: 14_034, usable: 14_034 });
  });
});

describe('ReferenceFileGeocoder rows and headers', () => {
  function write(name: string, text: string): string {
    const file = path.join(scratch, name);
    writeFileSync(file, text);
    return file;
  }

  it('skips rows without usable coordinates (empty, NA, out of range, (0,0)) and never answers from them', async () => {
    const file = write(
      'mixed.csv',
      [
        // Header names in any case and order, other columns ignored.
        'ID,Longitude,LATITUDE,Zip,Street1,Name1,phone',
        '1,,,05401,1 Church St,No Coordinates Clinic,802-555-0100',
        '2,NA,NA,05401,2 Church St,NA Clinic,',
        '3,-73.2,95,05401,3 Church St,Out Of Range Clinic,',
        '4,0,0,05401,4 Church St,Null Island Clinic,',
        '5,-73.2121,44.4759,5401,5 Church St,Lakeside Evening IOP,',
        '6,-73.1,44.4,ABCDE,6 Church St,Bad Zip Clinic,',
      ].join('\n'),
    );
    const geocoder = await ReferenceFileGeocoder.load(file);
    expect(geocoder.counts).toEqual({ files: 1, rows: 6, usable: 1, withoutCoordinates: 4, withoutKey: 1 });
    expect(await geocoder.locate(query('No Coordinates Clinic', '1 Church St', '05401', 'VT'))).toBeUndefined();
    expect(await geocoder.locate(query('NA Clinic', '2 Church St', '05401', 'VT'))).toBeUndefined();
    expect(await geocoder.locate(query('Null Island Clinic', '4 Church St', '05401', 'VT'))).toBeUndefined();
    // Street spellings are not expanded (St is not Street): no match by street, and none by this name.
    expect(await geocoder.locate(query('Another Program', '5 Church Street', '05401', 'VT'))).toBeUndefined();
    expect(await geocoder.locate(query('Lakeside Evening IOP', '5 Church St', '05401', 'VT'))).toEqual({
      location: { lat: 44.4759, lon: -73.2121 },
      precision: 'exact',
      by: 'reference',
    });
  });

  it('lets an address without coordinates be placed by a later row that has them', async () => {
    const file = write('later.csv', ['name1,street1,zip,latitude,longitude', 'A,1 Main St,10001,,', 'B,1 Main St,10001,40.75,-73.99'].join('\n'));
    const geocoder = await ReferenceFileGeocoder.load(file);
    expect((await geocoder.locate(query('A', '1 Main St', '10001', 'NY')))?.location).toEqual({ lat: 40.75, lon: -73.99 });
  });

  it('refuses a file that lacks a required column, naming it', async () => {
    const file = write('no-latitude.csv', 'name1,street1,zip,lat,longitude\nA,1 Main St,10001,40.75,-73.99\n');
    await expect(ReferenceFileGeocoder.load(file)).rejects.toThrow(/lacks the column\(s\) latitude/);
  });

  it('fails on a missing file instead of hanging', async () => {
    await expect(ReferenceFileGeocoder.load(path.join(scratch, 'missing.csv'))).rejects.toThrow(/ENOENT/);
  });

  it('reads coordinates strictly', () => {
    expect(coordinatesOf(' 44.5 ', '-73.2')).toEqual({ lat: 44.5, lon: -73.2 });
    expect(coordinatesOf('44.5', '')).toBeUndefined();
    expect(coordinatesOf('north', '-73.2')).toBeUndefined();
    expect(coordinatesOf('44.5', '-181')).toBeUndefined();
    expect(coordinatesOf('0', '0')).toBeUndefined();
    expect(coordinatesOf('0', '-73.2')).toEqual({ lat: 0, lon: -73.2 });
  });
});
