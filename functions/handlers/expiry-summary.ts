import { SNSClient } from '@aws-sdk/client-sns';
import { OpenSearchExpiryIndex } from '../adapters/opensearch/opensearch-expiry-index';
import { loadExpirySummaryConfig } from '../config/expiry-summary-config';
import { openSearchClient, openSearchConfig } from './composition/opensearch-runtime';
import { expirySummaryHandler, type ExpirySummaryDependencies } from './factories/expiry-summary';

const config = loadExpirySummaryConfig(process.env);

const dependencies: ExpirySummaryDependencies = {
  index: new OpenSearchExpiryIndex(openSearchClient, openSearchConfig.SEARCH_INDEX_ALIAS),
  sns: new SNSClient({ region: openSearchConfig.AWS_REGION }),
  topicArn: config.EXPIRY_TOPIC_ARN,
  withinDays: config.EXPIRY_WINDOW_DAYS,
};

export const handler = expirySummaryHandler(() => dependencies);
