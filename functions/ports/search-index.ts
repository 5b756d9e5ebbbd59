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
  /**
   * Published programs (imported or provider listings) at this street key (`streetKey` of
   * address-key.ts), with their name keys: the candidates a duplicate check compares against.
   */
  findByAddress(streetKey: string): Promise<AddressMatch[]>;
}

/** A published program at an address, as the duplicate check sees it. */
export interface AddressMatch {
  id: string;
  nameKey: string | undefined;
  source: string;
}

/** Published programs with a licence or accreditation expiring within a window (the expiry watch). */
export interface ExpiryWindow {
  /** First day of the window, ISO date (inclusive): earlier dates have already expired. */
  from: string;
  /** Last day of the window, ISO date (inclusive). */
  to: string;
}

export interface ExpiringPageRequest {
  limit: number;
  /** `nextCursor` of the previous page of the same window. */
  cursor?: string;
}

export interface ExpiringPage {
  /** Published programs with at least one licence or accreditation expiring in the window. */
  total: number;
  /** Their public records, soonest expiry in the window first (ties by id). */
  programs: PublicProgram[];
  nextCursor: string | null;
}

/**
 * The expiry watch's view of the index: a port of its own beside SearchIndex, so the search
 * functions neither depend on it nor carry its implementation (OpenSearchExpiryIndex).
 */
export interface ExpiryIndex {
  expiring(window: ExpiryWindow, page: ExpiringPageRequest): Promise<ExpiringPage>;
}
