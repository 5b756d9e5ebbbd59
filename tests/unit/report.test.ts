import { describe, expect, it } from 'vitest';
import { ForbiddenError, InvalidRequestError, NotFoundError, RateLimitedError } from '../../functions/domain/errors';
import type { PublicProgram } from '../../functions/domain/public-view';
import { isReportId, REPORT_CATEGORIES, reportRequestSchema, toReportView, type Report } from '../../functions/domain/report';
import { toErrorDetails } from '../../functions/domain/validation-details';
import type { RateLimiter } from '../../functions/ports/rate-limiter';
import type { ReportStore } from '../../functions/ports/report-store';
import { resolveReport } from '../../functions/use-cases/reports/resolve-report';
import { newReportId, RetryLaterError, submitReport } from '../../functions/use-cases/reports/submit-report';

const pathsOf = (input: unknown) => {
  const result = reportRequestSchema.safeParse(input);
  return result.success ? [] : toErrorDetails(result.error.issues).map((detail) => detail.path);
};

describe('report request schema', () => {
  it('accepts each category with a message of 1 to 2,000 characters, kept exactly as sent', () => {
    for (const category of REPORT_CATEGORIES) expect(reportRequestSchema.parse({ category, message: 'x' })).toEqual({ category, message: 'x' });
    const message = '  <script>alert(1)</script>\n&amp; "é" 🙂  ';
    expect(reportRequestSchema.parse({ category: 'other', message }).message).toBe(message);
    expect(pathsOf({ category: 'other', message: 'x'.repeat(2_000) })).toEqual([]);
    expect(REPORT_CATEGORIES).toEqual(['closed', 'wrong_phone', 'wrong_address', 'wrong_insurance', 'wrong_hours', 'other']);
  });

  it('counts characters, not UTF-16 code units', () => {
    expect(pathsOf({ category: 'other', message: '🙂'.repeat(2_000) })).toEqual([]);
    expect(pathsOf({ category: 'other', message: '🙂'.repeat(2_001) })).toEqual(['message']);
  });

  it('names the field of each problem', () => {
    expect(pathsOf({ category: 'spam', message: 'x' })).toEqual(['category']);
    expect(pathsOf({ message: 'x' })).toEqual(['category']);
    expect(pathsOf({ category: 'closed' })).toEqual(['message']);
    expect(pathsOf({ category: 'closed', message: '' })).toEqual(['message']);
    expect(pathsOf({ category: 'closed', message: '   \n' })).toEqual(['message']);
    expect(pathsOf({ category: 'closed', message: 'x'.repeat(2_001) })).toEqual(['message']);
    expect(pathsOf({ category: 'closed', message: ['x'] })).toEqual(['message']);
    expect(pathsOf({ category: 'closed', message: 'x', programId: 'p' })).toEqual(['programId']);
    expect(pathsOf(null)).toEqual(['']);
  });

  it('recognises report ids and hides the revision from views', () => {
    const id = newReportId();
    expect(isReportId(id)).toBe(true);
    expect(isReportId('lst_00000000000000000000')).toBe(false);
    expect(isReportId('rpt_short')).toBe(false);
    const report: Report = { id, programId: 'p', programName: 'P', category: 'closed', message: 'm', status: 'open', submittedAt: '2026-01-01T00:00:00.000Z', revision: 1 };
    expect(toReportView(report)).toEqual({ kind: 'report', id, programId: 'p', programName: 'P', category: 'closed', message: 'm', status: 'open', submittedAt: '2026-01-01T00:00:00.000Z' });
  });
});

class MemoryReports implements ReportStore {
  readonly items = new Map<string, Report>();
  async get(id: string) {
    return this.items.get(id);
  }
  async save(report: Report, expected: number | 'absent') {
    const stored = this.items.get(report.id);
    if (expected === 'absent' ? stored : stored?.revision !== expected) return false;
    this.items.set(report.id, report);
    return true;
  }
}

function fixedLimiter(counts: number[]): RateLimiter & { keys: string[] } {
  const keys: string[] = [];
  return {
    keys,
    hit: async (key, limit) => {
      keys.push(key);
      const count = counts.shift() ?? 1;
      return { allowed: count <= limit, count, retryAfterSeconds: 17 };
    },
  };
}

const program = { id: 'prog-1', name: 'Prairie IOP' } as PublicProgram;
const programs = { get: async (id: string) => (id === program.id ? program : undefined) };
const now = () => new Date('2026-03-01T12:00:00.000Z');

describe('submitReport', () => {
  it('checks the body, then the sender, then the program, and stores an open report', async () => {
    const reports = new MemoryReports();
    const rateLimiter = fixedLimiter([1, 1, 6]);
    const deps = { reports, programs, rateLimiter, now, newId: () => 'rpt_aaaaaaaaaaaaaaaaaaaa' };

    await expect(submitReport('prog-1', { category: 'nope', message: 'x' }, '192.0.2.1', deps)).rejects.toBeInstanceOf(InvalidRequestError);
    expect(rateLimiter.keys).toEqual([]);

    expect(await submitReport('prog-1', { category: 'closed', message: 'Shut.' }, '192.0.2.1', deps)).toEqual({ id: 'rpt_aaaaaaaaaaaaaaaaaaaa', status: 'open' });
    expect(reports.items.get('rpt_aaaaaaaaaaaaaaaaaaaa')).toEqual({
      id: 'rpt_aaaaaaaaaaaaaaaaaaaa',
      programId: 'prog-1',
      programName: 'Prairie IOP',
      category: 'closed',
      message: 'Shut.',
      status: 'open',
      submittedAt: '2026-03-01T12:00:00.000Z',
      revision: 1,
    });

    await expect(submitReport('missing', { category: 'closed', message: 'Shut.' }, '192.0.2.1', deps)).rejects.toBeInstanceOf(NotFoundError);
    const limited = submitReport('prog-1', { category: 'closed', message: 'Shut.' }, '192.0.2.1', deps);
    await expect(limited).rejects.toBeInstanceOf(RateLimitedError);
    await expect(limited).rejects.toMatchObject({ code: 'rate_limited', retryAfterSeconds: 17 });
    await expect(limited).rejects.toBeInstanceOf(RetryLaterError);
    expect(rateLimiter.keys).toEqual(['192.0.2.1', '192.0.2.1', '192.0.2.1']);
  });
});

describe('resolveReport', () => {
  it('refuses non-reviewers before reading anything', async () => {
    const reports = new MemoryReports();
    await expect(resolveReport({ sub: 'p', isReviewer: false }, 'rpt_aaaaaaaaaaaaaaaaaaaa', 'acted_on', undefined, { reports })).rejects.toBeInstanceOf(ForbiddenError);
  });

  it('reports a lost race as 409', async () => {
    const reports = new MemoryReports();
    const open: Report = { id: 'rpt_bbbbbbbbbbbbbbbbbbbb', programId: 'p', programName: 'P', category: 'other', message: 'm', status: 'open', submittedAt: '2026-01-01T00:00:00.000Z', revision: 1 };
    reports.items.set(open.id, open);
    // Another reviewer resolves it between this call's read and write.
    const racing: ReportStore = {
      get: (id) => reports.get(id),
      save: async (report, expected) => {
        reports.items.set(open.id, { ...open, status: 'dismissed', revision: 2 });
        return reports.save(report, expected);
      },
    };
    await expect(resolveReport({ sub: 'r', isReviewer: true }, open.id, 'acted_on', 'note', { reports: racing, now })).rejects.toMatchObject({
      code: 'conflict',
      details: [{ path: 'id', message: 'is dismissed' }],
    });
  });
});
