import { once } from 'node:events';
import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Writable } from 'node:stream';
import type { Program } from '../../domain/program';
import type { DirectoryExportWriter } from '../../ports/directory-export';
import { HSDS_SECTIONS, HSDS_VERSION, type HsdsEntity, type HsdsSection } from './hsds-ids';
import { isExportable, programToHsds } from './hsds-program';
import { hsdsTaxonomies, hsdsTaxonomyTerms } from './hsds-taxonomy';

export interface HsdsDocumentOptions {
  /** Sees every entity as it is written (validation, progress). */
  onEntity?: (section: HsdsSection, entity: HsdsEntity) => void;
  /** Where the per-section spill files go; the system temp directory by default. */
  tempDir?: string;
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
 * The directory as one HSDS 3.0 JSON document on `output`: `{hsds_version, taxonomies,
 * taxonomy_terms, organizations, services, locations, service_at_locations, schedules}`, one
 * entity per line. Each section is spilled to a temporary file while programs arrive and the
 * document is assembled from them at the end, because the sections interleave in the input but
 * not in the output. Does not end `output`.
 */
export async function createHsdsDocumentWriter(output: Writable, options: HsdsDocumentOptions = {}): Promise<DirectoryExportWriter> {
  const directory = await mkdtemp(join(options.tempDir ?? tmpdir(), 'hsds-export-'));
  const sections = Object.keys(HSDS_SECTIONS) as HsdsSection[];
  const spills = Object.fromEntries(sections.map((section) => [section, new SectionSpill(join(directory, `${section}.json`))])) as Record<HsdsSection, SectionSpill>;
  const add = async (section: HsdsSection, entity: HsdsEntity) => {
    options.onEntity?.(section, entity);
    await spills[section].add(entity);
  };
  // Only organization ids are remembered (36 bytes each): far fewer than programs.
  const organizationsWritten = new Set<string>();
  for (const taxonomy of hsdsTaxonomies()) await add('taxonomies', taxonomy);
  for (const term of hsdsTaxonomyTerms()) await add('taxonomy_terms', term);

  return {
    async add(program: Program): Promise<boolean> {
      if (!isExportable(program)) return false;
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
    },

    async finish(): Promise<Record<HsdsSection, number>> {
      for (const spill of Object.values(spills)) await spill.close();
      await write(output, `{"hsds_version":${JSON.stringify(HSDS_VERSION)},"generator":"iop-directory"`);
      const counts = {} as Record<HsdsSection, number>;
      for (const section of sections) {
        await write(output, `,\n${JSON.stringify(section)}:[`);
        // Copied by hand: pipeline() with end:false leaves listeners on `output` per section.
        for await (const chunk of createReadStream(spills[section].file)) await write(output, chunk as Buffer);
        await write(output, `${spills[section].count > 0 ? '\n' : ''}]`);
        counts[section] = spills[section].count;
      }
      await write(output, '\n}\n');
      return counts;
    },

    async dispose(): Promise<void> {
      for (const spill of Object.values(spills)) spill.stream.destroy();
      await rm(directory, { recursive: true, force: true });
    },
  };
}
