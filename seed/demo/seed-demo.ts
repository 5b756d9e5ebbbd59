import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { ImportSummary } from '../../functions/use-cases/import-programs';
import { DEMO_SOURCE } from '../../functions/domain/demo-source';
import { importFile } from '../import-file';
import { demoPrograms, type DemoOptions } from './demo-programs';

/** Writes the demo programs as native NDJSON (one record a line), streaming whatever the count. */
export async function writeDemoNdjson(filePath: string, options: DemoOptions): Promise<void> {
  const out = createWriteStream(filePath);
  const failed = once(out, 'error').then(([error]) => Promise.reject(error as Error));
  failed.catch(() => undefined);
  for (const record of demoPrograms(options)) {
    if (!out.write(`${JSON.stringify(record)}\n`)) await Promise.race([once(out, 'drain'), failed]);
  }
  out.end();
  await Promise.race([once(out, 'finish'), failed]);
}

export interface SeedDemoOptions extends DemoOptions {
  onProgress?: (summary: Readonly<ImportSummary>) => void;
}

/**
 * Loads `count` fictional demo programs into the stack the environment points at, through the
 * same importer and file format as `npm run import -- FILE --source demo`, and returns once they
 * are searchable.
 */
export async function seedDemoData(options: SeedDemoOptions): Promise<ImportSummary> {
  const directory = await mkdtemp(path.join(tmpdir(), 'iop-demo-seed-'));
  try {
    const file = path.join(directory, 'demo-programs.ndjson');
    await writeDemoNdjson(file, options);
    // A stack seeds itself on its first start, before it serves: nothing else writes programs meanwhile.
    return await importFile(file, { format: 'native', source: DEMO_SOURCE, exclusive: true, onProgress: options.onProgress });
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}
