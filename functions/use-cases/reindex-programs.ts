import { setTimeout as sleep } from 'node:timers/promises';
import type { ProgramStore } from '../ports/program-store';
import type { IndexChange, IndexChangeOutcome } from '../ports/search-index';
import type { SearchIndexAdmin } from '../ports/search-index-admin';
import { scanInParallel } from './scan-in-parallel';

export interface ReindexDependencies {
  store: Pick<ProgramStore, 'scanIndexSource'>;
  admin: SearchIndexAdmin;
  now?: () => Date;
}

export interface ReindexOptions {
  /** Parallel scan segments, each loading its own pages: the bound on concurrent requests. */
  segments?: number;
  keepOld?: boolean;
  /** How far before the start the catch-up pass looks, for writers whose clocks run behind ours. */
  clockSkewMs?: number;
  onProgress?: (progress: ReindexProgress) => void;
  oldIndexGraceMs?: number;
}

export interface ReindexProgress {
  phase: 'load' | 'verify' | 'catch-up' | 'swap' | 'final catch-up' | 'cleanup';
  scanned: number;
}

export interface ReindexSummary {
  /** Items the index holds a document for (programs, listings, tombstones). */
  scanned: number;
  /** Documents in the new index when it went live (equals `scanned`, or the reindex fails). */
  indexed: number;
  /** Items changed since the start, re-applied before and after the swap; `caughtUpNewer` of them were newer than the index held. */
  caughtUp: number;
  caughtUpNewer: number;
  malformed: { key: string; reason: string }[];
  oldIndices: string[];
  newIndex: string;
  oldDeleted: boolean;
  seconds: number;
}

export class ReindexError extends Error {}

const DEFAULT_SEGMENTS = 4;
const DEFAULT_CLOCK_SKEW_MS = 60_000;
/** Lets searches that resolved the alias to the old index just before the swap finish before it goes. */
const OLD_INDEX_GRACE_MS = 1_000;

/**
 * Rebuilds the search index from the table without downtime. The alias keeps serving the old,
 * complete index while a new one is loaded and verified, then moves in one atomic step.
 *
 * Writes during the reindex still reach the old index (the stream writes through the alias), so
 * every item changed since the start is re-applied from the table: once before the swap, so the
 * new index goes live with them, and once after, for what changed during that first pass. External
 * versions make re-applying safe: the index keeps whichever copy of an item is newest, whether
 * it came from the stream or from a pass.
 */
export async function reindexPrograms(dependencies: ReindexDependencies, options: ReindexOptions = {}): Promise<ReindexSummary> {
  const { store, admin } = dependencies;
  const now = dependencies.now ?? (() => new Date());
  const segments = options.segments ?? DEFAULT_SEGMENTS;
  const report = (phase: ReindexProgress['phase'], scanned: number) => options.onProgress?.({ phase, scanned });
  const started = now();
  const changedSince = new Date(started.getTime() - (options.clockSkewMs ?? DEFAULT_CLOCK_SKEW_MS)).toISOString();

  let oldIndices: string[] = [];
  const newIndex = await admin.createBulkLoadIndex();
  const ids = new Set<string>();
  const malformed: ReindexSummary['malformed'] = [];
  const caughtUp = { changes: 0, newer: 0 };
  let indexed: number;
  try {
    await scanInParallel(store, segments, {}, async (page) => {
      malformed.push(...page.malformed);
      for (const change of page.changes) ids.add(idOf(change));
      const failures = failuresOf(page.changes, await admin.apply(newIndex, page.changes));
      if (failures.length > 0) throw new ReindexError(`The new index refused ${failures.length} documents, first: ${failures[0]}`);
      report('load', ids.size);
    });
    report('verify', ids.size);
    await admin.finishBulkLoad(newIndex);
    // Nothing else writes to the new index before the swap, so this must match exactly.
    indexed = await admin.count(newIndex);
    if (indexed !== ids.size) throw new ReindexError(`The new index holds ${indexed} documents but ${ids.size} were scanned`);
    report('catch-up', ids.size);
    await catchUp(dependencies, newIndex, segments, changedSince, caughtUp, 'before the swap');
    await admin.refresh(newIndex);
    report('swap', ids.size);
    // Read now, not at the start: on a cluster that had no alias yet, the stream indexer may have made one meanwhile.
    oldIndices = await admin.current();
    await admin.swap(oldIndices, newIndex);
  } catch (error) {
    // Nothing serves from the new index yet: removing it leaves the directory as it was.
    await admin.delete(newIndex);
    throw error;
  }

  report('final catch-up', ids.size);
  try {
    await catchUp(dependencies, newIndex, segments, changedSince, caughtUp, 'after the swap');
    await admin.refresh(newIndex);
  } catch (error) {
    throw new ReindexError(
      `${newIndex} is live but may lack changes made during the reindex (${(error as Error).message}); ` +
        `the old index ${oldIndices.join(', ') || '(none)'} is kept; run the reindex again`,
    );
  }

  report('cleanup', ids.size);
  const oldDeleted = !options.keepOld && oldIndices.length > 0;
  if (oldDeleted) {
    await sleep(options.oldIndexGraceMs ?? OLD_INDEX_GRACE_MS);
    for (const index of oldIndices) await admin.delete(index);
  }
  return {
    scanned: ids.size,
    indexed,
    caughtUp: caughtUp.changes,
    caughtUpNewer: caughtUp.newer,
    malformed,
    oldIndices,
    newIndex,
    oldDeleted,
    seconds: (now().getTime() - started.getTime()) / 1000,
  };
}

/** Re-applies every item changed since `changedSince`; `applied` outcomes are the ones the index lacked. */
async function catchUp(
  { store, admin }: ReindexDependencies,
  index: string,
  segments: number,
  changedSince: string,
  totals: { changes: number; newer: number },
  when: string,
): Promise<void> {
  await scanInParallel(store, segments, { changedSince }, async (page) => {
    const outcomes = await admin.apply(index, page.changes);
    const failures = failuresOf(page.changes, outcomes);
    if (failures.length > 0) throw new ReindexError(`${failures.length} changes could not be applied ${when}, first: ${failures[0]}`);
    totals.changes += page.changes.length;
    totals.newer += outcomes.filter((outcome) => outcome.status === 'applied').length;
  });
}

function idOf(change: IndexChange): string {
  return change.kind === 'upsert' ? change.program.id : change.id;
}

function failuresOf(changes: IndexChange[], outcomes: IndexChangeOutcome[]): string[] {
  return outcomes.flatMap((outcome, position) => {
    if (outcome.status !== 'failed') return [];
    const change = changes[position];
    return [`${change ? idOf(change) : '?'}: ${outcome.reason}`];
  });
}
