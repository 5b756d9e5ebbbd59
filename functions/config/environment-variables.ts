/**
 * Every environment variable a function reads, named once. The load functions of this folder
 * declare their schemas through `environmentShape`, and the CDK stacks type the environments they
 * set as `FunctionEnvironment`, so a name misspelt on either side is a compile error; which
 * function needs which variable is checked by tests/infra/api-stack.test.ts, which loads every
 * function with exactly the environment the stack gives it.
 */
export const ENVIRONMENT_VARIABLES = [
  'AWS_REGION',
  'CLIENT_ADDRESS',
  'COGNITO_CLIENT_ID',
  'COGNITO_USER_POOL_ID',
  'CURSOR_SIGNING_KEY',
  'DYNAMODB_ENDPOINT',
  'EXPIRY_TOPIC_ARN',
  'EXPIRY_WINDOW_DAYS',
  'GEOCODER',
  'GEOCODER_ENDPOINT',
  'GEOCODER_MAX_ATTEMPTS',
  'GEOCODER_REGION',
  'MAX_PENDING_LISTINGS',
  'OPENSEARCH_AUTH',
  'OPENSEARCH_MAX_RETRIES',
  'OPENSEARCH_REQUEST_TIMEOUT_MS',
  'OPENSEARCH_URL',
  'ORIGIN_SECRET_ARN',
  'PROGRAMS_TABLE',
  'RECONCILE_SETTLE_SECONDS',
  'S3_ENDPOINT',
  'SEARCH_INDEX_ALIAS',
  'SIGN_UP_ALLOWED_DOMAINS',
  'SIGN_UP_DENIED_DOMAINS',
  'SIGN_UP_DOMAIN_LIMIT',
  'SIGN_UP_DOMAIN_WINDOW_SECONDS',
  'SIGN_UP_POOL_LIMIT',
  'SIGN_UP_POOL_WINDOW_SECONDS',
  'TOKEN_VERIFICATION',
] as const;

export type EnvironmentVariable = (typeof ENVIRONMENT_VARIABLES)[number];

/** What a stack sets in a function's environment: only variables some function reads. */
export type FunctionEnvironment = Readonly<Partial<Record<EnvironmentVariable, string>>>;

/** A schema shape whose keys are all known variables (an unknown key fails to compile). */
export function environmentShape<Shape extends Partial<Record<EnvironmentVariable, unknown>>>(
  shape: Shape & Record<Exclude<keyof Shape, EnvironmentVariable>, never>,
): Shape {
  return shape;
}
