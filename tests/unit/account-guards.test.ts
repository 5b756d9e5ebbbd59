import { AdminGetUserCommand } from '@aws-sdk/client-cognito-identity-provider';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import type { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { PreSignUpTriggerEvent, PreTokenGenerationTriggerEvent } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CognitoUserMfaSettings } from '../../functions/adapters/cognito/cognito-user-mfa-settings';
import { DynamoDbCappedRateLimiter } from '../../functions/adapters/dynamodb/dynamodb-capped-rate-limiter';
import { signUpConfigSchema, signUpPolicyOf } from '../../functions/config/sign-up-config';
import { hasTotp, isReviewerSession, TOTP_MFA } from '../../functions/domain/reviewer-mfa';
import {
  emailDomainOf,
  emailDomainVerdict,
  isUnderDomain,
  normalizeDomain,
  signUpRateKeys,
  signUpRefusalMessage,
  SIGN_UP_RATE_KEY_PREFIX,
  type SignUpRefusalReason,
} from '../../functions/domain/sign-up-policy';
import { requireReviewerMfaHandler } from '../../functions/handlers/factories/require-reviewer-mfa';
import { screenSignUpHandler } from '../../functions/handlers/factories/screen-sign-up';
import type { RateLimiter } from '../../functions/ports/rate-limiter';
import type { UserMfaSettings } from '../../functions/ports/user-mfa-settings';
import { requireReviewerMfa, ReviewerWithoutMfaError } from '../../functions/use-cases/accounts/require-reviewer-mfa';
import { screenSignUp, SignUpRefusedError, type SignUpPolicy } from '../../functions/use-cases/accounts/screen-sign-up';
import { MemoryCappedRateLimiter } from '../fakes/capped-rate-limiter';
import { FakeClock } from '../fakes/clock';
import { lambdaContext } from '../support/api-event';

/**
 * The user pool's two triggers (infra/constructs/user-pool-guards.ts): the pre sign-up screen of
 * provider self sign-ups (email domain, allow/deny lists, per-domain and per-pool rates counted
 * only when admitted) and the pre token generation check that refuses reviewer tokens to accounts
 * without an authenticator app. Pure functions, the use cases on in-memory fakes, the handlers with
 * fake dependencies, and the two adapters against fake clients.
 */

describe('email domains', () => {
  it('normalises a domain to lower-case ASCII and accepts internationalised names as xn--', () => {
    expect(normalizeDomain('Example.ORG')).toBe('example.org');
    expect(normalizeDomain(' clinic.example.org. ')).toBe('clinic.example.org');
    expect(normalizeDomain('bücher.de')).toBe('xn--bcher-kva.de');
    expect(normalizeDomain('xn--bcher-kva.de')).toBe('xn--bcher-kva.de');
  });

  it('refuses what is not a registrable-looking host name', () => {
    for (const value of ['', 'localhost', 'example', '127.0.0.1', '[127.0.0.1]', '-clinic.org', 'clinic-.org', 'a..org', 'clinic.o', 'clinic.123', 'cli nic.org', `${'a'.repeat(64)}.org`]) {
      expect(normalizeDomain(value), value).toBeUndefined();
    }
  });

  it("reads the domain after an address's last @", () => {
    expect(emailDomainOf('Intake@Lakeside-IOP.org')).toBe('lakeside-iop.org');
    expect(emailDomainOf('"a@b"@clinic.org')).toBe('clinic.org');
    for (const email of ['', 'no-at-sign', '@clinic.org', 'name@', 'name@127.0.0.1', 'name@localhost']) expect(emailDomainOf(email), email).toBeUndefined();
  });

  it('matches a rule and its subdomains, never a look-alike', () => {
    expect(isUnderDomain('example.org', 'example.org')).toBe(true);
    expect(isUnderDomain('mail.example.org', 'example.org')).toBe(true);
    expect(isUnderDomain('badexample.org', 'example.org')).toBe(false);
    expect(isUnderDomain('example.org.evil.net', 'example.org')).toBe(false);
  });

  it('lets denial win over the allow list, and an allow list restrict everything else', () => {
    const open = { allowed: [], denied: ['mailinator.com'] };
    expect(emailDomainVerdict('a@clinic.org', open)).toEqual({ accepted: true, domain: 'clinic.org' });
    expect(emailDomainVerdict('a@eu.mailinator.com', open)).toEqual({ accepted: false, reason: 'domain_denied', domain: 'eu.mailinator.com' });
    expect(emailDomainVerdict('not an email', open)).toEqual({ accepted: false, reason: 'invalid_email' });

    const closed = { allowed: ['state.vt.us', 'clinic.org'], denied: ['old.clinic.org'] };
    expect(emailDomainVerdict('a@health.state.vt.us', closed)).toMatchObject({ accepted: true });
    expect(emailDomainVerdict('a@gmail.com', closed)).toEqual({ accepted: false, reason: 'domain_not_allowed', domain: 'gmail.com' });
    expect(emailDomainVerdict('a@old.clinic.org', closed)).toEqual({ accepted: false, reason: 'domain_denied', domain: 'old.clinic.org' });
  });

  it('tells the person signing up what to do without naming lists or limits', () => {
    const reasons: SignUpRefusalReason[] = ['invalid_email', 'domain_denied', 'domain_not_allowed', 'domain_rate', 'pool_rate'];
    for (const reason of reasons) {
      const message = signUpRefusalMessage(reason, 125);
      expect(message.length, reason).toBeGreaterThan(20);
      expect(message, reason).not.toMatch(/mailinator|deny|allow list|limit/i);
    }
    expect(signUpRefusalMessage('pool_rate', 125)).toContain('3 minutes');
    expect(signUpRefusalMessage('domain_rate', 30)).toContain('1 minute.');
  });

  it('keys every sign-up counter under one prefix (what the trigger role may update)', () => {
    expect(signUpRateKeys.domain('clinic.org').startsWith(SIGN_UP_RATE_KEY_PREFIX)).toBe(true);
    expect(signUpRateKeys.pool.startsWith(SIGN_UP_RATE_KEY_PREFIX)).toBe(true);
  });
});

