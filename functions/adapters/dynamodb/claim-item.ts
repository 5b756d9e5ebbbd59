import type { Claim } from '../../domain/claim';
import { REVIEW_QUEUE_KEY } from './listing-item';

export const claimKey = (id: string) => ({ pk: `CLAIM#${id}`, sk: 'CLAIM' });

/** An open claim waits in the review queue (gsi2) beside listings, ordered by submission time. */
export function toClaimItem(claim: Claim): Record<string, unknown> {
  return {
    ...claimKey(claim.id),
    kind: 'claim',
    ...claim,
    ...(claim.status === 'open' ? { gsi2pk: REVIEW_QUEUE_KEY, gsi2sk: `${claim.submittedAt}#${claim.id}` } : {}),
  };
}

export function isClaimItem(item: Record<string, unknown>): boolean {
  return item.kind === 'claim';
}

export function fromClaimItem(item: Record<string, unknown>): Claim {
  const { pk: _pk, sk: _sk, kind: _kind, gsi2pk: _g2p, gsi2sk: _g2s, ...claim } = item;
  return claim as unknown as Claim;
}
