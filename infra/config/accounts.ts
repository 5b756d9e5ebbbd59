import type { Duration } from 'aws-cdk-lib';
import type { CfnUserPool } from 'aws-cdk-lib/aws-cognito';
import { deployTimeParameterName } from './parameters';
import type { StageConfig, StageName } from './stages';
import type { FunctionEnvironment } from '../../functions/config/environment-variables';

/**
 * The provider and reviewer accounts of one stage (the Cognito user pool, its triggers and the
 * audit of its reviewers group): infra/constructs/provider-user-pool.ts and user-pool-guards.ts
 * build them, README "Accounts" explains them.
 */
export type AuthStageConfig = {
  /** Guards the pool (every provider account) against a stray delete of stack or resource. */
  readonly deletionProtection: boolean;
  /** Who sends the pool's email (verification codes, password resets). */
  readonly email: EmailSenderConfig;
  /** The pre sign-up trigger's policy for provider self sign-ups. */
  readonly signUp: SignUpGuardConfig;
  /** The CloudTrail trail the reviewers-group alarm depends on (see AuditTrailConfig). */
  readonly auditTrail: AuditTrailConfig;
} & FeaturePlanConfig;

/**
 * Cognito's feature plan. Essentials (the first 10,000 monthly active users free, then $0.015 each)
 * has no threat protection; Plus ($0.02 per MAU, no free tier) adds it: compromised-credential
 * checks on sign-up, sign-in and password change, and adaptive authentication that scores each
 * sign-in's risk. AUDIT_ONLY scores and logs what FULL_FUNCTION would act on (the actions below).
 * cdk-nag's COG8 wants Plus; a stage on Essentials acknowledges it with this reason.
 */
export type FeaturePlanConfig =
  | { readonly featurePlan: 'PLUS'; readonly threatProtection: 'AUDIT_ONLY' | 'FULL_FUNCTION' }
  | { readonly featurePlan: 'ESSENTIALS'; readonly threatProtection?: never };

/**
 * `cognito`: Cognito's own sender (no-reply@verificationemail.com), limited to 50 emails a day per
 * account: enough for a handful of testers, not for providers signing up and resetting passwords.
 * `ses`: Amazon SES with an identity verified in this account (out of the SES sandbox, or only
 * verified recipients get mail), `fromAddress` in that identity's domain ("Name <address>" or a
 * bare address). Either value may be a deployTimeParameter(...) (infra/config/parameters.ts).
 * Stages listed in `stagesRequiringSes` must use `ses`: synthesis fails otherwise.
 */
export type EmailSenderConfig =
  | { readonly sender: 'cognito' }
  | { readonly sender: 'ses'; readonly fromAddress: string; readonly identityArn: string; readonly replyTo?: string };

/** Stages whose pool may never fall back to Cognito's 50-a-day sender. */
export const stagesRequiringSes: readonly StageName[] = ['prod'];

export interface SignUpRateConfig {
  readonly limit: number;
  /** A fixed window, aligned to the epoch (a minute to a day). */
  readonly window: Duration;
}

export interface SignUpGuardConfig {
  /** Only these email domains (and their subdomains) may sign up; empty: any domain not denied. */
  readonly allowedEmailDomains: readonly string[];
  /** Never these (nor their subdomains); wins over the allow list. */
  readonly deniedEmailDomains: readonly string[];
  /** Sign-ups admitted per email domain in a window. */
  readonly perDomain: SignUpRateConfig;
  /** Sign-ups admitted across the pool in a window. */
  readonly perPool: SignUpRateConfig;
  /**
   * Sign-up attempts reaching the trigger (admitted or refused) in one hour above which the
   * sign-up rate alarm fires: far above the stage's real joining rate, so it means a script.
   */
  readonly alarmAttemptsPerHour: number;
}

/**
 * EventBridge receives CloudTrail's "AWS API Call via CloudTrail" events only while a trail with
 * logging on records them, so the reviewers-group alarm is silent without one. `stack`: the stateful
 * stack creates a single-region trail of write management events (the account's first copy of
 * management events is free; only the S3 storage bills), kept `retention`. `account`: an existing
 * account or organization trail already records this region's write management events; choose it
 * where there is one, since a second trail's copy costs $2.00 per 100,000 events.
 */
export type AuditTrailConfig = { readonly kind: 'stack'; readonly retention: Duration } | { readonly kind: 'account' };

/**
 * Domains that hand out throwaway mailboxes to anyone: an account opened from one has no
 * organisation behind it. Not exhaustive (such lists run to thousands and change weekly); the rate
 * limits and the review of every listing are the real guard, this only removes the cheapest route.
 */
