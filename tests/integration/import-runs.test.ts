import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { documentClient, openSearchClient, dynamoDbConfig, openSearchConfig, cursorSigningKey } from '../support/engines';
import { DynamoDbProgramStore } from '../../functions/adapters/dynamodb/dynamodb-program-store';
import { OpenSearchSearchIndex } from '../../functions/adapters/opensearch/opensearch-search-index';
import { programIdFor } from '../../functions/domain/program-id';
import { importFile } from '../../seed/import-file';
import { importScratch, runImportCli } from '../support/import-files';
import type { ImportReport } from '../../seed/import-report';

const { directory, writeNdjson } = importScratch('iop-import-runs-');
const cli = runImportCli;
const store = new DynamoDbProgramStore(documentClient, dynamoDbConfig.PROGRAMS_TABLE);
const searchIndex = new OpenSearchSearchIndex(openSearchClient, openSearchConfig.SEARCH_INDEX_ALIAS, cursorSigningKey);

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

describe('a file with bad rows mixed in', () => {
  it('lands the good rows, reports every bad one in the summary and the --report file, and exits 1', async () => {
    const file = writeNdjson('mixed.ndjson', [
      JSON.stringify(row('run-good-1')),
      JSON.stringify(row('run-bad-zip', { address: { street1: '1 Main', city: 'Bangor', state: 'ME', zip: '0440' } })),
      JSON.stringify(row('run-good-2', { location: { lat: 34.05, lon: -118.24 } })),
      'not json at all',
      JSON.stringify(row('run-bad-level', { levelsOfCare: ['spa'] })),
      JSON.stringify(row('run-good-3')),
    ]);
    const reportFile = path.join(directory, 'report.json');
    const result = await cli(file, '--source', 'test-runs', '--json', '--report', reportFile);
    expect(result.code).toBe(1);
    const summary = JSON.parse(result.stdout) as Record<string, unknown>;
    expect(summary).toMatchObject({ rows: 6, accepted: 3, rejected: 3, written: 3, archived: 0 });
    expect(summary.maxRssBytes).toBeGreaterThan(0);

    const report = JSON.parse(readFileSync(reportFile, 'utf8')) as ImportReport;
    expect(report).toMatchObject({ format: 'native', source: 'test-runs', summary: { rows: 6, accepted: 3, rejected: 3, warnings: 1 } });
    expect(report.rejected.map(({ line, path }) => ({ line, path }))).toEqual([
      { line: 2, path: 'address.zip' },
      { line: 4, path: '' },
      { line: 5, path: 'levelsOfCare.0' },
    ]);
    expect(report.rejected.every((problem) => problem.message.length > 0)).toBe(true);
    expect(report.warnings).toEqual([expect.objectContaining({ line: 3, path: 'location' })]);

    for (const id of ['run-good-1', 'run-good-2', 'run-good-3']) expect(await searchIndex.get(programIdFor('test-runs', id))).toBeDefined();
    expect(await store.get(programIdFor('test-runs', 'run-bad-level'))).toBeUndefined();
  });

  it('prints a final summary and plain progress lines when stderr is not a terminal', async () => {
    const file = writeNdjson('human.ndjson', [JSON.stringify(row('run-human'))]);
    const result = await cli(file, '--source', 'test-runs-human');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/1 rows: 1 accepted \(1 written, 0 unchanged\), 0 rejected, 0 archived, 0 warnings in \d+\.\d s/);
    expect(result.stderr).not.toMatch(/\u001b\[/);
  });
});

describe('--prune', () => {
  const source = 'test-prune';
  const id = (externalId: string) => programIdFor(source, externalId);

  it('archives exactly the programs of the source that the file no longer contains; they leave search', async () => {
    const full = writeNdjson('prune-full.ndjson', ['keep-1', 'keep-2', 'gone-1', 'gone-2', 'bad-later'].map((externalId) => JSON.stringify(row(externalId))));
    expect(await importFile(full, { format: 'native', source })).toMatchObject({ accepted: 5, archived: 0 });
    // Another source's program must survive a prune of this one.
    const other = writeNdjson('prune-other.ndjson', [JSON.stringify(row('gone-1'))]);
    await importFile(other, { format: 'native', source: 'test-prune-other' });

    const refreshed = writeNdjson('prune-refresh.ndjson', [
      JSON.stringify(row('keep-1')),
      JSON.stringify(row('keep-2', { name: 'Renamed' })),
      // Rejected, but present: its stored program is kept rather than archived.
      JSON.stringify(row('bad-later', { delivery: [] })),
    ]);
    const dry = await importFile(refreshed, { format: 'native', source, prune: true, dryRun: true });
    expect(dry).toMatchObject({ archived: 2, written: 1 });
    expect((await store.get(id('gone-1')))?.status).toBe('published');

    const summary = await importFile(refreshed, { format: 'native', source, prune: true });
    expect(summary).toMatchObject({ rows: 3, accepted: 2, rejected: 1, written: 1, unchanged: 1, archived: 2 });
    for (const gone of ['gone-1', 'gone-2']) {
      expect(await store.get(id(gone))).toMatchObject({ status: 'archived', version: 2 });
      expect(await searchIndex.get(id(gone))).toBeUndefined();
    }
    for (const kept of ['keep-1', 'keep-2', 'bad-later']) expect(await searchIndex.get(id(kept))).toBeDefined();
    expect(await searchIndex.get(programIdFor('test-prune-other', 'gone-1'))).toBeDefined();

    // Nothing left to prune; and a program that returns to the file is published again.
    expect(await importFile(refreshed, { format: 'native', source, prune: true })).toMatchObject({ written: 0, archived: 0 });
    expect(await importFile(full, { format: 'native', source })).toMatchObject({ written: 3 });
    expect(await store.get(id('gone-1'))).toMatchObject({ status: 'published', version: 3 });
    expect(await searchIndex.get(id('gone-1'))).toBeDefined();
  });

  it('archives nothing when a rejected row has no readable externalId', async () => {
    const file = writeNdjson('prune-unreadable.ndjson', [JSON.stringify(row('keep-1')), '{"externalId": "keep-2", ']);
    const summary = await importFile(file, { format: 'native', source, prune: true });
    expect(summary.archived).toBe(0);
    expect(summary.pruneSkipped).toMatch(/no readable externalId/);
    expect((await store.get(id('keep-2')))?.status).toBe('published');
  });
});
