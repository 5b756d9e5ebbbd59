import type { Program } from '../domain/program';
import type { IndexChange } from './search-index';

/** One segment of a parallel scan of everything the search index is built from. */
export interface IndexSourceScan {
  segment: number;
  totalSegments: number;
  /** Only items changed at or after this ISO instant (a reindex's catch-up pass). */
  changedSince?: string;
  /**
   * Only items last changed before this ISO instant (and items that carry no change time): a
   * reconciliation leaves changes younger than that to the stream, which may still be delivering them.
   */
  changedBefore?: string;
}

/** A page of that scan: what the index must hold for each item, and items that could not be read as one. */
export interface IndexSourcePage {
  changes: IndexChange[];
  malformed: { key: string; reason: string }[];
}

/** A whole program to write, if the stored one is still at `expectedVersion` (`'absent'`: none stored). */
export interface VersionedWrite {
  program: Program;
  expectedVersion: number | 'absent';
}

/** The source of truth for program records (DynamoDB). */
export interface ProgramStore {
  get(id: string): Promise<Program | undefined>;
  /** The stored programs among `ids`; missing ids are simply absent from the map. */
  getMany(ids: readonly string[]): Promise<Map<string, Program>>;
  /**
   * Writes whole programs. Retries what the store could not take at once (with backoff) and
   * throws only when it still cannot write after its retries.
   */
  putMany(programs: readonly Program[]): Promise<void>;
  /**
   * Writes one program if the stored one still has `expectedVersion` (`'absent'`: none stored).
   * False, writing nothing, when another writer got there first.
   */
  replace(program: Program, expectedVersion: number | 'absent'): Promise<boolean>;
  /**
   * `replace` for many programs, several in flight at once: each is written only if the stored
   * one still has its `expectedVersion`. Answers the ids whose write lost to another writer
   * (nothing written for them); throws when the store fails otherwise.
   */
  replaceMany(writes: readonly VersionedWrite[]): Promise<Set<string>>;
  /** Every stored program, page by page (for reindexing and audits). */
  scanAll(): AsyncIterable<Program[]>;
  /**
   * Everything searchable (programs and provider listings) as index changes, decided exactly as
   * the stream indexer decides them; strongly consistent, page by page.
   */
  scanIndexSource(scan: IndexSourceScan): AsyncIterable<IndexSourcePage>;
  /**
   * What the index must hold under each of these document ids (a program's or a listing's),
   * decided exactly as the stream indexer decides; strongly consistent. An id is absent when no
   * stored item is indexed under it: none exists, or the indexer ignores it (a claimed program's
   * listing, served as the program).
   */
  indexSourceOf(ids: readonly string[]): Promise<Map<string, IndexChange>>;
}
