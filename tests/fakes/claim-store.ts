import type { Claim } from '../../functions/domain/claim';
import type { ClaimStore } from '../../functions/ports/claim-store';

/**
 * ClaimStore in memory, with the DynamoDB adapter's conditional write on `revision`. Values are
 * copied in and out, as a real store serialises them, so a use case cannot change what is stored
 * by mutating an object it read or wrote.
 */
export class MemoryClaimStore implements ClaimStore {
  private readonly items = new Map<string, Claim>();

  async get(id: string): Promise<Claim | undefined> {
    const claim = this.items.get(id);
    return claim && structuredClone(claim);
  }

  async save(claim: Claim, expectedRevision: number | 'absent'): Promise<boolean> {
    const stored = this.items.get(claim.id);
    if (expectedRevision === 'absent' ? stored !== undefined : stored?.revision !== expectedRevision) return false;
    this.items.set(claim.id, structuredClone(claim));
    return true;
  }

  /** Every stored claim (the review queue of MemoryListingStore reads the open ones). */
  all(): Claim[] {
    return [...this.items.values()].map((claim) => structuredClone(claim));
  }
}
