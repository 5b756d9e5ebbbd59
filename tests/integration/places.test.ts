import { describe, expect, it } from 'vitest';
import { api } from '../support/http';

describe('GET /v1/programs?near=', () => {
  it('searches around a named city and says which place it resolved', async () => {
    const response = await api('GET', `/v1/programs?near=${encodeURIComponent('Burlington, VT')}&radius=10`);
    expect(response.status).toBe(200);
    expect(response.body.origin).toMatchObject({ kind: 'city', name: 'Burlington', state: 'VT' });
    expect(response.body.origin.lat).toBeCloseTo(44.47, 1);
    expect(response.body.origin.lon).toBeCloseTo(-73.15, 1);
    for (const hit of response.body.results) expect(hit.distanceMiles).toBeLessThanOrEqual(10);
  });

  it('resolves a zip, a state code and a county the same way', async () => {
    const zip = await api('GET', '/v1/programs?near=05401');
    expect(zip.status).toBe(200);
    expect(zip.body.origin).toMatchObject({ kind: 'zip', zip: '05401', name: '05401', state: 'VT' });
    const state = await api('GET', '/v1/programs?near=vt&limit=1');
    expect(state.body.origin).toMatchObject({ kind: 'state', name: 'Vermont', state: 'VT' });
    const county = await api('GET', `/v1/programs?near=${encodeURIComponent('Queens County, NY')}&limit=1`);
    expect(county.body.origin).toMatchObject({ kind: 'county', name: 'Queens County', state: 'NY' });
  });

  it('rejects an ambiguous place with ambiguous_place, one detail per candidate', async () => {
    const response = await api('GET', '/v1/programs?near=Springfield');
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('ambiguous_place');
    const details = response.body.error.details as { path: string; message: string }[];
    expect(details.length).toBeGreaterThan(3);
    expect(details.every((detail) => detail.path === 'near')).toBe(true);
    expect(details.map((detail) => detail.message)).toEqual(
      expect.arrayContaining(['city Springfield, IL', 'city Springfield, MA', 'city Springfield, MO']),
    );
  });

  it('rejects an unknown place with unknown_place', async () => {
    const response = await api('GET', '/v1/programs?near=Nowhereville');
    expect(response.status).toBe(400);
    expect(response.body.error).toMatchObject({ code: 'unknown_place', details: [{ path: 'near' }] });
  });

  it('refuses near together with zip or lat/lon, naming near', async () => {
    for (const query of ['near=VT&zip=05401', 'near=VT&lat=44&lon=-73']) {
      const response = await api('GET', `/v1/programs?${query}`);
      expect(response.status, query).toBe(400);
      expect(response.body.error.code).toBe('invalid_request');
      expect(response.body.error.details.map((detail: { path: string }) => detail.path)).toContain('near');
    }
  });
});

describe('GET /v1/places', () => {
  it('suggests places as a person types', async () => {
    const response = await api('GET', '/v1/places?q=burl');
    expect(response.status).toBe(200);
    expect(response.body.places).toHaveLength(8);
    expect(response.body.places).toEqual(
      expect.arrayContaining([{ kind: 'city', name: 'Burlington', state: 'VT', lat: expect.any(Number), lon: expect.any(Number) }]),
    );
    const limited = await api('GET', '/v1/places?q=springfeld&limit=3');
    expect(limited.body.places.map((place: { name: string }) => place.name)).toEqual(['Springfield', 'Springfield', 'Springfield']);
  });

  it('rejects a missing, empty or long q and a limit out of range', async () => {
    for (const query of ['', 'q=', 'q=%20%20', `q=${'a'.repeat(101)}`, 'q=burl&limit=0', 'q=burl&limit=21', 'q=burl&limit=x', 'q=burl&other=1']) {
      const response = await api('GET', `/v1/places?${query}`);
      expect(response.status, query).toBe(400);
      expect(response.body.error.code, query).toBe('invalid_request');
    }
  });
});
