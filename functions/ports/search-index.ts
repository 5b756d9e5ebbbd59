import type { Program, PublicProgram } from '../domain/program';
import type { SearchCriteria, SearchPage } from '../domain/search-criteria';

/**
 * One committed change of a program, as the index receives it. `version` orders changes of the
 * same program: the index keeps whichever it has seen with the highest version.
 */
export type IndexChange =
  | { kind: 'upsert'; program: Program }
  | { kind: 'remove'; id: string; version: number };

export type IndexChangeOutcome =
  | { status: 'applied' }
  /** The index already holds this version or a newer one: nothing to do, and not a failure. */
  | { status: 'stale' }
  | { status: 'failed'; reason: string };

/** The search side of the directory (OpenSearch in AWS and locally). */
export interface SearchIndex {
  search(criteria: SearchCriteria): Promise<SearchPage>;
  /** A published program by id, or undefined. */
  get(id: string): Promise<PublicProgram | undefined>;
  /** Applies changes in one round trip; one outcome per change, in the same order. */
  apply(changes: IndexChange[]): Promise<IndexChangeOutcome[]>;
}
