import type { Program } from '../domain/program';
import type { DirectoryExportWriter } from '../ports/directory-export';
import type { ProgramStore } from '../ports/program-store';

export interface DirectoryExportSources {
  store: Pick<ProgramStore, 'scanAll'>;
  /** Live versions of non-archived provider listings, page by page. */
  liveListings: () => AsyncIterable<Program[]>;
}

export interface DirectoryExportSummary {
  programs: number;
  listings: number;
  skipped: number;
  counts: Record<string, number>;
}

/**
 * Writes what the public directory shows: every published program of the table (archived ones
 * stay there for history and are left out) and the live version of every provider listing, each
 * read once, page by page, so memory stays flat whatever the directory's size.
 */
export async function exportPublishedDirectory(sources: DirectoryExportSources, writer: DirectoryExportWriter): Promise<DirectoryExportSummary> {
  const summary: DirectoryExportSummary = { programs: 0, listings: 0, skipped: 0, counts: {} };
  try {
    for await (const page of sources.store.scanAll()) {
      for (const program of page) {
        if (program.status !== 'published') continue;
        if (await writer.add(program)) summary.programs += 1;
        else summary.skipped += 1;
      }
    }
    for await (const page of sources.liveListings()) {
      for (const program of page) {
        if (await writer.add(program)) summary.listings += 1;
        else summary.skipped += 1;
      }
    }
    summary.counts = await writer.finish();
    return summary;
  } finally {
    await writer.dispose();
  }
}
