import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { jwtAuthorizerContext } from './authorizer-claims';
import { BearerTokenRefusedError, type BearerTokenVerifier } from './bearer-token';
import { headerOf } from './request-body';

/**
 * middy middleware of the provider and reviewer routes: checks the bearer token before the
 * handler runs, and hands the verified claims on exactly where an HTTP API JWT authorizer puts
 * them (`requestContext.authorizer.jwt`), so `identityFrom` reads them the same either way. A
 * refused token is thrown as a `BearerTokenRefusedError`, which the error middleware turns into
 * the contract's 401 with a `www-authenticate` challenge.
 *
 * Without a verifier the check was made before the function (the local adapter's authorizer) and
 * this does nothing: `identityFrom` then trusts only the authorizer context.
 */
export function bearerAuthentication(verify: BearerTokenVerifier | undefined): MiddlewareObj<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2> {
  return {
    before: async (request) => {
      if (!verify) return;
      const verification = await verify(headerOf(request.event, 'authorization'));
      if (!verification.ok) throw new BearerTokenRefusedError(verification.failure, verification.message);
      // Replaces whatever context API Gateway set (the origin check's), never merges into it.
      request.event = {
        ...request.event,
        requestContext: { ...request.event.requestContext, authorizer: jwtAuthorizerContext(verification.claims) },
      } as APIGatewayProxyEventV2;
    },
  };
}