export const DISPOSABLE_EMAIL_DOMAINS: readonly string[] = [
  '10minutemail.com',
  'dispostable.com',
  'emailondeck.com',
  'fakeinbox.com',
  'getnada.com',
  'guerrillamail.com',
  'guerrillamailblock.com',
  'maildrop.cc',
  'mailinator.com',
  'mailnesia.com',
  'mintemail.com',
  'mohmal.com',
  'sharklasers.com',
  'spamgourmet.com',
  'temp-mail.org',
  'tempmail.dev',
  'tempmailo.com',
  'throwawaymail.com',
  'trashmail.com',
  'yopmail.com',
];

/**
 * What the pool does about risky sign-ins in FULL_FUNCTION mode (in AUDIT_ONLY it only records what
 * it would do). Compromised credentials (a password seen in a public breach) are blocked at sign-up,
 * sign-in and password change. Account takeover risk: low passes; medium asks for the second
 * factor where the user has one; high requires it, which blocks a high-risk sign-in of an account
 * without an authenticator app. No notification emails (they would need an SES identity of their own
 * in every stage); the events are in the pool's threat-protection metrics and logs.
 */
export const threatProtectionActions = {
  compromisedCredentials: { eventAction: 'BLOCK', eventFilter: ['SIGN_IN', 'PASSWORD_CHANGE', 'SIGN_UP'] },
  accountTakeover: {
    lowAction: { eventAction: 'NO_ACTION', notify: false },
    mediumAction: { eventAction: 'MFA_IF_CONFIGURED', notify: false },
    highAction: { eventAction: 'MFA_REQUIRED', notify: false },
  },
} as const;

const SES_IDENTITY_ARN = /^arn:aws[a-z-]*:ses:[a-z0-9-]+:\d{12}:identity\/[^\s/]+$/;
const FROM_ADDRESS = /^(?:[^<>]*<[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+>|[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+)$/;

/**
 * The pool's EmailConfiguration for the stage's sender, checked at synthesis: a stage in
 * `stagesRequiringSes` must send through SES, and literal values must look like an SES identity
 * ARN and an address (values read at deploy time are checked by Cognito when it is deployed).
 */
export function cognitoEmailConfiguration(config: Pick<StageConfig, 'stage'> & { readonly auth: Pick<AuthStageConfig, 'email'> }): CfnUserPool.EmailConfigurationProperty {
  const { email } = config.auth;
  if (email.sender === 'cognito') {
    if (stagesRequiringSes.includes(config.stage)) {
      throw new Error(
        `The ${config.stage} user pool must send its email through SES (auth.email): Cognito's own sender stops at 50 emails a day, ` +
          'which providers signing up and resetting passwords would exceed without anyone noticing.',
      );
    }
    return { emailSendingAccount: 'COGNITO_DEFAULT' };
  }
  if (!deployTimeParameterName(email.identityArn) && !SES_IDENTITY_ARN.test(email.identityArn)) {
    throw new Error(`auth.email.identityArn of ${config.stage} is not an SES identity ARN: ${JSON.stringify(email.identityArn)}`);
  }
  for (const [field, value] of [['fromAddress', email.fromAddress], ['replyTo', email.replyTo]] as const) {
    if (value !== undefined && !deployTimeParameterName(value) && !FROM_ADDRESS.test(value)) {
      throw new Error(`auth.email.${field} of ${config.stage} is not an email address: ${JSON.stringify(value)}`);
    }
  }
  return {
    emailSendingAccount: 'DEVELOPER',
    sourceArn: email.identityArn,
    from: email.fromAddress,
    ...(email.replyTo ? { replyToEmailAddress: email.replyTo } : {}),
  };
}

/** The pre sign-up trigger's settings (functions/config/sign-up-config.ts parses them). */
export function signUpEnvironment(signUp: SignUpGuardConfig): FunctionEnvironment {
  return {
    SIGN_UP_ALLOWED_DOMAINS: signUp.allowedEmailDomains.join(','),
    SIGN_UP_DENIED_DOMAINS: signUp.deniedEmailDomains.join(','),
    SIGN_UP_DOMAIN_LIMIT: String(signUp.perDomain.limit),
    SIGN_UP_DOMAIN_WINDOW_SECONDS: String(signUp.perDomain.window.toSeconds()),
    SIGN_UP_POOL_LIMIT: String(signUp.perPool.limit),
    SIGN_UP_POOL_WINDOW_SECONDS: String(signUp.perPool.window.toSeconds()),
  };
}
