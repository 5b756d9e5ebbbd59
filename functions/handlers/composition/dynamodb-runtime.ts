import { createDynamoDbClients } from '../../adapters/dynamodb/client';
import { loadDynamoDbConfig } from '../../config/dynamodb-config';

/**
 * The programs table's settings and client of a Lambda function, read from its environment once,
 * when the module loads: a function deployed without PROGRAMS_TABLE fails its cold start naming
 * it. One client per process, reused across invocations.
 */
export const dynamoDbConfig = loadDynamoDbConfig(process.env);
export const { documentClient } = createDynamoDbClients(dynamoDbConfig);
