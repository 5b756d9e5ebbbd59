import { describe, expect, it } from 'vitest';
import { documentClient, dynamoDbClient, openSearchClient, dynamoDbConfig, openSearchConfig, cursorSigningKey } from '../support/engines';
import { DynamoDbProgramStore } from '../../functions/adapters/dynamodb/dynamodb-program-store';
import { ensureSearchIndex, indicesBehindAlias } from '../../functions/adapters/opensearch/index-admin';
import { OpenSearchSearchIndex } from '../../functions/adapters/opensearch/opensearch-search-index';
import type { Program } from '../../functions/domain/program';
import { handler as searchHandler } from '../../functions/handlers/search-programs';
import { reindexPrograms, type ReindexDependencies } from '../../functions/use-cases/reindex-programs';
import { reindexDependencies as stackReindexDependencies } from '../../ops/reindex-dependencies';
import { apiEvent, invoke } from '../support/api-event';
import { api } from '../support/http';
import { makeProgram } from '../support/program-fixtures';
import { awaitIndexed } from '../support/stream';
import { providerToken, reviewerToken } from '../support/tokens';

const SOURCE = `test-reindex-${process.pid}`;
const PROGRAMS = 300;
const alias = openSearchConfig.SEARCH_INDEX_ALIAS;
const store = new DynamoDbProgramStore(documentClient, dynamoDbConfig.PROGRAMS_TABLE);
const searchIndex = new OpenSearchSearchIndex(openSearchClient, alias, cursorSigningKey);
// The reindex command's own composition, on this worker's clients.
const stackReindex = stackReindexDependencies({ openSearchConfig, openSearchClient, dynamoDbConfig, dynamoDbClient, documentClient });
// Nome, Alaska: no other test puts anything there, so this search counts exactly this file's data.
const NOME = { zip: '99762', radius: '10' };
const nomeAddress = { street1: '1 Front St', city: 'Nome', state: 'AK' as const, zip: '99762' };

function nomeProgram(externalId: string, overrides: Partial<Program> = {}): Program {
  return makeProgram(SOURCE, externalId, { address: nomeAddress, location: { lat: 64.5011, lon: -165.4064 }, timezone: 'America/Nome', ...overrides });
}

async function searchNome(): Promise<{ statusCode: number; total: number | undefined }> {
  const { statusCode, body } = await invoke<{ total?: number }>(searchHandler, apiEvent({ routeKey: 'GET /v1/programs', query: { ...NOME, limit: '5' } }));
  return { statusCode, total: body.total };
}

async function publishListing(): Promise<string> {
  const submission = {
    name: 'Nome Evening IOP',
    address: nomeAddress,
    levelsOfCare: ['iop'],
    delivery: ['in_person'],
    insurance: ['medicaid'],
    sessions: [{ days: ['mon', 'wed'], start: '18:00', end: '21:00' }],
  };
  const created = await api('POST', '/v1/listings', { token: await providerToken(`reindex-provider-${process.pid}`), body: submission });
  expect(created.status).toBe(201);
  const id = String(created.body.id);
  const approved = await api('POST', `/v1/review/${id}/approve`, { token: await reviewerToken(`reindex-reviewer-${process.pid}`) });
  expect(approved.status).toBe(200);
  return id;
}

async function indexExists(index: string): Promise<boolean> {
  return (await openSearchClient.indices.exists({ index })).body === true;
}

