import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { documentClient, openSearchClient, dynamoDbConfig, openSearchConfig, cursorSigningKey } from '../support/engines';
import { DynamoDbProgramStore } from '../../functions/adapters/dynamodb/dynamodb-program-store';
import { DynamoDbReportStore, reportKey } from '../../functions/adapters/dynamodb/dynamodb-report-store';
import { OpenSearchSearchIndex } from '../../functions/adapters/opensearch/opensearch-search-index';
import { ConflictError, ForbiddenError, NotFoundError } from '../../functions/domain/errors';
import { programIdFor } from '../../functions/domain/program-id';
import { handler as submitReportHandler } from '../../functions/handlers/submit-report';
import { resolveReport } from '../../functions/use-cases/reports/resolve-report';
import { importFile } from '../../seed/import-file';
import { awaitSearchable } from '../../seed/await-searchable';
import { apiEvent, lambdaContext } from '../support/api-event';
import { api } from '../support/http';
import { awaitIndexed } from '../support/stream';

/** Sioux Falls, SD: a corner of the map no other test file uses. */
const SOURCE = 'test-reports';
const programId = programIdFor(SOURCE, 'sioux-falls-evening-iop');
const table = dynamoDbConfig.PROGRAMS_TABLE;
const reports = new DynamoDbReportStore(documentClient, table);
const searchIndex = new OpenSearchSearchIndex(openSearchClient, openSearchConfig.SEARCH_INDEX_ALIAS, cursorSigningKey);
const directory = mkdtempSync(path.join(tmpdir(), 'iop-reports-'));

const reviewer = { sub: `reviewer-${process.pid}`, isReviewer: true };
const provider = { sub: `provider-${process.pid}`, isReviewer: false };

/** Everything awkward a plain-text message may hold: markup, quotes, backslashes, newlines, non-ASCII. */
const HOSTILE_MESSAGE = 'Phone is disconnected.\n<script>alert(1)</script> <b>bold</b> & "quotes" \'single\' \\backslash\\ ünïcödé 🙂\t\u2028end';

beforeAll(async () => {
  const file = path.join(directory, 'programs.ndjson');
  const record = {
    externalId: 'sioux-falls-evening-iop',
    name: 'Sioux Falls Evening IOP',
    address: { street1: '300 N Phillips Ave', city: 'Sioux Falls', state: 'SD', zip: '57104' },
    levelsOfCare: ['iop'],
    delivery: ['in_person'],
  };
  writeFileSync(file, `${JSON.stringify(record)}\n`);
  const summary = await importFile(file, { format: 'native', source: SOURCE });
  expect(summary).toMatchObject({ accepted: 1, rejected: 0 });
  expect(await searchIndex.get(programId)).toMatchObject({ id: programId, name: 'Sioux Falls Evening IOP' });
}, 120_000);

afterAll(async () => {
  rmSync(directory, { recursive: true, force: true });
  // Out of search again, so no other test meets it.
  const programs = new DynamoDbProgramStore(documentClient, table);
  const program = await programs.get(programId);
  if (program) await programs.putMany([{ ...program, status: 'archived', version: program.version + 1 }]);
  await awaitSearchable(process.env.DYNAMODB_ENDPOINT);
}, 120_000);

/** Calls the function as API Gateway would, from `sourceIp`: how one test plays several clients. */
async function submitFrom(sourceIp: string, id: string, body: unknown): Promise<{ statusCode: number; headers: Record<string, string>; body: Record<string, unknown> }> {
  const event: APIGatewayProxyEventV2 = apiEvent({ routeKey: 'POST /v1/programs/{id}/reports', pathParameters: { id } });
  event.headers = { 'content-type': 'application/json' };
  event.body = typeof body === 'string' ? body : JSON.stringify(body);
  event.requestContext.http = { ...event.requestContext.http, method: 'POST', sourceIp };
  const result = (await submitReportHandler(event, lambdaContext)) as APIGatewayProxyStructuredResultV2;
  return { statusCode: result.statusCode ?? 200, headers: (result.headers ?? {}) as Record<string, string>, body: JSON.parse(String(result.body)) as Record<string, unknown> };
}

/** Fixed one-minute windows: start a burst early in one, so it cannot straddle two. */
async function awaitFreshWindowStart(): Promise<void> {
  const second = new Date().getUTCSeconds();
  if (second > 45) await sleep((61 - second) * 1000);
}

let addressCounter = 0;
/** A documentation address (RFC 5737) no other test in this file used. */
const freshAddress = () => `198.51.100.${++addressCounter}`;

async function queueIds(): Promise<string[]> {
  const response = await documentClient.send(
    new QueryCommand({ TableName: table, IndexName: 'gsi2', KeyConditionExpression: 'gsi2pk = :queue', ExpressionAttributeValues: { ':queue': 'REVIEW_QUEUE' } }),
  );
  return (response.Items ?? []).map((item) => String(item.id));
}

