/**
 * `npm run token -- --provider ID [--reviewer] [--expires-in 1h]`: prints an ID token of the local
 * identity provider of DATA_DIR (default .data), the one `npm start` on that DATA_DIR accepts.
 * Only the token goes to stdout, so `TOKEN=$(npm run -s token -- --provider p1)` works.
 */
import { parseArgs } from 'node:util';
import { parseDuration } from './duration';
import { openLocalIdentityProvider } from './local-identity-provider';
import { authDirectory, localIdentityProvider } from './settings';

const USAGE = `Usage: npm run token -- --provider ID [--reviewer] [--expires-in DURATION]

  --provider ID        the token's subject (the provider's id, Cognito's "sub")
  --reviewer           adds the "${localIdentityProvider.reviewersGroup}" group (claim cognito:groups)
  --expires-in SPAN    lifetime such as 90s, 15m, 1h (default), 7d, or seconds

Signs with the key under $DATA_DIR/auth (DATA_DIR defaults to .data), creating it if needed.`;

function usageError(message: string): never {
  console.error(`${message}\n\n${USAGE}`);
  process.exit(2);
}

let values: { provider?: string; reviewer?: boolean; 'expires-in'?: string; help?: boolean };
try {
  ({ values } = parseArgs({
    options: {
      provider: { type: 'string' },
      reviewer: { type: 'boolean' },
      'expires-in': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
    allowPositionals: false,
  }));
} catch (error) {
  usageError(error instanceof Error ? error.message : String(error));
}

if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
const provider = values.provider?.trim();
// Cognito subs are UUIDs; anything printable without spaces keeps local ids readable.
if (!provider || !/^[\x21-\x7e]{1,128}$/.test(provider)) usageError('--provider needs an id of 1-128 visible ASCII characters');
const expiresIn = parseDuration(values['expires-in'] ?? localIdentityProvider.defaultExpiresIn);
if (expiresIn === undefined) usageError(`--expires-in must be a positive span such as 90s, 15m, 1h or 7d, not ${JSON.stringify(values['expires-in'])}`);

try {
  const identityProvider = await openLocalIdentityProvider(authDirectory(process.env.DATA_DIR || '.data'));
  const token = await identityProvider.issueToken({
    sub: provider,
    groups: values.reviewer ? [localIdentityProvider.reviewersGroup] : [],
    expiresIn,
  });
  process.stdout.write(`${token}\n`);
} catch (error) {
  console.error(`Could not issue a token: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(2);
}
