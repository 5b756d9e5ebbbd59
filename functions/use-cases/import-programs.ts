import pLimit from 'p-limit';
import { contentHash, sameContent } from '../domain/content-hash';
import type { ErrorDetail } from '../domain/errors';
import { recordOf } from '../domain/listing';
import type { ImportRecord, LocationSource, Program, SourceStatement } from '../domain/program';
import { programIdFor } from '../domain/program-id';
import type { Geocoder } from '../ports/geocoder';
import type { ProgramStore } from '../ports/program-store';
import type { ZipDirectory } from '../ports/zip-directory';
import { validateProgramRecord, type ResolvedPlace } from './validate-program-record';

/** One row of an import file: its parsed value, or why it could not be parsed. */
export interface ImportRow {
  line: number;
  /** The file the row came from, when an import reads several. */
  file?: string;
  value?: unknown;
  parseError?: string;
  /** The field a parse error belongs to (a bad JSON cell of a CSV row); empty for the whole row. */
  parseErrorPath?: string;
  /**
   * The row's identity when its value could not be built, so that `prune` keeps the program of a
   * row that is rejected rather than archiving it as missing from the file.
   */
  identity?: { source?: string; externalId: string };
  /** What the format reader dropped or repaired on the way to a record. */
  warnings?: ErrorDetail[];
}

export interface RowProblem extends ErrorDetail {
  line: number;
  file?: string;
}

export interface ImportSummary {
  rows: number;
  /** Rows that passed validation: written, or already stored exactly so (`unchanged`). */
  accepted: number;
  rejected: number;
  /** Accepted rows that created or changed a program. */
  written: number;
  unchanged: number;
  /** Stored programs of the import's source that the file no longer contains (`prune`). */
  archived: number;
  /**
   * Rows (and, with `prune`, programs no longer in the file) whose program its provider maintains
   * since a claim: the source's word is recorded beside the owner's version, which stays served.
   */
  claimedKept: number;
  /** Where the accepted rows' coordinates came from: the row itself, a reference file, a geocoding service, the zip centroid. */
  located: Record<LocationSource, number>;
  /** Why `prune` archived nothing although it was asked to. */
  pruneSkipped?: string;
  /**
   * Programs `prune` left published because a concurrent writer (another import of the source)
   * changed what the source says of them after the prune read them; a later prune decides again.
   */
  changedMeanwhile?: number;
  errors: RowProblem[];
  warnings: RowProblem[];
  dryRun: boolean;
}

export interface ImportOptions {
  /** Used for rows that do not name their own source. */
  defaultSource: string;
  dryRun?: boolean;
  /**
   * A full refresh: afterwards, published programs of `defaultSource` whose externalId no row
   * of the file carried (accepted or rejected) are archived.
   */
  prune?: boolean;
  /** Rows validated and written together; bounds memory whatever the file size. */
  chunkSize?: number;
  /**
   * The date of the source edition (`dataAsOf`) for rows that do not state their own. Without
   * either, a new program gets the import's date and a stored one keeps its date.
   */
  asOf?: string;
  /**
   * Sources this importer refuses, each row with the reason (the AWS importer refuses `demo`:
   * invented programs never reach a deployed directory).
   */
  refusedSources?: ReadonlyMap<string, string>;
  /**
   * Nothing else writes programs while this import runs (a fresh local stack seeding itself before
   * it serves): writes are batched (BatchWriteItem, 25 a request) instead of conditional on the
   * version read, which costs a request per program. Never for an import into a live directory.
   */
  exclusive?: boolean;
  now?: () => Date;
  onProgress?: (summary: Readonly<ImportSummary>) => void;
}

export interface ImportDependencies {
  store: ProgramStore;
  zips: ZipDirectory;
  /**
   * Places rows that carry no coordinates (reference files, a geocoding service); the zip
   * centroid when absent or when it cannot place a row.
   */
  geocoder?: Geocoder;
}

interface AcceptedRow {
  line: number;
  record: ImportRecord;
  source: string;
  /** The zip centroid and time zone validation derived; the fallback location. */
  resolved: ResolvedPlace;
}

/**
 * Imports program records: every row validated, upserts keyed by (source, externalId), and a
 * row identical to what is stored writes nothing, so re-importing a file is a no-op.
 */
