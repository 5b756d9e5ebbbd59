import { describe, expect, it } from 'vitest';
import type { ListingVersion } from '../../functions/domain/listing';
import type { AddressMatch } from '../../functions/ports/search-index';
import { likelyDuplicateOf } from '../../functions/use-cases/listings/likely-duplicate';

const version = {
  name: 'Lakeside Recovery & Wellness',
  address: { street1: '1 Church St.', city: 'Burlington', state: 'VT', zip: '05401' },
} as unknown as ListingVersion;

const index = (matches: AddressMatch[]) => ({ findByAddress: async (key: string) => (key === '1 church st|05401' ? matches : []) });
const nameKey = 'lakeside recovery and wellness|05401';

describe('likelyDuplicateOf', () => {
  it('needs both keys to match, and prefers an imported program to a provider listing', async () => {
    const matches = [
      { id: 'lst_other', nameKey, source: 'provider' },
      { id: 'b-program', nameKey, source: 'samhsa' },
      { id: 'a-neighbour', nameKey: 'another program|05401', source: 'samhsa' },
    ];
    expect(await likelyDuplicateOf('lst_new', version, { index: index(matches) })).toBe('b-program');
    expect(await likelyDuplicateOf('lst_new', version, { index: index(matches.slice(0, 1)) })).toBe('lst_other');
    expect(await likelyDuplicateOf('lst_new', version, { index: index(matches.slice(2)) })).toBeUndefined();
  });

  it('never matches the listing itself', async () => {
    expect(await likelyDuplicateOf('lst_self', version, { index: index([{ id: 'lst_self', nameKey, source: 'provider' }]) })).toBeUndefined();
  });

  it('leaves the flag absent when the lookup fails or no index is wired', async () => {
    const failing = { findByAddress: () => Promise.reject(new Error('connection refused')) };
    expect(await likelyDuplicateOf('lst_new', version, { index: failing })).toBeUndefined();
    expect(await likelyDuplicateOf('lst_new', version, {})).toBeUndefined();
  });
});
