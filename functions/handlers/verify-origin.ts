import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import middy from '@middy/core';
import type { APIGatewayRequestAuthorizerEventV2, APIGatewaySimpleAuthorizerResult } from 'aws-lambda';
import { SecretsManagerOriginValues } from '../adapters/secrets/secrets-manager-origin-values';
import { loadOriginVerificationConfig } from '../config/origin-verification-config';
import { isAcceptedOriginValue, ORIGIN_VERIFY_HEADER } from '../http/origin-verification';
import { observability } from '../observability/observability';

const config = loadOriginVerificationConfig(process.env);

/** Composition root: one client and one cached copy of the accepted values per process. */
const originValues = new SecretsManagerOriginValues(new SecretsManagerClient({}), config.ORIGIN_SECRET_ARN);

/**
 * The HTTP API's Lambda authorizer (simple responses, identity source `x-origin-verify`, results
 * cached by API Gateway per header value): authorises requests that carry the value CloudFront
 * adds, so the execute-api endpoint answers nothing that bypassed the distribution. A request
 * without the header is refused by API Gateway before this runs. Only the edge decides here; who
 * the caller is stays with the bearer-token check of each provider and reviewer function.
 */
export const handler = middy<APIGatewayRequestAuthorizerEventV2, APIGatewaySimpleAuthorizerResult>()
  .use(observability({ service: 'verify-origin' }))
  .handler(async (event) => {
    const presented = Object.entries(event.headers ?? {}).find(([name]) => name.toLowerCase() === ORIGIN_VERIFY_HEADER)?.[1];
    return { isAuthorized: isAcceptedOriginValue(presented, await originValues.accepted()) };
  });
