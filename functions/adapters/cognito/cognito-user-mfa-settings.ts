import { AdminGetUserCommand, type AdminGetUserCommandOutput } from '@aws-sdk/client-cognito-identity-provider';
import type { UserMfaSettings } from '../../ports/user-mfa-settings';

/** The one Cognito call this adapter makes; `CognitoIdentityProviderClient` in AWS, a fake in tests. */
export interface AdminGetUserClient {
  send(command: AdminGetUserCommand): Promise<Pick<AdminGetUserCommandOutput, 'UserMFASettingList'>>;
}

/**
 * Reads a user's enabled second factors with AdminGetUser (the pre-token trigger's role may call it
 * on its own pool only). `UserMFASettingList` lists what the user has activated; the legacy
 * `MFAOptions` (SMS only) is ignored, since the pool offers authenticator apps only.
 */
export class CognitoUserMfaSettings implements UserMfaSettings {
  constructor(private readonly client: AdminGetUserClient) {}

  async enabledMethods(userPoolId: string, username: string): Promise<readonly string[]> {
    const user = await this.client.send(new AdminGetUserCommand({ UserPoolId: userPoolId, Username: username }));
    return user.UserMFASettingList ?? [];
  }
}