const policy: SignUpPolicy = {
  domains: { allowed: [], denied: ['mailinator.com'] },
  perDomain: { limit: 3, windowSeconds: 3600 },
  perPool: { limit: 5, windowSeconds: 3600 },
};

function screening(at = '2026-03-02T09:10:00.000Z') {
  const clock = new FakeClock(at);
  const rateLimiter = new MemoryCappedRateLimiter(() => clock.nowMs());
  return { clock, rateLimiter, screen: (email: string) => screenSignUp(email, policy, { rateLimiter }) };
}

async function refusal(promise: Promise<unknown>): Promise<SignUpRefusedError> {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(SignUpRefusedError);
  return error as SignUpRefusedError;
}

describe('screening a sign-up', () => {
  it('takes a domain up to its limit in the window, then refuses it with the time left, while other domains go on', async () => {
    const { screen } = screening();
    for (let i = 0; i < 3; i += 1) await expect(screen(`staff${i}@clinic.org`)).resolves.toEqual({ domain: 'clinic.org' });
    const refused = await refusal(screen('staff3@Clinic.org'));
    expect(refused).toMatchObject({ reason: 'domain_rate', domain: 'clinic.org', retryAfterSeconds: 50 * 60 });
    expect(refused.message).toContain('50 minutes');
    await expect(screen('intake@other.org')).resolves.toEqual({ domain: 'other.org' });
  });

  it('caps the whole pool across domains, and a domain refused by its own limit uses none of the pool', async () => {
    const { screen, rateLimiter } = screening();
    for (let i = 0; i < 3; i += 1) await screen(`a${i}@one.org`);
    // Refused by the domain limit, ten times: the pool counter does not move.
    for (let i = 0; i < 10; i += 1) await refusal(screen(`flood${i}@one.org`));
    expect(rateLimiter.counted(signUpRateKeys.pool, 3600)).toBe(3);
    await screen('b@two.org');
    await screen('c@three.org');
    expect(await refusal(screen('d@four.org'))).toMatchObject({ reason: 'pool_rate', domain: 'four.org' });
    expect(rateLimiter.counted(signUpRateKeys.pool, 3600)).toBe(5);
  });

  it('opens a new window when the old one ends', async () => {
    const { screen, clock } = screening();
    for (let i = 0; i < 3; i += 1) await screen(`a${i}@one.org`);
    await refusal(screen('late@one.org'));
    clock.set('2026-03-02T10:00:00.000Z');
    await expect(screen('late@one.org')).resolves.toEqual({ domain: 'one.org' });
  });

  it('refuses bad addresses and denied domains before counting anything', async () => {
    const { screen, rateLimiter } = screening();
    expect(await refusal(screen('root@127.0.0.1'))).toMatchObject({ reason: 'invalid_email', domain: undefined });
    expect(await refusal(screen(''))).toMatchObject({ reason: 'invalid_email' });
    expect(await refusal(screen('x@mailinator.com'))).toMatchObject({ reason: 'domain_denied', domain: 'mailinator.com' });
    expect(rateLimiter.keys).toEqual([]);
  });

  it('lets a failing counter fail the screening (the sign-up fails closed)', async () => {
    const broken: RateLimiter = { hit: () => Promise.reject(new Error('table unavailable')) };
    await expect(screenSignUp('a@clinic.org', policy, { rateLimiter: broken })).rejects.toThrow('table unavailable');
  });
});

