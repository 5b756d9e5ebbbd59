import { hasTotp, isReviewerSession, REVIEWER_WITHOUT_TOTP_MESSAGE } from '../../domain/reviewer-mfa';
import type { UserMfaSettings } from '../../ports/user-mfa-settings';

/** The session Cognito is about to issue tokens for: whose, and the groups the tokens will carry. */
export interface TokenSession {
  readonly userPoolId: string;
  readonly username: string;
  readonly groups: readonly string[];
}

export interface ReviewerMfaDependencies {
  readonly mfa: UserMfaSettings;
}

/** A reviewer's tokens refused: the account has no authenticator app enabled. */
export class ReviewerWithoutMfaError extends Error {
  override readonly name = 'ReviewerWithoutMfaError';
  constructor() {
    super(REVIEWER_WITHOUT_TOTP_MESSAGE);
  }
}

/**
 * Lets Cognito issue tokens unless they would make a reviewer of a user without TOTP enabled.
 * Providers' sessions are decided from the groups alone (no lookup, so their sign-ins never depend
 * on it); a reviewer's costs one read of the user's MFA settings. Any failure of that read throws
 * as it is: the sign-in fails closed rather than issue reviewer tokens unchecked.
 */
export async function requireReviewerMfa(session: TokenSession, deps: ReviewerMfaDependencies): Promise<'provider' | 'reviewer'> {
  if (!isReviewerSession(session.groups)) return 'provider';
  const methods = await deps.mfa.enabledMethods(session.userPoolId, session.username);
  if (!hasTotp(methods)) throw new ReviewerWithoutMfaError();
  return 'reviewer';
}
