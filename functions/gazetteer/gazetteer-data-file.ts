import { readFileSync } from 'node:fs';

/**
 * The generated tables behind zip and place lookups, kept as data files rather than modules: as
 * JavaScript they were ~360 KB of string literals that every cold start parsed, also in the many
 * requests that name no place. Each is read once per process, on first use. In the repository the
 * files sit beside this module; a deployed function finds them beside its bundle, where bundling
 * copies each file the bundle names (infra/constructs/directory-function.ts, bench/bundles.ts).
 */
export const GAZETTEER_DATA_FILES = ['zip-table.generated.json', 'place-table.generated.json'] as const;
export type GazetteerDataFile = (typeof GAZETTEER_DATA_FILES)[number];

export function readGazetteerDataFile(name: GazetteerDataFile): unknown {
  return JSON.parse(readFileSync(new URL(name, import.meta.url), 'utf8'));
}
