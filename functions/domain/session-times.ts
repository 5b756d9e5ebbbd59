import type { Session } from './program';
import { minutesOfDay } from './time-of-day';
import type { SessionTime } from './vocabulary';

const NOON = 12 * 60;
const FIVE_PM = 17 * 60;

/** The contract's session buckets, by start time (program-local) and by weekend days. */
export function sessionTimesOf(sessions: readonly Session[]): SessionTime[] {
  const buckets = new Set<SessionTime>();
  for (const session of sessions) {
    const start = minutesOfDay(session.start);
    if (start < NOON) buckets.add('morning');
    else if (start < FIVE_PM) buckets.add('afternoon');
    else buckets.add('evening');
    if (session.days.includes('sat') || session.days.includes('sun')) buckets.add('weekend');
  }
  return [...buckets];
}
