import { emailDomainVerdict, signUpRateKeys, signUpRefusalMessage, type EmailDomainRules, type SignUpRefusalReason } from '../../domain/sign-up-policy';
import type { RateLimiter } from '../../ports/rate-limiter';

/** At most `limit` sign-ups in each fixed window of `windowSeconds` (windows aligned to the epoch). */
export interface SignUpRate {
  readonly limit: number;
  readonly windowSeconds: number;
}

/** One stage's sign-up policy (functions/config/sign-up-config.ts reads it from the environment). */
export interface SignUpPolicy {
  readonly domains: EmailDomainRules;
  /** Per email domain: one organisation (or one webmail provider) cannot open accounts in bulk. */
  readonly perDomain: SignUpRate;
  /** The whole pool: bounds what any mix of domains can do, and the verification emails it costs. */
  readonly perPool: SignUpRate;
}

export interface SignUpScreenDependencies {
  /** Counts only admitted sign-ups (DynamoDbCappedRateLimiter), so a refused flood uses up nothing. */
  readonly rateLimiter: RateLimiter;
}

/** A sign-up the policy refuses; its message is what the person signing up reads. */
export class SignUpRefusedError extends Error {
  override readonly name = 'SignUpRefusedError';
  constructor(
    readonly reason: SignUpRefusalReason,
    readonly domain: string | undefined,
    readonly retryAfterSeconds?: number,
  ) {
    super(signUpRefusalMessage(reason, retryAfterSeconds));
  }
}

/**
 * Decides one self sign-up from its email address: the domain must be a real-looking internet
 * domain, not denied and (where the stage has an allow list) allowed; then the domain's counter and
 * the pool's must each have room in their current window. The domain is counted first, so a flood
 * from one domain is stopped there without touching the pool's budget; a sign-up the pool then
 * refuses has used one of its domain's slots (over-counting by at most the refused ones, never
 * under-counting). Returns the domain on acceptance; throws SignUpRefusedError otherwise.
 */
export async function screenSignUp(email: string, policy: SignUpPolicy, deps: SignUpScreenDependencies): Promise<{ domain: string }> {
  const verdict = emailDomainVerdict(email, policy.domains);
  if (!verdict.accepted) throw new SignUpRefusedError(verdict.reason, verdict.domain);
  const { domain } = verdict;

  const byDomain = await deps.rateLimiter.hit(signUpRateKeys.domain(domain), policy.perDomain.limit, policy.perDomain.windowSeconds);
  if (!byDomain.allowed) throw new SignUpRefusedError('domain_rate', domain, byDomain.retryAfterSeconds);

  const byPool = await deps.rateLimiter.hit(signUpRateKeys.pool, policy.perPool.limit, policy.perPool.windowSeconds);
  if (!byPool.allowed) throw new SignUpRefusedError('pool_rate', domain, byPool.retryAfterSeconds);

  return { domain };
}
