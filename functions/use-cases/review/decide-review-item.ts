import type { ClaimView } from '../../domain/claim';
import { NotFoundError } from '../../domain/errors';
import type { Identity } from '../../domain/identity';
import type { ListingView } from '../../domain/listing';
import { approveClaim, rejectClaim } from '../claims/decide-claim';
import type { ListingDependencies } from '../listings/listing-dependencies';
import { approveListing, rejectListing } from '../listings/review-listing';

/** What a decision answers with: the decided item, and for a listing its new ETag. */
export type Decision = { kind: 'listing'; item: ListingView; etag: string } | { kind: 'claim'; item: ClaimView } | { kind: 'report'; item: unknown };

/**
 * Resolves reports: bound by the composition root (the report store lives beside, not inside,
 * the listing machinery). `acted_on` for approve, `dismissed` for reject.
 */
export type ReportResolver = (identity: Identity, id: string, outcome: 'acted_on' | 'dismissed', note: string | undefined) => Promise<unknown>;

/** The queue's items are told apart by their ids' prefixes: `lst_`, `clm_`, `rpt_`. */
export async function approveReviewItem(
  identity: Identity,
  id: string,
  ifMatch: string | undefined,
  deps: ListingDependencies & { resolveReport?: ReportResolver },
): Promise<Decision> {
  if (id.startsWith('clm_')) return { kind: 'claim', item: await approveClaim(identity, id, deps) };
  if (id.startsWith('rpt_')) return { kind: 'report', item: await resolve(identity, id, 'acted_on', undefined, deps) };
  const { listing, etag } = await approveListing(identity, id, ifMatch, deps);
  return { kind: 'listing', item: listing, etag };
}

export async function rejectReviewItem(
  identity: Identity,
  id: string,
  reason: string,
  ifMatch: string | undefined,
  deps: ListingDependencies & { resolveReport?: ReportResolver },
): Promise<Decision> {
  if (id.startsWith('clm_')) return { kind: 'claim', item: await rejectClaim(identity, id, reason, deps) };
  if (id.startsWith('rpt_')) return { kind: 'report', item: await resolve(identity, id, 'dismissed', reason, deps) };
  const { listing, etag } = await rejectListing(identity, id, reason, ifMatch, deps);
  return { kind: 'listing', item: listing, etag };
}

function resolve(identity: Identity, id: string, outcome: 'acted_on' | 'dismissed', note: string | undefined, deps: { resolveReport?: ReportResolver }) {
  if (!deps.resolveReport) throw new NotFoundError(`No report ${id}`, [{ path: 'id', message: 'not found' }]);
  return deps.resolveReport(identity, id, outcome, note);
}
