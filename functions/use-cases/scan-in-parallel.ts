import type { IndexSourcePage, IndexSourceScan, ProgramStore } from '../ports/program-store';

/**
 * Runs every segment's pages of a parallel scan of the index source through `handle`, one page at
 * a time per segment; the first failure stops the other segments at their next page.
 */
export async function scanInParallel(
  store: Pick<ProgramStore, 'scanIndexSource'>,
  totalSegments: number,
  filter: Omit<IndexSourceScan, 'segment' | 'totalSegments'>,
  handle: (page: IndexSourcePage) => Promise<void>,
): Promise<void> {
  let failed = false;
  const results = await Promise.allSettled(
    Array.from({ length: totalSegments }, async (_, segment) => {
      try {
        for await (const page of store.scanIndexSource({ segment, totalSegments, ...filter })) {
          if (failed) return;
          await handle(page);
        }
      } catch (error) {
        failed = true;
        throw error;
      }
    }),
  );
  const rejection = results.find((result) => result.status === 'rejected');
  if (rejection) throw rejection.reason;
}
