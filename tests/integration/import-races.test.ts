import { afterAll, describe, expect, it } from 'vitest';
import { documentClient, dynamoDbConfig } from '../support/engines';
import { DynamoDbProgramStore } from '../../functions/adapters/dynamodb/dynamodb-program-store';
import type { Program, RegistryLicense } from '../../functions/domain/program';
import { programIdFor } from '../../functions/domain/program-id';
import { zipDirectory } from '../../functions/gazetteer/zip-table';
import { attachRegistryLicenses, type RegistryRowResult } from '../../functions/use-cases/attach-registry-licenses';
import { importPrograms, type ImportOptions, type ImportRow } from '../../functions/use-cases/import-programs';
import { awaitIndexed } from '../support/stream';

/**
 * Imports that race other writers of the same programs (issue 11): concurrent imports of one
 * source, a claim approved while an import writes, and `prune` against programs changed after it
 * read them. Everything runs against the suite's dynalite; programs sit in Kalispell, MT (59901),
 * a zip no other test file uses.
 */
const run = `${process.pid}`;
const store = new DynamoDbProgramStore(documentClient, dynamoDbConfig.PROGRAMS_TABLE);
const sources: string[] = [];

function sourceFor(name: string): string {
  const source = `race-${name}-${run}`;
  sources.push(source);
  return source;
}

function record(externalId: string, name: string) {
  return {
    externalId,
    name,
    address: { street1: '1 Main St', city: 'Kalispell', state: 'MT', zip: '59901' },
    levelsOfCare: ['iop'],
    delivery: ['in_person'],
    insurance: ['medicaid'],
  };
}

async function* rowsOf(records: object[]): AsyncIterable<ImportRow> {
  for (const [index, value] of records.entries()) yield { line: index + 1, value };
}

function importRecords(source: string, records: object[], target: DynamoDbProgramStore = store, options: Partial<ImportOptions> = {}) {
  return importPrograms(rowsOf(records), { store: target, zips: zipDirectory }, { defaultSource: source, ...options });
}

/** What an approved claim writes on the program (approveClaim): its owner, one version up, conditional on the version read. */
async function claim(id: string, listingId: string): Promise<void> {
  const program = (await store.get(id))!;
  const owned: Program = { ...program, ownedBy: listingId, verifiedAt: new Date().toISOString(), version: program.version + 1, updatedAt: new Date().toISOString() };
  expect(await store.replace(owned, program.version)).toBe(true);
}

/**
 * The real store, with a writer slipping in right after the import has read: once after the
 * first `getMany`, or before the page of the prune's scan that holds `programId` is handed over.
 */
class Interleaved extends DynamoDbProgramStore {
  constructor(private readonly hooks: { afterRead?: () => Promise<void>; beforeScanPage?: { programId: string; act: () => Promise<void> } }) {
    super(documentClient, dynamoDbConfig.PROGRAMS_TABLE);
  }

  override async getMany(ids: readonly string[]): Promise<Map<string, Program>> {
    const read = await super.getMany(ids);
    const hook = this.hooks.afterRead;
    this.hooks.afterRead = undefined;
    await hook?.();
    return read;
  }

  override async *scanAll(): AsyncIterable<Program[]> {
    for await (const page of super.scanAll()) {
      const hook = this.hooks.beforeScanPage;
      if (hook && page.some((program) => program.id === hook.programId)) {
        this.hooks.beforeScanPage = undefined;
        await hook.act();
      }
      yield page;
    }
  }
}

afterAll(async () => {
  for await (const page of store.scanAll()) {
    const ours = page.filter((program) => sources.includes(program.source) && program.status === 'published');
    if (ours.length > 0) await store.putMany(ours.map((program) => ({ ...program, status: 'archived' as const, version: program.version + 1 })));
  }
  await awaitIndexed();
});

describe('concurrent imports of one source', () => {
  it('write every import once, each one version up: no version number is used twice, no write is lost', async () => {
    const source = sourceFor('concurrent');
    const imports = ['north', 'south', 'east', 'west'];
    const ids = Array.from({ length: 60 }, (_, index) => `facility-${index}`);
    const summaries = await Promise.all(
      imports.map((edition) => importRecords(source, ids.map((externalId) => record(externalId, `Kalispell ${edition} ${externalId}`)), store, { chunkSize: 20 })),
    );
    // Every edition says something else than every other, so each wrote every program once (a
    // write retried after it landed unseen would find its own content: unchanged, not written twice).
    expect(summaries.map((summary) => summary.written + summary.unchanged)).toEqual([60, 60, 60, 60]);
    const stored = await store.getMany(ids.map((externalId) => programIdFor(source, externalId)));
    expect(stored.size).toBe(60);
    for (const program of stored.values()) {
      expect(program.version).toBe(imports.length);
      expect(imports.map((edition) => `Kalispell ${edition} ${program.externalId}`)).toContain(program.name);
    }
  });

  it('takes a version written between its read and its write as the base: one version up, its content wins', async () => {
    const source = sourceFor('overtaken');
    const id = programIdFor(source, 'overtaken');
    await importRecords(source, [record('overtaken', 'Kalispell First')]);
    const slow = new Interleaved({ afterRead: async () => void (await importRecords(source, [record('overtaken', 'Kalispell Fast')])) });
    const summary = await importRecords(source, [record('overtaken', 'Kalispell Slow')], slow);
    expect(summary).toMatchObject({ written: 1, unchanged: 0 });
    expect(await store.get(id)).toMatchObject({ name: 'Kalispell Slow', version: 3 });
  });

  it('keeps a program claimed between its read and its write with its owner, recording the source beside it', async () => {
    const source = sourceFor('claimed');
    const id = programIdFor(source, 'claimed');
    await importRecords(source, [record('claimed', 'Kalispell As Imported')]);
    const racing = new Interleaved({ afterRead: () => claim(id, `lst_race_${run}`) });
    const summary = await importRecords(source, [record('claimed', 'Kalispell Renamed By Source')], racing);
    expect(summary).toMatchObject({ written: 1, claimedKept: 1 });
    const program = await store.get(id);
    // The owner's version stays served; the source's new word is kept beside it, one version later.
    expect(program).toMatchObject({ ownedBy: `lst_race_${run}`, status: 'published', name: 'Kalispell As Imported', version: 3 });
    expect(program?.sourceStatement?.record.name).toBe('Kalispell Renamed By Source');
  });
});

