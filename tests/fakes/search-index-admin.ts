import type { IndexChange, IndexChangeOutcome } from '../../functions/ports/search-index';
import type { SearchIndexAdmin } from '../../functions/ports/search-index-admin';
import { MemorySearchIndex } from './search-index';

/**
 * The search engine's index lifecycle in memory (the reindex's SearchIndexAdmin): concrete
 * indices, each a MemorySearchIndex, and an alias naming the ones searches use. Like the engine,
 * it refuses to write to, count or alias an index that does not exist, and `swap` fails unless
 * `from` is exactly what the alias points at.
 */
export class MemorySearchIndexAdmin implements SearchIndexAdmin {
  readonly indices = new Map<string, MemorySearchIndex>();
  private alias: string[] = [];
  private created = 0;

  /** Starts with `index` behind the alias (the serving index), if given. */
  constructor(serving?: { name: string; index: MemorySearchIndex }) {
    if (serving) {
      this.indices.set(serving.name, serving.index);
      this.alias = [serving.name];
    }
  }

  async current(): Promise<string[]> {
    return [...this.alias];
  }

  async createBulkLoadIndex(): Promise<string> {
    const name = `programs-rebuilt-${++this.created}`;
    this.indices.set(name, new MemorySearchIndex());
    return name;
  }

  async apply(index: string, changes: IndexChange[]): Promise<IndexChangeOutcome[]> {
    return this.named(index).apply(changes);
  }

  async finishBulkLoad(index: string): Promise<void> {
    this.named(index);
  }

  async count(index: string): Promise<number> {
    return this.named(index).size;
  }

  async refresh(index: string): Promise<void> {
    this.named(index);
  }

  async swap(from: readonly string[], to: string): Promise<void> {
    this.named(to);
    if ([...from].sort().join() !== [...this.alias].sort().join()) throw new Error(`alias is on [${this.alias.join()}], not on [${from.join()}]`);
    this.alias = [to];
  }

  async delete(index: string): Promise<void> {
    // The adapter ignores a 404.
    this.indices.delete(index);
  }

  /** The index searches use now (the alias's only index). */
  serving(): MemorySearchIndex {
    if (this.alias.length !== 1) throw new Error(`alias is on ${this.alias.length} indices`);
    return this.named(this.alias[0]!);
  }

  private named(index: string): MemorySearchIndex {
    const found = this.indices.get(index);
    if (!found) throw new Error(`no such index: ${index}`);
    return found;
  }
}
