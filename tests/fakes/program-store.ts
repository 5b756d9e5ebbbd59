import { createHash } from 'node:crypto';
import { listingKey, toListingItem } from '../../functions/adapters/dynamodb/listing-item';
import { toProgramItem } from '../../functions/adapters/dynamodb/program-item';
import { indexChangeOfItem } from '../../functions/adapters/dynamodb/stream-record';
import type { Program } from '../../functions/domain/program';
import type { IndexSourcePage, IndexSourceScan, ProgramStore, VersionedWrite } from '../../functions/ports/program-store';
import type { IndexChange } from '../../functions/ports/search-index';
import type { MemoryListingStore } from './listing-store';

export interface MemoryProgramStoreOptions {
  /** The listings that share the table: the index source holds them beside programs. */
  listings?: MemoryListingStore;
  /** Items per page of `scanAll` and `scanIndexSource` (DynamoDB: 1 MB, the adapter 500). */
  pageSize?: number;
}

/**
 * ProgramStore in memory, keeping DynamoDbProgramStore's semantics: writes conditional on
 * `version`, `replaceMany` answering the ids whose write lost, scans page by page that see an
 * item as it is when its page is read. The index source decides what the index must hold through
 * the same function as the adapter and the stream indexer (`indexChangeOfItem` on the item the
 * adapter would store), so the fake cannot drift from them. Values are copied in and out.
 */
export class MemoryProgramStore implements ProgramStore {
  private readonly programs = new Map<string, Program>();
  private readonly pageSize: number;

  constructor(private readonly options: MemoryProgramStoreOptions = {}) {
    this.pageSize = options.pageSize ?? 500;
  }

  async get(id: string): Promise<Program | undefined> {
    const program = this.programs.get(id);
    return program && structuredClone(program);
  }

  async getMany(ids: readonly string[]): Promise<Map<string, Program>> {
    const found = new Map<string, Program>();
    for (const id of ids) {
      const program = this.programs.get(id);
      if (program) found.set(id, structuredClone(program));
    }
    return found;
  }

  async putMany(programs: readonly Program[]): Promise<void> {
    for (const program of programs) this.programs.set(program.id, structuredClone(program));
  }

  async replace(program: Program, expectedVersion: number | 'absent'): Promise<boolean> {
    const stored = this.programs.get(program.id);
    if (expectedVersion === 'absent' ? stored !== undefined : stored?.version !== expectedVersion) return false;
    this.programs.set(program.id, structuredClone(program));
    return true;
  }

  async replaceMany(writes: readonly VersionedWrite[]): Promise<Set<string>> {
    const lost = new Set<string>();
    for (const { program, expectedVersion } of writes) if (!(await this.replace(program, expectedVersion))) lost.add(program.id);
    return lost;
  }

  async *scanAll(): AsyncIterable<Program[]> {
    const ids = [...this.programs.keys()];
    for (let start = 0; start < ids.length; start += this.pageSize) {
      yield [...(await this.getMany(ids.slice(start, start + this.pageSize))).values()];
    }
  }

  async *scanIndexSource({ segment, totalSegments, changedSince, changedBefore }: IndexSourceScan): AsyncIterable<IndexSourcePage> {
    // The keys are fixed when the scan starts; each item is read as it is when its page is.
    const items = this.itemKeys().filter(({ key }) => segmentOf(key, totalSegments) === segment);
    for (let start = 0; start < items.length; start += this.pageSize) {
      const page: IndexSourcePage = { changes: [], malformed: [] };
      for (const { key, read } of items.slice(start, start + this.pageSize)) {
        const item = await read();
        if (!item) continue;
        const updatedAt = item.updatedAt as string | undefined;
        // DynamoDB's filter: `updatedAt >= since` fails for an item without one; `< before` does not exclude it.
        if (changedSince !== undefined && (updatedAt === undefined || updatedAt < changedSince)) continue;
        if (changedBefore !== undefined && updatedAt !== undefined && updatedAt >= changedBefore) continue;
        const decoded = indexChangeOfItem(item);
        if (decoded.kind === 'change') page.changes.push(decoded.change);
        else if (decoded.kind === 'malformed') page.malformed.push({ key, reason: decoded.reason });
      }
      yield page;
    }
  }

  async indexSourceOf(ids: readonly string[]): Promise<Map<string, IndexChange>> {
    const decided = new Map<string, IndexChange>();
    for (const id of new Set(ids)) {
      const program = await this.get(id);
      const listing = program ? undefined : await this.options.listings?.get(id);
      const item = program ? programItem(program) : listing && toListingItem(listing);
      const decoded = item && indexChangeOfItem(item);
      if (decoded?.kind === 'change') decided.set(id, decoded.change);
    }
    return decided;
  }

  /** Every program and listing as its table key (`pk/sk`), in key order. */
  private itemKeys(): { key: string; read: () => Promise<Record<string, unknown> | undefined> }[] {
    const keyOf = ({ pk, sk }: { pk: string; sk: string }) => `${pk}/${sk}`;
    const programs = [...this.programs.keys()].map((id) => ({
      key: keyOf(programKey(id)),
      read: async () => {
        const program = await this.get(id);
        return program && programItem(program);
      },
    }));
    const listings = (this.options.listings?.all() ?? []).map(({ id }) => ({
      key: keyOf(listingKey(id)),
      read: async () => {
        const listing = await this.options.listings?.get(id);
        return listing && toListingItem(listing);
      },
    }));
    return [...programs, ...listings].sort((a, b) => a.key.localeCompare(b.key));
  }
}

/** A program as the adapter stores it: a table item. */
const programItem = (program: Program): Record<string, unknown> => ({ ...toProgramItem(program) });

/** programs-table.ts's programKey, not imported from there: that module loads the DynamoDB client, which a fast test has no use for. */
const programKey = (id: string) => ({ pk: `PROGRAM#${id}`, sk: 'PROGRAM' });

/** A parallel scan's segment of an item: stable, and spread over the segments like DynamoDB's hash partitioning. */
function segmentOf(key: string, totalSegments: number): number {
  return createHash('sha256').update(key).digest().readUInt32BE(0) % totalSegments;
}
