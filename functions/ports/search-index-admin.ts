import type { IndexChange, IndexChangeOutcome } from './search-index';

/** The search engine's index lifecycle, as a reindex needs it; every name is a concrete index. */
export interface SearchIndexAdmin {
  /** The indices the search alias points at now. */
  current(): Promise<string[]>;
  /** A new empty index with the current mapping, tuned for bulk loading. */
  createBulkLoadIndex(): Promise<string>;
  apply(index: string, changes: IndexChange[]): Promise<IndexChangeOutcome[]>;
  /** Back to serving settings, refreshed: every loaded document is searchable. */
  finishBulkLoad(index: string): Promise<void>;
  count(index: string): Promise<number>;
  /** Makes everything applied so far searchable. */
  refresh(index: string): Promise<void>;
  /** Moves the alias from `from` to `to` atomically. */
  swap(from: readonly string[], to: string): Promise<void>;
  delete(index: string): Promise<void>;
}