describe('POST /v1/programs/{id}/reports', () => {
  it('queues a report for a published program (202), storing the message verbatim as plain text, never indexed', async () => {
    const response = await api<{ id: string; status: string }>('POST', `/v1/programs/${programId}/reports`, { body: { category: 'wrong_phone', message: HOSTILE_MESSAGE } });
    expect(response.status).toBe(202);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(response.body).toEqual({ id: expect.stringMatching(/^rpt_[a-z0-9]{20}$/), status: 'open' });
    const { id } = response.body;

    const { Item } = await documentClient.send(new GetCommand({ TableName: table, Key: reportKey(id), ConsistentRead: true }));
    expect(Item).toMatchObject({
      kind: 'report',
      id,
      programId,
      programName: 'Sioux Falls Evening IOP',
      category: 'wrong_phone',
      status: 'open',
      gsi2pk: 'REVIEW_QUEUE',
      gsi2sk: `${String(Item?.submittedAt)}#${id}`,
    });
    // Byte for byte: nothing escaped, stripped or normalised on the way in.
    expect(Item?.message).toBe(HOSTILE_MESSAGE);
    expect(Buffer.from(String(Item?.message), 'utf8').equals(Buffer.from(HOSTILE_MESSAGE, 'utf8'))).toBe(true);
    expect(Date.now() - Date.parse(String(Item?.submittedAt))).toBeLessThan(120_000);
    expect(Item).not.toHaveProperty('resolvedBy');
    expect(await queueIds()).toContain(id);

    // As reviewers get it back: a JSON string, the same text once parsed.
    const view = await resolveReport(reviewer, id, 'dismissed', undefined, { reports });
    const json = JSON.stringify(view);
    expect(json).toContain(JSON.stringify(HOSTILE_MESSAGE));
    expect((JSON.parse(json) as { message: string }).message).toBe(HOSTILE_MESSAGE);

    // Reports never reach search: the stream indexer ignores the item kind.
    await awaitIndexed();
    expect(await searchIndex.get(id)).toBeUndefined();
    const search = await api<{ total: number; results: { id: string }[] }>('GET', '/v1/programs?zip=57104&radius=5');
    expect(search.body.results.map((result) => result.id)).toEqual([programId]);
  });

  it('is 404 for a program that is not published', async () => {
    const response = await api('POST', '/v1/programs/no-such-program/reports', { body: { category: 'closed', message: 'Gone.' } });
    expect(response.status).toBe(404);
    expect(response.body.error).toMatchObject({ code: 'not_found', details: [{ path: 'id', message: 'not found' }] });
  });

  it('is 400 naming the field for a bad category, an empty, blank or too long message, unknown fields and non-JSON', async () => {
    const pathsOf = async (body: unknown) => {
      const response = await api('POST', `/v1/programs/${programId}/reports`, { body });
      expect(response.status, JSON.stringify(body).slice(0, 80)).toBe(400);
      expect(response.body.error.code).toBe('invalid_request');
      return (response.body.error.details as { path: string }[]).map((detail) => detail.path).sort();
    };
    expect(await pathsOf({ category: 'rude_staff', message: 'Hm.' })).toEqual(['category']);
    expect(await pathsOf({ message: 'Hm.' })).toEqual(['category']);
    expect(await pathsOf({ category: 'closed', message: '' })).toEqual(['message']);
    expect(await pathsOf({ category: 'closed', message: ' \n\t ' })).toEqual(['message']);
    expect(await pathsOf({ category: 'closed', message: 'x'.repeat(2_001) })).toEqual(['message']);
    expect(await pathsOf({ category: 'closed', message: 42 })).toEqual(['message']);
    expect(await pathsOf({ category: 'closed', message: 'Hm.', email: 'me@example.com' })).toEqual(['email']);
    expect(await pathsOf('{"category": "closed",')).toEqual(['body']);
    expect(await pathsOf('')).toEqual(['body']);
  });

  it('is 413 past 64 KB', async () => {
    const response = await api('POST', `/v1/programs/${programId}/reports`, { body: { category: 'other', message: 'x'.repeat(70_000) } });
    expect(response.status).toBe(413);
    expect(response.body.error.code).toBe('payload_too_large');
    // The function itself refuses it too (API Gateway passes up to 10 MB).
    const direct = await submitFrom(freshAddress(), programId, { category: 'other', message: 'x'.repeat(70_000) });
    expect(direct.statusCode).toBe(413);
  });

  it('accepts exactly 2,000 characters, counted as characters rather than UTF-16 units', async () => {
    expect((await submitFrom(freshAddress(), programId, { category: 'other', message: 'x'.repeat(2_000) })).statusCode).toBe(202);
    expect((await submitFrom(freshAddress(), programId, { category: 'other', message: '🙂'.repeat(2_000) })).statusCode).toBe(202);
    expect((await submitFrom(freshAddress(), programId, { category: 'other', message: '🙂'.repeat(2_001) })).statusCode).toBe(400);
  });

  it('takes 5 reports a minute from one address, then 429 with Retry-After; other addresses are unaffected', async () => {
    await awaitFreshWindowStart();
    const busy = freshAddress();
    for (let i = 1; i <= 5; i++) {
      const response = await submitFrom(busy, programId, { category: 'wrong_hours', message: `Report ${i}` });
      expect(response.statusCode, `report ${i}`).toBe(202);
    }
    const refused = await submitFrom(busy, programId, { category: 'wrong_hours', message: 'Report 6' });
    expect(refused.statusCode).toBe(429);
    expect(refused.body).toMatchObject({ error: { code: 'rate_limited' } });
    const retryAfter = Number(refused.headers['retry-after']);
    expect(Number.isInteger(retryAfter)).toBe(true);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    // Refused requests write no report.
    expect((await submitFrom(busy, programId, { category: 'wrong_hours', message: 'Report 7' })).statusCode).toBe(429);

    expect((await submitFrom(freshAddress(), programId, { category: 'closed', message: 'From elsewhere' })).statusCode).toBe(202);
    // IPv6 clients are counted by their own address too.
    expect((await submitFrom('2001:db8::1', programId, { category: 'closed', message: 'From IPv6' })).statusCode).toBe(202);

    // One counter item per address and minute, which the table's TTL removes later.
    const windowStart = Math.floor(Date.now() / 60_000) * 60;
    const { Item } = await documentClient.send(new GetCommand({ TableName: table, Key: { pk: `RATE#${busy}#${windowStart}`, sk: 'RATE' }, ConsistentRead: true }));
    expect(Item).toMatchObject({ kind: 'rate_limit', count: 7, expiresAt: windowStart + 120 });
  });

  it("counts API Gateway's sourceIp, not an X-Forwarded-For header the client sets", async () => {
    await awaitFreshWindowStart();
    // Earlier HTTP tests in this window from 127.0.0.1 may have used some of its 5.
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      const response = await api('POST', `/v1/programs/${programId}/reports`, {
        body: { category: 'other', message: `Spoofed ${i}` },
        headers: { 'x-forwarded-for': `203.0.113.${i + 1}` },
      });
      statuses.push(response.status);
      if (response.status === 429) {
        expect(response.headers.get('retry-after')).toMatch(/^\d+$/);
        break;
      }
    }
    expect(statuses.at(-1)).toBe(429);
    expect(statuses.slice(0, -1).every((status) => status === 202)).toBe(true);
  });
});

