import type { IndexChange, SearchIndex } from '../ports/search-index';

export interface PendingChange {
  /** Identifies the change to its source (a stream sequence number), for reporting failures. */
  ref: string;
  change: IndexChange;
}

export interface IndexingReport {
  applied: number;
  stale: number;
  failed: { ref: string; reason: string }[];
}

/**
 * Applies a batch of committed changes to the index. Stale changes (the index already has a newer
 * version) count as done; only real failures are returned, so the caller retries just those.
 */
export async function indexProgramChanges(changes: readonly PendingChange[], index: Pick<SearchIndex, 'apply'>): Promise<IndexingReport> {
  const outcomes = await index.apply(changes.map((pending) => pending.change));
  const report: IndexingReport = { applied: 0, stale: 0, failed: [] };
  outcomes.forEach((outcome, position) => {
    const pending = changes[position];
    if (!pending) return;
    if (outcome.status === 'applied') report.applied++;
    else if (outcome.status === 'stale') report.stale++;
    else report.failed.push({ ref: pending.ref, reason: outcome.reason });
  });
  return report;
}
