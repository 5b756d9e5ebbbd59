import type { Session } from '../../domain/program';
import type { Weekday } from '../../domain/vocabulary';

export const ICAL_DAYS: Record<Weekday, string> = { mon: 'MO', tue: 'TU', wed: 'WE', thu: 'TH', fri: 'FR', sat: 'SA', sun: 'SU' };
export const DAY_NAMES: Record<Weekday, string> = { mon: 'Mon', tue: 'Tue', wed: 'Wed', thu: 'Thu', fri: 'Fri', sat: 'Sat', sun: 'Sun' };
const DAY_ORDER: readonly Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

/**
 * HSDS schedule.timezone is a number (UTC offset in hours), which cannot express daylight saving.
 * We give the zone's standard offset and keep opens_at/closes_at as local wall-clock times, naming
 * the IANA zone in `notes`, since a fixed offset baked into the times would be wrong half the year.
 * A fixed reference year keeps the export deterministic.
 */
const offsetCache = new Map<string, number>();
export function standardUtcOffsetHours(timeZone: string): number {
  const cached = offsetCache.get(timeZone);
  if (cached !== undefined) return cached;
  const offsets = [Date.UTC(2026, 0, 1), Date.UTC(2026, 6, 1)].map((instant) => {
    const part = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' })
      .formatToParts(instant)
      .find((p) => p.type === 'timeZoneName')?.value;
    const match = /GMT([+-])(\d{2}):(\d{2})/.exec(part ?? '');
    if (!match) return 0;
    const hours = Number(match[2]) + Number(match[3]) / 60;
    return match[1] === '-' ? -hours : hours;
  });
  // Every US zone is northern-hemisphere or DST-free, so standard time is the smaller offset.
  const offset = Math.min(...offsets);
  offsetCache.set(timeZone, offset);
  return offset;
}

export function sortedDays(days: readonly Weekday[]): Weekday[] {
  return [...days].sort((a, b) => DAY_ORDER.indexOf(a) - DAY_ORDER.indexOf(b));
}

export function sessionKey(session: Session): string {
  return `${sortedDays(session.days).join(',')}|${session.start}|${session.end}`;
}