describe('resolveReport', () => {
  async function openReport(message: string): Promise<string> {
    const response = await submitFrom(freshAddress(), programId, { category: 'closed', message });
    expect(response.statusCode).toBe(202);
    return String(response.body.id);
  }

  it('marks a report acted on by a reviewer, with a note, and takes it out of the queue; a second resolution is 409', async () => {
    const id = await openReport('Closed since March.');
    expect(await queueIds()).toContain(id);

    const view = await resolveReport(reviewer, id, 'acted_on', '  Archived after calling them.  ', { reports });
    expect(view).toMatchObject({
      kind: 'report',
      id,
      programId,
      status: 'acted_on',
      resolvedBy: reviewer.sub,
      resolutionNote: 'Archived after calling them.',
      message: 'Closed since March.',
    });
    expect(Date.now() - Date.parse(view.resolvedAt!)).toBeLessThan(120_000);
    expect(view).not.toHaveProperty('revision');

    const { Item } = await documentClient.send(new GetCommand({ TableName: table, Key: reportKey(id), ConsistentRead: true }));
    expect(Item).toMatchObject({ status: 'acted_on', resolvedBy: reviewer.sub });
    expect(Item).not.toHaveProperty('gsi2pk');
    expect(Item).not.toHaveProperty('gsi2sk');
    expect(await queueIds()).not.toContain(id);

    await expect(resolveReport(reviewer, id, 'dismissed', undefined, { reports })).rejects.toBeInstanceOf(ConflictError);
    expect((await reports.get(id))?.status).toBe('acted_on');
  });

  it('dismisses a report without a note', async () => {
    const id = await openReport('Wrong hours?');
    const view = await resolveReport(reviewer, id, 'dismissed', undefined, { reports });
    expect(view).toMatchObject({ status: 'dismissed', resolvedBy: reviewer.sub });
    expect(view).not.toHaveProperty('resolutionNote');
    expect(await queueIds()).not.toContain(id);
  });

  it('is 403 for a provider, who changes nothing, and 404 for an unknown id', async () => {
    const id = await openReport('Still open.');
    const refused = resolveReport(provider, id, 'dismissed', undefined, { reports });
    await expect(refused).rejects.toBeInstanceOf(ForbiddenError);
    await expect(refused).rejects.toMatchObject({ code: 'forbidden' });
    expect((await reports.get(id))?.status).toBe('open');
    expect(await queueIds()).toContain(id);

    await expect(resolveReport(reviewer, 'rpt_00000000000000000000', 'acted_on', undefined, { reports })).rejects.toBeInstanceOf(NotFoundError);
    await expect(resolveReport(reviewer, 'lst_00000000000000000000', 'acted_on', undefined, { reports })).rejects.toMatchObject({ code: 'not_found' });
    // A provider learns nothing about which ids exist.
    await expect(resolveReport(provider, 'rpt_00000000000000000000', 'acted_on', undefined, { reports })).rejects.toBeInstanceOf(ForbiddenError);
  });
});
