import type { Program } from '../domain/program';
import type { PublicProgram } from '../domain/public-view';
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
  /**
   * The caller reads this page and no further, so no cursor is made: the daily summary, which
   * holds no cursor signing key since it hands no cursor to anyone.
   */
  firstPageOnly?: boolean;
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

/** What the index holds for one document id: its external version, and whether search serves it. */
export interface IndexedVersion {
  version: number;
  published: boolean;
}

/** A page of published documents, in id order. */
export type PublishedDocument = { id: string } & Pick<IndexedVersion, 'version'>;

/**
 * The reconciliation's view of the index (a port of its own beside SearchIndex, so the search
 * functions neither depend on it nor carry its implementation, OpenSearchIndexAudit).
 */
export interface IndexAudit {
  /**
   * The document of each id as searches see it (as of the index's last refresh); an id searches
   * do not see yet is looked up in real time, so a document applied a moment ago is not absent.
   * Ids without a document, not even a tombstone, are absent.
   */
  versionsOf(ids: readonly string[]): Promise<Map<string, IndexedVersion>>;
  /** Every published document, in id order, in pages of at most `pageSize`, reading one page at a time. */
  publishedDocuments(pageSize: number): AsyncIterable<PublishedDocument[]>;
}
