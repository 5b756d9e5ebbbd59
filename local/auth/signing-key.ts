import { randomBytes } from 'node:crypto';
import { link, mkdir, readFile, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, type CryptoKey, type JSONWebKeySet, type JWK } from 'jose';
import { localIdentityProvider } from './settings';

/** The local identity provider's key: the private half signs tokens, the key set verifies them. */
export interface SigningKey {
  /** Sent in each token's header; the authorizer picks the verification key by it, as API Gateway does. */
  readonly kid: string;
  readonly privateKey: CryptoKey;
  /** The public half, as a user pool publishes it at its jwks.json. */
  readonly jwks: JSONWebKeySet;
}

const KEY_FILE = 'signing-key.jwk.json';
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth'] as const;

/**
 * The key of the identity provider whose state lives in `authDir` (DATA_DIR/auth), created on
 * first use. Whoever comes first, `npm start` or `npm run token`, creates it; the other reads the
 * same file, so tokens printed by one verify in the other and survive restarts.
 */
export async function loadOrCreateSigningKey(authDir: string): Promise<SigningKey> {
  const file = join(authDir, KEY_FILE);
  try {
    return await signingKeyFromJwk(JSON.parse(await readFile(file, 'utf8')) as JWK);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw new Error(`Cannot read the local signing key ${file}: ${String(error)}`);
  }
  await mkdir(authDir, { recursive: true, mode: 0o700 });
  const candidate = await exportPrivateJwk(await generateSigningKey());
  // Written aside and linked into place: link() never replaces an existing file, so when two
  // processes race on a fresh DATA_DIR both end up with the winner's key.
  const scratch = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  await writeFile(scratch, `${JSON.stringify(candidate, null, 2)}\n`, { mode: 0o600 });
  try {
    await link(scratch, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    await unlink(scratch).catch(() => undefined);
  }
  return signingKeyFromJwk(JSON.parse(await readFile(file, 'utf8')) as JWK);
}

/**
 * A fresh key that lives only in memory. `kid` lets a test give a foreign key the identity of the
 * real one, so the signature check (not the key lookup) is what rejects its tokens.
 */
export async function generateSigningKey(kid?: string): Promise<SigningKey> {
  const { privateKey } = await generateKeyPair(localIdentityProvider.algorithm, { modulusLength: 2048, extractable: true });
  const jwk = await exportJWK(privateKey);
  return signingKeyFromJwk({ ...jwk, kid: kid ?? (await calculateJwkThumbprint(jwk)) });
}

async function exportPrivateJwk(key: SigningKey): Promise<JWK> {
  return { ...(await exportJWK(key.privateKey)), kid: key.kid, alg: localIdentityProvider.algorithm, use: 'sig' };
}

async function signingKeyFromJwk(jwk: JWK): Promise<SigningKey> {
  if (jwk.kty !== 'RSA' || !jwk.d || !jwk.kid) throw new Error('The local signing key must be a private RSA JWK with a kid');
  const privateKey = (await importJWK({ ...jwk, ext: true }, localIdentityProvider.algorithm)) as CryptoKey;
  const publicJwk: JWK = { ...jwk, alg: localIdentityProvider.algorithm, use: 'sig' };
  for (const member of PRIVATE_MEMBERS) delete publicJwk[member];
  delete publicJwk.ext;
  delete publicJwk.key_ops;
  return { kid: jwk.kid, privateKey, jwks: { keys: [publicJwk] } };
}
