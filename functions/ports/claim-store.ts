import type { Claim } from '../domain/claim';

/** Where claims live (the programs table, beside programs and listings). */
export interface ClaimStore {
  get(id: string): Promise<Claim | undefined>;
  /** Writes if the stored claim still has `expectedRevision` (`'absent'`: none stored); false otherwise. */
  save(claim: Claim, expectedRevision: number | 'absent'): Promise<boolean>;
}
