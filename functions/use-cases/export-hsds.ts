import { once } from 'node:events';
import { createReadStream, createWriteStream, mkdtempSync, rmSync, type WriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Writable } from 'node:stream';
import {
  HSDS_SECTIONS,
  HSDS_VERSION,
  hsdsTaxonomies,
  hsdsTaxonomyTerms,
  isExportable,
  programToHsds,
  uuidV5,
  organizationKey,
  type HsdsEntity,
  type HsdsSection,
} from '../domain/hsds';
import type { Program } from '../domain/program';
import type { ProgramStore } from '../ports/program-store';

export interface HsdsExportSources {
  store: Pick<ProgramStore, 'scanAll'>;
  /** Live versions of non-archived provider listings, page by page. */
  liveListings: () => AsyncIterable<Program[]>;
}

export interface HsdsExportOptions {
  /** Sees every entity as it is written (validation, progress). */
  onEntity?: (section: HsdsSection, entity: HsdsEntity) => void;
  /** Where the per-section spill files go; the system temp directory by default. */
  tempDir?: string;
}

export interface HsdsExportSummary {
  programs: number;
  listings: number;
  skipped: number;
  counts: Record<HsdsSection, number>;
}

async function write(stream: Writable, chunk: string | Buffer): Promise<void> {
  if (!stream.write(chunk)) await once(stream, 'drain');
}

/** One top-level array, spilled to disk while the store is read so memory stays flat. */
class SectionSpill {
  count = 0;
  readonly stream: WriteStream;
  constructor(readonly file: string) {
    this.stream = createWriteStream(file);
  }
  async add(entity: HsdsEntity): Promise<void> {
    await write(this.stream, `${this.count === 0 ? '\n' : ',\n'}${JSON.stringify(entity)}`);
    this.count += 1;
  }
  async close(): Promise<void> {
    this.stream.end();
    await once(this.stream, 'finish');
  }
}

/**
 * Writes the published directory (published programs and live, non-archived listings) to
 * `output` as one HSDS 3.0 JSON document: `{hsds_version, taxonomies, taxonomy_terms,
 * organizations, services, locations, service_at_locations, schedules}`, one entity per line.
 * The store is read once; each section is spilled to a temporary file and the document is
 * assembled from them, because the sections interleave in the input but not in the output.
 * Does not end `output`.
 */
export async function exportHsds(sources: HsdsExportSources, output: Writable, options: HsdsExportOptions = {}): Promise<HsdsExportSummary> {
  const directory = mkdtempSync(join(options.tempDir ?? tmpdir(), 'hsds-export-'));
  const sections = Object.keys(HSDS_SECTIONS) as HsdsSection[];
  const spills = Object.fromEntries(sections.map((section) => [section, new SectionSpill(join(directory, `${section}.json`))])) as Record<
    HsdsSection,
    SectionSpill
  >;
  const add = async (section: HsdsSection, entity: HsdsEntity) => {
    options.onEntity?.(section, entity);
    await spills[section].add(entity);
  };
  // Only organization ids are remembered (36 bytes each): far fewer than programs.
  const organizationsWritten = new Set<string>();
  const summary: HsdsExportSummary = { programs: 0, listings: 0, skipped: 0, counts: {} as Record<HsdsSection, number> };

  const addProgram = async (program: Program): Promise<boolean> => {
    if (!isExportable(program)) {
      summary.skipped += 1;
      return false;
    }
    const entities = programToHsds(program);
    if (!organizationsWritten.has(entities.organization.id)) {
      organizationsWritten.add(entities.organization.id);
      await add('organizations', entities.organization);
    }
    await add('services', entities.service);
    await add('locations', entities.location);
    await add('service_at_locations', entities.serviceAtLocation);
    for (const schedule of entities.schedules) await add('schedules', schedule);
    return true;
  };

  try {
    for (const taxonomy of hsdsTaxonomies()) await add('taxonomies', taxonomy);
    for (const term of hsdsTaxonomyTerms()) await add('taxonomy_terms', term);
    for await (const page of sources.store.scanAll()) {
      for (const program of page) {
        // Archived programs stay in the table for history; only published ones are public.
        if (program.status !== 'published') continue;
        if (await addProgram(program)) summary.programs += 1;
      }
    }
    for await (const page of sources.liveListings()) {
      for (const program of page) {
        if (await addProgram(program)) summary.listings += 1;
      }
    }
    for (const spill of Object.values(spills)) await spill.close();

    await write(output, `{"hsds_version":${JSON.stringify(HSDS_VERSION)},"generator":"iop-directory"`);
    for (const section of sections) {
      await write(output, `,\n${JSON.stringify(section)}:[`);
      // Copied by hand: pipeline() with end:false leaves listeners on `output` per section.
      for await (const chunk of createReadStream(spills[section].file)) await write(output, chunk as Buffer);
      await write(output, `${spills[section].count > 0 ? '\n' : ''}]`);
      summary.counts[section] = spills[section].count;
    }
    await write(output, '\n}\n');
    return summary;
  } finally {
    for (const spill of Object.values(spills)) spill.stream.destroy();
    rmSync(directory, { recursive: true, force: true });
  }
}

/** The HSDS ids a program maps to, for callers that need to find it in an export. */
export function hsdsIdsFor(program: Program): { organization: string; service: string; location: string; serviceAtLocation: string } {
  return {
    organization: uuidV5(organizationKey(program)),
    service: uuidV5(`service:${program.id}`),
    location: uuidV5(`location:${program.id}`),
    serviceAtLocation: uuidV5(`service_at_location:${program.id}`),
  };
}
