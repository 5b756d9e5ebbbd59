import { describe, expect, it } from 'vitest';
import type { Program } from '../../../functions/domain/program';
import type { IndexChange, IndexChangeOutcome } from '../../../functions/ports/search-index';
import type { IndexSourcePage, IndexSourceScan } from '../../../functions/ports/program-store';
import { indexProgramChanges } from '../../../functions/use-cases/index-program-changes';
import { ReindexError, reindexPrograms, type ReindexDependencies, type ReindexOptions } from '../../../functions/use-cases/reindex-programs';
import { FakeClock } from '../../fakes/clock';
import { MemoryProgramStore } from '../../fakes/program-store';
import { MemorySearchIndex } from '../../fakes/search-index';
import { MemorySearchIndexAdmin } from '../../fakes/search-index-admin';
import { makeProgram } from '../../support/program-fixtures';

/**
 * The reindex (`npm run reindex`, reindex-programs.ts) on the fakes: the alias moves only to a
 * complete, verified index, every failure before the swap leaves the directory as it was and
 * removes the half-built index, a failure after it keeps the old index, and nothing the index
 * refuses or cannot read is dropped without a word.
 */
const SOURCE = 'test-reindex';
const PROGRAMS = 40;

async function stack() {
  const clock = new FakeClock();
  // Small pages, so each of the scan's segments hands over several.
  const store = new MemoryProgramStore({ pageSize: 4 });
  const old = new Date(clock.nowMs() - 86_400_000).toISOString();
  const programs = Array.from({ length: PROGRAMS }, (_, n) => makeProgram(SOURCE, `p${n}`, { updatedAt: old }));
  const archived = makeProgram(SOURCE, 'archived', { status: 'archived', version: 2, updatedAt: old });
  await store.putMany([...programs, archived]);
  const serving = new MemorySearchIndex();
  for await (const page of store.scanIndexSource({ segment: 0, totalSegments: 1 })) await serving.apply(page.changes);
  const admin = new MemorySearchIndexAdmin({ name: 'programs-old', index: serving });
  const deps: ReindexDependencies = { store, admin, now: clock.now };
  const options: ReindexOptions = { segments: 3, oldIndexGraceMs: 0 };
  return { clock, store, admin, serving, deps, options, programs, archived };
}

/** `target` with some methods replaced; the others still run on `target` itself (its state stays one). */
function overriding<T extends object>(target: T, overrides: Partial<T>): T {
  return new Proxy(target, {
    get(object, property) {
      if (property in overrides) return overrides[property as keyof T];
      const value = Reflect.get(object, property, object);
      return typeof value === 'function' ? value.bind(object) : value;
    },
  });
}

const idOf = (change: IndexChange) => (change.kind === 'upsert' ? change.program.id : change.id);

