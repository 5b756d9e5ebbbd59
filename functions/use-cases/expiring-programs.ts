import type { Identity } from '../domain/identity';
import type { Accreditation, License } from '../domain/program';
import type { PublicProgram } from '../domain/public-view';
import type { ExpiryIndex, ExpiryWindow } from '../ports/search-index';
import { requireReviewer } from './listings/listing-access';

/**
 * The expiry watch (contract 7): published programs whose licences or accreditations, as the
 * public sees them (the record's own licences with registry licences in place of the claims they
 * replace: `effectiveLicenses`), expire between today and today + `within` days, both days
 * included, soonest first. What has already expired is not "expiring": it is left out, as are
 * licences and accreditations that state no expiry date.
 */

export const DEFAULT_EXPIRY_WINDOW_DAYS = 60;
export const MAX_EXPIRY_WINDOW_DAYS = 365;
/** How many programs the daily summary (and `npm run expiring`) lists by name. */
export const SUMMARY_TOP = 10;

export type ExpiringItem =
  | ({ kind: 'license'; expiresOn: string } & Omit<License, 'expiresOn'>)
  | ({ kind: 'accreditation'; expiresOn: string } & Omit<Accreditation, 'expiresOn'>);

export interface ExpiringProgram {
  id: string;
  name: string;
  address: PublicProgram['address'];
  source: string;
  /** The earliest `expiresOn` among `items`. */
  soonest: string;
  /** The licences and accreditations expiring in the window, soonest first. */
  items: ExpiringItem[];
}

export interface ExpiringProgramsPage {
  within: number;
  /** The window, ISO dates, both included: today (UTC) and today + within. */
  from: string;
  to: string;
  /** Programs with something expiring in the window (all pages). */
  total: number;
  items: ExpiringProgram[];
  nextCursor: string | null;
}

export interface ExpiringDependencies {
  index: ExpiryIndex;
  /** Today's date (UTC), ISO; injectable so tests and the summary agree on one day. */
  today?: () => string;
}

export const todayUtc = () => new Date().toISOString().slice(0, 10);

export function addDays(isoDate: string, days: number): string {
  const date = new Date(`${isoDate}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}

export function expiryWindow(today: string, within: number): ExpiryWindow {
  return { from: today, to: addDays(today, within) };
}

const inWindow = (expiresOn: string | undefined, window: ExpiryWindow): expiresOn is string =>
  expiresOn !== undefined && expiresOn >= window.from && expiresOn <= window.to;

/** What of one public program expires in the window, soonest first (licences before accreditations on one day). */
export function expiringItemsOf(program: PublicProgram, window: ExpiryWindow): ExpiringItem[] {
  const items: ExpiringItem[] = [];
  for (const { expiresOn, ...license } of program.licenses ?? []) {
    if (inWindow(expiresOn, window)) items.push({ kind: 'license', ...license, expiresOn });
  }
  for (const { expiresOn, ...accreditation } of program.accreditations ?? []) {
    if (inWindow(expiresOn, window)) items.push({ kind: 'accreditation', ...accreditation, expiresOn });
  }
  const rank = (item: ExpiringItem) => (item.kind === 'license' ? 0 : 1);
  return items.sort((a, b) => a.expiresOn.localeCompare(b.expiresOn) || rank(a) - rank(b));
}

export function toExpiringProgram(program: PublicProgram, window: ExpiryWindow): ExpiringProgram {
  const items = expiringItemsOf(program, window);
  return {
    id: program.id,
    name: program.name,
    address: program.address,
    source: program.source,
    // The index selected the program for an item in the window, so there is at least one.
    soonest: items[0]?.expiresOn ?? window.to,
    items,
  };
}

export interface ExpiringQuery {
  within: number;
  limit: number;
  cursor?: string;
}

/** One page of the watch, for reviewers (`GET /v1/review/expiring`). */
export async function expiringPrograms(identity: Identity, query: ExpiringQuery, deps: ExpiringDependencies): Promise<ExpiringProgramsPage> {
  requireReviewer(identity);
  return expiringPage(query, deps);
}

async function expiringPage(query: ExpiringQuery, deps: ExpiringDependencies, firstPageOnly = false): Promise<ExpiringProgramsPage> {
  const window = expiryWindow((deps.today ?? todayUtc)(), query.within);
  const page = await deps.index.expiring(window, { limit: query.limit, cursor: query.cursor, firstPageOnly });
  return {
    within: query.within,
    from: window.from,
    to: window.to,
    total: page.total,
    items: page.programs.map((program) => toExpiringProgram(program, window)),
    nextCursor: page.nextCursor,
  };
}

/** What the daily notification and `npm run expiring` report: how many, and the soonest few. */
export interface ExpirySummary {
  within: number;
  from: string;
  to: string;
  count: number;
  soonest: ExpiringProgram[];
}

export async function expirySummary(within: number, deps: ExpiringDependencies, top = SUMMARY_TOP): Promise<ExpirySummary> {
  const page = await expiringPage({ within, limit: top }, deps, true);
  return { within, from: page.from, to: page.to, count: page.total, soonest: page.items };
}

function describeItem(item: ExpiringItem): string {
  if (item.kind === 'accreditation') return `accreditation ${item.body}`;
  const what = [item.type, item.number && `no. ${item.number}`].filter(Boolean).join(' ');
  return `${item.state} licence${what ? ` ${what}` : ''}${item.issuer ? ` (${item.issuer})` : ''}`;
}

/** The summary for people: a headline, then one line per program and one per expiring item. */
export function expirySummaryText(summary: ExpirySummary): string {
  const programs = summary.count === 1 ? 'program has' : 'programs have';
  const lines = [
    `${summary.count} published ${programs} a licence or accreditation expiring between ${summary.from} and ${summary.to} (${summary.within} days).`,
  ];
  if (summary.soonest.length > 0) {
    lines.push('', summary.count > summary.soonest.length ? `The ${summary.soonest.length} soonest:` : 'Soonest first:');
    for (const program of summary.soonest) {
      const { city, state, zip } = program.address;
      lines.push(`${program.soonest}  ${program.name}, ${city}, ${state} ${zip} (${program.id}, source ${program.source})`);
      for (const item of program.items) lines.push(`    ${item.expiresOn}  ${describeItem(item)}`);
    }
  }
  if (summary.count > summary.soonest.length) {
    lines.push('', `All of them: GET /v1/review/expiring?within=${summary.within} (reviewers).`);
  }
  return `${lines.join('\n')}\n`;
}
