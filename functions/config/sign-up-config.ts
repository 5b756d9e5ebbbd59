import { z } from 'zod';
import { normalizeDomain } from '../domain/sign-up-policy';
import type { SignUpPolicy } from '../use-cases/accounts/screen-sign-up';
import { parseEnv } from './env';
import { environmentShape } from './environment-variables';

/** A comma-separated list of domain names (empty: none), each normalised; one that is not a domain fails the cold start. */
const domainList = z
  .string()
  .default('')
  .transform((value, context) => {
    const domains: string[] = [];
    for (const entry of value.split(',').map((item) => item.trim()).filter((item) => item !== '')) {
      const domain = normalizeDomain(entry);
      if (domain) domains.push(domain);
      else context.addIssue({ code: 'custom', message: `${JSON.stringify(entry)} is not a domain name` });
    }
    return domains;
  });

const count = z.coerce.number().int().min(1).max(1_000_000);
// Windows of a minute to a day: the counters' TTL removes them shortly after.
const windowSeconds = z.coerce.number().int().min(60).max(86_400);

/**
 * The pre sign-up trigger's settings, set by the stateful stack from the stage's configuration
 * (infra/config/accounts.ts). The limits have no defaults: a trigger deployed without them fails its
 * cold start (and so every sign-up, loudly) rather than guard with numbers nobody chose.
 */
export const signUpConfigSchema = z.object(environmentShape({
  SIGN_UP_ALLOWED_DOMAINS: domainList,
  SIGN_UP_DENIED_DOMAINS: domainList,
  SIGN_UP_DOMAIN_LIMIT: count,
  SIGN_UP_DOMAIN_WINDOW_SECONDS: windowSeconds,
  SIGN_UP_POOL_LIMIT: count,
  SIGN_UP_POOL_WINDOW_SECONDS: windowSeconds,
}));

export function signUpPolicyOf(config: z.infer<typeof signUpConfigSchema>): SignUpPolicy {
  return {
    domains: { allowed: config.SIGN_UP_ALLOWED_DOMAINS, denied: config.SIGN_UP_DENIED_DOMAINS },
    perDomain: { limit: config.SIGN_UP_DOMAIN_LIMIT, windowSeconds: config.SIGN_UP_DOMAIN_WINDOW_SECONDS },
    perPool: { limit: config.SIGN_UP_POOL_LIMIT, windowSeconds: config.SIGN_UP_POOL_WINDOW_SECONDS },
  };
}

/** The sign-up policy of an environment; throws naming each variable missing or invalid. */
export function loadSignUpPolicy(env: NodeJS.ProcessEnv): SignUpPolicy {
  return signUpPolicyOf(parseEnv(signUpConfigSchema, env));
}
