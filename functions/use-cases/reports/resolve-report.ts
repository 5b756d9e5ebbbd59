import { ConflictError, NotFoundError } from '../../domain/errors';
import type { Identity } from '../../domain/identity';
import { isReportId, toReportView, type Report, type ReportResolution, type ReportView } from '../../domain/report';
import { requireReviewer } from '../listings/listing-access';
import { nowIso, type ReportResolutionDependencies } from './report-dependencies';

/**
 * A reviewer closes an open report: `acted_on` (the approve route: the program was corrected) or
 * `dismissed` (the reject route), with an optional note. The report leaves the review queue and
 * is kept. Non-reviewers are refused before anything is read (403); an unknown id is 404; a
 * report already resolved, by this call's competitor included, is 409.
 */
export async function resolveReport(
  identity: Identity,
  id: string,
  resolution: ReportResolution,
  note: string | undefined,
  deps: ReportResolutionDependencies,
): Promise<ReportView> {
  requireReviewer(identity);
  const report = isReportId(id) ? await deps.reports.get(id) : undefined;
  if (!report) throw new NotFoundError(`No report ${id}`, [{ path: 'id', message: 'not found' }]);
  if (report.status !== 'open') throw alreadyResolved(report);

  const trimmed = note?.trim();
  const next: Report = {
    ...report,
    status: resolution,
    resolvedBy: identity.sub,
    resolvedAt: nowIso(deps),
    ...(trimmed ? { resolutionNote: trimmed } : {}),
    revision: report.revision + 1,
  };
  if (!(await deps.reports.save(next, report.revision))) {
    const current = await deps.reports.get(id);
    throw alreadyResolved(current ?? report);
  }
  return toReportView(next);
}

function alreadyResolved(report: Report): ConflictError {
  return new ConflictError(`Report ${report.id} is already resolved`, [{ path: 'id', message: `is ${report.status}` }]);
}
