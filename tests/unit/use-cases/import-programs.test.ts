import { setImmediate as tick } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import type { Program } from '../../../functions/domain/program';
import { programIdFor } from '../../../functions/domain/program-id';
import { zipDirectory } from '../../../functions/gazetteer/zip-table';
import type { VersionedWrite } from '../../../functions/ports/program-store';
import { importPrograms, type ImportOptions, type ImportRow, type ImportSummary } from '../../../functions/use-cases/import-programs';
import { FakeClock } from '../../fakes/clock';
import { MemoryGeocoder } from '../../fakes/geocoder';
import { MemoryProgramStore } from '../../fakes/program-store';

/**
 * The import use case on the fake store: validation and reporting by line, chunked writes with a
 * bounded number in flight, idempotent re-imports, `prune`, and writes that race other writers
 * (tests/integration/import-races.test.ts races the real table).
 */
const SOURCE = 'test-src';
const id = (externalId: string, source = SOURCE) => programIdFor(source, externalId);

function row(externalId: string, overrides: Record<string, unknown> = {}) {
  return {
    externalId,
    name: `Bangor Program ${externalId}`,
    address: { street1: '1 Main St', city: 'Bangor', state: 'ME', zip: '04401' },
    levelsOfCare: ['iop'],
    delivery: ['in_person'],
    ...overrides,
  };
}

async function* rowsOf(values: (object | ImportRow)[]): AsyncIterable<ImportRow> {
  for (const [position, value] of values.entries()) yield 'line' in value ? (value as ImportRow) : { line: position + 1, value };
}

function run(store: MemoryProgramStore, values: (object | ImportRow)[], options: Partial<ImportOptions> = {}, clock = new FakeClock()): Promise<ImportSummary> {
  return importPrograms(rowsOf(values), { store, zips: zipDirectory }, { defaultSource: SOURCE, now: clock.now, ...options });
}

describe('rows', () => {
  it('keeps good rows, reports each bad row with its line and field path, and a re-import writes nothing', async () => {
    const store = new MemoryProgramStore();
    const rows = [
      row('good-1'),
      { line: 2, parseError: 'Unexpected end of JSON input' },
      row('no-name', { name: '' }),
      row('bad-zip', { address: { street1: '1 Main', city: 'Nowhere', state: 'ME', zip: '00000' } }),
      row('good-2', { location: { lat: 34.05, lon: -118.24 } }),
      row('good-1', { name: 'Duplicate' }),
      row('demo-row', { source: 'demo' }),
    ];
    const refusedSources = new Map([['demo', 'invented programs never reach a deployed directory']]);
    const first = await run(store, rows, { refusedSources });
    expect(first).toMatchObject({ rows: 7, accepted: 2, rejected: 5, written: 2, unchanged: 0, located: { record: 1, zip: 1 } });
    expect(first.errors.map(({ line, path }) => `${line}:${path}`)).toEqual(['2:', '3:name', '4:address.zip', '6:externalId', '7:source']);
    expect(first.errors[3]?.message).toBe('duplicates the externalId of line 1 in this file');
    // Coordinates far from their zip are kept, with a warning.
    expect(first.warnings).toEqual([expect.objectContaining({ line: 5, path: 'location' })]);
    expect(await store.get(id('good-1'))).toMatchObject({ name: 'Bangor Program good-1', version: 1, locationPrecision: 'zip', timezone: 'America/New_York' });
    expect(await store.get(id('bad-zip'))).toBeUndefined();

    const again = await run(store, rows, { refusedSources });
    expect(again).toMatchObject({ accepted: 2, written: 0, unchanged: 2 });
    expect((await store.get(id('good-1')))?.version).toBe(1);
  });

  it('writes only what changed, one version up, and publishes an archived program that is back in the file', async () => {
    const store = new MemoryProgramStore();
    const clock = new FakeClock();
    await run(store, [row('a'), row('b'), row('c')], {}, clock);
    const created = await store.get(id('a'));
    await store.replace({ ...(await store.get(id('c')))!, status: 'archived', version: 2 }, 1);

    clock.advance(86_400_000);
    const second = await run(store, [row('a'), row('b', { insurance: ['medicaid'] }), row('c')], {}, clock);
    expect(second).toMatchObject({ written: 2, unchanged: 1 });
    expect(await store.get(id('a'))).toEqual(created);
    expect(await store.get(id('b'))).toMatchObject({ version: 2, insurance: ['medicaid'], createdAt: created!.createdAt, updatedAt: clock.iso() });
    expect(await store.get(id('c'))).toMatchObject({ status: 'published', version: 3 });
  });

  it('counts everything on a dry run and writes nothing', async () => {
    const store = new MemoryProgramStore();
    expect(await run(store, [row('a'), row('b')], { dryRun: true })).toMatchObject({ dryRun: true, accepted: 2, written: 2 });
    expect(await store.getMany([id('a'), id('b')])).toEqual(new Map());
  });
});

