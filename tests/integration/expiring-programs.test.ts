import type { PublishCommand } from '@aws-sdk/client-sns';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { documentClient, openSearchClient, dynamoDbConfig, openSearchConfig, cursorSigningKey } from '../support/engines';
import { DynamoDbProgramStore } from '../../functions/adapters/dynamodb/dynamodb-program-store';
import { OpenSearchExpiryIndex } from '../../functions/adapters/opensearch/opensearch-expiry-index';
import type { ImportRecord } from '../../functions/domain/program';
import { programIdFor } from '../../functions/domain/program-id';
import { expirySummaryHandler, type ExpirySummaryResult, type SummaryTopicClient } from '../../functions/handlers/factories/expiry-summary';
import { addDays, type ExpiringProgram, type ExpiringProgramsPage, type ExpirySummary } from '../../functions/use-cases/expiring-programs';
import { awaitSearchable } from '../../seed/await-searchable';
import { importFile } from '../../seed/import-file';
import { lambdaContext } from '../support/api-event';
import { api } from '../support/http';
import { importScratch } from '../support/import-files';
import { awaitIndexed } from '../support/stream';
import { providerToken, reviewerToken } from '../support/tokens';

/**
 * The expiry watch (contract 7) end to end on the real engines: programs imported in Montana (no
 * other test has programs there) with licences and accreditations expiring at known distances from
 * today, read through `GET /v1/review/expiring` and the daily summary function. Other test files
 * share the index, so results are narrowed to this file's source, whose order the route fixes.
 */
const SOURCE = 'test-expiry';
const today = new Date().toISOString().slice(0, 10);
const inDays = (days: number) => addDays(today, days);
const address = { street1: '316 N Park Ave', city: 'Helena', state: 'MT' as const, zip: '59601' };
const base = { address, levelsOfCare: ['iop' as const], delivery: ['in_person' as const] };

const records: Record<string, ImportRecord> = {
  // A licence in 40 days; the accreditation (100 days) is outside a 60-day window.
  forty: {
    ...base,
    externalId: 'forty',
    name: 'Forty Day Recovery',
    licenses: [{ state: 'MT', number: 'MT-40', type: 'chemical_dependency_program', issuer: 'Montana DPHHS', expiresOn: inDays(40) }],
    accreditations: [{ body: 'carf', expiresOn: inDays(100) }],
  },
  // An accreditation in 10 days; its licence expired last week (expired, not expiring).
  ten: {
    ...base,
    externalId: 'ten',
    name: 'Ten Day Behavioral Health',
    licenses: [{ state: 'MT', number: 'MT-10', expiresOn: inDays(-7) }],
    accreditations: [{ body: 'joint_commission', expiresOn: inDays(10) }],
  },
  // Only in 100 days.
  hundred: { ...base, externalId: 'hundred', name: 'Hundred Day Counseling', licenses: [{ state: 'MT', number: 'MT-100', expiresOn: inDays(100) }] },
  // Expired three days ago: never listed.
  expired: {
    ...base,
    externalId: 'expired',
    name: 'Expired Outpatient',
    licenses: [{ state: 'MT', number: 'MT-0', expiresOn: inDays(-3) }],
    accreditations: [{ body: 'coa', expiresOn: inDays(-1) }],
  },
  // Its own licence states no date; a registry's licence (attached below) expires in 25 days.
  registry: { ...base, externalId: 'registry', name: 'Registry Licensed IOP', licenses: [{ state: 'MT', type: 'state_substance_use_agency' }] },
  // Nothing dated at all.
  undated: { ...base, externalId: 'undated', name: 'Undated Program', accreditations: [{ body: 'carf' }] },
  // Expiring today and on the last day of a 60-day window: both ends are included.
  edges: {
    ...base,
    externalId: 'edges',
    name: 'Edge Day Program',
    licenses: [{ state: 'MT', number: 'MT-60', expiresOn: inDays(60) }],
    accreditations: [{ body: 'ncqa', expiresOn: today }],
  },
  // Just past a 60-day window.
  sixtyOne: { ...base, externalId: 'sixty-one', name: 'Sixty One Day Program', licenses: [{ state: 'MT', number: 'MT-61', expiresOn: inDays(61) }] },
};

