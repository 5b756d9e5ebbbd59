import type { Place, PlaceDirectory, PlaceResolution } from '../../functions/ports/place-directory';

/**
 * A PlaceDirectory that knows only the places it is given, each under the texts that name it
 * (matched case-insensitively); any other text is unknown. A text given several places is
 * ambiguous. The real gazetteer (functions/gazetteer/place-directory.ts) has tests of its own.
 */
export class MemoryPlaceDirectory implements PlaceDirectory {
  private readonly named = new Map<string, Place[]>();

  add(place: Place, ...texts: string[]): this {
    for (const text of texts) {
      const key = text.trim().toLowerCase();
      this.named.set(key, [...(this.named.get(key) ?? []), structuredClone(place)]);
    }
    return this;
  }

  resolve(text: string): PlaceResolution {
    const places = this.named.get(text.trim().toLowerCase()) ?? [];
    if (places.length === 0) return { status: 'unknown' };
    if (places.length > 1) return { status: 'ambiguous', candidates: structuredClone(places) };
    return { status: 'found', place: structuredClone(places[0]!) };
  }

  suggest(query: string, limit: number): Place[] {
    const prefix = query.trim().toLowerCase();
    const found = new Map<string, Place>();
    for (const [text, places] of this.named) if (text.startsWith(prefix)) for (const place of places) found.set(`${place.kind}|${place.name}|${place.state}`, place);
    return structuredClone([...found.values()].slice(0, limit));
  }
}
