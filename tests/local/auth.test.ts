import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { base64url, decodeJwt, decodeProtectedHeader, SignJWT } from 'jose';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openLocalIdentityProvider, type LocalIdentityProvider } from '../../local/auth/local-identity-provider';
import { authDirectory } from '../../local/auth/settings';
import { loadOrCreateSigningKey } from '../../local/auth/signing-key';
import { startApiGatewayAdapter, type ApiGatewayAdapter } from '../../local/http/api-gateway-adapter';
import { formatClaimValue } from '../../functions/http/authorizer-claims';
import { jwtRoute, type JwtApiHandler } from '../../local/http/route-table';
import { api as request, type ApiRequestOptions } from '../support/http';
import { expiredToken, providerToken, reviewerToken, wrongAudienceToken, wrongIssuerToken, wronglySignedToken } from '../support/tokens';

const run = promisify(execFile);
const repoRoot = join(import.meta.dirname, '../..');
const tsx = join(repoRoot, 'node_modules/.bin/tsx');

/** `npm run token -- ...` without npm's own output on stdout. */
function tokenCli(args: string[], dataDir: string) {
  return run(tsx, ['local/auth/token-cli.ts', ...args], { cwd: repoRoot, env: { ...process.env, DATA_DIR: dataDir } }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, stdout: error.stdout, stderr: error.stderr }),
  );
}

function callApi({ method = 'GET', path, ...options }: ApiRequestOptions & { method?: string; path: string }) {
  return request(method, path, options);
}

const unauthorized = { error: { code: 'unauthorized', message: expect.any(String), details: [] } };

