import { Duration } from 'aws-cdk-lib';
import {
  AccountRecovery,
  FeaturePlan,
  Mfa,
  StandardThreatProtectionMode,
  UserPool,
  UserPoolClient,
  type UserPoolGroup,
} from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';
import type { StageConfig } from '../config/stages';
import { acknowledgeNag } from '../nag/acknowledge';

/** The pool group whose members review listings; handlers see it in the `cognito:groups` claim. */
export const reviewersGroupName = 'reviewers';

export interface ProviderUserPoolProps {
  readonly config: StageConfig;
}

/**
 * The accounts of treatment providers and reviewers: a Cognito user pool signed into by email,
 * one public app client for the directory's front end, and the `reviewers` group. The HTTP API's
 * JWT authorizer trusts tokens this pool issues to this client.
 */
export class ProviderUserPool extends Construct {
  readonly userPool: UserPool;
  readonly client: UserPoolClient;
  readonly reviewers: UserPoolGroup;

  constructor(scope: Construct, id: string, props: ProviderUserPoolProps) {
    super(scope, id);
    const { config } = props;

    this.userPool = new UserPool(this, 'Pool', {
      userPoolName: `${config.resourcePrefix}-providers`,
      // Providers register themselves: what they submit is invisible until a reviewer approves
      // it, and only an administrator can put an account into the reviewers group.
      selfSignUpEnabled: true,
      signInAliases: { email: true },
      signInCaseSensitive: false,
      autoVerify: { email: true },
      // A changed address takes effect only once verified, so an unverified address never becomes the sign-in.
      keepOriginal: { email: true },
      standardAttributes: { email: { required: true, mutable: true } },
      accountRecovery: AccountRecovery.EMAIL_ONLY,
      passwordPolicy: {
        minLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
      },
      mfa: Mfa.OPTIONAL,
      // Authenticator apps only: SMS adds a per-message cost, an SNS role and SIM-swap exposure.
      mfaSecondFactor: { otp: true, sms: false },
      // Plus brings threat protection: compromised-credential checks and adaptive authentication.
      featurePlan: FeaturePlan.PLUS,
      standardThreatProtectionMode:
        config.auth.threatProtection === 'FULL_FUNCTION' ? StandardThreatProtectionMode.FULL_FUNCTION : StandardThreatProtectionMode.AUDIT_ONLY,
      deletionProtection: config.auth.deletionProtection,
      removalPolicy: config.removalPolicy,
    });
    acknowledgeNag(
      this.userPool,
      'AwsSolutions-COG2',
      'MFA is optional (authenticator apps) so that small clinics can sign up without one; threat protection on the Plus plan challenges risky sign-ins and blocks compromised credentials, and listings a provider submits stay unpublished until a reviewer approves them.',
    );

    this.client = this.userPool.addClient('WebClient', {
      userPoolClientName: `${config.resourcePrefix}-web`,
      // A browser front end cannot keep a secret.
      generateSecret: false,
      // SRP never sends the password; refresh tokens keep sessions going without it.
      authFlows: { userSrp: true },
      // No hosted UI or OAuth redirects yet; CDK would otherwise enable the implicit grant with a placeholder callback.
      disableOAuth: true,
      preventUserExistenceErrors: true,
      idTokenValidity: Duration.hours(1),
      accessTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.days(30),
      enableTokenRevocation: true,
    });

    this.reviewers = this.userPool.addGroup('Reviewers', {
      groupName: reviewersGroupName,
      description: 'Reviewers: see the review queue and approve or reject submitted listings',
    });
  }
}
