/**
 * What checking the bearer token in the function (aws-jwt-verify against the user pool, so a
 * refusal is the contract's 401) adds to a provider or reviewer request, in process, with the
 * pool's key set already cached (as it is after the cold start's prefetch): the verification alone
 * for a good token and for each common refusal, and a whole middy chain (error mapping + token
 * check + a handler that does nothing) against the same chain without the check. Also the one-off
 * costs: creating the verifier, the first verification, and the library's bundled size. The key-set fetch
 * itself (one HTTPS GET to Cognito per cold start) needs the network and is not measured here.
 *
 * Usage: npm run bench:auth   (ITERATIONS=N, default 5000)
 */
import { performance } from 'node:perf_hooks';
import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { build } from 'esbuild';
import { SimpleJwksCache } from 'aws-jwt-verify/jwk';
import { SignJWT, generateKeyPair, exportJWK, type CryptoKey } from 'jose';
import { cognitoTokenVerifier } from '../functions/adapters/auth/cognito-token-verifier';
import { bearerAuthentication } from '../functions/http/bearer-authentication';
import { httpErrors } from '../functions/http/http-errors';
import { benchContext, searchEvent } from './api-event';
import { summarize } from './percentiles';

const ITERATIONS = Number(process.env.ITERATIONS ?? 5000);
const userPoolId = 'us-east-1_Bench0001';
const clientId = 'benchclient0001';
const issuer = `https://cognito-idp.us-east-1.amazonaws.com/${userPoolId}`;

async function signer(kid: string): Promise<{ privateKey: CryptoKey; jwk: Record<string, unknown> }> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { modulusLength: 2048, extractable: true });
  return { privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' } };
}

function mint(privateKey: CryptoKey, kid: string, claims: { iat?: number; exp?: number } = {}): Promise<string> {
  const iat = claims.iat ?? Math.floor(Date.now() / 1000);
  return new SignJWT({ 'cognito:groups': ['reviewers'], 'cognito:username': 'bench', token_use: 'id', auth_time: iat })
    .setProtectedHeader({ alg: 'RS256', kid, typ: 'JWT' })
    .setSubject('bench-user')
    .setIssuer(issuer)
    .setAudience(clientId)
    .setIssuedAt(iat)
    .setExpirationTime(claims.exp ?? iat + 3600)
    .sign(privateKey);
}

const ms = (value: number) => `${value.toFixed(3)} ms`;
function report(label: string, samples: number[]): void {
  const { n, p50, p99, mean } = summarize(samples);
  console.log(`${label.padEnd(54)} p50 ${ms(p50)}  p99 ${ms(p99)}  mean ${ms(mean)}  (n=${n})`);
}

async function series(run: () => Promise<unknown>): Promise<number[]> {
  for (let i = 0; i < Math.min(500, ITERATIONS); i += 1) await run(); // warm-up (JIT, key import)
  const samples: number[] = [];
  for (let i = 0; i < ITERATIONS; i += 1) {
    const started = performance.now();
    await run();
    samples.push(performance.now() - started);
  }
  return samples;
}

async function main(): Promise<void> {
  const good = await signer('bench-key');
  const foreign = await signer('bench-key');
  const jwks = { keys: [good.jwk] };
  let fetches = 0;
  const jwksCache = new SimpleJwksCache({
    fetcher: {
      fetch: async () => {
        fetches += 1;
        return new TextEncoder().encode(JSON.stringify(jwks)).buffer as ArrayBuffer;
      },
    },
  });
  const createStarted = performance.now();
  const verifier = cognitoTokenVerifier({ userPoolId, clientId, jwksCache });
  const created = performance.now() - createStarted;
  const prefetchStarted = performance.now();
  await verifier.prefetchKeys();
  const prefetched = performance.now() - prefetchStarted;
  const fetchesAtColdStart = fetches;

  const now = Math.floor(Date.now() / 1000);
  const tokens = {
    valid: `Bearer ${await mint(good.privateKey, 'bench-key')}`,
    expired: `Bearer ${await mint(good.privateKey, 'bench-key', { iat: now - 7200, exp: now - 3600 })}`,
    forged: `Bearer ${await mint(foreign.privateKey, 'bench-key')}`,
  };
  const firstStarted = performance.now();
  const first = await verifier.verify(tokens.valid);
  const firstVerification = performance.now() - firstStarted;
  if (!first.ok) throw new Error(`the benchmark's own token was refused: ${first.message}`);

  console.log(`aws-jwt-verify token check, ${ITERATIONS} iterations each, key set cached (RS256, 2048-bit key)`);
  console.log(`one-off: create verifier ${ms(created)}, prefetch key set (in-memory fetcher; ${fetchesAtColdStart} fetches, the pool's two issuer forms) ${ms(prefetched)}, first verification ${ms(firstVerification)}`);
  report('verify: valid token', await series(() => verifier.verify(tokens.valid)));
  report('verify: expired token (401)', await series(() => verifier.verify(tokens.expired)));
  report('verify: forged signature (401)', await series(() => verifier.verify(tokens.forged)));
  report('verify: no token (401)', await series(() => verifier.verify(undefined)));

  const event = (authorization: string | undefined): APIGatewayProxyEventV2 => {
    const base = searchEvent({});
    return { ...base, routeKey: 'GET /v1/listings', rawPath: '/v1/listings', headers: { ...base.headers, ...(authorization ? { authorization } : {}) } };
  };
  const noop = async (): Promise<APIGatewayProxyStructuredResultV2> => ({ statusCode: 200, body: '{}' });
  const without = middy<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>().use(httpErrors()).handler(noop);
  const withCheck = middy<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>().use(httpErrors()).use(bearerAuthentication(verifier.verify)).handler(noop);
  const baseline = summarize(await series(() => without(event(tokens.valid), benchContext)));
  const checked = summarize(await series(() => withCheck(event(tokens.valid), benchContext)));
  const refused = summarize(await series(() => withCheck(event(tokens.expired), benchContext)));
  console.log(`middy chain without the check                          p50 ${ms(baseline.p50)}  p99 ${ms(baseline.p99)}`);
  console.log(`middy chain with the check, valid token                p50 ${ms(checked.p50)}  p99 ${ms(checked.p99)}`);
  console.log(`middy chain with the check, expired token (401 body)   p50 ${ms(refused.p50)}  p99 ${ms(refused.p99)}`);
  console.log(`added per accepted request: p50 ${ms(checked.p50 - baseline.p50)}, p99 ${ms(checked.p99 - baseline.p99)}`);
  console.log(`key-set fetches after the cold start: ${fetches - fetchesAtColdStart} (a kid the set lacks refetches at most once per 10 s)`);

  const bundle = await build({
    stdin: { contents: "export { CognitoJwtVerifier } from 'aws-jwt-verify';", resolveDir: process.cwd() },
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'node',
    write: false,
  });
  console.log(`aws-jwt-verify in a minified bundle: ${(bundle.outputFiles[0]!.contents.length / 1024).toFixed(1)} KB`);
}

await main();
