import type { Listing, ListingWithoutHistory } from '../../functions/domain/listing';
import type { ListingStore, Page, PendingReservation, QueueEntry } from '../../functions/ports/listing-store';
import type { MemoryClaimStore } from './claim-store';
import type { MemoryReportStore } from './report-store';

type HeldReservation = Omit<PendingReservation, 'listingId'>;

/**
 * ListingStore in memory, keeping DynamoDbListingStore's semantics:
 * - `save` is conditional on `revision` (`'absent'`: no listing with that id yet);
 * - an owner's listings come newest first (by `createdAt`, then id), the review queue oldest
 *   submission first (by `submittedAt`, then id), across listings in review, open claims and open
 *   reports (the claim and report stores are given to the constructor, as they share the table);
 * - pages of listings (an owner's, the queue's) carry no history, which only `get` reads;
 * - reservations of review capacity live in one record per owner, which exists only once
 *   started: `reservePending` refuses while there is none, and counts and adds in one step.
 * Values are copied in and out, as a real store serialises them.
 */
export class MemoryListingStore implements ListingStore {
  private readonly listings = new Map<string, Listing>();
  private readonly reservations = new Map<string, Map<string, HeldReservation>>();

  constructor(private readonly queueSources: { claims?: MemoryClaimStore; reports?: MemoryReportStore } = {}) {}

  async get(id: string): Promise<Listing | undefined> {
    const listing = this.listings.get(id);
    return listing && structuredClone(listing);
  }

  async save(listing: Listing, expectedRevision: number | 'absent'): Promise<boolean> {
    const stored = this.listings.get(listing.id);
    if (expectedRevision === 'absent' ? stored !== undefined : stored?.revision !== expectedRevision) return false;
    this.listings.set(listing.id, structuredClone(listing));
    return true;
  }

  async listByOwner(ownerId: string, page: { limit: number; cursor?: string }): Promise<Page<ListingWithoutHistory>> {
    const owned = this.all()
      .filter((listing) => listing.ownerId === ownerId)
      .map((listing) => ({ key: `${listing.createdAt}#${listing.id}`, item: withoutHistory(listing) }))
      .sort((a, b) => b.key.localeCompare(a.key));
    return pageOf(owned, page, (key, cursor) => key < cursor);
  }

  async pendingReservations(ownerId: string): Promise<PendingReservation[] | undefined> {
    const held = this.reservations.get(ownerId);
    if (!held) return undefined;
    return [...held].map(([listingId, reservation]) => ({ listingId, ...structuredClone(reservation) }));
  }

  async startPendingReservations(ownerId: string, reservations: readonly PendingReservation[]): Promise<void> {
    if (this.reservations.has(ownerId)) return;
    this.reservations.set(ownerId, new Map(reservations.map(({ listingId, ...reservation }) => [listingId, structuredClone(reservation)])));
  }

  async reservePending(ownerId: string, { listingId, ...reservation }: PendingReservation, max: number): Promise<boolean> {
    const held = this.reservations.get(ownerId);
    if (!held || held.size >= max || held.has(listingId)) return false;
    held.set(listingId, structuredClone(reservation));
    return true;
  }

  async releasePending(ownerId: string, listingId: string, which: { token: string } | { upToRevision: number }): Promise<boolean> {
    const held = this.reservations.get(ownerId);
    const reservation = held?.get(listingId);
    if (!held || !reservation) return false;
    const matches = 'token' in which ? reservation.token === which.token : reservation.revision <= which.upToRevision;
    if (!matches) return false;
    held.delete(listingId);
    return true;
  }

  async reviewQueue(page: { limit: number; cursor?: string }): Promise<Page<QueueEntry>> {
    const waiting: { key: string; item: QueueEntry }[] = [];
    for (const listing of this.all()) {
      if (listing.status === 'pending_review' && listing.submittedAt) waiting.push({ key: `${listing.submittedAt}#${listing.id}`, item: { kind: 'listing', listing: withoutHistory(listing) } });
    }
    for (const claim of this.queueSources.claims?.all() ?? []) {
      if (claim.status === 'open') waiting.push({ key: `${claim.submittedAt}#${claim.id}`, item: { kind: 'claim', claim } });
    }
    for (const report of this.queueSources.reports?.all() ?? []) {
      if (report.status === 'open') waiting.push({ key: `${report.submittedAt}#${report.id}`, item: { kind: 'report', report } });
    }
    waiting.sort((a, b) => a.key.localeCompare(b.key));
    return pageOf(waiting, page, (key, cursor) => key > cursor);
  }

  /** Every stored listing (the program store's index source reads them, as the table holds both). */
  all(): Listing[] {
    return [...this.listings.values()].map((listing) => structuredClone(listing));
  }
}

function withoutHistory({ history: _history, ...listing }: Listing): ListingWithoutHistory {
  return listing;
}

/** One page of items already in order; the cursor is the sort key of the page's last item. */
function pageOf<T>(ordered: { key: string; item: T }[], page: { limit: number; cursor?: string }, after: (key: string, cursor: string) => boolean): Page<T> {
  const rest = page.cursor === undefined ? ordered : ordered.filter(({ key }) => after(key, page.cursor!));
  const items = rest.slice(0, page.limit);
  const more = rest.length > page.limit;
  return { items: items.map(({ item }) => item), nextCursor: more ? items.at(-1)!.key : null };
}
