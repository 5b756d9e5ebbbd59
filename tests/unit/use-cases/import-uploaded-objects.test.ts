import { describe, expect, it } from 'vitest';
import { zipDirectory } from '../../../functions/gazetteer/zip-table';
import { importUploadedObjects, type ImportReport } from '../../../functions/use-cases/import-uploaded-objects';
import { MemoryProgramStore } from '../../fakes/program-store';
import { MemoryUploadedObjects } from '../../fakes/uploaded-objects';

/** Imports from uploads on fakes; tests/integration/import-from-s3.test.ts runs the same through S3's API. */
const row = (externalId: string, overrides: Record<string, unknown> = {}) =>
  JSON.stringify({
    externalId,
    name: `Bangor Upload Program ${externalId}`,
    address: { street1: '1 Main St', city: 'Bangor', state: 'ME', zip: '04401' },
    levelsOfCare: ['iop'],
    delivery: ['in_person'],
    ...overrides,
  });

function rig() {
  const uploads = new MemoryUploadedObjects();
  const store = new MemoryProgramStore();
  const run = (...objects: Parameters<typeof importUploadedObjects>[0]) => importUploadedObjects(objects, { uploads, imports: { store, zips: zipDirectory } });
  const report = (key: string) => uploads.written.get(`imports-bucket/reports/${key}.report.json`) as ImportReport | undefined;
  const names = async () => {
    const programs = [];
    for await (const page of store.scanAll()) programs.push(...page);
    return programs.map((program) => program.name).sort();
  };
  return { uploads, store, run, report, names };
}

describe('importing uploaded objects', () => {
  it('imports the good rows, reports the bad by line, writes the report next to the upload and removes the staged copy', async () => {
    const { uploads, run, report, names } = rig();
    const object = uploads.upload('imports/native/batch.ndjson', [row('a'), row('b', { name: '' }), row('c')].join('\n'), { source: 'uploader-src' });

    const [outcome, ...others] = await run(object);

    expect(others).toEqual([]);
    expect(outcome).toMatchObject({ reportKey: 'reports/imports/native/batch.ndjson.report.json', reportWritten: true, failures: [] });
    expect(report('imports/native/batch.ndjson')).toMatchObject({ status: 'completed', format: 'native', source: 'uploader-src', rows: 3, accepted: 2, rejected: 1, written: 2 });
    expect(report('imports/native/batch.ndjson')).toMatchObject({ errors: [expect.objectContaining({ line: 2 })] });
    expect(await names()).toEqual(['Bangor Upload Program a', 'Bangor Upload Program c']);
    expect(uploads.leftovers()).toEqual([]);
  });

  it('reports a key that names no format without a failure to retry, and an unreadable upload with one', async () => {
    const { uploads, run, report } = rig();
    const unnamed = uploads.upload('imports/facilities.csv', 'name\nx\n');
    const missing = { bucket: 'imports-bucket', key: 'imports/native/gone.ndjson' };

    const [unnamedOutcome, missingOutcome] = await run(unnamed, missing);

    expect(unnamedOutcome?.failures).toEqual([]);
    expect(report('imports/facilities.csv')).toMatchObject({ status: 'failed', error: expect.stringContaining('imports/<format>/<name>') });
    expect(missingOutcome?.failures).toHaveLength(1);
    expect(report('imports/native/gone.ndjson')).toMatchObject({ status: 'failed', format: 'native', error: expect.stringContaining('NoSuchKey') });
  });

  it('still imports when the report cannot be written, and says so as a failure', async () => {
    const { uploads, run, names } = rig();
    uploads.failWrites = true;
    const [outcome] = await run(uploads.upload('imports/rows.ndjson', row('kept')));

    expect(outcome).toMatchObject({ reportWritten: false, report: { status: 'completed', written: 1 } });
    expect(outcome?.failures).toHaveLength(1);
    expect(await names()).toEqual(['Bangor Upload Program kept']);
  });
});
