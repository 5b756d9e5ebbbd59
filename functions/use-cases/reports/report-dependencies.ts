import type { RateLimiter } from '../../ports/rate-limiter';
import type { ReportStore } from '../../ports/report-store';
import type { SearchIndex } from '../../ports/search-index';

/** What resolving a report needs: the store only. */
export interface ReportResolutionDependencies {
  reports: ReportStore;
  now?: () => Date;
}

/** What submitting a report needs: the published programs (search index), the limiter and the store. */
export interface ReportSubmissionDependencies extends ReportResolutionDependencies {
  programs: Pick<SearchIndex, 'get'>;
  rateLimiter: RateLimiter;
  /** A new report id (`rpt_` and 20 lower-case hex characters); random unless a test fixes it. */
  newId?: () => string;
}

export const nowIso = (deps: Pick<ReportResolutionDependencies, 'now'>) => (deps.now?.() ?? new Date()).toISOString();
