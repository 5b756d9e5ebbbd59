import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { SimpleJwksCache } from 'aws-jwt-verify/jwk';
import { FetchError } from 'aws-jwt-verify/error';
import { base64url, SignJWT, type JSONWebKeySet } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cognitoTokenVerifier } from '../../functions/adapters/auth/cognito-token-verifier';
import { bearerAuthentication } from '../../functions/http/bearer-authentication';
import { httpErrors } from '../../functions/http/http-errors';
import { identityFrom } from '../../functions/http/identity';
import { localIdentityProvider } from '../../local/auth/settings';
import { generateSigningKey, type SigningKey } from '../../local/auth/signing-key';
import { bearerTokenVerifier } from '../../local/auth/verify-bearer-token';
import { startApiGatewayAdapter, type ApiGatewayAdapter } from '../../local/http/api-gateway-adapter';
import { apiEvent, lambdaContext } from '../support/api-event';

/**
 * The contract's 401 in AWS: provider and reviewer functions check the bearer token themselves
 * (aws-jwt-verify against the user pool) instead of an HTTP API JWT authorizer, whose refusals
 * carry API Gateway's own body. Locally the adapter plays that authorizer. Every kind of bad
 * token must be refused the same way by both: same status, body and `www-authenticate`; and a good
 * token must reach the handler with the same claims in the same place.
 */

const userPoolId = 'us-east-1_Example1';
const clientId = 'exampleclient1';
const cognitoIssuer = `https://cognito-idp.us-east-1.amazonaws.com/${userPoolId}`;

interface Side {
  readonly issuer: string;
  readonly audience: string;
  call(authorization: string | undefined): Promise<{ status: number; body: unknown; challenge: string | undefined; event?: APIGatewayProxyEventV2 }>;
}

interface Claims {
  sub?: string;
  iss?: string;
  aud?: string;
  iat?: number;
  exp?: number;
  nbf?: number;
  groups?: string[];
}

let key: SigningKey;
let foreignSameKid: SigningKey;
let foreignOtherKid: SigningKey;
let localApi: ApiGatewayAdapter;
let local: Side;
let aws: Side;
let jwksFetches = 0;

const now = () => Math.floor(Date.now() / 1000);

function token(side: Side, claims: Claims = {}, signer: SigningKey = key): Promise<string> {
  const issuedAt = claims.iat ?? now();
  const jwt = new SignJWT({
    ...(claims.groups ? { 'cognito:groups': claims.groups } : {}),
    'cognito:username': claims.sub ?? 'provider-1',
    token_use: 'id',
    auth_time: issuedAt,
    ...(claims.nbf !== undefined ? { nbf: claims.nbf } : {}),
  })
    .setProtectedHeader({ alg: 'RS256', kid: signer.kid, typ: 'JWT' })
    .setSubject(claims.sub ?? 'provider-1')
    .setIssuer(claims.iss ?? side.issuer)
    .setAudience(claims.aud ?? side.audience)
    .setIssuedAt(issuedAt)
    .setExpirationTime(claims.exp ?? issuedAt + 3600);
  return jwt.sign(signer.privateKey);
}

/** Signed with HMAC under the public key's bytes: the classic algorithm-confusion forgery. */
async function hmacForgery(side: Side): Promise<string> {
  const secret = new TextEncoder().encode(JSON.stringify(key.jwks));
  return new SignJWT({ token_use: 'id' })
    .setProtectedHeader({ alg: 'HS256', kid: key.kid })
    .setSubject('provider-1')
    .setIssuer(side.issuer)
    .setAudience(side.audience)
    .setIssuedAt()
    .setExpirationTime('1h')
    .sign(secret);
}

function unsigned(side: Side): string {
  const encode = (value: object) => base64url.encode(JSON.stringify(value));
  return `${encode({ alg: 'none', kid: key.kid })}.${encode({ sub: 'provider-1', iss: side.issuer, aud: side.audience, exp: now() + 3600, token_use: 'id' })}.`;
}

function jwksCache(jwks: JSONWebKeySet, options: { unreachable?: boolean } = {}): SimpleJwksCache {
  return new SimpleJwksCache({
    fetcher: {
      fetch: async (uri) => {
        jwksFetches += 1;
        if (options.unreachable) throw new FetchError(uri, 'connect ECONNREFUSED');
        return new TextEncoder().encode(JSON.stringify(jwks)).buffer as ArrayBuffer;
      },
    },
  });
}

