import { contentHash } from '../domain/content-hash';
import type { ErrorDetail } from '../domain/errors';
import type { ImportRecord, Program } from '../domain/program';
import { programIdFor } from '../domain/program-id';
import type { ProgramStore } from '../ports/program-store';
import type { ZipDirectory } from '../ports/zip-directory';
import { validateProgramRecord } from './validate-program-record';

/** One row of an import file: its parsed value, or why it could not be parsed. */
export interface ImportRow {
  line: number;
  value?: unknown;
  parseError?: string;
}

export interface RowProblem extends ErrorDetail {
  line: number;
}

export interface ImportSummary {
  rows: number;
  /** Rows that passed validation: written, or already stored exactly so (`unchanged`). */
  accepted: number;
  rejected: number;
  /** Accepted rows that created or changed a program. */
  written: number;
  unchanged: number;
  errors: RowProblem[];
  warnings: RowProblem[];
  dryRun: boolean;
}

export interface ImportOptions {
  /** Used for rows that do not name their own source. */
  defaultSource: string;
  dryRun?: boolean;
  /** Rows validated and written together; bounds memory whatever the file size. */
  chunkSize?: number;
  now?: () => Date;
  onProgress?: (summary: Readonly<ImportSummary>) => void;
}

export interface ImportDependencies {
  store: ProgramStore;
  zips: ZipDirectory;
}

interface AcceptedRow {
  line: number;
  program: Omit<Program, 'version' | 'createdAt' | 'updatedAt'>;
}

/**
 * Imports program records: every row validated, upserts keyed by (source, externalId), and a
 * row identical to what is stored writes nothing, so re-importing a file is a no-op.
 */
export async function importPrograms(rows: AsyncIterable<ImportRow>, deps: ImportDependencies, options: ImportOptions): Promise<ImportSummary> {
  const summary: ImportSummary = { rows: 0, accepted: 0, rejected: 0, written: 0, unchanged: 0, errors: [], warnings: [], dryRun: options.dryRun ?? false };
  const chunkSize = options.chunkSize ?? 500;
  const firstLineOfKey = new Map<string, number>();
  let chunk: AcceptedRow[] = [];
  let writing: Promise<void> = Promise.resolve();

  const reject = (line: number, details: ErrorDetail[]) => {
    summary.rejected++;
    summary.errors.push(...details.map((detail) => ({ line, ...detail })));
  };

  for await (const row of rows) {
    summary.rows++;
    if (row.parseError !== undefined) {
      reject(row.line, [{ path: '', message: row.parseError }]);
      continue;
    }
    const validation = validateProgramRecord(row.value, { requireExternalId: true, zips: deps.zips });
    if (!validation.ok) {
      reject(row.line, validation.errors);
      continue;
    }
    const record = validation.record as ImportRecord;
    const source = record.source ?? options.defaultSource;
    const key = `${source}\u0000${record.externalId}`;
    const earlier = firstLineOfKey.get(key);
    if (earlier !== undefined) {
      reject(row.line, [{ path: 'externalId', message: `duplicates the externalId of line ${earlier} in this file` }]);
      continue;
    }
    firstLineOfKey.set(key, row.line);
    summary.warnings.push(...validation.warnings.map((warning) => ({ line: row.line, ...warning })));
    const resolved = { ...record, source, ...validation.resolved, status: 'published' as const };
    chunk.push({
      line: row.line,
      program: { ...resolved, id: programIdFor(source, record.externalId), contentHash: contentHash(resolved) },
    });
    if (chunk.length >= chunkSize) {
      // One chunk is written while the next is read and validated; at most two are in memory.
      await writing;
      options.onProgress?.(summary);
      writing = writeChunk(chunk, deps.store, summary, options);
      // Handled when awaited above; this only keeps a failure from counting as unhandled meanwhile.
      writing.catch(() => undefined);
      chunk = [];
    }
  }
  await writing;
  if (chunk.length > 0) await writeChunk(chunk, deps.store, summary, options);
  options.onProgress?.(summary);
  return summary;
}

async function writeChunk(chunk: AcceptedRow[], store: ProgramStore, summary: ImportSummary, options: ImportOptions): Promise<void> {
  const now = (options.now?.() ?? new Date()).toISOString();
  const stored = await store.getMany(chunk.map((row) => row.program.id));
  const changed: Program[] = [];
  for (const { program } of chunk) {
    const existing = stored.get(program.id);
    summary.accepted++;
    if (existing && existing.contentHash === program.contentHash) {
      summary.unchanged++;
      continue;
    }
    changed.push({
      ...program,
      version: (existing?.version ?? 0) + 1,
      createdAt: existing?.createdAt ?? now,
      updatedAt: now,
    });
  }
  if (!options.dryRun && changed.length > 0) await store.putMany(changed);
  summary.written += changed.length;
}
