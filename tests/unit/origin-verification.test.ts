import { ResourceNotFoundException, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { describe, expect, it } from 'vitest';
import { SecretsManagerOriginValues } from '../../functions/adapters/secrets/secrets-manager-origin-values';
import { clientAddressOf, VIEWER_ADDRESS_HEADER } from '../../functions/http/client-address';
import { isAcceptedOriginValue } from '../../functions/http/origin-verification';
import { apiEvent } from '../support/api-event';

/** A Secrets Manager client that answers GetSecretValue from a map of version stages. */
function fakeSecrets(versions: Partial<Record<'AWSCURRENT' | 'AWSPREVIOUS', string>>) {
  const calls: string[] = [];
  const client = {
    send: async (command: { input: { VersionStage: 'AWSCURRENT' | 'AWSPREVIOUS' } }) => {
      const stage = command.input.VersionStage;
      calls.push(stage);
      const value = versions[stage];
      if (value === undefined) throw new ResourceNotFoundException({ message: `no ${stage}`, $metadata: {} });
      return { SecretString: value };
    },
  } as unknown as SecretsManagerClient;
  return { client, calls };
}

describe('origin check (the HTTP API authorizer)', () => {
  it('admits exactly the accepted values, whatever the length or prefix of a wrong one', () => {
    const accepted = ['Current0123456789abcdefghij', 'Previous0123456789abcdefghij'];
    expect(isAcceptedOriginValue('Current0123456789abcdefghij', accepted)).toBe(true);
    expect(isAcceptedOriginValue('Previous0123456789abcdefghij', accepted)).toBe(true);
    for (const wrong of [undefined, '', 'Current', 'Current0123456789abcdefghijk', 'current0123456789abcdefghij', ' Current0123456789abcdefghij']) {
      expect(isAcceptedOriginValue(wrong, accepted), String(wrong)).toBe(false);
    }
    // An empty secret value never matches anything, not even an empty header.
    expect(isAcceptedOriginValue('', [''])).toBe(false);
  });

  it("accepts the secret's current value and, during a rotation, its previous one", async () => {
    const { client } = fakeSecrets({ AWSCURRENT: 'new-value', AWSPREVIOUS: 'old-value' });
    expect(await new SecretsManagerOriginValues(client, 'arn:aws:secretsmanager:us-east-1:1:secret:x').accepted()).toEqual(['new-value', 'old-value']);
  });

  it('accepts the current value alone when the secret was never rotated', async () => {
    const { client } = fakeSecrets({ AWSCURRENT: 'only-value' });
    expect(await new SecretsManagerOriginValues(client, 'arn:aws:secretsmanager:us-east-1:1:secret:x').accepted()).toEqual(['only-value']);
  });

  it('reads Secrets Manager at most once per TTL per process', async () => {
    const { client, calls } = fakeSecrets({ AWSCURRENT: 'v1' });
    let now = 1_000_000;
    const values = new SecretsManagerOriginValues(client, 'arn:aws:secretsmanager:us-east-1:1:secret:x', 300_000, () => now);
    for (let i = 0; i < 5; i += 1) await values.accepted();
    expect(calls).toEqual(['AWSCURRENT', 'AWSPREVIOUS']);
    now += 300_001;
    await values.accepted();
    expect(calls).toHaveLength(4);
  });

  it('fails rather than admitting anything when the secret has no current value', async () => {
    const { client } = fakeSecrets({});
    await expect(new SecretsManagerOriginValues(client, 'arn:aws:secretsmanager:us-east-1:1:secret:x').accepted()).rejects.toThrow();
  });
});

describe('client address of the report rate limit', () => {
  const event = (headers: Record<string, string>) => ({ ...apiEvent({ routeKey: 'POST /v1/programs/{id}/reports' }), headers });

  it("is API Gateway's sourceIp by default (locally), whatever headers the client sends", () => {
    expect(clientAddressOf(event({ [VIEWER_ADDRESS_HEADER]: '203.0.113.9', 'x-forwarded-for': '198.51.100.1' }), 'source-ip')).toBe('127.0.0.1');
  });

  it('is the viewer address the edge hands on behind CloudFront (IPv4 and IPv6)', () => {
    expect(clientAddressOf(event({ [VIEWER_ADDRESS_HEADER]: '203.0.113.9' }), 'viewer-address-header')).toBe('203.0.113.9');
    expect(clientAddressOf(event({ [VIEWER_ADDRESS_HEADER]: '2001:db8::7' }), 'viewer-address-header')).toBe('2001:db8::7');
  });

  it('falls back to sourceIp when the header is missing or is not a plain address', () => {
    expect(clientAddressOf(event({}), 'viewer-address-header')).toBe('127.0.0.1');
    expect(clientAddressOf(event({ [VIEWER_ADDRESS_HEADER]: 'RATE#x#1' }), 'viewer-address-header')).toBe('127.0.0.1');
  });
});