// The adapter as the stack runs it, with the test stack's identity provider, in front of stand-in
// handlers that record what reaches them.
describe('JWT authorizer of the local API Gateway adapter', () => {
  const reached: APIGatewayProxyEventV2WithJWTAuthorizer[] = [];
  let identityProvider: LocalIdentityProvider;
  let api: ApiGatewayAdapter;

  const recording: JwtApiHandler = async (event) => {
    reached.push(event);
    return { statusCode: 200, body: JSON.stringify({ routeKey: event.routeKey }) };
  };

  beforeAll(async () => {
    identityProvider = await openLocalIdentityProvider(process.env.LOCAL_AUTH_DIR!);
    api = await startApiGatewayAdapter({
      port: 0,
      log: () => {},
      verifyBearerToken: identityProvider.verifyBearerToken,
      routes: {
        'GET /v1/public': async () => ({ statusCode: 200, body: '{}' }),
        'GET /v1/things/{id}': { authorizer: 'jwt', handler: recording },
        'GET /v1/things/{id}/history': jwtRoute(async () => ({ handler: recording })),
        'POST /v1/things': { authorizer: 'jwt', handler: recording },
        'GET /v1/unfinished': jwtRoute(() => Promise.reject(new Error('Cannot find module ../functions/handlers/unfinished'))),
      },
    });
  });
  afterAll(async () => {
    await api.stop();
  });
  beforeEach(() => {
    reached.length = 0;
  });

  it.each([
    ['missing', async () => undefined],
    ['expired', () => expiredToken('provider-1')],
    ['wrongly signed', () => wronglySignedToken('provider-1')],
    ['wrong audience', () => wrongAudienceToken('provider-1')],
    ['wrong issuer', () => wrongIssuerToken('provider-1')],
    ['malformed', async () => 'not.a.jwt'],
    ['empty', async () => ''],
  ])('answers 401 for a %s token without calling the handler', async (_kind, token) => {
    const response = await callApi({ baseUrl: api.url, path: '/v1/things/t-1', token: await token() });
    expect(response.status).toBe(401);
    expect(response.body).toEqual(unauthorized);
    expect(response.headers.get('www-authenticate')).toMatch(/^Bearer\b/);
    expect(reached).toEqual([]);
  });

  it('passes a valid token to the handler with its claims in requestContext.authorizer, as API Gateway does', async () => {
    const token = await providerToken('provider-1');
    const response = await callApi({ baseUrl: api.url, path: '/v1/things/t-1', token });
    expect(response.status).toBe(200);
    const [event] = reached;
    const issued = decodeJwt(token);
    expect(event?.requestContext.authorizer).toEqual({
      jwt: {
        claims: {
          sub: 'provider-1',
          'cognito:username': 'provider-1',
          token_use: 'id',
          iss: 'urn:iop-directory:local-idp',
          aud: 'iop-directory',
          auth_time: String(issued.iat),
          iat: String(issued.iat),
          exp: String(issued.exp),
          jti: issued.jti,
        },
        scopes: null,
      },
    });
    // Cognito omits the groups claim for a user in no group.
    expect(event?.requestContext.authorizer.jwt.claims).not.toHaveProperty('cognito:groups');
    // The header still reaches the function, as it does behind API Gateway.
    expect(event?.headers.authorization).toBe(`Bearer ${token}`);
  });

  it('formats cognito:groups the way API Gateway does: "[reviewers]", every value a string', async () => {
    await callApi({ baseUrl: api.url, path: '/v1/things/t-1', token: await reviewerToken('reviewer-1') });
    const claims = reached[0]?.requestContext.authorizer.jwt.claims ?? {};
    expect(claims['cognito:groups']).toBe('[reviewers]');
    expect(claims.sub).toBe('reviewer-1');
    for (const value of Object.values(claims)) expect(typeof value).toBe('string');
    expect(claims.exp).toMatch(/^\d{10}$/);
  });

  it('formats other claim shapes as Go prints them', () => {
    expect(formatClaimValue(['reviewers', 'admins'])).toBe('[reviewers admins]');
    expect(formatClaimValue([])).toBe('[]');
    expect(formatClaimValue(1_700_000_000)).toBe('1700000000');
    expect(formatClaimValue(true)).toBe('true');
    expect(formatClaimValue({ b: 1, a: ['x'] })).toBe('map[a:[x] b:1]');
  });

  it('accepts the token with or without the Bearer prefix, in any case', async () => {
    const token = await providerToken('provider-1');
    for (const authorization of [token, `bearer ${token}`, `BEARER  ${token}`]) {
      const response = await callApi({ baseUrl: api.url, path: '/v1/things/t-1', headers: { authorization } });
      expect(response.status, authorization.slice(0, 8)).toBe(200);
    }
    expect(reached).toHaveLength(3);
  });

  it('routes the more specific path to its own handler, behind the authorizer too', async () => {
    const token = await providerToken('provider-1');
    const history = await callApi({ baseUrl: api.url, path: '/v1/things/t-1/history', token });
    expect(history.body).toEqual({ routeKey: 'GET /v1/things/{id}/history' });
    expect((await callApi({ baseUrl: api.url, path: '/v1/things/t-1/history' })).status).toBe(401);
    expect(reached.map((event) => [event.routeKey, event.pathParameters])).toEqual([['GET /v1/things/{id}/history', { id: 't-1' }]]);
  });

  it('leaves public routes alone, and refuses oversized bodies before the authorizer', async () => {
    expect((await callApi({ baseUrl: api.url, path: '/v1/public' })).status).toBe(200);
    const tooLarge = await callApi({ baseUrl: api.url, method: 'POST', path: '/v1/things', body: { text: 'x'.repeat(70_000) } });
    expect(tooLarge.status).toBe(413);
    expect(tooLarge.body).toEqual({ error: { code: 'payload_too_large', message: expect.any(String), details: [] } });
    expect(reached).toEqual([]);
  });

  it('answers 500 on a route whose handler module cannot be loaded, and only there', async () => {
    const token = await providerToken('provider-1');
    expect((await callApi({ baseUrl: api.url, path: '/v1/unfinished', token })).status).toBe(500);
    // The authorizer still comes first.
    expect((await callApi({ baseUrl: api.url, path: '/v1/unfinished' })).status).toBe(401);
    expect((await callApi({ baseUrl: api.url, path: '/v1/things/t-1', token })).status).toBe(200);
  });

  it('refuses tokens that do not use the RS256 signature the authorizer pins', async () => {
    const claims = decodeJwt(await providerToken('provider-1'));
    const header = (value: object) => base64url.encode(JSON.stringify(value));
    const unsigned = `${header({ alg: 'none', typ: 'JWT' })}.${header(claims)}.`;
    const hmac = await new SignJWT(claims).setProtectedHeader({ alg: 'HS256', kid: decodeProtectedHeader(await providerToken('x')).kid }).sign(new Uint8Array(32));
    for (const token of [unsigned, hmac]) {
      expect(await identityProvider.verifyBearerToken(`Bearer ${token}`)).toMatchObject({ ok: false, failure: 'bad_signature' });
    }
  });

  it('reports why each refused token failed', async () => {
    const verify = (token: string | undefined) => identityProvider.verifyBearerToken(token === undefined ? undefined : `Bearer ${token}`);
    expect(await verify(undefined)).toMatchObject({ ok: false, failure: 'missing' });
    expect(await verify('a.b.c')).toMatchObject({ ok: false, failure: 'malformed' });
    expect(await verify(await expiredToken('p'))).toMatchObject({ ok: false, failure: 'expired' });
    expect(await verify(await wronglySignedToken('p'))).toMatchObject({ ok: false, failure: 'bad_signature' });
    expect(await verify(await wrongAudienceToken('p'))).toMatchObject({ ok: false, failure: 'wrong_audience' });
    expect(await verify(await wrongIssuerToken('p'))).toMatchObject({ ok: false, failure: 'wrong_issuer' });
    expect(await verify(await providerToken('p'))).toMatchObject({ ok: true, claims: { sub: 'p' } });
  });
});

