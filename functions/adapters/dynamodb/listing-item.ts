import type { Listing, ListingHistoryEntry, ListingWithoutHistory } from '../../domain/listing';

export const OWNER_INDEX = 'gsi1';
export const REVIEW_QUEUE_INDEX = 'gsi2';
export const REVIEW_QUEUE_KEY = 'REVIEW_QUEUE';

export const listingKey = (id: string) => ({ pk: `LISTING#${id}`, sk: 'LISTING' });
export const ownerPartition = (ownerId: string) => `OWNER#${ownerId}`;
/**
 * One item per provider holding their reservations of review capacity: a map from listing id to
 * `{revision, reservedAt, token}`, so one conditional update both counts and adds atomically.
 */
export const pendingReservationsKey = (ownerId: string) => ({ pk: `PENDING#${ownerId}`, sk: 'PENDING' });
export const PENDING_RESERVATIONS_KIND = 'pending_reservations';
export const reviewQueuePartition = REVIEW_QUEUE_KEY;

/**
 * Where a listing's history chain ends: the newest history item (`null` before the first) and
 * how many entries the chain holds. The listing item carries it, so the one conditional write of
 * the listing is what makes a new history item part of the history.
 */
export interface HistoryChain {
  head: string | null;
  length: number;
}

export const EMPTY_HISTORY: HistoryChain = { head: null, length: 0 };

/**
 * A listing item carries its index keys: every listing under its owner (gsi1), and only those
 * waiting for review under the queue (gsi2, a sparse index ordered by submission time). Its
 * history lives in history items beside it (see HistoryItem), so the item stays the same size
 * however often the listing is edited: DynamoDB refuses items over 400 KB.
 */
export function toListingItem(listing: Listing | ListingWithoutHistory, history: HistoryChain = EMPTY_HISTORY): Record<string, unknown> {
  const waiting = listing.status === 'pending_review' && listing.submittedAt;
  const { history: _inline, ...fields } = listing as Listing;
  return {
    ...listingKey(listing.id),
    kind: 'listing',
    ...fields,
    historyHead: history.head,
    historyLength: history.length,
    gsi1pk: ownerPartition(listing.ownerId),
    gsi1sk: `${listing.createdAt}#${listing.id}`,
    ...(waiting ? { gsi2pk: REVIEW_QUEUE_KEY, gsi2sk: `${listing.submittedAt}#${listing.id}` } : {}),
  };
}

export function isListingItem(item: Record<string, unknown>): boolean {
  return item.kind === 'listing';
}

/** The listing without its history, which is read apart (see readHistory). */
export function fromListingItem(item: Record<string, unknown>): ListingWithoutHistory {
  const {
    pk: _pk,
    sk: _sk,
    kind: _kind,
    gsi1pk: _g1p,
    gsi1sk: _g1s,
    gsi2pk: _g2p,
    gsi2sk: _g2s,
    history: _inline,
    historyHead: _head,
    historyLength: _length,
    ...listing
  } = item;
  return listing as unknown as ListingWithoutHistory;
}

/**
 * The history chain a listing item points at. An item written before history moved out of it
 * (`history` inline, no `historyLength`) has none: its inline entries are its whole history.
 */
export function historyChainOf(item: Record<string, unknown>): HistoryChain | 'inline' {
  if (typeof item.historyLength !== 'number') return 'inline';
  return { head: typeof item.historyHead === 'string' ? item.historyHead : null, length: item.historyLength };
}

export function inlineHistoryOf(item: Record<string, unknown>): ListingHistoryEntry[] {
  return Array.isArray(item.history) ? (item.history as ListingHistoryEntry[]) : [];
}

export const LISTING_HISTORY_KIND = 'listing_history';

/**
 * Consecutive history entries of one listing, written by one save. Items link newest to oldest
 * (`follows`), and only the chain starting at the listing item's `historyHead` is the history: an
 * item whose listing write then lost the race (or never happened, after a crash) is left
 * unreachable, so the history always matches the listing state it was read with.
 */
export interface HistoryItem {
  id: string;
  follows: string | null;
  entries: ListingHistoryEntry[];
}

/**
 * In the listing's own partition, so one query reads the listing and its history together.
 * Ordered by the revision that wrote them, for whoever browses the table; reads follow the links.
 */
export function historyItemKey(listingId: string, revision: number, part: number, id: string) {
  return { pk: listingKey(listingId).pk, sk: `HISTORY#${String(revision).padStart(12, '0')}#${String(part).padStart(4, '0')}#${id}` };
}

export function toHistoryItem(listingId: string, revision: number, part: number, history: HistoryItem): Record<string, unknown> {
  return { ...historyItemKey(listingId, revision, part, history.id), kind: LISTING_HISTORY_KIND, ...history };
}

export function isHistoryItem(item: Record<string, unknown>): boolean {
  return item.kind === LISTING_HISTORY_KIND;
}

export function fromHistoryItem(item: Record<string, unknown>): HistoryItem {
  return { id: String(item.id), follows: typeof item.follows === 'string' ? item.follows : null, entries: (item.entries ?? []) as ListingHistoryEntry[] };
}

/**
 * The entries of the chain ending at `chain.head`, oldest first. Unlinked items (a lost race, a
 * crash between the two writes of a save) are skipped; a broken link (a missing item) is an error
 * rather than a silently shortened history.
 */
export function historyFromChain(listingId: string, chain: HistoryChain, items: readonly HistoryItem[]): ListingHistoryEntry[] {
  const byId = new Map(items.map((item) => [item.id, item]));
  const newestFirst: ListingHistoryEntry[][] = [];
  for (let id = chain.head; id !== null; ) {
    const item = byId.get(id);
    if (!item) throw new Error(`Listing ${listingId}: history item ${id} is missing`);
    newestFirst.push(item.entries);
    byId.delete(id);
    id = item.follows;
  }
  const history = newestFirst.reverse().flat();
  if (history.length !== chain.length) throw new Error(`Listing ${listingId}: history chain holds ${history.length} entries, the listing counts ${chain.length}`);
  return history;
}
