import { DynamoDbCappedRateLimiter } from '../adapters/dynamodb/dynamodb-capped-rate-limiter';
import { loadSignUpPolicy } from '../config/sign-up-config';
import { documentClient, dynamoDbConfig } from './composition/dynamodb-runtime';
import { screenSignUpHandler, type ScreenSignUpHandlerDependencies } from './factories/screen-sign-up';

const dependencies: ScreenSignUpHandlerDependencies = {
  policy: loadSignUpPolicy(process.env),
  rateLimiter: new DynamoDbCappedRateLimiter(documentClient, dynamoDbConfig.PROGRAMS_TABLE),
};

export const handler = screenSignUpHandler(() => dependencies);