// The real application's route table on the test stack (started by the global setup).
describe('provider and reviewer routes of the local stack', () => {
  const protectedRoutes = [
    ['POST', '/v1/listings'],
    ['GET', '/v1/listings'],
    ['GET', '/v1/listings/l-1'],
    ['PUT', '/v1/listings/l-1'],
    ['DELETE', '/v1/listings/l-1'],
    ['GET', '/v1/listings/l-1/history'],
    ['GET', '/v1/review/queue'],
    ['POST', '/v1/review/l-1/approve'],
    ['POST', '/v1/review/l-1/reject'],
  ] as const;

  it.each(protectedRoutes)('%s %s is behind the JWT authorizer', async (method, path) => {
    const body = method === 'POST' || method === 'PUT' ? {} : undefined;
    expect(await callApi({ method, path, body })).toMatchObject({ status: 401, body: unauthorized });
    expect(await callApi({ method, path, body, token: await expiredToken('provider-1') })).toMatchObject({ status: 401, body: unauthorized });
  });

  it('lets a valid token through to the listing handlers', async () => {
    const response = await callApi({ path: '/v1/listings', token: await providerToken('provider-1') });
    expect(response.status).not.toBe(401);
  });

  it('keeps the public routes public', async () => {
    expect((await callApi({ path: '/v1/openapi.json' })).status).toBe(200);
    expect((await callApi({ path: '/v1/programs/nope' })).status).toBe(404);
  });
});

describe('npm run token', () => {
  const dataDirs: string[] = [];
  afterAll(() => dataDirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

  it('prints only a token that the stack on the same DATA_DIR accepts', async () => {
    const { code, stdout, stderr } = await tokenCli(['--provider', 'provider-cli', '--reviewer', '--expires-in', '15m'], dirname(process.env.LOCAL_AUTH_DIR!));
    expect([code, stderr]).toEqual([0, '']);
    expect(stdout).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+\n$/);
    const verification = await (await openLocalIdentityProvider(process.env.LOCAL_AUTH_DIR!)).verifyBearerToken(`Bearer ${stdout.trim()}`);
    expect(verification).toMatchObject({ ok: true, claims: { sub: 'provider-cli', 'cognito:groups': ['reviewers'], token_use: 'id' } });
    const claims = decodeJwt(stdout.trim());
    expect(claims.exp! - claims.iat!).toBe(900);

    const response = await callApi({ path: '/v1/listings', token: stdout.trim() });
    expect(response.status).not.toBe(401);
  });

  it('creates the key on a fresh DATA_DIR, keeps it private, and signs with it again next time', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'iop-token-'));
    dataDirs.push(dataDir);
    const first = await tokenCli(['--provider', 'p1'], dataDir);
    const second = await tokenCli(['--provider', 'p2'], dataDir);
    expect([first.code, second.code]).toEqual([0, 0]);
    const provider = await openLocalIdentityProvider(authDirectory(dataDir));
    expect(await provider.verifyBearerToken(first.stdout.trim())).toMatchObject({ ok: true, claims: { sub: 'p1' } });
    expect(await provider.verifyBearerToken(second.stdout.trim())).toMatchObject({ ok: true, claims: { sub: 'p2' } });
    expect(decodeJwt(first.stdout.trim())).not.toHaveProperty('cognito:groups');
    expect(statSync(join(authDirectory(dataDir), 'signing-key.jwk.json')).mode & 0o077).toBe(0);
  });

  it('leaves two processes racing on a fresh DATA_DIR with one key', async () => {
    const authDir = join(mkdtempSync(join(tmpdir(), 'iop-token-')), 'auth');
    dataDirs.push(dirname(authDir));
    const keys = await Promise.all(Array.from({ length: 4 }, () => loadOrCreateSigningKey(authDir)));
    expect(new Set(keys.map((key) => key.kid)).size).toBe(1);
  });

  it.each([
    [[]],
    [['--provider']],
    [['--provider', 'has space']],
    [['--provider', 'p1', '--expires-in', 'soon']],
    [['--provider', 'p1', '--expires-in', '0']],
    [['--provider', 'p1', '--bogus']],
    [['p1']],
  ])('exits 2 with the usage for %j', async (args) => {
    const dataDir = mkdtempSync(join(tmpdir(), 'iop-token-'));
    dataDirs.push(dataDir);
    const { code, stdout, stderr } = await tokenCli(args, dataDir);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain('Usage: npm run token');
  });
});
