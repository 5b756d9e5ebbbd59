import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { CognitoUserMfaSettings } from '../adapters/cognito/cognito-user-mfa-settings';
import { loadRegionConfig } from '../config/region-config';
import type { ReviewerMfaDependencies } from '../use-cases/accounts/require-reviewer-mfa';
import { requireReviewerMfaHandler } from './factories/require-reviewer-mfa';

const dependencies: ReviewerMfaDependencies = {
  mfa: new CognitoUserMfaSettings(new CognitoIdentityProviderClient({ region: loadRegionConfig(process.env).AWS_REGION })),
};

export const handler = requireReviewerMfaHandler(() => dependencies);