describe('chunks', () => {
  it('reads and writes chunk by chunk, each chunk read from the store once', async () => {
    class CountingReads extends MemoryProgramStore {
      readonly reads: number[] = [];
      override getMany(ids: readonly string[]) {
        this.reads.push(ids.length);
        return super.getMany(ids);
      }
    }
    const store = new CountingReads();
    const progress: number[] = [];
    const summary = await run(
      store,
      Array.from({ length: 7 }, (_, n) => row(`p${n}`)),
      { chunkSize: 3, onProgress: (seen) => progress.push(seen.rows) },
    );
    expect(summary).toMatchObject({ rows: 7, accepted: 7, written: 7 });
    expect(store.reads).toEqual([3, 3, 1]);
    expect(progress).toEqual([3, 6, 7]);
  });

  it('keeps at most three chunks writing while the next is read: memory stays bounded whatever the file size', async () => {
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    class SlowWrites extends MemoryProgramStore {
      override async replaceMany(writes: readonly VersionedWrite[]) {
        await released;
        return super.replaceMany(writes);
      }
    }
    let pulled = 0;
    async function* counted(): AsyncIterable<ImportRow> {
      for (let n = 0; n < 20; n++) {
        pulled++;
        yield { line: n + 1, value: row(`p${n}`) };
      }
    }
    const store = new SlowWrites();
    const importing = importPrograms(counted(), { store, zips: zipDirectory }, { defaultSource: SOURCE, chunkSize: 2 });
    for (let n = 0; n < 20; n++) await tick();
    // Three chunks of two writing, a fourth full and waiting for the first write to finish.
    expect(pulled).toBe(8);
    release();
    expect(await importing).toMatchObject({ rows: 20, written: 20 });
  });

  it('fails the import with the store error when a chunk cannot be written, after the chunks in flight settle', async () => {
    class FailingSecondWrite extends MemoryProgramStore {
      calls = 0;
      override async replaceMany(writes: readonly VersionedWrite[]) {
        if (++this.calls === 2) throw new Error('ProvisionedThroughputExceeded after retries');
        return super.replaceMany(writes);
      }
    }
    const store = new FailingSecondWrite();
    await expect(run(store, Array.from({ length: 10 }, (_, n) => row(`p${n}`)), { chunkSize: 2 })).rejects.toThrow('ProvisionedThroughputExceeded');
    expect(store.calls).toBeGreaterThanOrEqual(2);
  });
});

describe('prune', () => {
  async function storedSource(store: MemoryProgramStore, clock: FakeClock) {
    await run(store, ['a', 'b', 'c', 'd', 'e', 'f'].map((externalId) => row(externalId)), {}, clock);
    await run(store, [row('x')], { defaultSource: 'other' }, clock);
    const claimed = (await store.get(id('e')))!;
    await store.replace({ ...claimed, ownedBy: 'lst_owner', version: 2 }, 1);
    const gone = (await store.get(id('f')))!;
    await store.replace({ ...gone, status: 'archived', version: 2 }, 1);
  }

  it("archives the source's published programs the file no longer has; rejected rows, claimed programs and other sources stay", async () => {
    const store = new MemoryProgramStore();
    const clock = new FakeClock();
    await storedSource(store, clock);
    clock.advance(86_400_000);
    const summary = await run(store, [row('a'), row('b'), row('c', { address: { street1: '1 Main', city: 'Bangor', state: 'ME', zip: '0440' } })], { prune: true }, clock);
    expect(summary).toMatchObject({ accepted: 2, rejected: 1, archived: 1, claimedKept: 1 });
    expect(summary).not.toHaveProperty('pruneSkipped');
    expect(await store.get(id('d'))).toMatchObject({ status: 'archived', version: 2, updatedAt: clock.iso() });
    expect(await store.get(id('c'))).toMatchObject({ status: 'published', version: 1 });
    // The owner keeps it; that the source dropped it is noted for owner and reviewers.
    expect(await store.get(id('e'))).toMatchObject({ status: 'published', ownedBy: 'lst_owner', sourceStatement: { droppedAt: clock.iso() } });
    expect(await store.get(id('f'))).toMatchObject({ status: 'archived', version: 2 });
    expect(await store.get(id('x', 'other'))).toMatchObject({ status: 'published', version: 1 });
  });

  it('archives nothing when a rejected row has no readable externalId, and says why', async () => {
    const store = new MemoryProgramStore();
    await storedSource(store, new FakeClock());
    const summary = await run(store, [row('a'), { line: 2, parseError: 'not JSON' }], { prune: true });
    expect(summary.archived).toBe(0);
    expect(summary.pruneSkipped).toMatch(/^1 rejected rows have no readable externalId/);
    expect((await store.get(id('d')))?.status).toBe('published');
  });

  it('counts what it would archive on a dry run and archives nothing', async () => {
    const store = new MemoryProgramStore();
    await storedSource(store, new FakeClock());
    expect(await run(store, [row('a')], { prune: true, dryRun: true })).toMatchObject({ archived: 3, claimedKept: 1 });
    for (const externalId of ['b', 'c', 'd']) expect((await store.get(id(externalId)))?.status).toBe('published');
    expect((await store.get(id('e')))?.sourceStatement).toBeUndefined();
  });

  it('leaves published a program a concurrent import re-published with other content after the prune read it', async () => {
    class RepublishedMeanwhile extends MemoryProgramStore {
      override async replaceMany(writes: readonly VersionedWrite[]) {
        const archiving = writes.find((write) => write.program.id === id('d') && write.program.status === 'archived');
        if (archiving) {
          const current = (await this.get(id('d')))!;
          await this.replace({ ...current, name: 'Renamed by another import', contentHash: 'other', version: current.version + 1 }, current.version);
        }
        return super.replaceMany(writes);
      }
    }
    const store = new RepublishedMeanwhile();
    await run(store, [row('a'), row('d')]);
    const summary = await run(store, [row('a')], { prune: true });
    expect(summary).toMatchObject({ archived: 0, changedMeanwhile: 1 });
    expect(await store.get(id('d'))).toMatchObject({ status: 'published', name: 'Renamed by another import', version: 2 });
  });
});

