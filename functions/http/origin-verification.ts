import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * The header CloudFront adds to every request it sends to the API (an origin custom header whose
 * value comes from Secrets Manager). The HTTP API's Lambda authorizer (functions/handlers/verify-origin.ts)
 * refuses requests without a current value, so the API answers only through the distribution,
 * behind its WAF rules and its cache.
 */
export const ORIGIN_VERIFY_HEADER = 'x-origin-verify';

/**
 * Whether `presented` equals one of the accepted values, in time independent of where they differ
 * (digests of equal length are compared, so neither length nor prefix leaks).
 */
export function isAcceptedOriginValue(presented: string | undefined, accepted: readonly string[]): boolean {
  if (!presented) return false;
  const digest = sha256(presented);
  let matched = false;
  for (const value of accepted) if (value.length > 0 && timingSafeEqual(digest, sha256(value))) matched = true;
  return matched;
}

function sha256(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}
