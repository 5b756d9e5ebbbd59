import type { Program } from '../domain/program';

/** A document of the published directory, written in an open format (HSDS 3.0 today). */
export interface DirectoryExportWriter {
  /** Adds one published program or live listing version; false when the item is too broken for the format (skipped and counted). */
  add(program: Program): Promise<boolean>;
  /** Completes the document; how many entities each of its sections holds. */
  finish(): Promise<Record<string, number>>;
  /** Frees what the writer holds (temporary files), whether or not it finished. */
  dispose(): Promise<void>;
}
