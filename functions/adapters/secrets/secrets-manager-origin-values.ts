import { GetSecretValueCommand, ResourceNotFoundException, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

/**
 * The values of the origin secret the API accepts: its current version and, while a rotation is
 * under way (CloudFront still sends the old value until the edge stack is deployed again), its
 * previous one. Read from Secrets Manager at most once per `ttlMs` per process; the authorizer's
 * own result cache keeps even that rare.
 */
export class SecretsManagerOriginValues {
  private cached: { values: readonly string[]; until: number } | undefined;

  constructor(
    private readonly client: SecretsManagerClient,
    private readonly secretId: string,
    private readonly ttlMs = 5 * 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  async accepted(): Promise<readonly string[]> {
    if (this.cached && this.cached.until > this.now()) return this.cached.values;
    const [current, previous] = await Promise.all([this.version('AWSCURRENT'), this.version('AWSPREVIOUS')]);
    if (current === undefined) throw new Error(`The origin secret ${this.secretId} has no current value`);
    const values = previous === undefined || previous === current ? [current] : [current, previous];
    this.cached = { values, until: this.now() + this.ttlMs };
    return values;
  }

  private async version(stage: 'AWSCURRENT' | 'AWSPREVIOUS'): Promise<string | undefined> {
    try {
      const { SecretString } = await this.client.send(new GetSecretValueCommand({ SecretId: this.secretId, VersionStage: stage }));
      return SecretString || undefined;
    } catch (error) {
      // A secret that was never rotated has no AWSPREVIOUS version.
      if (stage === 'AWSPREVIOUS' && error instanceof ResourceNotFoundException) return undefined;
      throw error;
    }
  }
}
