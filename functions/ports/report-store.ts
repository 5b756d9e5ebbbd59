import type { Report } from '../domain/report';

/** Where problem reports live (the programs table, beside programs, listings and claims). */
export interface ReportStore {
  get(id: string): Promise<Report | undefined>;
  /** Writes if the stored report still has `expectedRevision` (`'absent'`: none stored); false otherwise. */
  save(report: Report, expectedRevision: number | 'absent'): Promise<boolean>;
}
