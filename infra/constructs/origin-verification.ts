import { Duration } from 'aws-cdk-lib';
import { HttpLambdaAuthorizer, HttpLambdaResponseType } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { ORIGIN_VERIFY_HEADER } from '../../functions/http/origin-verification';
import { originSecretName } from '../config/edge';
import type { StageConfig } from '../config/stages';
import { acknowledgeNag } from '../nag/acknowledge';
import type { DirectoryFunction } from './directory-function';
import type { FunctionEnvironment } from '../../functions/config/environment-variables';

export interface OriginVerificationProps {
  readonly config: StageConfig;
}

/**
 * Makes the HTTP API answer only requests that came through the CloudFront distribution: a
 * generated secret that CloudFront sends as the `x-origin-verify` origin header (the edge stack
 * resolves it by name at deployment; it is in no template), and a Lambda authorizer on every route
 * that admits a request only when the header carries the secret's current (or, during a rotation,
 * previous) value. A request without the header is refused by API Gateway itself; decisions are
 * cached per header value, so the authorizer runs about once per 5 minutes, not per request.
 *
 * Chosen over disabling the execute-api endpoint, which would need a custom domain for CloudFront
 * to reach the API by, and over a check in every handler, which would leave one forgotten handler
 * open and make each bypass attempt a billed invocation of a real function.
 */
export class OriginVerification extends Construct {
  readonly secret: Secret;

  constructor(scope: Construct, id: string, props: OriginVerificationProps) {
    super(scope, id);
    const { config } = props;
    this.secret = new Secret(this, 'Secret', {
      secretName: originSecretName(config),
      description: `${config.resourcePrefix}: the value CloudFront sends in ${ORIGIN_VERIFY_HEADER}; the API refuses requests without it`,
      // Header-safe characters only; 48 of 62 possible each is about 285 bits.
      generateSecretString: { passwordLength: 48, excludePunctuation: true, includeSpace: false },
      removalPolicy: config.removalPolicy,
    });
    acknowledgeNag(
      this.secret,
      'AwsSolutions-SMG4',
      'Automatic rotation would change the value while CloudFront keeps sending the old one until the edge stack is deployed again (CloudFormation resolves the dynamic reference only when the distribution is updated). Rotation is manual and two-step instead (README, "The edge"): put a new value (the authorizer keeps accepting AWSPREVIOUS), then redeploy the edge stack. The value grants no access to data; it only keeps callers from bypassing the distribution.',
    );
  }

  /** The settings the authorizer function reads (functions/handlers/verify-origin.ts). */
  environment(): FunctionEnvironment {
    return { ORIGIN_SECRET_ARN: this.secret.secretArn };
  }

  /** Lets `fn` read the secret and returns the authorizer that runs it for every route. */
  authorizer(config: StageConfig, fn: DirectoryFunction): HttpLambdaAuthorizer {
    this.secret.grantRead(fn.role);
    return new HttpLambdaAuthorizer('OriginAuthorizer', fn.function, {
      authorizerName: `${config.resourcePrefix}-origin`,
      identitySource: [`$request.header.${ORIGIN_VERIFY_HEADER}`],
      responseTypes: [HttpLambdaResponseType.SIMPLE],
      resultsCacheTtl: Duration.minutes(5),
    });
  }
}
