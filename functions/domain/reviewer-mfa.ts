import { REVIEWERS_GROUP } from './identity';

/**
 * Reviewers decide what the public sees, so a reviewer's session must come from a sign-in with a
 * second factor. The user pool keeps MFA optional (providers sign up without one) and offers only
 * authenticator apps (TOTP); a user who has TOTP enabled is challenged for it at every sign-in
 * (the pool remembers no devices), so "has TOTP enabled" is what makes a reviewer sign-in a
 * two-factor one. Pure: the user's enabled methods come from the user pool (ports/user-mfa-settings.ts).
 */

/** Cognito's name for an authenticator-app (TOTP) second factor in a user's MFA settings. */
export const TOTP_MFA = 'SOFTWARE_TOKEN_MFA';

/**
 * Whether the groups Cognito is about to put in the token make it a reviewer's: exactly the group
 * name, as `cognito:groups` will carry it (no prefix, case or substring matches).
 */
export function isReviewerSession(groups: readonly string[]): boolean {
  return groups.includes(REVIEWERS_GROUP);
}

/** Whether the user's enabled MFA methods include an authenticator app. */
export function hasTotp(enabledMfaMethods: readonly string[]): boolean {
  return enabledMfaMethods.includes(TOTP_MFA);
}

/** What the person signing in reads: Cognito shows it as "PreTokenGeneration failed with error <message>". */
export const REVIEWER_WITHOUT_TOTP_MESSAGE =
  'Reviewer accounts must sign in with an authenticator app (TOTP). Ask an administrator: set up the app as a provider first, then have the account added to reviewers again.';
