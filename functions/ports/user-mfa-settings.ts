/** The second factors a user of the pool has enabled (Cognito's `UserMFASettingList`). */
export interface UserMfaSettings {
  /** The user's enabled MFA methods, e.g. `['SOFTWARE_TOKEN_MFA']`; empty when none. */
  enabledMethods(userPoolId: string, username: string): Promise<readonly string[]>;
}
