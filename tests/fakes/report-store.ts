import type { Report } from '../../functions/domain/report';
import type { ReportStore } from '../../functions/ports/report-store';

/** ReportStore in memory, with the DynamoDB adapter's conditional write on `revision`; values are copied in and out. */
export class MemoryReportStore implements ReportStore {
  private readonly items = new Map<string, Report>();

  async get(id: string): Promise<Report | undefined> {
    const report = this.items.get(id);
    return report && structuredClone(report);
  }

  async save(report: Report, expectedRevision: number | 'absent'): Promise<boolean> {
    const stored = this.items.get(report.id);
    if (expectedRevision === 'absent' ? stored !== undefined : stored?.revision !== expectedRevision) return false;
    this.items.set(report.id, structuredClone(report));
    return true;
  }

  /** Every stored report (the review queue of MemoryListingStore reads the open ones). */
  all(): Report[] {
    return [...this.items.values()].map((report) => structuredClone(report));
  }
}
