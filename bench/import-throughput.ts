import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Client } from '@opensearch-project/opensearch';
import type { ImportSummary } from '../functions/use-cases/import-programs';
import { DEMO_SOURCE } from '../functions/domain/demo-source';
import { writeDemoNdjson } from '../seed/demo/seed-demo';
import { importFile } from '../seed/import-file';

export interface ImportFigures {
  rows: number;
  accepted: number;
  rejected: number;
  written: number;
  /** From the call until importFile returned, i.e. until every accepted row is searchable. */
  seconds: number;
  rowsPerSecond: number;
  /** Until the last row was in DynamoDB; the rest of `seconds` is the stream catching up. */
  storeSeconds: number;
  /** Published documents the index answers for right after the import returned, without a refresh of our own. */
  publishedInIndex: number;
  searchableMatchesAccepted: boolean;
}

/**
 * The demo dataset (seed/demo, `programs` invented programs) end to end: NDJSON parsing,
 * validation, DynamoDB writes, the stream emulator, the indexer and the refresh, exactly as
 * `SEED=demo npm start` seeds a fresh directory. Writing the file is not timed.
 */
export async function measureImport(options: { client: Client; alias: string; programs: number; log: (line: string) => void }): Promise<ImportFigures> {
  const directory = await mkdtemp(path.join(tmpdir(), 'iop-bench-demo-'));
  try {
    const file = path.join(directory, 'demo-programs.ndjson');
    await writeDemoNdjson(file, { count: options.programs });
    let storedAt = 0;
    let lastReported = 0;
    const start = performance.now();
    const summary: ImportSummary = await importFile(file, {
      format: 'native',
      source: DEMO_SOURCE,
      onProgress: (progress) => {
        storedAt = performance.now();
        if (progress.rows - lastReported >= 5_000) {
          lastReported = progress.rows;
          options.log(`  ${progress.rows} rows read, ${progress.written} written to DynamoDB`);
        }
      },
    });
    const seconds = (performance.now() - start) / 1000;
    const publishedInIndex = await countPublished(options.client, options.alias);
    return {
      rows: summary.rows,
      accepted: summary.accepted,
      rejected: summary.rejected,
      written: summary.written,
      seconds,
      rowsPerSecond: summary.accepted / seconds,
      storeSeconds: (storedAt - start) / 1000,
      publishedInIndex,
      searchableMatchesAccepted: publishedInIndex === summary.accepted,
    };
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}

export async function countPublished(client: Client, alias: string): Promise<number> {
  const response = await client.count({ index: alias, body: { query: { term: { published: true } } } as never });
  return Number(response.body.count);
}