/**
 * For the daily summary: programs whose dates lie around a day far in the future, which no other
 * test's data reaches, so the summary for that day is exactly these. Twelve expire within 60 days
 * of it (one a day), one 90 days after it.
 */
const FAR_TODAY = '2190-03-01';
const farRecords: ImportRecord[] = [
  ...Array.from({ length: 12 }, (_, index) => ({
    ...base,
    externalId: `far-${String(index + 1).padStart(2, '0')}`,
    name: `Far Future Program ${index + 1}`,
    // Alternately a licence and an accreditation, so the soonest-first order spans both.
    ...(index % 2 === 0
      ? { licenses: [{ state: 'MT' as const, number: `FAR-${index + 1}`, expiresOn: addDays(FAR_TODAY, index + 1) }] }
      : { accreditations: [{ body: 'carf' as const, expiresOn: addDays(FAR_TODAY, index + 1) }] }),
  })),
  { ...base, externalId: 'far-late', name: 'Far Future Late', licenses: [{ state: 'MT', number: 'FAR-90', expiresOn: addDays(FAR_TODAY, 90) }] },
];

const idOf = (externalId: string) => programIdFor(SOURCE, externalId);
const store = new DynamoDbProgramStore(documentClient, dynamoDbConfig.PROGRAMS_TABLE);
const index = new OpenSearchExpiryIndex(openSearchClient, openSearchConfig.SEARCH_INDEX_ALIAS, cursorSigningKey);
const scratch = importScratch('iop-expiry-');
let reviewer: string;
let provider: string;

beforeAll(async () => {
  const file = scratch.writeNdjson('expiry.ndjson', [...Object.values(records), ...farRecords].map((record) => JSON.stringify(record)));
  const summary = await importFile(file, { format: 'native', source: SOURCE });
  expect(summary.rejected, JSON.stringify(summary.errors)).toBe(0);
  // A state registry's licence, kept apart from the record's own (as `npm run import --format
  // ca-dhcs-licenses` attaches them): the public sees it, so the watch does too.
  const program = (await store.get(idOf('registry')))!;
  await store.putMany([
    {
      ...program,
      registryLicenses: [{ registry: 'mt-test', state: 'MT', number: 'REG-25', issuer: 'Montana Test Registry', expiresOn: inDays(25) }],
      version: program.version + 1,
      updatedAt: new Date().toISOString(),
    },
  ]);
  await awaitIndexed();
  [reviewer, provider] = await Promise.all([reviewerToken('expiry-reviewer'), providerToken('expiry-provider')]);
}, 120_000);

afterAll(async () => {
  // Archived, as a prune would, so no later test meets these programs.
  for await (const page of store.scanAll()) {
    const ours = page.filter((program) => program.source === SOURCE && program.status === 'published');
    if (ours.length > 0) await store.putMany(ours.map((program) => ({ ...program, status: 'archived' as const, version: program.version + 1 })));
  }
  await awaitSearchable(process.env.DYNAMODB_ENDPOINT);
}, 120_000);

/** Every page of the watch, narrowed to this file's programs (in the order the route gave). */
async function watch(within?: number, limit = 100): Promise<{ items: ExpiringProgram[]; pages: ExpiringProgramsPage[] }> {
  const pages: ExpiringProgramsPage[] = [];
  let cursor: string | null = null;
  do {
    const query: URLSearchParams = new URLSearchParams({ ...(within !== undefined && { within: String(within) }), limit: String(limit), ...(cursor && { cursor }) });
    const response: { status: number; body: ExpiringProgramsPage } = await api<ExpiringProgramsPage>('GET', `/v1/review/expiring?${query}`, { token: reviewer });
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    pages.push(response.body);
    cursor = response.body.nextCursor;
  } while (cursor && pages.length < 200);
  return { items: pages.flatMap((page) => page.items).filter((item) => item.source === SOURCE), pages };
}

