import { zipDirectory } from '../../functions/gazetteer/zip-table';
import type { ListingDependencies } from '../../functions/use-cases/listings/listing-dependencies';
import { MemoryClaimStore } from './claim-store';
import { FakeClock } from './clock';
import { MemoryListingStore } from './listing-store';
import { MemoryProgramStore } from './program-store';
import { MemoryReportStore } from './report-store';
import { MemorySearchIndex } from './search-index';

/**
 * The directory's stores and index as fakes, wired as the composition roots wire the real ones:
 * listings, claims and reports share one table (the review queue reads all three), programs and
 * listings are the index source. Zips come from the bundled table, as in AWS.
 */
export function fakeDirectory<Listings extends MemoryListingStore = MemoryListingStore>(
  options: {
    maxPendingPerProvider?: number;
    clock?: FakeClock;
    /** A subclass of MemoryListingStore (one that fails on cue, say) to use instead. */
    listingStore?: new (sources: ConstructorParameters<typeof MemoryListingStore>[0]) => Listings;
  } = {},
) {
  const clock = options.clock ?? new FakeClock();
  const claims = new MemoryClaimStore();
  const reports = new MemoryReportStore();
  const listings = options.listingStore ? new options.listingStore({ claims, reports }) : (new MemoryListingStore({ claims, reports }) as Listings);
  const programs = new MemoryProgramStore({ listings });
  const index = new MemorySearchIndex();
  const deps: ListingDependencies = {
    listings,
    programs,
    claims,
    zips: zipDirectory,
    index,
    maxPendingPerProvider: options.maxPendingPerProvider ?? 5,
    now: clock.now,
  };

  /**
   * What the stream indexer does after writes: the index change of every stored program and
   * listing, applied with their versions (unchanged items come back `stale`).
   */
  async function deliverStream(): Promise<void> {
    for await (const page of programs.scanIndexSource({ segment: 0, totalSegments: 1 })) {
      const outcomes = await index.apply(page.changes);
      const failed = outcomes.filter((outcome) => outcome.status === 'failed');
      if (failed.length > 0 || page.malformed.length > 0) throw new Error(`the stream could not index ${failed.length + page.malformed.length} items`);
    }
  }

  return { clock, claims, reports, listings, programs, index, deps, deliverStream };
}
