import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { dynamoDbConfig } from '../../config/dynamodb-config';

/** One client per process, reused across invocations. */
export const dynamoDbClient = new DynamoDBClient({
  region: dynamoDbConfig.AWS_REGION,
  ...(dynamoDbConfig.DYNAMODB_ENDPOINT ? { endpoint: dynamoDbConfig.DYNAMODB_ENDPOINT } : {}),
  // The SDK's own retries cover throttling; the store adds its own for UnprocessedItems.
  maxAttempts: 5,
});

export const documentClient = DynamoDBDocumentClient.from(dynamoDbClient, {
  marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
});
