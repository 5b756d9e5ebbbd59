import { GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { conditionalPut } from './conditional-put';
import type { Report } from '../../domain/report';
import type { ReportStore } from '../../ports/report-store';
import { REVIEW_QUEUE_KEY } from './listing-item';

export const reportKey = (id: string) => ({ pk: `REPORT#${id}`, sk: 'REPORT' });

/**
 * An open report waits in the review queue (gsi2) beside listings and claims, ordered by
 * submission time; a resolved one drops its gsi2 keys and so leaves the queue. Its kind is
 * neither 'program' nor 'listing', so the stream indexer and the reindex ignore it: reports are
 * never searchable.
 */
export function toReportItem(report: Report): Record<string, unknown> {
  return {
    ...reportKey(report.id),
    kind: 'report',
    ...report,
    ...(report.status === 'open' ? { gsi2pk: REVIEW_QUEUE_KEY, gsi2sk: `${report.submittedAt}#${report.id}` } : {}),
  };
}

export function isReportItem(item: Record<string, unknown>): boolean {
  return item.kind === 'report';
}

export function fromReportItem(item: Record<string, unknown>): Report {
  const { pk: _pk, sk: _sk, kind: _kind, gsi2pk: _g2p, gsi2sk: _g2s, ...report } = item;
  return report as unknown as Report;
}

export class DynamoDbReportStore implements ReportStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async get(id: string): Promise<Report | undefined> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: reportKey(id), ConsistentRead: true }));
    return Item && isReportItem(Item) ? fromReportItem(Item) : undefined;
  }

  async save(report: Report, expectedRevision: number | 'absent'): Promise<boolean> {
    return conditionalPut(this.client, this.tableName, toReportItem(report), 'revision', expectedRevision);
  }
}