function awsHandler(verify: ReturnType<typeof cognitoTokenVerifier>['verify'], reached: APIGatewayProxyEventV2[]) {
  return middy<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>()
    .use(httpErrors())
    .use(bearerAuthentication(verify))
    .handler(async (event) => {
      reached.push(event);
      return { statusCode: 200, body: JSON.stringify(identityFrom(event)) };
    });
}

beforeAll(async () => {
  key = await generateSigningKey();
  foreignSameKid = await generateSigningKey(key.kid);
  foreignOtherKid = await generateSigningKey();

  const localReached: APIGatewayProxyEventV2[] = [];
  localApi = await startApiGatewayAdapter({
    port: 0,
    log: () => {},
    verifyBearerToken: bearerTokenVerifier(key.jwks),
    routes: {
      'GET /v1/things': {
        authorizer: 'jwt',
        handler: async (event) => {
          localReached.push(event);
          return { statusCode: 200, body: JSON.stringify(identityFrom(event)) };
        },
      },
    },
  });
  local = {
    issuer: localIdentityProvider.issuer,
    audience: localIdentityProvider.audience,
    async call(authorization) {
      localReached.length = 0;
      const response = await fetch(`${localApi.url}/v1/things`, { headers: authorization === undefined ? {} : { authorization } });
      return { status: response.status, body: await response.json(), challenge: response.headers.get('www-authenticate') ?? undefined, event: localReached[0] };
    },
  };

  const awsReached: APIGatewayProxyEventV2[] = [];
  const handler = awsHandler(cognitoTokenVerifier({ userPoolId, clientId, jwksCache: jwksCache(key.jwks) }).verify, awsReached);
  aws = {
    issuer: cognitoIssuer,
    audience: clientId,
    async call(authorization) {
      awsReached.length = 0;
      const event = apiEvent({ routeKey: 'GET /v1/things' });
      if (authorization !== undefined) event.headers = { authorization };
      const result = (await handler(event, lambdaContext)) as APIGatewayProxyStructuredResultV2;
      const headers = (result.headers ?? {}) as Record<string, string>;
      return { status: result.statusCode ?? 200, body: JSON.parse(String(result.body)), challenge: headers['www-authenticate'], event: awsReached[0] };
    },
  };
});

afterAll(async () => {
  await localApi?.stop();
});

