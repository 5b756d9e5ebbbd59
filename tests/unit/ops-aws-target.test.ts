import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { directoryFunctions } from '../../infra/config/functions';
import { openSearchCapabilityDefinitions } from '../../infra/config/search-access';
import { stageConfig } from '../../infra/config/stages';
import { deployedStageEnvironment, resolveStackEnvironment } from '../../cli/stack-state';
import { auditConfiguration, callerOf, searchAccessRequests } from '../../ops/search-access';

const emptyDataDir = mkdtempSync(path.join(tmpdir(), 'ops-target-'));
afterAll(() => rmSync(emptyDataDir, { recursive: true, force: true }));

const deployed = {
  OPENSEARCH_AUTH: 'sigv4',
  OPENSEARCH_URL: 'https://search-iop-directory-prod-abc.us-east-1.es.amazonaws.com',
  PROGRAMS_TABLE: 'IopDirectory-prod-Stateful-Programs1234-ABCD',
  AWS_REGION: 'us-east-1',
  AWS_PROFILE: 'iop-prod-operations',
};

describe('command-line tools against a deployed stage (OPENSEARCH_AUTH=sigv4)', () => {
  it('use the stage outputs and the regional DynamoDB endpoint, and never fill in credentials', () => {
    const environment = resolveStackEnvironment(emptyDataDir, deployed);
    expect(environment).toEqual({
      OPENSEARCH_URL: deployed.OPENSEARCH_URL,
      OPENSEARCH_AUTH: 'sigv4',
      PROGRAMS_TABLE: deployed.PROGRAMS_TABLE,
      SEARCH_INDEX_ALIAS: 'programs',
      AWS_REGION: 'us-east-1',
    });
    // The SDK's provider chain (AWS_PROFILE here, SSO, role_arn, ...) is left to decide.
    expect(environment).not.toHaveProperty('AWS_ACCESS_KEY_ID');
    expect(environment).not.toHaveProperty('AWS_SECRET_ACCESS_KEY');
    expect(environment).not.toHaveProperty('DYNAMODB_ENDPOINT');
  });

  it('require every setting rather than assuming one, and refuse a local table endpoint', () => {
    expect(() => deployedStageEnvironment({ OPENSEARCH_AUTH: 'sigv4' })).toThrow(/OPENSEARCH_URL, PROGRAMS_TABLE, AWS_REGION/);
    expect(() => deployedStageEnvironment({ ...deployed, AWS_REGION: '' })).toThrow(/AWS_REGION/);
    expect(() => deployedStageEnvironment({ ...deployed, OPENSEARCH_URL: 'http://127.0.0.1:9200' })).toThrow(/https/);
    expect(() => deployedStageEnvironment({ ...deployed, DYNAMODB_ENDPOINT: 'http://127.0.0.1:8000' })).toThrow(/DYNAMODB_ENDPOINT/);
  });

  it('still give made-up credentials to servers on this machine only', () => {
    const local = resolveStackEnvironment(emptyDataDir, { DYNAMODB_ENDPOINT: 'http://127.0.0.1:8000', OPENSEARCH_URL: 'http://127.0.0.1:9200' });
    expect(local).toMatchObject({ OPENSEARCH_AUTH: 'none', AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local' });
    const elsewhere = resolveStackEnvironment(emptyDataDir, { DYNAMODB_ENDPOINT: 'https://dynamodb.us-east-1.amazonaws.com', OPENSEARCH_URL: 'http://10.0.0.5:9200' });
    expect(elsewhere).not.toHaveProperty('AWS_ACCESS_KEY_ID');
  });
});

describe('fine-grained access control requests (npm run search-access)', () => {
  const where = { partition: 'aws', account: '123456789012', region: 'us-east-1' };
  const requests = searchAccessRequests(stageConfig('prod'), where);
  const mappings = Object.fromEntries(
    requests.filter((r) => r.path.includes('/rolesmapping/')).map((r) => [r.path.split('/').at(-1), (r.body.backend_roles as string[]).slice().sort()]),
  );
  const roleArn = (name: string) => `arn:aws:iam::123456789012:role/iop-directory-prod-${name}-us-east-1`;

  it('map each function role to the OpenSearch role of each capability it holds, and nothing else', () => {
    expect(mappings).toEqual({
      iop_directory_search: ['create-listing', 'expiring-programs', 'expiry-summary', 'reconcile-search-index', 'search-programs', 'update-listing'].map(roleArn).sort(),
      iop_directory_get: ['get-program', 'submit-report'].map(roleArn).sort(),
      iop_directory_mget: [roleArn('reconcile-search-index')],
      iop_directory_write: ['index-stream', 'reconcile-search-index'].map(roleArn).sort(),
      iop_directory_manage_index: ['index-stream', 'reconcile-search-index'].map(roleArn).sort(),
    });
    // Every function that the domain policy admits is mapped (the Deny spares the same roles).
    const admitted = Object.entries(directoryFunctions).filter(([, definition]) => definition.openSearchAccess.length > 0).map(([name]) => roleArn(name));
    expect([...new Set(Object.values(mappings).flat())].sort()).toEqual(admitted.sort());
  });

  it('give the public read roles read actions only, and write through bulk index items only', () => {
    const roleBody = (name: string) => requests.find((r) => r.path === `/_plugins/_security/api/roles/${name}`)!.body;
    const actionsOf = (name: string) => (roleBody(name).index_permissions as Array<{ allowed_actions: string[] }>).flatMap((p) => p.allowed_actions);
    expect(actionsOf('iop_directory_search')).toEqual(['indices:data/read/search*']);
    expect(actionsOf('iop_directory_get')).toEqual(['indices:data/read/get*']);
    for (const name of ['iop_directory_search', 'iop_directory_get', 'iop_directory_mget']) {
      expect(actionsOf(name).every((action) => action.startsWith('indices:data/read/')), name).toBe(true);
    }
    expect(actionsOf('iop_directory_write')).toEqual(['indices:data/write/bulk*', 'indices:data/write/index']);
    for (const body of requests.filter((r) => r.path.includes('/roles/')).map((r) => r.body)) {
      for (const permission of body.index_permissions as Array<{ index_patterns: string[] }>) expect(permission.index_patterns).toEqual(['programs', 'programs-*']);
      expect(JSON.stringify(body)).not.toMatch(/indices:\*|cluster:\*|"\*"|delete_by_query|indices:admin\/aliases\*/);
    }
    expect(roleBody('iop_directory_search')).toEqual({ cluster_permissions: [], index_permissions: [{ index_patterns: ['programs', 'programs-*'], allowed_actions: [...openSearchCapabilityDefinitions.search.fgac.index_permissions[0]!.allowed_actions] }] });
  });

  it('turn the audit log on: failed logins, missing privileges and security changes, over REST', () => {
    expect(requests.at(-1)).toEqual({ method: 'PUT', path: '/_plugins/_security/api/audit/config', body: auditConfiguration });
    expect(auditConfiguration).toMatchObject({ enabled: true, audit: { enable_rest: true }, compliance: { enabled: true, internal_config: true } });
    expect(auditConfiguration.audit.disabled_rest_categories).not.toContain('FAILED_LOGIN');
    expect(auditConfiguration.audit.disabled_rest_categories).not.toContain('MISSING_PRIVILEGES');
  });

  it('are applied only by the master user, whose ARN says the account', () => {
    const master = { user_name: 'arn:aws:sts::123456789012:assumed-role/iop-directory-prod-operations/alice', backend_roles: ['arn:aws:iam::123456789012:role/iop-directory-prod-operations'], roles: ['all_access', 'security_manager'] };
    expect(callerOf(master, 'iop-directory-prod-operations')).toEqual({ partition: 'aws', account: '123456789012' });
    expect(() => callerOf({ ...master, roles: ['iop_directory_search'] }, 'iop-directory-prod-operations')).toThrow(/not the domain's master user.*assume iop-directory-prod-operations/);
    expect(() => callerOf({ user_name: 'admin', backend_roles: [], roles: ['all_access'] }, 'iop-directory-prod-operations')).toThrow(/IAM role ARN/);
  });
});
