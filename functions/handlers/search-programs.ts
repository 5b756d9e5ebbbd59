import { SearchPageCache } from '../adapters/memory/search-page-cache';
import { OpenSearchSearchIndex } from '../adapters/opensearch/opensearch-search-index';
import { INDEX_READS } from '../http/http-caching';
import { cursorSigningKey } from './composition/cursor-runtime';
import { openSearchClient, openSearchConfig } from './composition/opensearch-runtime';
import { createSearchProgramsHandler } from './factories/search-programs';

// Repeated searches (a client revalidating with If-None-Match above all) are answered from memory
// for as long as the index still serves the data they were read from, and never beyond max-age.
export const handler = createSearchProgramsHandler(
  new SearchPageCache(new OpenSearchSearchIndex(openSearchClient, openSearchConfig.SEARCH_INDEX_ALIAS, cursorSigningKey), {
    maxEntries: 256,
    maxAgeMs: INDEX_READS.maxAge * 1000,
  }),
);
