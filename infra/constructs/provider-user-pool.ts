import { Duration } from 'aws-cdk-lib';
import {
  AccountRecovery,
  CfnUserPoolRiskConfigurationAttachment,
  FeaturePlan,
  Mfa,
  StandardThreatProtectionMode,
  UserPool,
  UserPoolClient,
  type CfnUserPool,
  type UserPoolGroup,
} from 'aws-cdk-lib/aws-cognito';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { REVIEWERS_GROUP } from '../../functions/domain/identity';
import { cognitoEmailConfiguration, threatProtectionActions } from '../config/accounts';
import type { StageConfig } from '../config/stages';
import { acknowledgeNag } from '../nag/acknowledge';
import { UserPoolGuards } from './user-pool-guards';

/** The pool group whose members review listings; handlers see it in the `cognito:groups` claim. */
export const reviewersGroupName = REVIEWERS_GROUP;

export interface ProviderUserPoolProps {
  readonly config: StageConfig;
  /** The programs table: the sign-up trigger keeps its rate counters there. */
  readonly table: ITable;
}

/**
 * The accounts of treatment providers and reviewers: a Cognito user pool signed into by email,
 * one public app client for the directory's front end, and the `reviewers` group; the provider and
 * reviewer functions trust tokens this pool issues to this client. Its triggers (UserPoolGuards)
 * screen self sign-ups and refuse reviewer tokens to accounts without an authenticator app; its
 * email goes through the stage's sender (SES in prod); threat protection as the stage's plan allows.
 */
export class ProviderUserPool extends Construct {
  readonly userPool: UserPool;
  readonly client: UserPoolClient;
  readonly reviewers: UserPoolGroup;
  readonly guards: UserPoolGuards;

  constructor(scope: Construct, id: string, props: ProviderUserPoolProps) {
    super(scope, id);
    const { config, table } = props;
    const { auth } = config;

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
      // Optional for the pool, required of reviewers: the pre token generation trigger refuses a
      // reviewer's tokens unless the account has an authenticator app, which Cognito then asks for
      // at every sign-in. No device tracking (deviceTracking left unset): a remembered device would
      // let a sign-in skip the second factor.
      mfa: Mfa.OPTIONAL,
      // Authenticator apps only: SMS adds a per-message cost, an SNS role and SIM-swap exposure.
      mfaSecondFactor: { otp: true, sms: false },
      // Plus brings threat protection: compromised-credential checks and adaptive authentication.
      featurePlan: auth.featurePlan === 'PLUS' ? FeaturePlan.PLUS : FeaturePlan.ESSENTIALS,
      ...(auth.featurePlan === 'PLUS'
        ? {
            standardThreatProtectionMode:
              auth.threatProtection === 'FULL_FUNCTION' ? StandardThreatProtectionMode.FULL_FUNCTION : StandardThreatProtectionMode.AUDIT_ONLY,
          }
        : {}),
      deletionProtection: auth.deletionProtection,
      removalPolicy: config.removalPolicy,
    });
    // Verification codes and password resets: SES in the stages that require it (synthesis fails
    // otherwise), set on the resource itself because the stage may name its identity and sender as
    // values read at deploy time, which CDK's UserPoolEmail.withSES would try to parse.
    (this.userPool.node.defaultChild as CfnUserPool).emailConfiguration = cognitoEmailConfiguration(config);
    acknowledgeNag(
      this.userPool,
      'AwsSolutions-COG2',
      'MFA is optional for the pool so that small clinics can sign up without an authenticator app, but required of reviewers: the pre token generation trigger refuses tokens carrying the reviewers group to any account without TOTP. Providers only submit listings, which stay unpublished until a reviewer approves them.',
    );
    if (auth.featurePlan === 'ESSENTIALS') {
      acknowledgeNag(
        this.userPool,
        'AwsSolutions-COG8',
        'This stage runs on the Essentials plan (the first 10,000 monthly active users free) and so without threat protection; sign-ups are screened by the pre sign-up trigger, and reviewers need an authenticator app whatever the plan.',
      );
    }
    if (auth.featurePlan === 'PLUS' && auth.threatProtection === 'FULL_FUNCTION') {
      // The actions threat protection takes (infra/config/accounts.ts), stated rather than left to
      // the service's defaults; in AUDIT_ONLY nothing is acted on, so none are attached.
      const { compromisedCredentials, accountTakeover } = threatProtectionActions;
      new CfnUserPoolRiskConfigurationAttachment(this, 'ThreatProtection', {
        userPoolId: this.userPool.userPoolId,
        clientId: 'ALL',
        compromisedCredentialsRiskConfiguration: {
          actions: { eventAction: compromisedCredentials.eventAction },
          eventFilter: [...compromisedCredentials.eventFilter],
        },
        accountTakeoverRiskConfiguration: { actions: accountTakeover },
      });
    }

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
      description: 'Reviewers: see the review queue and approve or reject submitted listings (sign-in with an authenticator app required)',
    });

    this.guards = new UserPoolGuards(this, 'Guards', { config, userPool: this.userPool, table });
  }
}
