import type { UsState } from '../domain/vocabulary';

export type PlaceKind = 'zip' | 'city' | 'county' | 'state';

/** A named place: a zip, a city or county in a state, or a state (contract section 8). */
export interface Place {
  kind: PlaceKind;
  /** The zip itself, the city or county name (`Queens County`), or the state's name. */
  name: string;
  state: UsState;
  lat: number;
  lon: number;
}

export type PlaceResolution =
  | { status: 'found'; place: Place }
  | { status: 'unknown' }
  | { status: 'ambiguous'; candidates: Place[] };

/** Places people type: resolves one for `near=` and suggests them as a person types. */
export interface PlaceDirectory {
  resolve(text: string): PlaceResolution;
  suggest(query: string, limit: number): Place[];
}
