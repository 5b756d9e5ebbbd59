import { UserPoolOperation, type UserPool } from 'aws-cdk-lib/aws-cognito';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Grant, Policy, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { SIGN_UP_RATE_KEY_PREFIX } from '../../functions/domain/sign-up-policy';
import { signUpEnvironment } from '../config/accounts';
import type { StageConfig } from '../config/stages';
import type { UserPoolTriggerName } from '../config/user-pool-triggers';
import { DirectoryFunction } from './directory-function';

/** The partition keys of the sign-up counters (`RATE#<key>#<window>`, functions/adapters/dynamodb/dynamodb-rate-limiter.ts rateLimitKey). */
export const signUpCounterKeys = `RATE#${SIGN_UP_RATE_KEY_PREFIX}*`;

export interface UserPoolGuardsProps {
  readonly config: StageConfig;
  readonly userPool: UserPool;
  /** The programs table, where the sign-up counters live beside the report rate limit's. */
  readonly table: ITable;
}

/**
 * The user pool's two triggers (infra/config/user-pool-triggers.ts):
 *
 * - `screen-sign-up` (pre sign-up): refuses self sign-ups from denied or unlisted email domains and
 *   past the per-domain and per-pool rates of the stage (functions/handlers/screen-sign-up.ts). Its
 *   role may update the table's sign-up counters and nothing else of it: UpdateItem on the base
 *   table, only on items whose partition key is a sign-up counter's (dynamodb:LeadingKeys).
 * - `require-reviewer-mfa` (pre token generation): refuses tokens carrying the reviewers group to
 *   accounts without an authenticator app (functions/handlers/require-reviewer-mfa.ts). Its role may
 *   call AdminGetUser on this pool only.
 */
export class UserPoolGuards extends Construct {
  readonly functions: Readonly<Record<UserPoolTriggerName, DirectoryFunction>>;

  constructor(scope: Construct, id: string, props: UserPoolGuardsProps) {
    super(scope, id);
    const { config, userPool, table } = props;

    const screen = new DirectoryFunction(this, 'ScreenSignUp', {
      config,
      name: 'screen-sign-up',
      environment: { PROGRAMS_TABLE: table.tableName, ...signUpEnvironment(config.auth.signUp) },
    });
    Grant.addToPrincipal({
      grantee: screen.role,
      actions: ['dynamodb:UpdateItem'],
      resourceArns: [table.tableArn],
      conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [signUpCounterKeys] } },
    });

    const mfa = new DirectoryFunction(this, 'RequireReviewerMfa', { config, name: 'require-reviewer-mfa', environment: {} });
    // A policy of its own rather than a grant on the role's default policy: the function depends on
    // its default policy, and the pool on the function (its trigger), so a pool ARN in the default
    // policy would make the three a cycle. This policy is attached to the role but nothing waits for
    // it; until it exists (the first minutes of the first deploy) reviewer sign-ins fail closed.
    new Policy(this, 'ReadUserMfaSettings', {
      roles: [mfa.role],
      statements: [new PolicyStatement({ actions: ['cognito-idp:AdminGetUser'], resources: [userPool.userPoolArn] })],
    });

    userPool.addTrigger(UserPoolOperation.PRE_SIGN_UP, screen.function);
    userPool.addTrigger(UserPoolOperation.PRE_TOKEN_GENERATION, mfa.function);

    this.functions = { 'screen-sign-up': screen, 'require-reviewer-mfa': mfa };
  }
}
