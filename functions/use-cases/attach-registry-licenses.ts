import { nameKey, streetKey } from '../domain/address-key';
import { sameContent } from '../domain/content-hash';
import type { ErrorDetail } from '../domain/errors';
import type { Program, RegistryLicense } from '../domain/program';
import type { ProgramStore } from '../ports/program-store';

/**
 * Attaching a state licence registry to the directory (contract 6b): each registry row names a
 * licence and the facility's address; the licence goes to every published program at that
 * address. No program is created, nothing but `registryLicenses` is changed.
 */

/** Where a registry row says its facility is: what matching reads, and what reports show. */
export interface RegistryAddress {
  street1?: string;
  street2?: string;
  city?: string;
  /** Five digits (readers cut ZIP+4 and reject anything else). */
  zip: string;
}

/** One licence as a registry states it, with the facility it was issued to. */
export interface RegistryRow {
  /** Where the row starts in the file (the header is line 1). */
  line: number;
  licence: RegistryLicense;
  /** The facility's name as the registry spells it (matched when the street does not). */
  name: string;
  address: RegistryAddress;
}

/** A row that could not be read as a licence, with every field that is wrong. */
export interface RegistryRowError {
  line: number;
  errors: ErrorDetail[];
  /** The row's licence number when it has a readable one: `prune` keeps that licence. */
  number?: string;
}

export type RegistryRowResult = RegistryRow | RegistryRowError;

export function isRegistryRowError(row: RegistryRowResult): row is RegistryRowError {
  return 'errors' in row;
}

/** What the use case needs to know of a registry. */
export interface RegistryIdentity {
  /** Stored on each of its licences (`registryLicenses[].registry`), e.g. `ca-dhcs`. */
  slug: string;
  /** The state whose programs it licenses; programs elsewhere are never matched. */
  state: string;
}

export interface UnmatchedRegistryRow {
  line: number;
  number: string;
  name: string;
  address: RegistryAddress;
}

export interface RegistryRowProblem extends ErrorDetail {
  line: number;
}

export interface AttachRegistrySummary {
  registry: string;
  /** Data rows read (the header is not a row). */
  rows: number;
  /** Valid rows whose address (street1 + zip, else name + zip) is a published program's. */
  matched: number;
  /** Valid rows no published program matches; each one is in `unmatchedRows`. */
  unmatched: number;
  /** Rows that could not be read as a licence; their problems are in `errors`. */
  rejected: number;
  /** Distinct programs the file's licences are attached to. */
  programsMatched: number;
  /** Programs whose registry licences changed and were written (on a dry run: would be). */
  programsUpdated: number;
  /** Programs examined (matched, or holding this registry's licences) that needed no write. */
  programsUnchanged: number;
  /** This registry's licences taken off programs: moved to another address, or gone from the file (`prune`). */
  licencesRemoved: number;
  /** The file's valid licences by expiry on the day of the run (current: no expiry, or today or later). */
  licences: { current: number; expired: number };
  unmatchedRows: UnmatchedRegistryRow[];
  errors: RegistryRowProblem[];
  /** Why `prune` removed nothing although it was asked to. */
  pruneSkipped?: string;
  dryRun: boolean;
}

export interface AttachRegistryOptions {
  dryRun?: boolean;
  /**
   * The file is the whole registry: this registry's licences whose number appears in no row
   * (valid or rejected) are taken off their programs.
   */
  prune?: boolean;
  /** Only programs of these sources are matched or changed (all sources when absent). */
  sources?: readonly string[];
  /** Programs read and written together. */
  chunkSize?: number;
  now?: () => Date;
}

export interface AttachRegistryDependencies {
  store: ProgramStore;
}

/**
 * Matches every registry row to the published programs at its address and stores the licence
 * on them as a registry licence. A licence replaces the one with the same number wherever it
 * was (so a licence whose facility moved follows it); other registries' licences and the
 * programs' own licences are never touched. Only programs whose registry licences change are
 * written, each as a new version, so re-running a file writes nothing.
 */
