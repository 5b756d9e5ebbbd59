import middy from '@middy/core';
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { decodeStreamRecord } from '../adapters/dynamodb/stream-record';
import { ensureSearchIndex } from '../adapters/opensearch/index-admin';
import { OpenSearchSearchIndex } from '../adapters/opensearch/opensearch-search-index';
import { recordIndexing } from '../observability/metrics';
import { observability } from '../observability/observability';
import { telemetryFor } from '../observability/telemetry';
import { indexProgramChanges, type PendingChange } from '../use-cases/index-program-changes';
import { openSearchClient, openSearchConfig } from './composition/opensearch-runtime';

const searchIndex = new OpenSearchSearchIndex(openSearchClient, openSearchConfig.SEARCH_INDEX_ALIAS);
let indexReady: Promise<void> | undefined;
const { logger, metrics } = telemetryFor('index-stream');

/**
 * The one path from DynamoDB to OpenSearch: driven by the table's stream in AWS and by the local
 * stream emulator elsewhere. Reports partial failures so only failed records are retried.
 */
export const handler = middy<DynamoDBStreamEvent, DynamoDBBatchResponse>()
  .use(observability({ service: 'index-stream' }))
  .handler(async (event) => {
    indexReady ??= ensureSearchIndex(openSearchClient, openSearchConfig.SEARCH_INDEX_ALIAS).catch((error: unknown) => {
      indexReady = undefined;
      throw error;
    });
    await indexReady;

    const pending: PendingChange[] = [];
    const failures: string[] = [];
    for (const record of event.Records) {
      const ref = record.dynamodb?.SequenceNumber ?? record.eventID ?? '';
      const decoded = decodeStreamRecord(record);
      if (decoded.kind === 'change') pending.push({ ref, change: decoded.change });
      else if (decoded.kind === 'malformed') {
        logger.error('Malformed stream record', { ref, reason: decoded.reason });
        failures.push(ref);
      }
    }
    const report = await indexProgramChanges(pending, searchIndex);
    for (const failure of report.failed) {
      logger.error('Indexing failed', { ...failure });
      failures.push(failure.ref);
    }
    recordIndexing(metrics, pending.length - report.failed.length, failures.length);
    return { batchItemFailures: failures.map((itemIdentifier) => ({ itemIdentifier })) };
  });
