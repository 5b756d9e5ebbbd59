import type { SearchCriteria, SearchPage } from '../domain/search-criteria';

/** A page of results with the version of the data it was read from. */
export interface VersionedPage {
  page: SearchPage;
  dataVersion: string;
}

/**
 * The search side of the index as a cache in front of it needs it: each page comes with the
 * version of the data it was read from, and the current version is much cheaper to ask for than a
 * search. Equal versions mean searches see the same documents, so a page read at a version is
 * still the answer to its criteria for as long as the index reports that version.
 */
export interface VersionedSearch {
  searchWithVersion(criteria: SearchCriteria): Promise<VersionedPage>;
  /** The version of the data searches see right now. */
  dataVersion(): Promise<string>;
}
