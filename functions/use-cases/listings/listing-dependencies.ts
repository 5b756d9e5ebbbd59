import type { ClaimStore } from '../../ports/claim-store';
import type { ListingStore } from '../../ports/listing-store';
import type { ProgramStore } from '../../ports/program-store';
import type { SearchIndex } from '../../ports/search-index';
import type { ZipDirectory } from '../../ports/zip-directory';

export interface ListingDependencies {
  listings: ListingStore;
  /** Imported programs: what claims are made on, and where a claimed program's approved version is served from. */
  programs: ProgramStore;
  claims: ClaimStore;
  zips: ZipDirectory;
  /** Published programs by address: flags a new listing that duplicates one. Without it, nothing is flagged. */
  index?: Pick<SearchIndex, 'findByAddress'>;
  /** How many listings one provider may have waiting for review at once. */
  maxPendingPerProvider: number;
  now?: () => Date;
}

export const nowIso = (deps: Pick<ListingDependencies, 'now'>) => (deps.now?.() ?? new Date()).toISOString();