describe('bearer tokens refused in AWS exactly as locally', () => {
  const cases: Array<[string, (side: Side) => Promise<string | undefined> | string | undefined]> = [
    ['no Authorization header', () => undefined],
    ['an empty header', () => ''],
    ['"Bearer" without a token', () => 'Bearer '],
    ['a malformed token', () => 'Bearer not.a.jwt'],
    ['an expired token', async (side) => `Bearer ${await token(side, { iat: now() - 7200, exp: now() - 3600 })}`],
    ['a token issued in the future', async (side) => `Bearer ${await token(side, { iat: now() + 600, exp: now() + 4200 })}`],
    ['a token not valid before later', async (side) => `Bearer ${await token(side, { nbf: now() + 600 })}`],
    ['a token of another issuer', async (side) => `Bearer ${await token(side, { iss: 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Other' })}`],
    ['a token for another client', async (side) => `Bearer ${await token(side, { aud: 'some-other-client' })}`],
    ['a token signed by another key under the same kid', async (side) => `Bearer ${await token(side, {}, foreignSameKid)}`],
    ['a token signed by a key the pool never published', async (side) => `Bearer ${await token(side, {}, foreignOtherKid)}`],
    ['an HS256 forgery keyed with the public key', async (side) => `Bearer ${await hmacForgery(side)}`],
    ['an unsigned token (alg none)', (side) => `Bearer ${unsigned(side)}`],
  ];

  it.each(cases)('%s: the same 401, body and challenge, and the handler never runs', async (_kind, authorization) => {
    const [fromLocal, fromAws] = [await local.call(await authorization(local)), await aws.call(await authorization(aws))];
    expect(fromLocal.status).toBe(401);
    expect(fromLocal.body).toMatchObject({ error: { code: 'unauthorized', details: [] } });
    expect({ ...fromAws, event: undefined }).toEqual({ ...fromLocal, event: undefined });
    expect(fromAws.event).toBeUndefined();
    expect(fromLocal.event).toBeUndefined();
  });

  it('accepts the token bare or after any case of "Bearer", and hands on the same claims where the JWT authorizer put them', async () => {
    for (const scheme of ['Bearer ', 'bearer ', 'BEARER  ', '']) {
      const [fromLocal, fromAws] = [
        await local.call(`${scheme}${await token(local, { sub: 'reviewer-1', groups: ['reviewers'] })}`),
        await aws.call(`${scheme}${await token(aws, { sub: 'reviewer-1', groups: ['reviewers'] })}`),
      ];
      expect(fromAws.status, scheme).toBe(200);
      expect(fromAws.body).toEqual({ sub: 'reviewer-1', isReviewer: true });
      expect(fromAws.body).toEqual(fromLocal.body);
      const claims = (event: APIGatewayProxyEventV2 | undefined) => {
        const { iss: _iss, aud: _aud, iat: _iat, exp: _exp, auth_time: _auth, ...rest } = (event?.requestContext as unknown as { authorizer: { jwt: { claims: Record<string, string> } } }).authorizer.jwt.claims;
        return rest;
      };
      expect(claims(fromAws.event)).toEqual(claims(fromLocal.event));
      expect(claims(fromAws.event)).toMatchObject({ sub: 'reviewer-1', 'cognito:groups': '[reviewers]', token_use: 'id' });
    }
  });

  it('replaces any authorizer context API Gateway set (the origin check) with the verified claims', async () => {
    const reached: APIGatewayProxyEventV2[] = [];
    const handler = awsHandler(cognitoTokenVerifier({ userPoolId, clientId, jwksCache: jwksCache(key.jwks) }).verify, reached);
    const event = apiEvent({ routeKey: 'GET /v1/things' });
    event.headers = { authorization: `Bearer ${await token(aws, { sub: 'provider-9' })}` };
    (event.requestContext as unknown as { authorizer: unknown }).authorizer = { lambda: {}, jwt: { claims: { sub: 'someone-else' } } };
    const result = (await handler(event, lambdaContext)) as APIGatewayProxyStructuredResultV2;
    expect(JSON.parse(String(result.body))).toEqual({ sub: 'provider-9', isReviewer: false });
    expect(reached[0]?.requestContext).not.toHaveProperty('authorizer.lambda');
  });

  it('fetches the key set at the cold start, not per request, and answers 503 unavailable (not 401) while the pool cannot be reached', async () => {
    const reached: APIGatewayProxyEventV2[] = [];
    const verifier = cognitoTokenVerifier({ userPoolId, clientId, jwksCache: jwksCache(key.jwks) });
    await verifier.prefetchKeys();
    jwksFetches = 0;
    const handler = awsHandler(verifier.verify, reached);
    for (let i = 0; i < 3; i += 1) {
      const event = apiEvent({ routeKey: 'GET /v1/things' });
      event.headers = { authorization: `Bearer ${await token(aws)}` };
      expect(((await handler(event, lambdaContext)) as APIGatewayProxyStructuredResultV2).statusCode).toBe(200);
    }
    expect(jwksFetches).toBe(0);

    const down = awsHandler(cognitoTokenVerifier({ userPoolId, clientId, jwksCache: jwksCache(key.jwks, { unreachable: true }) }).verify, []);
    const event = apiEvent({ routeKey: 'GET /v1/things' });
    event.headers = { authorization: `Bearer ${await token(aws)}` };
    const result = (await down(event, lambdaContext)) as APIGatewayProxyStructuredResultV2;
    expect(result.statusCode).toBe(503);
    expect(JSON.parse(String(result.body))).toMatchObject({ error: { code: 'unavailable' } });
  });

  it('without a verifier (locally, behind the adapter) leaves the check to the authorizer context: none is a 401', async () => {
    const handler = awsHandler(undefined as never, []);
    const result = (await handler(apiEvent({ routeKey: 'GET /v1/things' }), lambdaContext)) as APIGatewayProxyStructuredResultV2;
    expect(result.statusCode).toBe(401);
    expect(JSON.parse(String(result.body))).toMatchObject({ error: { code: 'unauthorized' } });
  });
});
