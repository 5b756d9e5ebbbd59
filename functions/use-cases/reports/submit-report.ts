import { randomUUID } from 'node:crypto';
import { InvalidRequestError, NotFoundError, RateLimitedError } from '../../domain/errors';
import { reportRequestSchema, type Report, type ReportStatus } from '../../domain/report';
import { toErrorDetails } from '../../domain/validation-details';
import { nowIso, type ReportSubmissionDependencies } from './report-dependencies';

/** Contract 1.1, section 7: at most 5 reports a minute from one client address. */
export const REPORTS_PER_WINDOW = 5;
export const REPORT_WINDOW_SECONDS = 60;

/** A 429 that says when to try again (the handler sends it as `Retry-After`). */
export class RetryLaterError extends RateLimitedError {
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(message);
  }
}

export const newReportId = () => `rpt_${randomUUID().replace(/-/g, '').slice(0, 20)}`;

export interface SubmittedReport {
  id: string;
  status: ReportStatus;
}

/**
 * Queues an anonymous problem report about a published program for reviewers. The body is
 * checked first (a malformed request costs nothing), then the sender's address is counted, and
 * only then is the program looked up, so a flood of requests never reaches the search domain.
 * The message is kept exactly as sent: it is plain text and only ever served inside JSON.
 */
export async function submitReport(programId: string, body: unknown, clientAddress: string, deps: ReportSubmissionDependencies): Promise<SubmittedReport> {
  const parsed = reportRequestSchema.safeParse(body);
  if (!parsed.success) throw new InvalidRequestError('Invalid body', toErrorDetails(parsed.error.issues));

  const hit = await deps.rateLimiter.hit(clientAddress, REPORTS_PER_WINDOW, REPORT_WINDOW_SECONDS);
  if (!hit.allowed) {
    throw new RetryLaterError(`At most ${REPORTS_PER_WINDOW} reports a minute may come from one address; try again in ${hit.retryAfterSeconds}s`, hit.retryAfterSeconds);
  }

  const program = await deps.programs.get(programId);
  if (!program) throw new NotFoundError(`No published program with id ${programId}`, [{ path: 'id', message: 'not found' }]);

  const report: Report = {
    id: (deps.newId ?? newReportId)(),
    programId: program.id,
    programName: program.name,
    category: parsed.data.category,
    message: parsed.data.message,
    status: 'open',
    submittedAt: nowIso(deps),
    revision: 1,
  };
  if (!(await deps.reports.save(report, 'absent'))) throw new Error(`Report id ${report.id} is already taken`);
  return { id: report.id, status: report.status };
}