describe('the sign-up settings', () => {
  const env = {
    SIGN_UP_ALLOWED_DOMAINS: '',
    SIGN_UP_DENIED_DOMAINS: 'Mailinator.com, yopmail.com,',
    SIGN_UP_DOMAIN_LIMIT: '10',
    SIGN_UP_DOMAIN_WINDOW_SECONDS: '3600',
    SIGN_UP_POOL_LIMIT: '30',
    SIGN_UP_POOL_WINDOW_SECONDS: '3600',
  };

  it('parse into the policy, domains normalised', () => {
    expect(signUpPolicyOf(signUpConfigSchema.parse(env))).toEqual({
      domains: { allowed: [], denied: ['mailinator.com', 'yopmail.com'] },
      perDomain: { limit: 10, windowSeconds: 3600 },
      perPool: { limit: 30, windowSeconds: 3600 },
    });
  });

  it('have no default limits, and refuse a list entry that is not a domain', () => {
    const { SIGN_UP_POOL_LIMIT: _omitted, ...withoutPoolLimit } = env;
    expect(signUpConfigSchema.safeParse(withoutPoolLimit).success).toBe(false);
    expect(signUpConfigSchema.safeParse({ ...env, SIGN_UP_DENIED_DOMAINS: 'mailinator.com,not a domain' }).success).toBe(false);
    expect(signUpConfigSchema.safeParse({ ...env, SIGN_UP_DOMAIN_WINDOW_SECONDS: '10' }).success).toBe(false);
  });
});

describe('the capped DynamoDB counter', () => {
  function counterClient(answer: (command: UpdateCommand) => Promise<{ Attributes?: Record<string, unknown> }>) {
    const sent: UpdateCommand[] = [];
    return { sent, client: { send: (command: UpdateCommand) => (sent.push(command), answer(command)) } };
  }
  const at = Date.parse('2026-03-02T09:10:00.000Z');

  it('increments only while the window holds fewer than the limit (a conditional ADD on the rate item)', async () => {
    const { sent, client } = counterClient(async () => ({ Attributes: { count: 2 } }));
    const limiter = new DynamoDbCappedRateLimiter(client, 'programs', () => at);
    await expect(limiter.hit('sign-up:pool', 30, 3600)).resolves.toEqual({ allowed: true, count: 2, retryAfterSeconds: 3000 });
    const input = sent[0]!.input;
    const windowStart = Math.floor(at / 1000 / 3600) * 3600;
    expect(input).toMatchObject({
      TableName: 'programs',
      Key: { pk: `RATE#sign-up:pool#${windowStart}`, sk: 'RATE' },
      ConditionExpression: 'attribute_not_exists(#count) OR #count < :limit',
      ExpressionAttributeValues: { ':one': 1, ':limit': 30, ':kind': 'rate_limit', ':expiresAt': windowStart + 3600 + 60 },
    });
    expect(input.UpdateExpression).toContain('ADD #count :one');
  });

  it('answers a lost condition as a refusal, and lets any other failure through', async () => {
    const full = counterClient(() => Promise.reject(new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} })));
    await expect(new DynamoDbCappedRateLimiter(full.client, 'programs', () => at).hit('sign-up:pool', 30, 3600)).resolves.toEqual({
      allowed: false,
      count: 30,
      retryAfterSeconds: 3000,
    });
    const down = counterClient(() => Promise.reject(new Error('ProvisionedThroughputExceededException')));
    await expect(new DynamoDbCappedRateLimiter(down.client, 'programs', () => at).hit('sign-up:pool', 30, 3600)).rejects.toThrow('ProvisionedThroughput');
  });
});

