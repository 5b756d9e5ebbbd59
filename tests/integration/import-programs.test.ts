import { describe, expect, it } from 'vitest';
import { documentClient, openSearchClient, dynamoDbConfig, openSearchConfig, cursorSigningKey } from '../support/engines';
import { DynamoDbProgramStore } from '../../functions/adapters/dynamodb/dynamodb-program-store';
import { OpenSearchSearchIndex } from '../../functions/adapters/opensearch/opensearch-search-index';
import { programIdFor } from '../../functions/domain/program-id';
import { importFile } from '../../seed/import-file';
import { importScratch, runImportCli } from '../support/import-files';

const { writeNdjson } = importScratch('iop-import-');
const store = new DynamoDbProgramStore(documentClient, dynamoDbConfig.PROGRAMS_TABLE);
const searchIndex = new OpenSearchSearchIndex(openSearchClient, openSearchConfig.SEARCH_INDEX_ALIAS, cursorSigningKey);

function row(externalId: string, overrides: Record<string, unknown> = {}) {
  return {
    externalId,
    name: `Portland Program ${externalId}`,
    address: { street1: '1 Congress St', city: 'Portland', state: 'ME', zip: '04101' },
    levelsOfCare: ['iop'],
    delivery: ['in_person'],
    insurance: ['medicaid'],
    ...overrides,
  };
}

describe('native import', () => {
  it('keeps good rows, reports each bad row with its line and field path, and re-imports as a no-op', async () => {
    const file = writeNdjson('mixed.ndjson', [
      JSON.stringify(row('good-1')),
      '{"externalId": "broken", ',
      JSON.stringify(row('no-name', { name: '' })),
      JSON.stringify(row('bad-zip', { address: { street1: '1 Main', city: 'Nowhere', state: 'ME', zip: '00000' } })),
      '',
      JSON.stringify(row('good-2', { sessions: [{ days: ['mon'], start: '18:00', end: '20:00' }] })),
      JSON.stringify(row('bad-session', { sessions: [{ days: ['mon'], start: '18:00', end: '17:00' }] })),
      JSON.stringify(row('good-1', { name: 'Duplicate' })),
      JSON.stringify(row('no-location')),
    ]);
    const first = await importFile(file, { format: 'native', source: 'test-import' });
    expect(first).toMatchObject({ rows: 8, accepted: 3, rejected: 5, written: 3, unchanged: 0 });
    expect(first.errors.map(({ line, path }) => ({ line, path }))).toEqual([
      { line: 2, path: '' },
      { line: 3, path: 'name' },
      { line: 4, path: 'address.zip' },
      { line: 7, path: 'sessions.0.end' },
      { line: 8, path: 'externalId' },
    ]);

    // Accepted rows are searchable as soon as the import returns.
    const stored = await searchIndex.get(programIdFor('test-import', 'good-2'));
    expect(stored).toMatchObject({ name: 'Portland Program good-2', locationPrecision: 'zip', timezone: 'America/New_York' });

    const again = await importFile(file, { format: 'native', source: 'test-import' });
    expect(again).toMatchObject({ accepted: 3, rejected: 5, written: 0, unchanged: 3 });
    const version = (await store.get(programIdFor('test-import', 'good-1')))?.version;
    expect(version).toBe(1);
  });

  it('writes only what changed and counts versions up', async () => {
    const original = writeNdjson('v1.ndjson', [JSON.stringify(row('changing')), JSON.stringify(row('steady'))]);
    await importFile(original, { format: 'native', source: 'test-import' });
    const changed = writeNdjson('v2.ndjson', [JSON.stringify(row('changing', { name: 'Renamed Program' })), JSON.stringify(row('steady'))]);
    const summary = await importFile(changed, { format: 'native', source: 'test-import' });
    expect(summary).toMatchObject({ accepted: 2, written: 1, unchanged: 1 });
    const program = await store.get(programIdFor('test-import', 'changing'));
    expect(program).toMatchObject({ name: 'Renamed Program', version: 2 });
    expect((await searchIndex.get(program!.id))?.name).toBe('Renamed Program');
  });

  it('writes nothing on a dry run', async () => {
    const file = writeNdjson('dry.ndjson', [JSON.stringify(row('dry-only'))]);
    const summary = await importFile(file, { format: 'native', source: 'test-import', dryRun: true });
    expect(summary).toMatchObject({ dryRun: true, accepted: 1, written: 1 });
    expect(await store.get(programIdFor('test-import', 'dry-only'))).toBeUndefined();
  });

  it('warns about coordinates far from their zip but keeps the row', async () => {
    const file = writeNdjson('far.ndjson', [JSON.stringify(row('far-away', { location: { lat: 34.05, lon: -118.24 } }))]);
    const summary = await importFile(file, { format: 'native', source: 'test-import' });
    expect(summary).toMatchObject({ accepted: 1, rejected: 0 });
    expect(summary.warnings).toEqual([expect.objectContaining({ line: 1, path: 'location' })]);
  });
});

describe('import command', () => {
  const cli = runImportCli;

  it('exits 0 when every row is accepted, 1 when some are rejected, 2 on usage errors', async () => {
    const good = writeNdjson('cli-good.ndjson', [JSON.stringify(row('cli-1'))]);
    const mixed = writeNdjson('cli-mixed.ndjson', [JSON.stringify(row('cli-2')), JSON.stringify(row('cli-3', { insurance: ['acme'] }))]);
    const ok = await cli(good, '--json', '--source', 'test-cli');
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ accepted: 1, rejected: 0 });
    const partial = await cli(mixed, '--json', '--source', 'test-cli');
    expect(partial.code).toBe(1);
    expect(JSON.parse(partial.stdout)).toMatchObject({ accepted: 1, rejected: 1, errors: [{ line: 2, path: 'insurance.0' }] });
    expect((await cli('/no/such/file.ndjson')).code).toBe(2);
    expect((await cli(good, '--format', 'xml')).code).toBe(2);
  });
});