describe('GET /v1/review/expiring', () => {
  it('lists what expires between today and today + within, soonest first, with the expiring items', async () => {
    const { items, pages } = await watch(60);
    expect(pages[0]).toMatchObject({ within: 60, from: today, to: inDays(60) });
    expect(items.map((item) => item.id)).toEqual([idOf('edges'), idOf('ten'), idOf('registry'), idOf('forty')]);
    expect(items.map((item) => item.soonest)).toEqual([today, inDays(10), inDays(25), inDays(40)]);

    const [edges, ten, registry, forty] = items as [ExpiringProgram, ExpiringProgram, ExpiringProgram, ExpiringProgram];
    expect(forty).toEqual({
      id: idOf('forty'),
      name: 'Forty Day Recovery',
      address,
      source: SOURCE,
      soonest: inDays(40),
      // The accreditation expiring in 100 days is not in the window.
      items: [{ kind: 'license', state: 'MT', number: 'MT-40', type: 'chemical_dependency_program', issuer: 'Montana DPHHS', expiresOn: inDays(40) }],
    });
    // The licence that expired last week is not "expiring".
    expect(ten.items).toEqual([{ kind: 'accreditation', body: 'joint_commission', expiresOn: inDays(10) }]);
    // Both ends of the window count.
    expect(edges.items).toEqual([
      { kind: 'accreditation', body: 'ncqa', expiresOn: today },
      { kind: 'license', state: 'MT', number: 'MT-60', expiresOn: inDays(60) },
    ]);
    // The registry's licence counts, as the public sees it (no `registry` field).
    expect(registry.items).toEqual([{ kind: 'license', state: 'MT', number: 'REG-25', issuer: 'Montana Test Registry', expiresOn: inDays(25) }]);
  });

  it('counts the whole window in total, and leaves out the expired, the undated and the later', async () => {
    const { items, pages } = await watch(60);
    const listed = new Set(items.map((item) => item.id));
    for (const left of ['hundred', 'expired', 'undated', 'sixty-one']) expect(listed.has(idOf(left)), left).toBe(false);
    // total is over all sources; every page reports the same figure, and it is what the pages hold.
    expect(new Set(pages.map((page) => page.total)).size).toBe(1);
    expect(pages.reduce((sum, page) => sum + page.items.length, 0)).toBe(pages[0]!.total);

    const year = await watch(365);
    expect(year.items.map((item) => item.id)).toEqual([idOf('edges'), idOf('ten'), idOf('registry'), idOf('forty'), idOf('sixty-one'), idOf('hundred')]);
    // Now the 100-day accreditation of `forty` is in the window too.
    expect(year.items[3]!.items.map((item) => item.expiresOn)).toEqual([inDays(40), inDays(100)]);
    expect(year.items.some((item) => item.id === idOf('expired'))).toBe(false);
  });

  it('defaults to 60 days and pages with cursors without gaps or repeats', async () => {
    const whole = await watch(undefined);
    expect(whole.pages[0]).toMatchObject({ within: 60, to: inDays(60) });
    const paged = await watch(60, 1);
    expect(paged.items.map((item) => item.id)).toEqual(whole.items.map((item) => item.id));
    expect(paged.pages.length).toBeGreaterThanOrEqual(4);
    const all = paged.pages.flatMap((page) => page.items.map((item) => item.id));
    expect(new Set(all).size).toBe(all.length);
  });

  it.each([
    [{ within: '0' }, 'within'],
    [{ within: '366' }, 'within'],
    [{ within: 'soon' }, 'within'],
    [{ within: '1.5' }, 'within'],
    [{ within: '-5' }, 'within'],
    [{ limit: '0' }, 'limit'],
    [{ within: '30', state: 'MT' }, ''],
  ])('answers 400 naming the parameter for %j', async (query, path) => {
    const response = await api('GET', `/v1/review/expiring?${new URLSearchParams(query)}`, { token: reviewer });
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('invalid_request');
    const paths = (response.body.error.details as { path: string }[]).map((detail) => detail.path);
    if (path) expect(paths).toEqual([path]);
    else expect(response.body.error.details).toHaveLength(1);
  });

  it('refuses a cursor of another window', async () => {
    const first = await api<ExpiringProgramsPage>('GET', '/v1/review/expiring?within=60&limit=1', { token: reviewer });
    expect(first.body.nextCursor).toBeTruthy();
    const response = await api('GET', `/v1/review/expiring?within=30&limit=1&cursor=${first.body.nextCursor}`, { token: reviewer });
    expect(response.status).toBe(400);
    expect(response.body.error.details).toEqual([expect.objectContaining({ path: 'cursor' })]);
  });

  it('is 401 without a token and 403 for a provider, whatever the query', async () => {
    const anonymous = await api('GET', '/v1/review/expiring?within=60');
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.error.code).toBe('unauthorized');
    for (const query of ['within=60', 'within=0']) {
      const response = await api('GET', `/v1/review/expiring?${query}`, { token: provider });
      expect(response.status).toBe(403);
      expect(response.body.error.code).toBe('forbidden');
    }
  });
});

