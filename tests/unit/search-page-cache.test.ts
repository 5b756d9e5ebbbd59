import { describe, expect, it } from 'vitest';
import { SearchPageCache } from '../../functions/adapters/memory/search-page-cache';
import { FACET_NAMES, type Facets, type SearchCriteria, type SearchPage } from '../../functions/domain/search-criteria';
import type { VersionedPage, VersionedSearch } from '../../functions/ports/versioned-search';

/** An index whose data version the test sets; every page names the version and the search it answers. */
class FakeIndex implements VersionedSearch {
  version = 'v1';
  searches = 0;
  versionChecks = 0;

  async searchWithVersion(criteria: SearchCriteria): Promise<VersionedPage> {
    this.searches++;
    const facets = Object.fromEntries(FACET_NAMES.map((name) => [name, {}])) as Facets;
    const page: SearchPage = { total: this.searches, results: [], facets, nextCursor: `${criteria.text ?? ''}@${this.version}` };
    return { page, dataVersion: this.version };
  }

  async dataVersion(): Promise<string> {
    this.versionChecks++;
    return this.version;
  }
}

const criteria = (overrides: Partial<SearchCriteria> = {}): SearchCriteria => ({
  radiusMiles: 25,
  filters: {},
  sort: 'name',
  limit: 20,
  today: '2026-11-30',
  ...overrides,
});

function setUp(options: { maxEntries?: number; maxAgeMs?: number } = {}) {
  const index = new FakeIndex();
  let now = 0;
  const cache = new SearchPageCache(index, { maxEntries: options.maxEntries ?? 10, maxAgeMs: options.maxAgeMs ?? 60_000, now: () => now });
  return { index, cache, advance: (ms: number) => (now += ms) };
}

describe('SearchPageCache', () => {
  it('answers a repeated search from memory while the data version holds, with one version check and no search', async () => {
    const { index, cache } = setUp();
    const first = await cache.search(criteria({ text: 'iop' }));
    const again = await cache.search(criteria({ text: 'iop' }));
    expect(again).toBe(first);
    expect([index.searches, index.versionChecks]).toEqual([1, 1]);
  });

  it('searches again as soon as the data version changes, and keeps the new page', async () => {
    const { index, cache } = setUp();
    await cache.search(criteria({ text: 'iop' }));
    index.version = 'v2';
    const after = await cache.search(criteria({ text: 'iop' }));
    expect(after.nextCursor).toBe('iop@v2');
    expect(index.searches).toBe(2);
    expect(await cache.search(criteria({ text: 'iop' }))).toBe(after);
    expect(index.searches).toBe(2);
  });

  it('keys by the whole criteria: another filter, page size, cursor or day is another search', async () => {
    const { index, cache } = setUp();
    await cache.search(criteria());
    await cache.search(criteria({ limit: 5 }));
    await cache.search(criteria({ cursor: 'abc' }));
    await cache.search(criteria({ filters: { levelOfCare: ['iop'] } }));
    // Tomorrow the same parameters may match other programs (licences expire): not the same answer.
    await cache.search(criteria({ today: '2026-12-01' }));
    expect(index.searches).toBe(5);
    expect(index.versionChecks).toBe(0);
  });

  it('never reuses a page older than maxAgeMs, even when the version says the data is the same', async () => {
    const { index, cache, advance } = setUp({ maxAgeMs: 60_000 });
    await cache.search(criteria());
    advance(60_000);
    await cache.search(criteria());
    expect(index.searches).toBe(1);
    advance(60_001);
    await cache.search(criteria());
    expect(index.searches).toBe(2);
  });

  it('holds at most maxEntries pages, dropping the least recently used', async () => {
    const { index, cache } = setUp({ maxEntries: 2 });
    await cache.search(criteria({ text: 'a' }));
    await cache.search(criteria({ text: 'b' }));
    await cache.search(criteria({ text: 'a' })); // a is now the most recently used
    await cache.search(criteria({ text: 'c' })); // drops b
    expect(cache.size).toBe(2);
    expect(index.searches).toBe(3);
    await cache.search(criteria({ text: 'a' }));
    expect(index.searches).toBe(3);
    await cache.search(criteria({ text: 'b' }));
    expect(index.searches).toBe(4);
  });
});
