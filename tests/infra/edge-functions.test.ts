import { readFileSync } from 'node:fs';
import path from 'node:path';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../infra/constructs/directory-function';

/**
 * The CloudFront Functions of the distribution, run as CloudFront runs them: the file's `handler`
 * with a viewer-request event (https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/functions-event-structure.html).
 */
type QueryValue = { value: string; multiValue?: Array<{ value: string }> };
interface ViewerRequestEvent {
  viewer: { ip: string };
  request: { method: string; uri: string; querystring: Record<string, QueryValue> | string; headers: Record<string, { value: string }> };
}

function load(file: string): (event: ViewerRequestEvent) => ViewerRequestEvent['request'] {
  const context: { handler?: (event: ViewerRequestEvent) => ViewerRequestEvent['request'] } = {};
  runInNewContext(`${readFileSync(path.join(repoRoot, 'infra', 'edge', file), 'utf8')}\nthis.handler = handler;`, context);
  return context.handler!;
}

/** The event CloudFront builds from a raw query string: one entry per name, repeats in multiValue. */
function eventFor(query: string, headers: Record<string, { value: string }> = {}): ViewerRequestEvent {
  const querystring: Record<string, QueryValue> = {};
  for (const pair of query ? query.split('&') : []) {
    const [name = '', value = ''] = pair.split(/=(.*)/s);
    const existing = querystring[name];
    if (!existing) querystring[name] = { value };
    else querystring[name] = { value: existing.value, multiValue: [...(existing.multiValue ?? [{ value: existing.value }]), { value }] };
  }
  return { viewer: { ip: '203.0.113.9' }, request: { method: 'GET', uri: '/v1/programs', querystring, headers } };
}

describe('normalize-query-string (cached public reads)', () => {
  const normalize = load('normalize-query-string.js');
  const normalized = (query: string) => normalize(eventFor(query)).querystring;

  it('gives every order of the same parameters one query string, so one cache key', () => {
    const orders = ['zip=05401&radius=10&levelOfCare=iop', 'levelOfCare=iop&zip=05401&radius=10', 'radius=10&levelOfCare=iop&zip=05401'];
    expect(new Set(orders.map(normalized))).toEqual(new Set(['levelOfCare=iop&radius=10&zip=05401']));
  });

  it('keeps names and values byte for byte: case and encoding are the API\'s to judge', () => {
    expect(normalized('near=Burlington%2C%20VT&LevelOfCare=IOP&cursor=eyJhIjoxfQ')).toBe('LevelOfCare=IOP&cursor=eyJhIjoxfQ&near=Burlington%2C%20VT');
    // Different case stays a different key: `levelOfCare` is a search, `LEVELOFCARE` a 400.
    expect(normalized('levelOfCare=iop')).not.toBe(normalized('LEVELOFCARE=iop'));
    expect(normalized('q=Lakeside')).not.toBe(normalized('q=lakeside'));
  });

  it('keeps the values of a repeated name in the order sent', () => {
    expect(normalized('state=VT&zip=05401&state=NH')).toBe('state=VT&state=NH&zip=05401');
  });

  it('leaves a request without a query string alone', () => {
    expect(normalize(eventFor('')).querystring).toEqual({});
  });
});

describe('viewer-address (problem reports)', () => {
  const viewerAddress = load('viewer-address.js');

  it('hands on the address CloudFront saw, replacing whatever the client sent under that name', () => {
    const request = viewerAddress(eventFor('', { 'x-viewer-address': { value: '10.0.0.1' }, 'content-type': { value: 'application/json' } }));
    expect(request.headers).toEqual({ 'x-viewer-address': { value: '203.0.113.9' }, 'content-type': { value: 'application/json' } });
  });
});
