import { PublishCommand } from '@aws-sdk/client-sns';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { observability } from '../../observability/observability';
import { telemetryFor } from '../../observability/telemetry';
import type { ExpiryIndex } from '../../ports/search-index';
import {
  expirySummary,
  expirySummaryText,
  type ExpirySummary,
} from '../../use-cases/expiring-programs';

/** The one SNS call this function makes; `SNSClient` in AWS, a fake in tests. */
export interface SummaryTopicClient {
  send(command: PublishCommand): Promise<{ MessageId?: string }>;
}

export interface ExpirySummaryDependencies {
  index: ExpiryIndex;
  sns: SummaryTopicClient;
  topicArn: string;
  withinDays: number;
  today?: () => string;
}

export interface ExpirySummaryResult {
  count: number;
  within: number;
  from: string;
  to: string;
  messageId?: string;
}

/** One line, at most 100 ASCII characters (SNS's limit for a subject, which email uses). */
export function summarySubject(summary: ExpirySummary): string {
  const programs = summary.count === 1 ? 'program' : 'programs';
  return `iop-directory: ${summary.count} ${programs} with a licence or accreditation expiring within ${summary.within} days`.slice(0, 100);
}

/**
 * SNS's per-protocol message: people (email, SMS, anything not named) get the text, machines
 * (SQS, Lambda, HTTP(S), Firehose) the summary as JSON.
 */
export function summaryMessage(summary: ExpirySummary): string {
  const text = expirySummaryText(summary);
  const json = JSON.stringify(summary);
  return JSON.stringify({ default: text, email: text, sms: summary.count === 0 ? text : text.split('\n')[0], sqs: json, lambda: json, http: json, https: json, firehose: json });
}

/**
 * The daily expiry watch (EventBridge Scheduler): counts the published programs whose licences or
 * accreditations expire in the next `EXPIRY_WINDOW_DAYS` days and publishes that count and the 10
 * soonest to the expiry topic, which owners or operators subscribe to. A failure throws, so the
 * invocation counts as an error (the function's Errors alarm) and the scheduler retries it.
 */
export function expirySummaryHandler(deps: () => ExpirySummaryDependencies) {
  const { logger } = telemetryFor('expiry-summary');
  return middy<unknown, ExpirySummaryResult, Error, Context>()
    .use(observability({ service: 'expiry-summary' }))
    .handler(async () => {
      const { index, sns, topicArn, withinDays, today } = deps();
      const summary = await expirySummary(withinDays, { index, today });
      const published = await sns.send(
        new PublishCommand({ TopicArn: topicArn, Subject: summarySubject(summary), Message: summaryMessage(summary), MessageStructure: 'json' }),
      );
      const result: ExpirySummaryResult = { count: summary.count, within: summary.within, from: summary.from, to: summary.to, messageId: published.MessageId };
      logger.info('Expiry summary published', { ...result });
      return result;
    });
}