describe('reindex', () => {
  it('rebuilds the index behind the alias while searches keep seeing every program, and loses no write made meanwhile', async () => {
    const programs = Array.from({ length: PROGRAMS }, (_, n) => nomeProgram(`p${n}`));
    const archived = nomeProgram('archived', { status: 'archived', version: 2 });
    await store.putMany([...programs, archived]);
    const listingId = await publishListing();
    await awaitIndexed();
    const expected = PROGRAMS + 1;
    expect((await searchNome()).total).toBe(expected);
    const [oldIndex, ...others] = await indicesBehindAlias(openSearchClient, alias);
    expect(others).toEqual([]);

    // A change committed and indexed (through the alias, so into the old index) after the load
    // has already read that item: only the catch-up can carry it into the new index.
    let renamed: Program | undefined;
    // Far from Nome and from every other test's searches, so it changes no count anyone checks.
    const created = makeProgram(SOURCE, 'created-during-reindex', { location: { lat: 71.2906, lon: -156.7886 }, updatedAt: new Date().toISOString() });
    const dependencies: ReindexDependencies = {
      ...stackReindex,
      admin: {
        ...stackReindex.admin,
        apply: async (index, changes) => {
          const outcomes = await stackReindex.admin.apply(index, changes);
          const loaded = changes.find((change) => change.kind === 'upsert' && change.program.source === SOURCE && change.program.status === 'published');
          if (!renamed && loaded?.kind === 'upsert') {
            renamed = { ...loaded.program, name: 'Renamed During Reindex', version: loaded.program.version + 1, updatedAt: new Date().toISOString() };
            await store.putMany([renamed, created]);
            await awaitIndexed();
          }
          return outcomes;
        },
      },
    };

    const searches = { done: 0, failed: 0, wrongTotals: [] as (number | undefined)[] };
    let reindexing = true;
    const searching = (async () => {
      while (reindexing) {
        const { statusCode, total } = await searchNome().catch(() => ({ statusCode: 0, total: undefined }));
        searches.done++;
        if (statusCode !== 200) searches.failed++;
        else if (total !== expected) searches.wrongTotals.push(total);
      }
    })();
    const summary = await reindexPrograms(dependencies, { segments: 4 }).finally(() => {
      reindexing = false;
    });
    await searching;

    expect(searches.failed).toBe(0);
    expect(searches.wrongTotals).toEqual([]);
    expect(searches.done).toBeGreaterThan(10);

    expect(summary.oldIndices).toEqual([oldIndex]);
    expect(summary.newIndex).not.toBe(oldIndex);
    expect(await indicesBehindAlias(openSearchClient, alias)).toEqual([summary.newIndex]);
    expect(await indexExists(oldIndex!)).toBe(false);
    expect(summary.indexed).toBe(summary.scanned);
    expect(summary.scanned).toBeGreaterThanOrEqual(PROGRAMS + 2);
    // At least the rename: the load had read that item before it changed (the new program may have been loaded directly).
    expect(summary.caughtUpNewer).toBeGreaterThanOrEqual(1);

    expect(renamed).toBeDefined();
    expect((await searchIndex.get(renamed!.id))?.name).toBe('Renamed During Reindex');
    expect(await searchIndex.get(created.id)).toBeDefined();
    expect(await searchIndex.get(listingId)).toMatchObject({ name: 'Nome Evening IOP' });
    expect(await searchIndex.get(archived.id)).toBeUndefined();
    expect((await searchNome()).total).toBe(expected);

    // The stream indexer's start-up check finds the alias on the rebuilt index and leaves it there.
    await ensureSearchIndex(openSearchClient, alias);
    expect(await indicesBehindAlias(openSearchClient, alias)).toEqual([summary.newIndex]);
  });

  it('leaves the alias and its index untouched, and removes the half-built index, when the new index fails verification', async () => {
    const before = await indicesBehindAlias(openSearchClient, alias);
    let built: string | undefined;
    const dependencies: ReindexDependencies = {
      ...stackReindex,
      admin: {
        ...stackReindex.admin,
        count: async (index) => {
          built = index;
          return (await stackReindex.admin.count(index)) - 1;
        },
      },
    };
    await expect(reindexPrograms(dependencies)).rejects.toThrow(/holds \d+ documents but \d+ were scanned/);
    expect(await indicesBehindAlias(openSearchClient, alias)).toEqual(before);
    expect(built).toBeDefined();
    expect(await indexExists(built!)).toBe(false);
    expect((await searchNome()).total).toBe(PROGRAMS + 1);
  });
});
