import type { Program } from '../domain/program';

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
  /** Every stored program, page by page (for reindexing and audits). */
  scanAll(): AsyncIterable<Program[]>;
}
