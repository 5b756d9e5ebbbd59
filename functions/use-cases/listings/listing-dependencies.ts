import type { ListingStore } from '../../ports/listing-store';
import type { ZipDirectory } from '../../ports/zip-directory';

export interface ListingDependencies {
  listings: ListingStore;
  zips: ZipDirectory;
  /** How many listings one provider may have waiting for review at once. */
  maxPendingPerProvider: number;
  now?: () => Date;
}

export const nowIso = (deps: Pick<ListingDependencies, 'now'>) => (deps.now?.() ?? new Date()).toISOString();