describe('prune archives only the version it read', () => {
  async function twoPrograms(name: string) {
    const source = sourceFor(name);
    await importRecords(source, [record('kept', 'Kalispell Kept'), record('dropped', 'Kalispell Dropped')]);
    return { source, dropped: programIdFor(source, 'dropped') };
  }

  const prune = (source: string, target: DynamoDbProgramStore) => importRecords(source, [record('kept', 'Kalispell Kept')], target, { prune: true });

  it('leaves a program claimed after the scan read it with its owner, noting that the source dropped it', async () => {
    const { source, dropped } = await twoPrograms('prune-claimed');
    const racing = new Interleaved({ beforeScanPage: { programId: dropped, act: () => claim(dropped, `lst_prune_${run}`) } });
    const summary = await prune(source, racing);
    expect(summary).toMatchObject({ archived: 0, claimedKept: 1 });
    const program = await store.get(dropped);
    expect(program).toMatchObject({ status: 'published', ownedBy: `lst_prune_${run}`, version: 3 });
    expect(program?.sourceStatement?.droppedAt).toBeDefined();
  });

  it('leaves a program that a concurrent import of the source re-published with other content', async () => {
    const { source, dropped } = await twoPrograms('prune-reimported');
    const racing = new Interleaved({
      beforeScanPage: { programId: dropped, act: async () => void (await importRecords(source, [record('dropped', 'Kalispell Listed Again')])) },
    });
    const summary = await prune(source, racing);
    expect(summary).toMatchObject({ archived: 0, changedMeanwhile: 1 });
    expect(await store.get(dropped)).toMatchObject({ status: 'published', name: 'Kalispell Listed Again', version: 2 });
  });

  it('archives, one version up, a program changed meanwhile in what the source does not say (its registry licences)', async () => {
    const { source, dropped } = await twoPrograms('prune-licensed');
    const licensed = async () => {
      const program = (await store.get(dropped))!;
      const licence: RegistryLicense = { state: 'MT', number: `MT-${run}`, type: 'state_substance_use_agency', registry: 'mt-test' };
      expect(await store.replace({ ...program, registryLicenses: [licence], version: program.version + 1 }, program.version)).toBe(true);
    };
    const summary = await prune(source, new Interleaved({ beforeScanPage: { programId: dropped, act: licensed } }));
    expect(summary).toMatchObject({ archived: 1 });
    expect(summary.changedMeanwhile).toBeUndefined();
    const program = await store.get(dropped);
    expect(program).toMatchObject({ status: 'archived', version: 3 });
    expect(program?.registryLicenses).toHaveLength(1);
  });
});

describe('a licence registry import racing other writers', () => {
  it('keeps a program claimed between its read and its write with its owner, and attaches the licence to it', async () => {
    const source = sourceFor('registry');
    const id = programIdFor(source, 'licensed');
    await importRecords(source, [record('licensed', 'Kalispell Licensed')]);
    const licence: RegistryLicense = { state: 'MT', number: `MT-RACE-${run}`, type: 'state_substance_use_agency', registry: 'race-registry' };
    async function* rows(): AsyncIterable<RegistryRowResult> {
      yield { line: 2, licence, name: 'Kalispell Licensed', address: { street1: '1 Main St', city: 'Kalispell', zip: '59901' } };
    }
    const racing = new Interleaved({ afterRead: () => claim(id, `lst_registry_${run}`) });
    const summary = await attachRegistryLicenses(rows(), { slug: 'race-registry', state: 'MT' }, { store: racing }, { sources: [source] });
    expect(summary).toMatchObject({ matched: 1, programsUpdated: 1 });
    const program = await store.get(id);
    expect(program).toMatchObject({ ownedBy: `lst_registry_${run}`, status: 'published', version: 3 });
    expect(program?.registryLicenses?.map((held) => held.number)).toEqual([licence.number]);
  });
});