export async function attachRegistryLicenses(
  rows: AsyncIterable<RegistryRowResult>,
  registry: RegistryIdentity,
  deps: AttachRegistryDependencies,
  options: AttachRegistryOptions = {},
): Promise<AttachRegistrySummary> {
  const now = options.now?.() ?? new Date();
  const today = now.toISOString().slice(0, 10);
  const summary: AttachRegistrySummary = {
    registry: registry.slug,
    rows: 0,
    matched: 0,
    unmatched: 0,
    rejected: 0,
    programsMatched: 0,
    programsUpdated: 0,
    programsUnchanged: 0,
    licencesRemoved: 0,
    licences: { current: 0, expired: 0 },
    unmatchedRows: [],
    errors: [],
    dryRun: options.dryRun ?? false,
  };

  const index = await indexPrograms(deps.store, registry, options.sources);

  // Program id -> licence number -> the licence the file states for it.
  const attached = new Map<string, Map<string, RegistryLicense>>();
  // Numbers of valid rows: for these the file says exactly which programs hold them.
  const stated = new Map<string, number>();
  // Numbers of valid and rejected rows: what `prune` must keep.
  const mentioned = new Set<string>();
  let unnumberedRejects = 0;

  for await (const row of rows) {
    summary.rows++;
    if (isRegistryRowError(row)) {
      summary.rejected++;
      summary.errors.push(...row.errors.map((error) => ({ line: row.line, ...error })));
      if (row.number) mentioned.add(row.number);
      else unnumberedRejects++;
      continue;
    }
    const { number } = row.licence;
    const earlier = stated.get(number);
    if (earlier !== undefined) {
      summary.rejected++;
      summary.errors.push({ line: row.line, path: 'number', message: `licence number ${number} repeats line ${earlier} (the first row is kept)` });
      continue;
    }
    stated.set(number, row.line);
    mentioned.add(number);
    if (row.licence.expiresOn !== undefined && row.licence.expiresOn < today) summary.licences.expired++;
    else summary.licences.current++;

    const ids = index.match(row);
    if (ids.length === 0) {
      summary.unmatched++;
      summary.unmatchedRows.push({ line: row.line, number, name: row.name, address: row.address });
      continue;
    }
    summary.matched++;
    for (const id of ids) {
      let licences = attached.get(id);
      if (!licences) attached.set(id, (licences = new Map()));
      licences.set(number, row.licence);
    }
  }
  summary.programsMatched = attached.size;

  let keepAbsent = true;
  if (options.prune) {
    if (unnumberedRejects > 0) {
      summary.pruneSkipped = `${unnumberedRejects} rejected rows have no readable licence number, so the licences missing from the file cannot be told apart from them`;
    } else if (stated.size === 0) {
      summary.pruneSkipped = 'the file has no valid row; pruning would remove every licence of the registry';
    } else {
      keepAbsent = false;
    }
  }
  const next = (program: Program): { licences: RegistryLicense[]; removed: number } => {
    const existing = program.registryLicenses ?? [];
    const others = existing.filter((licence) => licence.registry !== registry.slug);
    const own = existing.filter((licence) => licence.registry === registry.slug);
    // A number the file states is held by exactly the programs its row matches now; a number it
    // does not state (rejected this time, or absent) stays unless pruned.
    const kept = own.filter((licence) => !stated.has(licence.number) && (keepAbsent || mentioned.has(licence.number)));
    const fresh = [...(attached.get(program.id)?.values() ?? [])];
    const removed = own.filter((licence) => !kept.includes(licence) && !fresh.some((added) => added.number === licence.number)).length;
    return { licences: [...others, ...[...kept, ...fresh].sort(byNumber)], removed };
  };

  const candidates = [...new Set([...attached.keys(), ...index.holders])];
  const chunkSize = options.chunkSize ?? 500;
  const updatedAt = now.toISOString();
  for (let start = 0; start < candidates.length; start += chunkSize) {
    let ids = candidates.slice(start, start + chunkSize);
    for (let attempt = 0; ids.length > 0; attempt++) {
      // Read again just before writing: the scan may be minutes old on a large table.
      const stored = await deps.store.getMany(ids);
      const changed: { program: Program; removed: number }[] = [];
      for (const id of ids) {
        const program = stored.get(id);
        if (!program || program.status !== 'published') continue;
        const { licences, removed } = next(program);
        if (sameContent(licences, program.registryLicenses ?? [])) {
          summary.programsUnchanged++;
          continue;
        }
        const { registryLicenses: _previous, ...rest } = program;
        changed.push({ program: { ...rest, ...(licences.length > 0 && { registryLicenses: licences }), version: program.version + 1, updatedAt }, removed });
      }
      // Each write is conditional on the version just read: a program written meanwhile (an
      // import, a claim approved, an owner's edit) is read again and its licences decided anew.
      const lost =
        summary.dryRun || changed.length === 0 ? new Set<string>() : await deps.store.replaceMany(changed.map(({ program }) => ({ program, expectedVersion: program.version - 1 })));
      for (const { removed } of changed.filter(({ program }) => !lost.has(program.id))) {
        summary.programsUpdated++;
        summary.licencesRemoved += removed;
      }
      if (lost.size > 0 && attempt >= CONFLICT_RETRIES) throw new Error(`${lost.size} programs kept changing while their registry licences were written; run the import again`);
      ids = [...lost];
    }
  }
  return summary;
}

/** How often a write that lost to a concurrent writer is decided again on a fresh read. */
const CONFLICT_RETRIES = 5;

const byNumber = (a: RegistryLicense, b: RegistryLicense) => (a.number < b.number ? -1 : a.number > b.number ? 1 : 0);

interface ProgramIndex {
  /** The published programs at the row's address: by street1 + zip, else by name + zip. */
  match(row: RegistryRow): string[];
  /** Published programs that hold a licence of this registry now. */
  holders: string[];
}

/**
 * One pass over the table keeping only what matching needs (two keys per program of the
 * registry's state), so memory stays small whatever the table holds.
 */
async function indexPrograms(store: ProgramStore, registry: RegistryIdentity, sources: readonly string[] | undefined): Promise<ProgramIndex> {
  const byStreet = new Map<string, string[]>();
  const byName = new Map<string, string[]>();
  const holders: string[] = [];
  const add = (keys: Map<string, string[]>, key: string | undefined, id: string) => {
    if (key === undefined) return;
    const ids = keys.get(key);
    if (ids) ids.push(id);
    else keys.set(key, [id]);
  };
  for await (const page of store.scanAll()) {
    for (const program of page) {
      if (program.status !== 'published' || (sources && !sources.includes(program.source))) continue;
      if (program.registryLicenses?.some((licence) => licence.registry === registry.slug)) holders.push(program.id);
      if (program.address.state !== registry.state) continue;
      add(byStreet, streetKey(program.address.street1, program.address.zip), program.id);
      add(byName, nameKey(program.name, program.address.zip), program.id);
    }
  }
  return {
    holders,
    match(row) {
      const street = streetKey(row.address.street1, row.address.zip);
      const byStreetIds = street === undefined ? undefined : byStreet.get(street);
      if (byStreetIds) return byStreetIds;
      const name = nameKey(row.name, row.address.zip);
      return (name === undefined ? undefined : byName.get(name)) ?? [];
    },
  };
}