describe('writes that race another writer', () => {
  /** A writer slips in once, right after the import read the chunk. */
  class Interleaved extends MemoryProgramStore {
    afterRead: ((store: MemoryProgramStore) => Promise<void>) | undefined;
    override async getMany(ids: readonly string[]): Promise<Map<string, Program>> {
      const read = await super.getMany(ids);
      const act = this.afterRead;
      this.afterRead = undefined;
      await act?.(this);
      return read;
    }
  }

  it('takes a version written between its read and its write as the base: one version up, its content wins', async () => {
    const store = new Interleaved();
    await run(store, [row('a')]);
    store.afterRead = async (target) => {
      const current = (await target.get(id('a')))!;
      await target.replace({ ...current, name: 'Another import', contentHash: 'other', version: 2 }, 1);
    };
    const summary = await run(store, [row('a', { name: 'This import' })]);
    expect(summary).toMatchObject({ written: 1 });
    expect(await store.get(id('a'))).toMatchObject({ name: 'This import', version: 3 });
  });

  it('keeps a program claimed between its read and its write with its owner, recording the source beside it', async () => {
    const store = new Interleaved();
    await run(store, [row('a')]);
    store.afterRead = async (target) => {
      const current = (await target.get(id('a')))!;
      await target.replace({ ...current, name: "The owner's name", ownedBy: 'lst_owner', version: 2 }, 1);
    };
    const summary = await run(store, [row('a', { name: "The source's new name" })]);
    expect(summary).toMatchObject({ claimedKept: 1 });
    const kept = await store.get(id('a'));
    expect(kept).toMatchObject({ name: "The owner's name", ownedBy: 'lst_owner', version: 3, sourceStatement: { record: { name: "The source's new name" } } });
  });
});

describe('locations', () => {
  it('asks the geocoder only for rows without coordinates, and again only when the address changes', async () => {
    const store = new MemoryProgramStore();
    const geocoder = new MemoryGeocoder().place('1 Main St', '04401', { location: { lat: 44.8012, lon: -68.7778 }, precision: 'exact', by: 'geocoder' });
    const rows = [row('placed'), row('own', { location: { lat: 44.8, lon: -68.77 } }), row('unknown', { address: { street1: '9 Elm St', city: 'Bangor', state: 'ME', zip: '04401' } })];
    const first = await importPrograms(rowsOf(rows), { store, zips: zipDirectory, geocoder }, { defaultSource: SOURCE });
    expect(first.located).toEqual({ record: 1, reference: 0, geocoder: 1, zip: 1 });
    expect(geocoder.queries.map((query) => query.address.street1).sort()).toEqual(['1 Main St', '9 Elm St']);
    expect(await store.get(id('placed'))).toMatchObject({ location: { lat: 44.8012, lon: -68.7778 }, locationPrecision: 'exact', locationSource: 'geocoder' });
    expect(await store.get(id('unknown'))).toMatchObject({ locationPrecision: 'zip', locationSource: 'zip' });

    geocoder.queries.length = 0;
    const again = await importPrograms(rowsOf(rows), { store, zips: zipDirectory, geocoder }, { defaultSource: SOURCE });
    expect(again).toMatchObject({ written: 0, unchanged: 3 });
    // The geocoder's earlier answer for the same address is reused: each answer is billed.
    expect(geocoder.queries.map((query) => query.address.street1)).toEqual(['9 Elm St']);
  });
});
