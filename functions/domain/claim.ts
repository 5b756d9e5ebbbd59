import { createHash } from 'node:crypto';
import { z } from 'zod';
import { notBlank, US_PHONE_PATTERN } from './schema-patterns';

/** A provider asking to maintain an imported program (contract 1.1, section 7). */
export const claimRequestSchema = z.strictObject({
  role: notBlank(z.string().trim().min(1, { message: 'must not be empty: say how you are connected to the program' }).max(200)).describe(
    'How the claimant is connected to the program (e.g. clinical director)',
  ),
  phone: z
    .string()
    .trim()
    .regex(US_PHONE_PATTERN, { message: 'must be a US phone number with 10 digits' })
    .optional()
    .describe('A US phone number a reviewer can call back'),
  note: z.string().trim().max(2000).optional(),
});
export type ClaimRequest = z.infer<typeof claimRequestSchema>;

export const CLAIM_STATUSES = ['open', 'approved', 'rejected'] as const;
export type ClaimStatus = (typeof CLAIM_STATUSES)[number];

export interface Claim extends ClaimRequest {
  id: string;
  programId: string;
  /** The program's name when claimed, so the queue reads without a second lookup. */
  programName: string;
  claimantId: string;
  status: ClaimStatus;
  submittedAt: string;
  reviewedBy?: string;
  reviewedAt?: string;
  reviewNotes?: string;
  /** The listing an approval created: the claimant's, linked to the program. */
  listingId?: string;
  /** Set when a reviewer made the claim from a provider's duplicate listing. */
  fromListingId?: string;
  /** Grows by one with every write (conditional writes compare it). */
  revision: number;
}

/**
 * One claim per program and provider: the id is derived from both, so a second open claim is the
 * same item (409), and a claim rejected earlier is the item a new claim reopens.
 */
export function claimIdFor(programId: string, claimantId: string): string {
  return `clm_${createHash('sha256').update(`${programId}\u0000${claimantId}`).digest('hex').slice(0, 20)}`;
}

/** The listing an approved claim creates: derived from the claim, so a retried approval addresses the same one. */
export function listingIdForClaim(claimId: string): string {
  return `lst_${createHash('sha256').update(`claim\u0000${claimId}`).digest('hex').slice(0, 20)}`;
}

export type ClaimView = Omit<Claim, 'revision'> & { kind: 'claim' };

export function toClaimView(claim: Claim): ClaimView {
  const { revision: _revision, ...view } = claim;
  return { kind: 'claim', ...view };
}
