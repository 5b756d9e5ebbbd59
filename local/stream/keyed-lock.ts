/**
 * Mutual exclusion per key, for async code: the change-capture proxy holds the keys of a write
 * from reading the old image until the stream record is queued, so concurrent writers to one
 * item produce images that chain (each record's OldImage is the previous record's NewImage).
 */
export class KeyedLock {
  private readonly tails = new Map<string, Promise<void>>();

  /** Waits for every key (taken in sorted order, so two callers can never deadlock) and runs `work`. */
  async withKeys<T>(keys: Iterable<string>, work: () => Promise<T>): Promise<T> {
    const sorted = [...new Set(keys)].sort();
    const releases: (() => void)[] = [];
    try {
      for (const key of sorted) releases.push(await this.acquire(key));
      return await work();
    } finally {
      for (const release of releases.reverse()) release();
    }
  }

  get heldKeys(): number {
    return this.tails.size;
  }

  private async acquire(key: string): Promise<() => void> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    let release!: () => void;
    const current = new Promise<void>((resolve) => (release = resolve));
    const tail = previous.then(() => current);
    this.tails.set(key, tail);
    await previous;
    return () => {
      release();
      // The last holder cleans up, so the map only ever holds keys that are in use.
      if (this.tails.get(key) === tail) this.tails.delete(key);
    };
  }
}
