import { domainToASCII } from 'node:url';

/**
 * Who may open a provider account by themselves (the user pool's self sign-up), decided from the
 * email address before Cognito creates the account. Pure: the lists come from the stage's
 * configuration (infra/config/accounts.ts), the counting from a rate limiter.
 */

/** The email domains one stage accepts sign-ups from. A rule covers the domain and its subdomains. */
export interface EmailDomainRules {
  /** Empty: any domain that is not denied. Otherwise only these (and their subdomains). */
  readonly allowed: readonly string[];
  /** Never these (nor their subdomains), even when allowed: denial wins. */
  readonly denied: readonly string[];
}

/** Why a sign-up was refused; also the `reason` of the refusal's log line. */
export type SignUpRefusalReason = 'invalid_email' | 'domain_denied' | 'domain_not_allowed' | 'domain_rate' | 'pool_rate';

export type EmailDomainVerdict = { readonly accepted: true; readonly domain: string } | { readonly accepted: false; readonly reason: SignUpRefusalReason; readonly domain?: string };

const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;
// A top-level domain is letters (or an internationalised one in its xn-- form), never digits:
// that rules out IP literals such as user@127.0.0.1.
const TOP_LEVEL = /^(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})$/;

/**
 * A domain name in its lower-case ASCII form (internationalised names as xn--), or undefined when
 * `value` is not a registrable-looking host name: at least two labels, letters-and-digits labels of
 * at most 63 characters, a top-level domain of letters, at most 253 characters. No IP literals, no
 * `localhost`, no bracketed hosts.
 */
export function normalizeDomain(value: string): string | undefined {
  const trimmed = value.trim().toLowerCase().replace(/\.$/, '');
  if (trimmed === '' || /[\s[\]]/.test(trimmed)) return undefined;
  const ascii = domainToASCII(trimmed);
  if (ascii === '' || ascii.length > 253) return undefined;
  const labels = ascii.split('.');
  if (labels.length < 2 || !labels.every((label) => LABEL.test(label))) return undefined;
  return TOP_LEVEL.test(labels.at(-1)!) ? ascii : undefined;
}

/** The domain of an email address (after its last `@`), normalised; undefined when there is none. */
export function emailDomainOf(email: string): string | undefined {
  const at = email.lastIndexOf('@');
  if (at <= 0 || at === email.length - 1) return undefined;
  return normalizeDomain(email.slice(at + 1));
}

/** Whether `domain` is `rule` itself or one of its subdomains (`mail.example.org` is under `example.org`). */
export function isUnderDomain(domain: string, rule: string): boolean {
  return domain === rule || domain.endsWith(`.${rule}`);
}

/** The email's domain against the stage's lists: denied first, then (when there is one) the allow list. */
export function emailDomainVerdict(email: string, rules: EmailDomainRules): EmailDomainVerdict {
  const domain = emailDomainOf(email);
  if (!domain) return { accepted: false, reason: 'invalid_email' };
  if (rules.denied.some((rule) => isUnderDomain(domain, rule))) return { accepted: false, reason: 'domain_denied', domain };
  if (rules.allowed.length > 0 && !rules.allowed.some((rule) => isUnderDomain(domain, rule))) return { accepted: false, reason: 'domain_not_allowed', domain };
  return { accepted: true, domain };
}

/** Rate-limit keys: one counter per email domain, one for the whole pool (the table is the stage's). */
export const signUpRateKeys = {
  domain: (domain: string) => `sign-up:domain:${domain}`,
  pool: 'sign-up:pool',
} as const;

/** The prefix every sign-up counter's partition key starts with (`RATE#` + key): what the trigger's role may update. */
export const SIGN_UP_RATE_KEY_PREFIX = 'sign-up:';

/**
 * What the person signing up reads: Cognito shows it as "PreSignUp failed with error <message>".
 * Neither the lists nor the limits are named, so a refusal teaches an abuser nothing to route around.
 */
export function signUpRefusalMessage(reason: SignUpRefusalReason, retryAfterSeconds?: number): string {
  switch (reason) {
    case 'invalid_email':
      return 'Enter an email address at an internet domain (name@example.org).';
    case 'domain_denied':
    case 'domain_not_allowed':
      return "Sign-ups from this email domain are not accepted. Use your organisation's own email address, or contact the directory.";
    case 'domain_rate':
    case 'pool_rate': {
      const minutes = Math.max(1, Math.ceil((retryAfterSeconds ?? 60) / 60));
      return `Too many sign-ups right now. Try again in ${minutes} minute${minutes === 1 ? '' : 's'}.`;
    }
  }
}
