import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { DynamoDbConfig } from '../../config/dynamodb-config';

export interface DynamoDbClients {
  readonly client: DynamoDBClient;
  readonly documentClient: DynamoDBDocumentClient;
}

/** Make one pair per process (the composition modules do), reused across invocations. */
export function createDynamoDbClients(config: Pick<DynamoDbConfig, 'AWS_REGION' | 'DYNAMODB_ENDPOINT'>): DynamoDbClients {
  const client = new DynamoDBClient({
    region: config.AWS_REGION,
    ...(config.DYNAMODB_ENDPOINT ? { endpoint: config.DYNAMODB_ENDPOINT } : {}),
    // The SDK's own retries cover throttling; the store adds its own for UnprocessedItems.
    maxAttempts: 5,
  });
  const documentClient = DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
  });
  return { client, documentClient };
}