describe('reindex', () => {
  it('loads, verifies and swaps in a complete index, then deletes the old one', async () => {
    const { admin, deps, options, programs, archived } = await stack();
    const phases: string[] = [];
    const summary = await reindexPrograms(deps, { ...options, onProgress: ({ phase }) => phases.push(phase) });
    expect(summary).toMatchObject({ scanned: PROGRAMS + 1, indexed: PROGRAMS + 1, caughtUp: 0, malformed: [], oldIndices: ['programs-old'], oldDeleted: true });
    expect(await admin.current()).toEqual([summary.newIndex]);
    expect([...admin.indices.keys()]).toEqual([summary.newIndex]);
    const rebuilt = admin.serving();
    expect(rebuilt.publishedIds()).toEqual(programs.map((program) => program.id).sort());
    // The archived program is a tombstone at its version, not a gap an older change could fill.
    expect(rebuilt.versionOf(archived.id)).toBe(2);
    expect(new Set(phases)).toEqual(new Set(['load', 'verify', 'catch-up', 'swap', 'final catch-up', 'cleanup']));
    expect(phases.indexOf('swap')).toBeLessThan(phases.indexOf('final catch-up'));
  });

  it('keeps the old index with keepOld', async () => {
    const { admin, deps, options } = await stack();
    const summary = await reindexPrograms(deps, { ...options, keepOld: true });
    expect(summary.oldDeleted).toBe(false);
    expect([...admin.indices.keys()].sort()).toEqual(['programs-old', summary.newIndex].sort());
    expect(await admin.current()).toEqual([summary.newIndex]);
  });

  it('reports items it cannot read as programs instead of dropping them silently', async () => {
    const { store, deps, options } = await stack();
    const { version: _version, ...unversioned } = makeProgram(SOURCE, 'unversioned');
    await store.putMany([unversioned as Program]);
    const summary = await reindexPrograms(deps, options);
    expect(summary.malformed).toEqual([{ key: `PROGRAM#${unversioned.id}/PROGRAM`, reason: 'program image lacks id or version' }]);
    expect(summary.scanned).toBe(PROGRAMS + 1);
  });

  it('carries a change made while loading into the new index, before the swap', async () => {
    const { store, admin, deps, options, clock } = await stack();
    let renamed: Program | undefined;
    const racing: ReindexDependencies = {
      ...deps,
      admin: overriding(admin, {
        apply: async (index: string, changes: IndexChange[]) => {
          const outcomes = await admin.apply(index, changes);
          const loaded = changes.find((change) => change.kind === 'upsert' && change.program.status === 'published');
          if (!renamed && index !== 'programs-old' && loaded?.kind === 'upsert') {
            // Committed after the load read this item: only the catch-up can bring it over.
            renamed = { ...loaded.program, name: 'Renamed during the reindex', version: loaded.program.version + 1, updatedAt: clock.iso() };
            await store.putMany([renamed]);
          }
          return outcomes;
        },
      }),
    };
    const summary = await reindexPrograms(racing, options);
    expect(renamed).toBeDefined();
    expect(summary.caughtUpNewer).toBe(1);
    expect(summary.caughtUp).toBeGreaterThanOrEqual(1);
    expect(await admin.serving().get(renamed!.id)).toMatchObject({ name: 'Renamed during the reindex' });
  });
});

