import { describe, expect, it } from 'vitest';
import { ConflictError, InvalidRequestError, NotFoundError } from '../../../functions/domain/errors';
import type { Identity } from '../../../functions/domain/identity';
import { reviewQueue } from '../../../functions/use-cases/listings/read-listings';
import { resolveReport } from '../../../functions/use-cases/reports/resolve-report';
import { RetryLaterError, submitReport } from '../../../functions/use-cases/reports/submit-report';
import { fakeDirectory } from '../../fakes/directory';
import { MemoryRateLimiter } from '../../fakes/rate-limiter';
import { makeProgram } from '../../support/program-fixtures';

/**
 * Problem reports (contract 7): at most 5 a minute from one client address, then 429 with the
 * seconds left in the minute; queued for reviewers beside listings and claims. The limiter is
 * the fixed-window fake of DynamoDbRateLimiter, on the test's clock.
 */
const reviewer: Identity = { sub: 'reviewer-1', isReviewer: true };
const report = { category: 'wrong_phone', message: 'The number rings a pizzeria.' };

async function reporting() {
  const directory = fakeDirectory();
  const program = makeProgram('samhsa', 'prairie', { name: 'Prairie IOP' });
  await directory.programs.putMany([program]);
  await directory.deliverStream();
  // 20 s into a minute: 40 s left in the window.
  directory.clock.set('2026-03-02T09:00:20.000Z');
  const rateLimiter = new MemoryRateLimiter(() => directory.clock.nowMs());
  let next = 0;
  const deps = {
    reports: directory.reports,
    programs: directory.index,
    rateLimiter,
    now: directory.clock.now,
    newId: () => `rpt_${String(++next).padStart(20, '0')}`,
  };
  return { ...directory, program, rateLimiter, reportDeps: deps };
}

describe('the report rate limit', () => {
  it('takes 5 reports a minute from one address, then refuses with the seconds left; other addresses and the next minute are unaffected', async () => {
    const { program, reportDeps, clock } = await reporting();
    for (let n = 0; n < 5; n++) await expect(submitReport(program.id, report, '192.0.2.1', reportDeps)).resolves.toMatchObject({ status: 'open' });
    const refused = submitReport(program.id, report, '192.0.2.1', reportDeps);
    await expect(refused).rejects.toBeInstanceOf(RetryLaterError);
    await expect(refused).rejects.toMatchObject({ code: 'rate_limited', retryAfterSeconds: 40 });
    await expect(submitReport(program.id, report, '198.51.100.7', reportDeps)).resolves.toMatchObject({ status: 'open' });

    clock.advance(39_500);
    await expect(submitReport(program.id, report, '192.0.2.1', reportDeps)).rejects.toMatchObject({ retryAfterSeconds: 1 });
    clock.advance(500);
    await expect(submitReport(program.id, report, '192.0.2.1', reportDeps)).resolves.toMatchObject({ status: 'open' });
  });

  it('does not count a malformed body, and counts a report on a program that is not published before answering 404', async () => {
    const { program, reportDeps, rateLimiter } = await reporting();
    for (let n = 0; n < 10; n++) await expect(submitReport(program.id, { category: 'spam', message: 'x' }, '192.0.2.1', reportDeps)).rejects.toBeInstanceOf(InvalidRequestError);
    expect(rateLimiter.keys).toEqual([]);
    for (let n = 0; n < 5; n++) await expect(submitReport('no-such-program', report, '192.0.2.1', reportDeps)).rejects.toBeInstanceOf(NotFoundError);
    // A flood of lookups never reaches the search domain: the sixth is refused before it.
    await expect(submitReport(program.id, report, '192.0.2.1', reportDeps)).rejects.toBeInstanceOf(RetryLaterError);
  });
});

describe('reports in the review queue', () => {
  it('queues an open report beside listings and claims, oldest first, and resolving it takes it out; a second resolution is 409', async () => {
    const { program, reportDeps, deps, clock, reports } = await reporting();
    const first = await submitReport(program.id, { category: 'closed', message: '  Closed since May.\n' }, '192.0.2.1', reportDeps);
    clock.advance(1_000);
    const second = await submitReport(program.id, report, '192.0.2.1', reportDeps);

    const queue = await reviewQueue(reviewer, { limit: 10 }, deps);
    expect(queue.items.map((item) => `${item.kind}:${item.id}`)).toEqual([`report:${first.id}`, `report:${second.id}`]);
    expect(queue.items[0]).toMatchObject({ programId: program.id, programName: 'Prairie IOP', message: '  Closed since May.\n', status: 'open' });

    const resolved = await resolveReport(reviewer, first.id, 'acted_on', '  Marked closed.  ', { reports, now: clock.now });
    expect(resolved).toMatchObject({ status: 'acted_on', resolvedBy: reviewer.sub, resolvedAt: clock.iso(), resolutionNote: 'Marked closed.' });
    expect((await reviewQueue(reviewer, { limit: 10 }, deps)).items.map((item) => item.id)).toEqual([second.id]);
    await expect(resolveReport(reviewer, first.id, 'dismissed', undefined, { reports })).rejects.toBeInstanceOf(ConflictError);
    await expect(resolveReport(reviewer, 'rpt_ffffffffffffffffffff', 'dismissed', undefined, { reports })).rejects.toBeInstanceOf(NotFoundError);
  });
});