describe('the daily summary', () => {
  /** Records what would have gone to SNS (the only AWS service of this function). */
  function fakeSns() {
    const published: PublishCommand['input'][] = [];
    const client: SummaryTopicClient = {
      send: async (command) => {
        published.push(command.input);
        return { MessageId: `message-${published.length}` };
      },
    };
    return { client, published };
  }
  const TOPIC = 'arn:aws:sns:us-east-1:123456789012:iop-directory-test-expiring';

  it('publishes the count and the 10 soonest, as text for people and JSON for machines', async () => {
    const sns = fakeSns();
    const handler = expirySummaryHandler(() => ({ index, sns: sns.client, topicArn: TOPIC, withinDays: 60, today: () => FAR_TODAY }));
    const result = (await handler({}, lambdaContext)) as ExpirySummaryResult;
    expect(result).toEqual({ count: 12, within: 60, from: FAR_TODAY, to: addDays(FAR_TODAY, 60), messageId: 'message-1' });

    expect(sns.published).toHaveLength(1);
    const input = sns.published[0]!;
    expect(input).toMatchObject({ TopicArn: TOPIC, MessageStructure: 'json' });
    expect(input.Subject).toBe('iop-directory: 12 programs with a licence or accreditation expiring within 60 days');
    expect(input.Subject!.length).toBeLessThanOrEqual(100);

    const message = JSON.parse(input.Message!) as Record<string, string>;
    const json = JSON.parse(message.sqs!) as ExpirySummary;
    for (const protocol of ['lambda', 'http', 'https', 'firehose']) expect(message[protocol], protocol).toBe(message.sqs);
    expect(json).toMatchObject({ within: 60, from: FAR_TODAY, to: addDays(FAR_TODAY, 60), count: 12 });
    expect(json.soonest.map((program) => program.id)).toEqual(Array.from({ length: 10 }, (_, i) => idOf(`far-${String(i + 1).padStart(2, '0')}`)));
    expect(json.soonest[0]).toEqual({
      id: idOf('far-01'),
      name: 'Far Future Program 1',
      address,
      source: SOURCE,
      soonest: addDays(FAR_TODAY, 1),
      items: [{ kind: 'license', state: 'MT', number: 'FAR-1', expiresOn: addDays(FAR_TODAY, 1) }],
    });
    expect(json.soonest[1]!.items).toEqual([{ kind: 'accreditation', body: 'carf', expiresOn: addDays(FAR_TODAY, 2) }]);

    const text = message.default!;
    expect(message.email).toBe(text);
    const lines = text.split('\n');
    expect(lines[0]).toBe(`12 published programs have a licence or accreditation expiring between ${FAR_TODAY} and ${addDays(FAR_TODAY, 60)} (60 days).`);
    expect(text).toContain('The 10 soonest:');
    expect(text).toContain(`${addDays(FAR_TODAY, 1)}  Far Future Program 1, Helena, MT 59601 (${idOf('far-01')}, source ${SOURCE})`);
    expect(text).toContain(`    ${addDays(FAR_TODAY, 1)}  MT licence no. FAR-1`);
    expect(text).toContain(`    ${addDays(FAR_TODAY, 2)}  accreditation carf`);
    expect(text).toContain('Far Future Program 10,');
    expect(text).not.toContain('Far Future Program 11');
    expect(text).not.toContain('Far Future Late');
    expect(text).toContain('GET /v1/review/expiring?within=60');
    // SMS gets the headline only.
    expect(message.sms).toBe(lines[0]);
  });

  it('needs no cursor signing key (infra gives it none): it reads one page and hands out no cursor', async () => {
    const key = process.env.CURSOR_SIGNING_KEY;
    delete process.env.CURSOR_SIGNING_KEY;
    try {
      const handler = expirySummaryHandler(() => ({ index, sns: fakeSns().client, topicArn: TOPIC, withinDays: 60, today: () => FAR_TODAY }));
      expect(await handler({}, lambdaContext)).toMatchObject({ count: 12, within: 60 });
    } finally {
      process.env.CURSOR_SIGNING_KEY = key;
    }
  });

  it('says so when nothing expires, and fails (for the alarm) when SNS refuses', async () => {
    const quiet = fakeSns();
    const handler = expirySummaryHandler(() => ({ index, sns: quiet.client, topicArn: TOPIC, withinDays: 30, today: () => '2195-01-01' }));
    expect(await handler({}, lambdaContext)).toMatchObject({ count: 0 });
    const message = JSON.parse(quiet.published[0]!.Message!) as Record<string, string>;
    expect(message.default).toBe('0 published programs have a licence or accreditation expiring between 2195-01-01 and 2195-01-31 (30 days).\n');
    expect(JSON.parse(message.sqs!)).toEqual({ within: 30, from: '2195-01-01', to: '2195-01-31', count: 0, soonest: [] });

    const refusing: SummaryTopicClient = { send: () => Promise.reject(Object.assign(new Error('KMS key disabled'), { name: 'KMSDisabledException' })) };
    const failing = expirySummaryHandler(() => ({ index, sns: refusing, topicArn: TOPIC, withinDays: 60, today: () => FAR_TODAY }));
    await expect(failing({}, lambdaContext)).rejects.toThrow('KMS key disabled');
  });
});

