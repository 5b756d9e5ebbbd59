import { sameContent } from './content-hash';
import type { GeoPoint, Program, ProgramRecord } from './program';

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

export type ListingAction = 'created' | 'updated' | 'approved' | 'rejected' | 'archived';

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
  status: ListingStatus;
  /** The version the public sees, once one has been approved. */
  live?: Program;
  /** The version waiting for review, if any. A live version stays served meanwhile. */
  pending?: ListingVersion;
  /** The last reviewer's note to the provider (the rejection reason). */
  reviewNotes?: string;
  /** Grows by one with every write: the ETag, and the index version of the live program. */
  revision: number;
  submittedAt?: string;
  createdAt: string;
  updatedAt: string;
  history: ListingHistoryEntry[];
  /** Set when created with an Idempotency-Key: a retry gets the first response back. */
  idempotency?: { key: string; requestHash: string; response: string };
}

/** What owners and reviewers see of a listing. */
export interface ListingView {
  id: string;
  ownerId: string;
  status: ListingStatus;
  reviewNotes: string | null;
  current: ProgramRecord | null;
  pending: ProgramRecord | null;
  revision: number;
  submittedAt: string | null;
  createdAt: string;
  updatedAt: string;
}

/** The record fields of a version, without what the directory tracks about a published program. */
export function recordOf(version: ListingVersion | Program | undefined): ProgramRecord | null {
  if (!version) return null;
  const {
    id: _id,
    source: _source,
    externalId: _externalId,
    status: _status,
    version: _version,
    contentHash: _hash,
    createdAt: _created,
    updatedAt: _updated,
    dataAsOf: _asOf,
    verifiedAt: _verified,
    registryLicenses: _registry,
    locationSource: _located,
    ...record
  } = version as Partial<Program> & ProgramRecord;
  return record;
}

export function toListingView(listing: Listing): ListingView {
  return {
    id: listing.id,
    ownerId: listing.ownerId,
    status: listing.status,
    reviewNotes: listing.reviewNotes ?? null,
    current: listing.status === 'archived' ? null : recordOf(listing.live),
    pending: recordOf(listing.pending),
    revision: listing.revision,
    submittedAt: listing.submittedAt ?? null,
    createdAt: listing.createdAt,
    updatedAt: listing.updatedAt,
  };
}

/** Names of the top-level record fields that differ between two versions. */
export function changedFields(before: ListingVersion | Program | undefined, after: ListingVersion): string[] {
  const previous = (recordOf(before) ?? {}) as Record<string, unknown>;
  const next = recordOf(after) as Record<string, unknown>;
  const keys = new Set([...Object.keys(previous), ...Object.keys(next)]);
  return [...keys].filter((key) => !sameContent(previous[key], next[key])).sort();
}
