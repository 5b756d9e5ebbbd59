import { sameContent } from './content-hash';
import type { GeoPoint, Program, ProgramRecord } from './program';
import { LISTING_RECORD_FIELDS } from './public-view';

export const LISTING_STATUSES = ['pending_review', 'published', 'rejected', 'archived'] as const;
export type ListingStatus = (typeof LISTING_STATUSES)[number];

/** Listings are provider-submitted programs; their public face is a program with this source. */
export const PROVIDER_SOURCE = 'provider';

/** A submitted record with what the directory derived from it (location, time zone). */
export type ListingVersion = ProgramRecord & {
  location: GeoPoint;
  locationPrecision: 'exact' | 'zip';
  timezone: string;
};

export type ListingAction = 'created' | 'claimed' | 'updated' | 'approved' | 'rejected' | 'archived' | 'confirmed';

export interface ListingHistoryEntry {
  at: string;
  /** The `sub` of whoever acted. */
  actor: string;
  role: 'provider' | 'reviewer';
  action: ListingAction;
  /** Top-level fields of the record that this step changed. */
  changes?: string[];
  note?: string;
}

export interface Listing {
  id: string;
  ownerId: string;
  /**
   * The imported program this listing maintains since its owner's claim was approved. Such a
   * listing is not indexed itself: its approved version is served as that program.
   */
  programId?: string;
  status: ListingStatus;
  /** The version the public sees, once one has been approved. */
  live?: Program;
  /** The version waiting for review, if any. A live version stays served meanwhile. */
  pending?: ListingVersion;
  /** The last reviewer's note to the provider (the rejection reason). */
  reviewNotes?: string;
  /**
   * The published program whose street and name the pending version matches (set on submission,
   * for reviewers: a likely duplicate, which a reviewer can turn into a claim on that program).
   */
  likelyDuplicateOf?: string;
  /** Grows by one with every write: the ETag, and the index version of the live program. */
  revision: number;
  submittedAt?: string;
  createdAt: string;
  updatedAt: string;
  /** Every step, oldest first; a write appends its own. Unbounded: the store keeps it apart from the listing. */
  history: ListingHistoryEntry[];
  /** Set when created with an Idempotency-Key: a retry gets the first response back. */
  idempotency?: { key: string; requestHash: string; response: string };
}

/**
 * A listing as pages of listings carry it (an owner's list, the review queue): its history,
 * which can be long, is read only with the listing itself.
 */
export type ListingWithoutHistory = Omit<Listing, 'history'>;

/** A field where the program's source, at its latest import, says something else than the served version. */
export interface SourceDifference {
  field: string;
  source: unknown;
  current: unknown;
}

/** What owners and reviewers see of a listing. */
export interface ListingView {
  id: string;
  ownerId: string;
  programId: string | null;
  status: ListingStatus;
  reviewNotes: string | null;
  current: ProgramRecord | null;
  pending: ProgramRecord | null;
  revision: number;
  submittedAt: string | null;
  createdAt: string;
  updatedAt: string;
  /** The published program this listing likely duplicates (same street and name), when one was found on submission. */
  likelyDuplicateOf?: string;
  /** For a claimed program: what its source said at its latest import, where it differs. */
  source?: { dataAsOf: string | null; seenAt: string; noLongerListedSince: string | null; differences: SourceDifference[] };
}

/**
 * A listing taken out of search and out of the queue, its history kept: what archiving does, whoever
 * asks (the owner, or a reviewer converting a duplicate into a claim).
 */
export function archivedListing(listing: Listing, at: string, by: Omit<ListingHistoryEntry, 'at' | 'action'>): Listing {
  return {
    ...listing,
    status: 'archived',
    pending: undefined,
    submittedAt: undefined,
    revision: listing.revision + 1,
    updatedAt: at,
    history: [...listing.history, { at, action: 'archived', ...by }],
  };
}

/**
 * The record fields of a version (public-view.ts lists them), without what the directory tracks
 * about a published program: what owners and reviewers see as a listing's versions.
 */
export function recordOf(version: ListingVersion | Program | undefined): ProgramRecord | null {
  if (!version) return null;
  const fields = version as Partial<Program> & Record<string, unknown>;
  const record = Object.fromEntries(
    LISTING_RECORD_FIELDS.filter((field) => field !== 'location' && fields[field] !== undefined).map((field) => [field, fields[field]]),
  ) as ProgramRecord;
  // What a client can send back as it reads it: a zip centroid is the directory's fallback, not a stated location.
  return fields.locationPrecision === 'zip' || !fields.location ? record : { ...record, location: fields.location };
}

export function toListingView(listing: ListingWithoutHistory, program?: Program): ListingView {
  const statement = program?.ownedBy === listing.id ? program.sourceStatement : undefined;
  return {
    id: listing.id,
    ownerId: listing.ownerId,
    programId: listing.programId ?? null,
    status: listing.status,
    reviewNotes: listing.reviewNotes ?? null,
    current: listing.status === 'archived' ? null : recordOf(listing.live),
    pending: recordOf(listing.pending),
    revision: listing.revision,
    submittedAt: listing.submittedAt ?? null,
    createdAt: listing.createdAt,
    updatedAt: listing.updatedAt,
    ...(listing.likelyDuplicateOf && { likelyDuplicateOf: listing.likelyDuplicateOf }),
    ...(statement && {
      source: {
        dataAsOf: statement.dataAsOf ?? null,
        seenAt: statement.seenAt,
        noLongerListedSince: statement.droppedAt ?? null,
        differences: sourceDifferences(statement.record, recordOf(program)),
      },
    }),
  };
}

/** Top-level record fields where the source's statement and the served version disagree. */
export function sourceDifferences(source: ProgramRecord, current: ProgramRecord | null): SourceDifference[] {
  const said = source as Record<string, unknown>;
  const served = (current ?? {}) as Record<string, unknown>;
  const fields = new Set([...Object.keys(said), ...Object.keys(served)]);
  // The directory's own bookkeeping is not something the source states.
  for (const field of ['location', 'timezone', 'locationPrecision']) fields.delete(field);
  return [...fields]
    .filter((field) => !sameContent(said[field], served[field]))
    .sort()
    .map((field) => ({ field, source: said[field] ?? null, current: served[field] ?? null }));
}

/** Names of the top-level record fields that differ between two versions. */
export function changedFields(before: ListingVersion | Program | undefined, after: ListingVersion): string[] {
  const previous = (recordOf(before) ?? {}) as Record<string, unknown>;
  const next = recordOf(after) as Record<string, unknown>;
  const keys = new Set([...Object.keys(previous), ...Object.keys(next)]);
  return [...keys].filter((key) => !sameContent(previous[key], next[key])).sort();
}