describe('npm run expiring', () => {
  const run = (...args: string[]) =>
    promisify(execFile)(path.resolve('node_modules/.bin/tsx'), ['ops/expiring-cli.ts', ...args], { env: process.env }).then(
      ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
      (error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, stdout: error.stdout, stderr: error.stderr }),
    );

  it('prints the summary of the running stack, as text or as JSON', async () => {
    const json = await run('--within', '365', '--json');
    expect(json.code, json.stderr).toBe(0);
    const summary = JSON.parse(json.stdout) as ExpirySummary;
    expect(summary).toMatchObject({ within: 365, from: today, to: inDays(365) });
    // Other test files' programs may be in the window too; these six are.
    expect(summary.count).toBeGreaterThanOrEqual(6);
    expect(summary.soonest.length).toBe(Math.min(10, summary.count));
    const soonest = summary.soonest.map((program) => program.soonest);
    expect(soonest).toEqual([...soonest].sort());

    const text = await run('--within', '60');
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(new RegExp(`^\\d+ published programs? ha(s|ve) a licence or accreditation expiring between ${today} and ${inDays(60)} \\(60 days\\)\\.\n`));
  });

  it('exits 2 with the usage on a bad --within', async () => {
    for (const within of ['0', '366', 'soon']) {
      const result = await run('--within', within);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain('--within must be a whole number of days from 1 to 365');
      expect(result.stderr).toContain('usage: npm run expiring');
    }
  });
});