describe('reindex failures', () => {
  /** The directory is as it was: the alias on the old index, untouched, and the half-built index gone. */
  async function expectUntouched(admin: MemorySearchIndexAdmin, serving: MemorySearchIndex, sizeBefore: number) {
    expect(await admin.current()).toEqual(['programs-old']);
    expect([...admin.indices.keys()]).toEqual(['programs-old']);
    expect(admin.serving()).toBe(serving);
    expect(serving.size).toBe(sizeBefore);
  }

  it('stops when the new index refuses documents during the load, naming how many and the first', async () => {
    const { admin, serving, deps, options, programs } = await stack();
    const refused = programs[7]!.id;
    const refusing = overriding(admin, {
      apply: async (index: string, changes: IndexChange[]): Promise<IndexChangeOutcome[]> => {
        const outcomes = await admin.apply(index, changes);
        return changes.map((change, position) => (idOf(change) === refused ? { status: 'failed', reason: '400 mapper_parsing_exception: bad point' } : outcomes[position]!));
      },
    });
    const failure = reindexPrograms({ ...deps, admin: refusing }, options);
    await expect(failure).rejects.toBeInstanceOf(ReindexError);
    await expect(failure).rejects.toThrow(`The new index refused 1 documents, first: ${refused}: 400 mapper_parsing_exception: bad point`);
    await expectUntouched(admin, serving, PROGRAMS + 1);
  });

  it('stops when a change made during the load cannot be applied before the swap', async () => {
    const { store, admin, serving, deps, options, clock } = await stack();
    // Changed just now: the catch-up passes re-apply it.
    const recent = makeProgram(SOURCE, 'recent', { updatedAt: clock.iso() });
    await store.putMany([recent]);
    let loaded = false;
    const failingCatchUp = overriding(admin, {
      finishBulkLoad: async (index: string) => {
        loaded = true;
        return admin.finishBulkLoad(index);
      },
      apply: async (index: string, changes: IndexChange[]): Promise<IndexChangeOutcome[]> =>
        loaded ? changes.map(() => ({ status: 'failed', reason: '429 es_rejected_execution_exception' })) : admin.apply(index, changes),
    });
    await expect(reindexPrograms({ ...deps, admin: failingCatchUp }, options)).rejects.toThrow(
      `1 changes could not be applied before the swap, first: ${recent.id}: 429 es_rejected_execution_exception`,
    );
    await expectUntouched(admin, serving, PROGRAMS + 1);
  });

  it('stops when the new index does not hold exactly what was scanned', async () => {
    const { admin, serving, deps, options } = await stack();
    const losing = overriding(admin, { count: async (index: string) => (await admin.count(index)) - 1 });
    await expect(reindexPrograms({ ...deps, admin: losing }, options)).rejects.toThrow(`The new index holds ${PROGRAMS} documents but ${PROGRAMS + 1} were scanned`);
    await expectUntouched(admin, serving, PROGRAMS + 1);
  });

  it('stops when a segment of the scan fails', async () => {
    const { store, admin, serving, deps, options } = await stack();
    const failing = overriding(store, {
      scanIndexSource: async function* (scan: IndexSourceScan): AsyncIterable<IndexSourcePage> {
        if (scan.segment === 1) throw new Error('ProvisionedThroughputExceededException');
        yield* store.scanIndexSource(scan);
      },
    });
    await expect(reindexPrograms({ ...deps, store: failing }, options)).rejects.toThrow('ProvisionedThroughputExceededException');
    await expectUntouched(admin, serving, PROGRAMS + 1);
  });

  it('keeps the old index and says so when the catch-up after the swap fails', async () => {
    const { store, admin, deps, options, clock } = await stack();
    await store.putMany([makeProgram(SOURCE, 'recent', { updatedAt: clock.iso() })]);
    let swapped = false;
    const failingAfterSwap = overriding(admin, {
      swap: async (from: readonly string[], to: string) => {
        await admin.swap(from, to);
        swapped = true;
      },
      apply: async (index: string, changes: IndexChange[]): Promise<IndexChangeOutcome[]> =>
        swapped ? changes.map(() => ({ status: 'failed', reason: '503 unavailable' })) : admin.apply(index, changes),
    });
    const failure = reindexPrograms({ ...deps, admin: failingAfterSwap }, options);
    await expect(failure).rejects.toBeInstanceOf(ReindexError);
    await expect(failure).rejects.toThrow(/^programs-rebuilt-1 is live but may lack changes made during the reindex \(.*503 unavailable\); the old index programs-old is kept; run the reindex again$/);
    expect(await admin.current()).toEqual(['programs-rebuilt-1']);
    expect([...admin.indices.keys()].sort()).toEqual(['programs-old', 'programs-rebuilt-1']);
  });
});

describe('indexProgramChanges (the stream indexer)', () => {
  it('counts stale changes as done and returns every failure with its record, so only those are retried', async () => {
    const index = new MemorySearchIndex();
    const program = makeProgram(SOURCE, 'a', { version: 3 });
    await index.apply([{ kind: 'upsert', program }]);
    index.refuse = (change) => (idOf(change) === 'refused' ? '400 mapper_parsing_exception' : undefined);
    const report = await indexProgramChanges(
      [
        { ref: 'seq-1', change: { kind: 'upsert', program: { ...program, version: 2 } } },
        { ref: 'seq-2', change: { kind: 'upsert', program: { ...program, version: 4, name: 'Newer' } } },
        { ref: 'seq-3', change: { kind: 'remove', id: 'refused', version: 1 } },
        { ref: 'seq-4', change: { kind: 'remove', id: program.id, version: 4 } },
      ],
      index,
    );
    expect(report).toEqual({ applied: 1, stale: 2, failed: [{ ref: 'seq-3', reason: '400 mapper_parsing_exception' }] });
    expect(await index.get(program.id)).toMatchObject({ name: 'Newer' });
  });
});
