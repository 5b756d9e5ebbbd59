import type { SearchCriteria, SearchPage } from '../../domain/search-criteria';
import type { SearchIndex } from '../../ports/search-index';
import type { VersionedSearch } from '../../ports/versioned-search';

export interface SearchPageCacheOptions {
  /** Pages kept, least recently used dropped first: bounds the memory of one function instance. */
  maxEntries: number;
  /**
   * Milliseconds a page may be reused at all, however long the data stays the same: a backstop,
   * never longer than what the response's max-age already lets any cache serve.
   */
  maxAgeMs: number;
  now?: () => number;
}

interface Entry {
  page: SearchPage;
  dataVersion: string;
  storedAt: number;
}

/**
 * Searches answered from memory while the index still serves the data they were read from. A
 * repeated search (a client revalidating its copy with If-None-Match, a shared link, a busy zip)
 * then costs one cheap version query instead of a search with facets, and since every reuse is
 * checked against the current version, the answer, and so its ETag, changes as soon as a change
 * becomes visible to searches: the cache never serves what the index would not.
 *
 * Keyed by the whole criteria (filters, sort, page size, cursor, and `today`, on which "current"
 * licences and accreditations depend). Pages are shared between requests: callers must not
 * modify them.
 */
export class SearchPageCache implements Pick<SearchIndex, 'search'> {
  private readonly entries = new Map<string, Entry>();
  private readonly now: () => number;

  constructor(
    private readonly source: VersionedSearch,
    private readonly options: SearchPageCacheOptions,
  ) {
    this.now = options.now ?? Date.now;
  }

  async search(criteria: SearchCriteria): Promise<SearchPage> {
    const key = JSON.stringify(criteria);
    const entry = this.entries.get(key);
    if (entry && this.now() - entry.storedAt <= this.options.maxAgeMs && (await this.source.dataVersion()) === entry.dataVersion) {
      // Map order is insertion order: moving the entry to the end makes the first one the least recently used.
      this.entries.delete(key);
      this.entries.set(key, entry);
      return entry.page;
    }
    const { page, dataVersion } = await this.source.searchWithVersion(criteria);
    this.entries.delete(key);
    this.entries.set(key, { page, dataVersion, storedAt: this.now() });
    while (this.entries.size > this.options.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    return page;
  }

  /** Pages held now (for tests and benchmarks). */
  get size(): number {
    return this.entries.size;
  }
}
