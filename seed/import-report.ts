import { writeFile } from 'node:fs/promises';
import type { ImportSummary } from '../functions/use-cases/import-programs';

export interface ImportReport {
  file: string;
  format: string;
  source: string;
  startedAt: string;
  summary: Omit<ImportSummary, 'errors' | 'warnings'> & { seconds: number; warnings: number };
  /** One entry per problem, so a row rejected for two fields appears twice, with the same line. */
  rejected: ImportSummary['errors'];
  warnings: ImportSummary['warnings'];
}

/** The `--report` file: what an operator reads after a run to fix the source file. */
export function buildImportReport(
  summary: ImportSummary,
  context: { file: string; format: string; source: string; startedAt: Date; seconds: number },
): ImportReport {
  const { errors, warnings, ...counts } = summary;
  return {
    file: context.file,
    format: context.format,
    source: context.source,
    startedAt: context.startedAt.toISOString(),
    summary: { ...counts, warnings: warnings.length, seconds: Number(context.seconds.toFixed(3)) },
    rejected: errors,
    warnings,
  };
}

export async function writeImportReport(filePath: string, report: ImportReport): Promise<void> {
  await writeFile(filePath, `${JSON.stringify(report, null, 2)}\n`);
}