export async function importPrograms(rows: AsyncIterable<ImportRow>, deps: ImportDependencies, options: ImportOptions): Promise<ImportSummary> {
  const summary: ImportSummary = {
    rows: 0,
    accepted: 0,
    rejected: 0,
    written: 0,
    unchanged: 0,
    archived: 0,
    claimedKept: 0,
    located: { record: 0, reference: 0, geocoder: 0, zip: 0 },
    errors: [],
    warnings: [],
    dryRun: options.dryRun ?? false,
  };
  const chunkSize = options.chunkSize ?? 500;
  const firstLineOfKey = new Map<string, number>();
  // Ids of rejected rows count as present: a bad row must not archive the program it describes.
  const seenRejected = new Set<string>();
  let unidentifiedRejects = 0;
  const keyOf = (source: string, externalId: string) => `${source}\u0000${externalId}`;
  const noteRejectedIdentity = (row: ImportRow) => {
    const identity = row.identity ?? identityOf(row.value);
    if (identity) seenRejected.add(keyOf(identity.source ?? options.defaultSource, identity.externalId));
    else unidentifiedRejects++;
  };
  let chunk: AcceptedRow[] = [];
  // Chunks being written; a file's keys are unique, so no two chunks touch the same program.
  const writing: Promise<void>[] = [];

  const at = (row: ImportRow) => ({ line: row.line, ...(row.file !== undefined && { file: row.file }) });
  const reject = (row: ImportRow, details: ErrorDetail[]) => {
    summary.rejected++;
    summary.errors.push(...details.map((detail) => ({ ...at(row), ...detail })));
  };

  for await (const row of rows) {
    summary.rows++;
    summary.warnings.push(...(row.warnings ?? []).map((warning) => ({ ...at(row), ...warning })));
    if (row.parseError !== undefined) {
      reject(row, [{ path: row.parseErrorPath ?? '', message: row.parseError }]);
      noteRejectedIdentity(row);
      continue;
    }
    const validation = validateProgramRecord(row.value, { requireExternalId: true, zips: deps.zips });
    if (!validation.ok) {
      reject(row, validation.errors);
      noteRejectedIdentity(row);
      continue;
    }
    const record = validation.record as ImportRecord;
    const source = record.source ?? options.defaultSource;
    const refusal = options.refusedSources?.get(source);
    if (refusal !== undefined) {
      reject(row, [{ path: 'source', message: refusal }]);
      continue;
    }
    const key = keyOf(source, record.externalId);
    const earlier = firstLineOfKey.get(key);
    if (earlier !== undefined) {
      reject(row, [{ path: 'externalId', message: `duplicates the externalId of line ${earlier} in this file` }]);
      continue;
    }
    firstLineOfKey.set(key, row.line);
    summary.warnings.push(...validation.warnings.map((warning) => ({ ...at(row), ...warning })));
    chunk.push({ line: row.line, record, source, resolved: validation.resolved });
    if (chunk.length >= chunkSize) {
      // A few chunks are written while the next is read and validated: memory stays bounded by
      // WRITES_IN_FLIGHT + 1 chunks, and the store's round trips overlap.
      if (writing.length >= WRITES_IN_FLIGHT) {
        try {
          await writing.shift();
        } catch (error) {
          // The others finish (or fail) first, so nothing is still writing after the throw.
          await Promise.allSettled(writing);
          throw error;
        }
      }
      options.onProgress?.(summary);
      const written = writeChunk(chunk, deps, summary, options);
      // Handled when awaited; this only keeps a failure from counting as unhandled meanwhile.
      written.catch(() => undefined);
      writing.push(written);
      chunk = [];
    }
  }
  if (chunk.length > 0) writing.push(writeChunk(chunk, deps, summary, options));
  const outcomes = await Promise.allSettled(writing);
  const failure = outcomes.find((outcome) => outcome.status === 'rejected');
  if (failure) throw failure.reason;
  if (options.prune) {
    if (unidentifiedRejects > 0) {
      summary.pruneSkipped = `${unidentifiedRejects} rejected rows have no readable externalId, so the programs missing from the file cannot be told apart from them`;
    } else {
      const present = (externalId: string) => {
        const key = keyOf(options.defaultSource, externalId);
        return firstLineOfKey.has(key) || seenRejected.has(key);
      };
      await archiveMissing(options.defaultSource, present, deps.store, summary, options);
    }
  }
  options.onProgress?.(summary);
  return summary;
}

function identityOf(value: unknown): { source?: string; externalId: string } | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { externalId, source } = value as Record<string, unknown>;
  if (typeof externalId !== 'string' || externalId.trim() === '') return undefined;
  return { externalId: externalId.trim(), ...(typeof source === 'string' && { source }) };
}

/**
 * Archiving is a versioned write like any other, so the stream indexer turns it into a tombstone
 * and the program leaves search; the record and its history stay in the store.
 *
 * Each archive is conditional on the version the scan read. A program another writer changed in
 * between is read again and decided on what it is now: claimed meanwhile, it stays with its owner
 * (the source's silence noted); re-imported with other content (a concurrent import of the
 * source), it stays published; changed otherwise (its registry licences), it is archived.
 */