describe('reviewer sessions', () => {
  it('are those whose tokens would carry exactly the reviewers group', () => {
    expect(isReviewerSession(['reviewers'])).toBe(true);
    expect(isReviewerSession(['support', 'reviewers'])).toBe(true);
    for (const groups of [[], ['Reviewers'], ['reviewers-old'], ['support,reviewers'], ['["reviewers"]']]) expect(isReviewerSession(groups), JSON.stringify(groups)).toBe(false);
  });

  it('need an authenticator app among the enabled second factors', () => {
    expect(hasTotp([TOTP_MFA])).toBe(true);
    expect(hasTotp(['SMS_MFA', TOTP_MFA])).toBe(true);
    expect(hasTotp([])).toBe(false);
    expect(hasTotp(['SMS_MFA', 'EMAIL_OTP'])).toBe(false);
  });
});

function mfaSettings(methods: Record<string, readonly string[]>) {
  const asked: string[] = [];
  const mfa: UserMfaSettings = {
    async enabledMethods(_pool, username) {
      asked.push(username);
      return methods[username] ?? [];
    },
  };
  return { mfa, asked };
}

describe('issuing tokens', () => {
  const session = (username: string, groups: string[]) => ({ userPoolId: 'us-east-1_pool', username, groups });

  it("issues a provider's tokens without looking anything up", async () => {
    const { mfa, asked } = mfaSettings({});
    await expect(requireReviewerMfa(session('provider-1', []), { mfa })).resolves.toBe('provider');
    expect(asked).toEqual([]);
  });

  it("issues a reviewer's tokens only when the account has TOTP enabled", async () => {
    const { mfa } = mfaSettings({ alice: [TOTP_MFA], bob: [] });
    await expect(requireReviewerMfa(session('alice', ['reviewers']), { mfa })).resolves.toBe('reviewer');
    await expect(requireReviewerMfa(session('bob', ['reviewers']), { mfa })).rejects.toBeInstanceOf(ReviewerWithoutMfaError);
  });

  it('fails closed when the settings cannot be read', async () => {
    const mfa: UserMfaSettings = { enabledMethods: () => Promise.reject(new Error('TooManyRequestsException')) };
    await expect(requireReviewerMfa(session('alice', ['reviewers']), { mfa })).rejects.toThrow('TooManyRequestsException');
  });

  it("reads the settings with AdminGetUser on the session's own pool", async () => {
    const sent: AdminGetUserCommand[] = [];
    const adapter = new CognitoUserMfaSettings({ send: async (command) => (sent.push(command), { UserMFASettingList: [TOTP_MFA] }) });
    await expect(adapter.enabledMethods('us-east-1_pool', 'alice')).resolves.toEqual([TOTP_MFA]);
    expect(sent[0]).toBeInstanceOf(AdminGetUserCommand);
    expect(sent[0]!.input).toEqual({ UserPoolId: 'us-east-1_pool', Username: 'alice' });
    const none = new CognitoUserMfaSettings({ send: async () => ({}) });
    await expect(none.enabledMethods('us-east-1_pool', 'bob')).resolves.toEqual([]);
  });
});

