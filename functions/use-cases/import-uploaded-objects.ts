import { DEMO_REFUSAL, DEMO_SOURCE } from '../domain/demo-source';
import { DEFAULT_SOURCE, readImportRows, type ProgramFormat } from '../imports/import-formats';
import { reportKeyFor } from '../imports/import-bucket-keys';
import { importFormatForKey, KEY_FORMAT_HELP } from '../imports/import-object-keys';
import type { UploadedObject, UploadedObjects } from '../ports/uploaded-objects';
import { importPrograms, type ImportDependencies, type ImportSummary } from './import-programs';

/** What lands under `reports/<key>.report.json`: the CLI's `--json` summary plus where it came from. */
export type CompletedImportReport = ImportSummary & { status: 'completed'; object: UploadedObject; format: ProgramFormat; source: string; bytes: number; seconds: number };
export type FailedImportReport = { status: 'failed'; object: UploadedObject; format?: ProgramFormat; error: string; seconds: number };
export type ImportReport = CompletedImportReport | FailedImportReport;

export interface ImportUploadsDependencies {
  uploads: UploadedObjects;
  imports: ImportDependencies;
}

export interface UploadOutcome {
  object: UploadedObject;
  report: ImportReport;
  reportKey: string;
  /** False when the report could not be written (the error is among `failures`). */
  reportWritten: boolean;
  /**
   * What a retry may cure: the import's error (not when the key names no format, which no retry
   * changes) and the report write's.
   */
  failures: unknown[];
}

/** An import that cannot succeed however often it is retried (the key names no known format). */
class UnimportableObjectError extends Error {}

async function importObject(object: UploadedObject, format: ProgramFormat | undefined, deps: ImportUploadsDependencies, started: number): Promise<CompletedImportReport> {
  if (!format) throw new UnimportableObjectError(`cannot tell the format of ${object.key}: ${KEY_FORMAT_HELP}`);
  const staged = await deps.uploads.stage(object);
  try {
    const source = staged.metadata.source ?? DEFAULT_SOURCE[format];
    const summary = await importPrograms(readImportRows([staged.filePath], format), deps.imports, {
      defaultSource: source,
      // Invented demo programs (seed/demo) must never reach a deployed directory: each row is rejected.
      refusedSources: new Map([[DEMO_SOURCE, DEMO_REFUSAL]]),
    });
    return { status: 'completed', object, format, source, bytes: staged.bytes, ...summary, seconds: secondsSince(started) };
  } finally {
    // Warm instances share their temporary storage, so a leftover copy would eat into the next import's space.
    await staged.remove();
  }
}

/**
 * Imports each uploaded object with the same use case as `npm run import`, and writes its report
 * next to it under `reports/`, whether the import succeeded or not. Objects are taken one at a
 * time, so one import's memory is the most a run holds.
 */
export async function importUploadedObjects(objects: readonly UploadedObject[], deps: ImportUploadsDependencies): Promise<UploadOutcome[]> {
  const outcomes: UploadOutcome[] = [];
  for (const object of objects) {
    const started = performance.now();
    const format = importFormatForKey(object.key);
    const failures: unknown[] = [];
    let report: ImportReport;
    try {
      report = await importObject(object, format, deps, started);
    } catch (error) {
      report = { status: 'failed', object, ...(format ? { format } : {}), error: error instanceof Error ? error.message : String(error), seconds: secondsSince(started) };
      if (!(error instanceof UnimportableObjectError)) failures.push(error);
    }
    const reportKey = reportKeyFor(object.key);
    let reportWritten = true;
    try {
      await deps.uploads.writeJson(object.bucket, reportKey, report);
    } catch (error) {
      reportWritten = false;
      failures.push(error);
    }
    outcomes.push({ object, report, reportKey, reportWritten, failures });
  }
  return outcomes;
}

function secondsSince(started: number): number {
  return Number(((performance.now() - started) / 1000).toFixed(3));
}