async function archiveMissing(
  source: string,
  present: (externalId: string) => boolean,
  store: ProgramStore,
  summary: ImportSummary,
  options: ImportOptions,
): Promise<void> {
  const now = (options.now?.() ?? new Date()).toISOString();
  const missing = (program: Program) => program.source === source && program.status === 'published' && !present(program.externalId);
  for await (const page of store.scanAll()) {
    let gone = page.filter(missing);
    for (let attempt = 0; gone.length > 0; attempt++) {
      // A claimed program stays: its owner maintains it. That its source no longer lists it is noted for owner and reviewers.
      for (const program of gone.filter((candidate) => candidate.ownedBy)) {
        summary.claimedKept++;
        if (program.sourceStatement?.droppedAt || options.dryRun) continue;
        await recordStatement(store, program, (current) => ({ ...(current.sourceStatement ?? statementOf(current, now)), droppedAt: now }), now);
      }
      const read = gone.filter((program) => !program.ownedBy);
      if (options.dryRun || read.length === 0) {
        summary.archived += read.length;
        break;
      }
      const lost = await store.replaceMany(
        read.map((program) => ({ program: { ...program, status: 'archived', version: program.version + 1, updatedAt: now }, expectedVersion: program.version })),
      );
      summary.archived += read.length - lost.size;
      if (lost.size === 0) break;
      if (attempt >= CONFLICT_RETRIES) throw keptChanging(lost, 'archived');
      const current = await store.getMany([...lost]);
      gone = [];
      for (const before of read.filter((program) => lost.has(program.id))) {
        const fresh = current.get(before.id);
        if (!fresh || !missing(fresh)) continue;
        if (fresh.ownedBy || fresh.contentHash === before.contentHash) gone.push(fresh);
        else summary.changedMeanwhile = (summary.changedMeanwhile ?? 0) + 1;
      }
    }
  }
}

/** How often a write that lost to a concurrent writer is decided again on a fresh read before the import gives up. */
const CONFLICT_RETRIES = 5;

function keptChanging(ids: ReadonlySet<string>, doing: string): Error {
  return new Error(`${ids.size} programs kept changing while the import ${doing} them (${[...ids].slice(0, 3).join(', ')}); run the import again`);
}

class ClaimedStatements {
  readonly entries: { content: Partial<Program> & { source: string; externalId: string }; hash: string }[] = [];
  push(content: Partial<Program> & { source: string; externalId: string }, hash: string): void {
    this.entries.push({ content, hash });
  }
}

/** What the source says of a program, as the directory resolved it; kept beside an owner's version. */
function statementOf(content: Partial<Program>, seenAt: string, hash?: string): SourceStatement {
  return { record: recordOf(content as Program)!, ...(content.dataAsOf && { dataAsOf: content.dataAsOf }), contentHash: hash ?? content.contentHash ?? '', seenAt };
}

/**
 * Updates a claimed program's note of its source's word, conditional on the version read: an
 * owner's edit approved meanwhile is re-read, never overwritten.
 */
async function recordStatement(store: ProgramStore, program: Program, next: (current: Program) => SourceStatement, now: string): Promise<void> {
  let current: Program | undefined = program;
  for (let attempt = 0; current && attempt < 5; attempt++) {
    if (await store.replace({ ...current, sourceStatement: next(current), version: current.version + 1, updatedAt: now }, current.version)) return;
    current = await store.get(program.id);
  }
  if (current) throw new Error(`Program ${program.id} kept changing while its source statement was recorded`);
}

const GEOCODE_CONCURRENCY = 8;
const WRITES_IN_FLIGHT = 3;

/**
 * Where a row without coordinates is: a geocoding service's earlier answer for the same address
 * (asked again only when the address changes, since each answer is billed), else the geocoder
 * chain, else the zip centroid.
 */
async function placeOf(row: AcceptedRow, existing: Program | undefined, geocoder: Geocoder | undefined) {
  const { record, resolved } = row;
  if (record.location) return { location: record.location, locationPrecision: 'exact' as const, locationSource: 'record' as const };
  if (existing?.locationSource === 'geocoder' && sameContent(existing.address, record.address)) {
    return { location: existing.location, locationPrecision: existing.locationPrecision, locationSource: 'geocoder' as const };
  }
  const found = await geocoder?.locate({ name: record.name, address: record.address });
  if (found) return { location: found.location, locationPrecision: found.precision, locationSource: found.by };
  return { location: resolved.location, locationPrecision: 'zip' as const, locationSource: 'zip' as const };
}