describe('the trigger handlers', () => {
  let output: string[];
  beforeEach(() => {
    output = [];
    for (const stream of [process.stdout, process.stderr]) {
      vi.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array) => {
        output.push(String(chunk));
        return true;
      });
    }
  });
  afterEach(() => vi.restoreAllMocks());

  /** Metric names of the EMF lines written so far. */
  const metricsWritten = () =>
    output
      .join('')
      .split('\n')
      .filter((line) => line.includes('"_aws"'))
      .flatMap((line) => ((JSON.parse(line) as { _aws: { CloudWatchMetrics: Array<{ Metrics: Array<{ Name: string }> }> } })._aws.CloudWatchMetrics[0]?.Metrics ?? []).map((metric) => metric.Name))
      .sort();

  function signUpEvent(email: string, triggerSource: PreSignUpTriggerEvent['triggerSource'] = 'PreSignUp_SignUp'): PreSignUpTriggerEvent {
    return {
      version: '1',
      region: 'us-east-1',
      userPoolId: 'us-east-1_pool',
      userName: 'c0ffee00-0000-4000-8000-000000000001',
      callerContext: { awsSdkVersion: 'aws-sdk-unknown-unknown', clientId: 'web-client' },
      triggerSource,
      request: { userAttributes: { email } },
      response: { autoConfirmUser: false, autoVerifyEmail: false, autoVerifyPhone: false },
    } as PreSignUpTriggerEvent;
  }

  it('screen self sign-ups: an accepted one goes back unchanged, a refused one fails with its message, and both are counted', async () => {
    const { rateLimiter } = screening();
    const handler = screenSignUpHandler(() => ({ policy, rateLimiter }));
    const accepted = signUpEvent('intake@clinic.org');
    await expect(handler(structuredClone(accepted), lambdaContext)).resolves.toEqual(accepted);
    await expect(handler(signUpEvent('x@mailinator.com'), lambdaContext)).rejects.toThrow("Sign-ups from this email domain are not accepted. Use your organisation's own email address, or contact the directory.");
    expect(metricsWritten()).toEqual(['SignUpAttempts', 'SignUpAttempts', 'SignUpsRefused']);
    // The refusal's log line names the domain and the reason, never the address.
    const logged = output.join('');
    expect(logged).toContain('"reason":"domain_denied"');
    expect(logged).not.toContain('x@mailinator.com');
  });

  it('let accounts an administrator creates through unscreened and uncounted', async () => {
    const { rateLimiter } = screening();
    const handler = screenSignUpHandler(() => ({ policy, rateLimiter }));
    const created = signUpEvent('reviewer@mailinator.com', 'PreSignUp_AdminCreateUser');
    await expect(handler(structuredClone(created), lambdaContext)).resolves.toEqual(created);
    expect(rateLimiter.keys).toEqual([]);
    expect(metricsWritten()).toEqual([]);
  });

  it('count a failure that is not a refusal as TriggerFailures, and still fail the sign-up', async () => {
    const handler = screenSignUpHandler(() => ({ policy, rateLimiter: { hit: () => Promise.reject(new Error('table unavailable')) } }));
    await expect(handler(signUpEvent('intake@clinic.org'), lambdaContext)).rejects.toThrow('table unavailable');
    expect(metricsWritten()).toEqual(['TriggerFailures']);
  });

  function tokenEvent(userName: string, groups: string[]): PreTokenGenerationTriggerEvent {
    return {
      version: '1',
      region: 'us-east-1',
      userPoolId: 'us-east-1_pool',
      userName,
      callerContext: { awsSdkVersion: 'aws-sdk-unknown-unknown', clientId: 'web-client' },
      triggerSource: 'TokenGeneration_Authentication',
      request: { userAttributes: { sub: userName }, groupConfiguration: { groupsToOverride: groups, iamRolesToOverride: [], preferredRole: undefined } },
      response: { claimsOverrideDetails: {} },
    } as PreTokenGenerationTriggerEvent;
  }

  it("refuse a reviewer's tokens without TOTP (counted), and issue everyone else's unchanged", async () => {
    const { mfa } = mfaSettings({ alice: [TOTP_MFA] });
    const handler = requireReviewerMfaHandler(() => ({ mfa }));
    for (const event of [tokenEvent('provider-1', []), tokenEvent('alice', ['reviewers'])]) {
      await expect(handler(structuredClone(event), lambdaContext)).resolves.toEqual(event);
    }
    await expect(handler(tokenEvent('bob', ['reviewers']), lambdaContext)).rejects.toThrow('Reviewer accounts must sign in with an authenticator app (TOTP).');
    expect(metricsWritten()).toEqual(['ReviewerTokensRefused']);
  });

  it('count a failed settings read as TriggerFailures and refuse the tokens', async () => {
    const handler = requireReviewerMfaHandler(() => ({ mfa: { enabledMethods: () => Promise.reject(new Error('AccessDeniedException')) } }));
    await expect(handler(tokenEvent('alice', ['reviewers']), lambdaContext)).rejects.toThrow('AccessDeniedException');
    expect(metricsWritten()).toEqual(['TriggerFailures']);
  });
});
