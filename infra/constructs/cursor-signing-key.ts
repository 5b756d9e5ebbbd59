import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { directoryFunctions, type DirectoryFunctionName } from '../config/functions';
import type { StageConfig } from '../config/stages';
import { acknowledgeNag } from '../nag/acknowledge';
import type { FunctionEnvironment } from '../../functions/config/environment-variables';

/**
 * The functions that make or read paging cursors, and no others: the public search, the expiry
 * watch's route, and every listing function, since they share one listing store that also pages
 * internally (counting a provider's listings in review before a submission).
 */
export function makesCursors(name: DirectoryFunctionName): boolean {
  return directoryFunctions[name].environment === 'listings' || name === 'search-programs' || name === 'expiring-programs';
}

/**
 * The key the API seals its paging cursors with (functions/adapters/cursor/signed-cursor.ts), so a
 * client can neither forge nor alter a search position or table key. Generated in Secrets Manager
 * and handed to the functions as a dynamic reference CloudFormation resolves at deployment, like
 * the origin secret the edge sends: the template holds only the reference, and the functions read
 * it from their environment without a Secrets Manager call on the search path.
 */
export class CursorSigningKey extends Construct {
  readonly secret: Secret;

  constructor(scope: Construct, id: string, props: { readonly config: StageConfig }) {
    super(scope, id);
    const { config } = props;
    this.secret = new Secret(this, 'Secret', {
      secretName: `${config.resourcePrefix}-cursor-signing-key`,
      description: `${config.resourcePrefix}: the HMAC key of the API's paging cursors`,
      // 64 of 62 possible characters each is about 380 bits, far past HMAC-SHA256's needs.
      generateSecretString: { passwordLength: 64, excludePunctuation: true, includeSpace: false },
      removalPolicy: config.removalPolicy,
    });
    acknowledgeNag(
      this.secret,
      'AwsSolutions-SMG4',
      'The functions get the key when CloudFormation resolves it at deployment, so an automatic rotation would take effect only at the next deploy of the API stack. Rotation is manual (put a new value, redeploy the API stack); its only effect is that cursors issued before it are refused with a 400, and a client starts again from the first page. The key grants no access to data: it only keeps clients from writing cursors of their own.',
    );
  }

  /** The setting functions/config/cursor-config.ts reads: a reference, resolved at deployment. */
  environment(): FunctionEnvironment {
    return { CURSOR_SIGNING_KEY: this.secret.secretValue.unsafeUnwrap() };
  }
}