/** What one accepted row does to its program, decided on the program as last read. */
type RowDecision =
  | { kind: 'unchanged' }
  /** Maintained by its owner since a claim: the source's word is recorded beside the owner's version. */
  | { kind: 'claimed'; content: Partial<Program> & { source: string; externalId: string }; hash: string }
  | { kind: 'write'; program: Program };

function decideRow(row: AcceptedRow, id: string, place: Awaited<ReturnType<typeof placeOf>>, existing: Program | undefined, now: string, options: ImportOptions): RowDecision {
  const { dataAsOf: statedAsOf, ...record } = row.record;
  const asOf = statedAsOf ?? options.asOf;
  // What the source says, as the directory resolved it: equal content hashes equal, so an
  // unchanged row writes nothing. A defaulted date is left out, or every re-import would change.
  const content = { ...record, source: row.source, ...place, timezone: row.resolved.timezone, ...(asOf && { dataAsOf: asOf }), status: 'published' as const };
  const hash = contentHash(content);
  if (existing?.ownedBy) {
    if (existing.sourceStatement?.contentHash === hash && !existing.sourceStatement.droppedAt) return { kind: 'unchanged' };
    return { kind: 'claimed', content: { ...content, dataAsOf: asOf ?? existing.sourceStatement?.dataAsOf ?? now.slice(0, 10) }, hash };
  }
  // An archived program that is back in the file is published again even if its content is the same.
  if (existing && existing.contentHash === hash && existing.status === 'published') return { kind: 'unchanged' };
  return {
    kind: 'write',
    program: {
      ...content,
      id,
      dataAsOf: asOf ?? existing?.dataAsOf ?? now.slice(0, 10),
      // A state registry's licences belong to the address, not to this source's statement.
      ...(existing?.registryLicenses && { registryLicenses: existing.registryLicenses }),
      contentHash: hash,
      version: (existing?.version ?? 0) + 1,
      createdAt: existing?.createdAt ?? now,
      updatedAt: now,
    },
  };
}

/**
 * Writes a chunk's changed programs, each conditional on the version read (BatchWriteItem takes
 * no condition, so a concurrent import of the same source, or a claim approved meanwhile, would
 * otherwise be overwritten and a version number used twice). A write that loses is decided again
 * on the program as it is now (claimed meanwhile: recorded as the source's statement; already
 * saying the same: unchanged; else one version up), a bounded number of times.
 */
async function writeChunk(chunk: AcceptedRow[], deps: ImportDependencies, summary: ImportSummary, options: ImportOptions): Promise<void> {
  const now = (options.now?.() ?? new Date()).toISOString();
  const ids = chunk.map((row) => programIdFor(row.source, row.record.externalId));
  let stored = await deps.store.getMany(ids);
  // A geocoding service answers one address per request: several in flight, never unbounded.
  const limit = pLimit(GEOCODE_CONCURRENCY);
  const places = await Promise.all(chunk.map((row, position) => limit(() => placeOf(row, stored.get(ids[position]!), deps.geocoder))));
  summary.accepted += chunk.length;
  for (const place of places) summary.located[place.locationSource]++;
  let pending = chunk.map((row, position) => ({ row, id: ids[position]!, place: places[position]! }));
  for (let attempt = 0; ; attempt++) {
    const writes: Program[] = [];
    const claimed = new ClaimedStatements();
    for (const { row, id, place } of pending) {
      const existing = stored.get(id);
      const decision = decideRow(row, id, place, existing, now, options);
      if (existing?.ownedBy) summary.claimedKept++;
      if (decision.kind === 'unchanged') summary.unchanged++;
      else if (decision.kind === 'claimed') claimed.push(decision.content, decision.hash);
      else writes.push(decision.program);
    }
    let lost = new Set<string>();
    if (options.dryRun || writes.length === 0) {
      // Nothing to write.
    } else if (options.exclusive) {
      await deps.store.putMany(writes);
    } else {
      lost = await deps.store.replaceMany(writes.map((program) => ({ program, expectedVersion: stored.get(program.id)?.version ?? 'absent' })));
    }
    summary.written += writes.length - lost.size;
    if (!options.dryRun) {
      for (const { content, hash } of claimed.entries) {
        const program = stored.get(programIdFor(content.source, content.externalId))!;
        await recordStatement(deps.store, program, () => statementOf(content, now, hash), now);
      }
    }
    summary.written += claimed.entries.length;
    if (lost.size === 0) return;
    if (attempt >= CONFLICT_RETRIES) throw keptChanging(lost, 'wrote');
    pending = pending.filter(({ id }) => lost.has(id));
    stored = await deps.store.getMany([...lost]);
  }
}
