import { tombstoneDocument, toProgramDocument, type ProgramDocument } from '../../functions/adapters/opensearch/program-document';
import type { PublicProgram } from '../../functions/domain/public-view';
import { FACET_NAMES, type Facets, type SearchCriteria, type SearchPage } from '../../functions/domain/search-criteria';
import type { AddressMatch, IndexChange, IndexChangeOutcome, SearchIndex } from '../../functions/ports/search-index';

export const emptyFacets = (): Facets => Object.fromEntries(FACET_NAMES.map((name) => [name, {}])) as Facets;
export const emptyPage = (): SearchPage => ({ total: 0, results: [], facets: emptyFacets(), nextCursor: null });

/**
 * SearchIndex in memory: documents by id, built by the OpenSearch adapter's own
 * `toProgramDocument` (tombstones for removals and unpublished programs), with its external
 * versioning: a change applies only above the version held (equal or lower is `stale`).
 *
 * `search` does not implement the engine's query semantics: it records the criteria it is given
 * (`searches`) and answers `answer`, so a test pins what a use case asks the index, not what
 * OpenSearch would find. `refuse` makes `apply` fail a change, as a bulk item error does.
 */
export class MemorySearchIndex implements SearchIndex {
  private readonly documents = new Map<string, { version: number; document: ProgramDocument }>();
  readonly searches: SearchCriteria[] = [];
  answer: SearchPage = emptyPage();
  /** A reason to fail this change with (a bulk item's error), or undefined to apply it. */
  refuse: (change: IndexChange) => string | undefined = () => undefined;

  async search(criteria: SearchCriteria): Promise<SearchPage> {
    this.searches.push(structuredClone(criteria));
    return structuredClone(this.answer);
  }

  async get(id: string): Promise<PublicProgram | undefined> {
    const document = this.documents.get(id)?.document;
    return document?.published && document.program ? structuredClone(document.program) : undefined;
  }

  async apply(changes: IndexChange[]): Promise<IndexChangeOutcome[]> {
    return changes.map((change): IndexChangeOutcome => {
      const id = change.kind === 'upsert' ? change.program.id : change.id;
      const version = change.kind === 'upsert' ? change.program.version : change.version;
      const reason = this.refuse(change);
      if (reason !== undefined) return { status: 'failed', reason };
      const held = this.documents.get(id);
      if (held && held.version >= version) return { status: 'stale' };
      const document = change.kind === 'upsert' ? toProgramDocument(structuredClone(change.program)) : tombstoneDocument(id);
      this.documents.set(id, { version, document });
      return { status: 'applied' };
    });
  }

  async findByAddress(streetKey: string): Promise<AddressMatch[]> {
    return [...this.documents.values()]
      .map(({ document }) => document)
      .filter((document) => document.published && document.streetKey === streetKey)
      .sort((a, b) => a.id.localeCompare(b.id))
      .map((document) => ({ id: document.id, nameKey: document.nameKey, source: document.program?.source ?? '' }));
  }

  /** The version held for an id (tombstones included), or undefined when the index has never seen it. */
  versionOf(id: string): number | undefined {
    return this.documents.get(id)?.version;
  }

  /** Documents held, tombstones included: what the engine's `count` answers. */
  get size(): number {
    return this.documents.size;
  }

  /** Ids of the documents searches serve. */
  publishedIds(): string[] {
    return [...this.documents.values()].filter(({ document }) => document.published).map(({ document }) => document.id).sort();
  }
}
