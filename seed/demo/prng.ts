/**
 * The demo generator's randomness: mulberry32 streams, one per record and attribute, so the
 * same options give the same programs on every run and machine, and retuning one attribute's
 * distribution leaves every other attribute of every record as it was.
 */

const DAY_MS = 86_400_000;

/**
 * mulberry32. Only integer arithmetic with exactly specified results (Math.imul, shifts), so
 * every JavaScript engine produces the same sequence from the same seed.
 */
export class Draws {
  private state: number;

  constructor(seed: number) {
    this.state = seed | 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) | 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  /** Inclusive at both ends. */
  integer(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  pick<T>(values: readonly T[]): T {
    const value = values[Math.floor(this.next() * values.length)];
    if (value === undefined) throw new Error('pick() needs at least one value');
    return value;
  }

  weighted<T>(options: readonly (readonly [T, number])[]): T {
    const total = options.reduce((sum, [, weight]) => sum + weight, 0);
    let remaining = this.next() * total;
    for (const [value, weight] of options) {
      remaining -= weight;
      if (remaining < 0) return value;
    }
    const last = options.at(-1);
    if (!last) throw new Error('weighted() needs at least one option');
    return last[0];
  }

  /** An ISO date `firstOffset`..`lastOffset` days (both included) after `referenceDay` (days since 1970-01-01). */
  dateAround(referenceDay: number, firstOffset: number, lastOffset: number): string {
    return new Date((referenceDay + this.integer(firstOffset, lastOffset)) * DAY_MS).toISOString().slice(0, 10);
  }
}

/** Days since 1970-01-01 of an ISO date; throws on anything else. */
export function dayNumber(isoDate: string): number {
  const time = /^\d{4}-\d{2}-\d{2}$/.test(isoDate) ? Date.parse(`${isoDate}T00:00:00Z`) : Number.NaN;
  if (Number.isNaN(time)) throw new Error(`expected an ISO date (YYYY-MM-DD), not ${isoDate}`);
  return time / DAY_MS;
}

/** FNV-1a over the text: attribute names only need to give different seeds. */
export function seedFromName(name: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < name.length; index++) {
    hash = Math.imul(hash ^ name.charCodeAt(index), 0x01000193);
  }
  return hash >>> 0;
}

/** murmur3's 32-bit finaliser: a bijection, so distinct inputs keep distinct seeds. */
export function mix32(value: number): number {
  let hash = value >>> 0;
  hash = Math.imul(hash ^ (hash >>> 16), 0x85ebca6b);
  hash = Math.imul(hash ^ (hash >>> 13), 0xc2b2ae35);
  return (hash ^ (hash >>> 16)) >>> 0;
}

/** The streams of one record: `draw('insurance')` is the same sequence for the same record every time. */
export function recordStreams(datasetSeed: number, index: number): (attribute: string) => Draws {
  const recordSeed = mix32(mix32(datasetSeed) ^ mix32(index));
  return (attribute) => new Draws(mix32(recordSeed ^ seedFromName(attribute)));
}
