import { functionRoleArn } from '../infra/config/function-roles';
import { functionsWithCapability } from '../infra/config/functions';
import { openSearchCapabilities, openSearchCapabilityDefinitions, securityRoleName, type OpenSearchCapability } from '../infra/config/search-access';
import type { StageConfig } from '../infra/config/stages';

/**
 * The post-deploy half of the search domain's fine-grained access control, which CloudFormation
 * cannot express (it lives in the domain's security index, reached only through its REST API):
 * one OpenSearch role per capability with exactly the actions of infra/config/search-access.ts,
 * each mapped to the IAM roles of the functions that hold the capability, and the audit log's
 * configuration. Every request is a PUT that replaces the whole resource, so applying them again
 * changes nothing and a function that lost a capability is unmapped.
 */
export interface SecurityRequest {
  readonly method: 'PUT';
  readonly path: string;
  readonly body: Record<string, unknown>;
}

/** Where the function roles are: their ARNs carry the account, partition and region. */
export interface RoleLocation {
  readonly partition: string;
  readonly account: string;
  readonly region: string;
}

/**
 * What the audit log records: failed authentication, refused requests (MISSING_PRIVILEGES: a
 * principal, function roles included, trying more than its role allows) and every change to the
 * security configuration; REST layer only (the transport layer repeats each request per shard).
 * Granted requests are left out (they would be every search), as are request bodies.
 */
export const auditConfiguration = {
  enabled: true,
  audit: {
    enable_rest: true,
    disabled_rest_categories: ['AUTHENTICATED', 'GRANTED_PRIVILEGES'],
    enable_transport: false,
    disabled_transport_categories: ['AUTHENTICATED', 'GRANTED_PRIVILEGES'],
    resolve_indices: true,
    resolve_bulk_requests: false,
    log_request_body: false,
    exclude_sensitive_headers: true,
    ignore_users: [],
    ignore_requests: [],
  },
  compliance: {
    enabled: true,
    internal_config: true,
    external_config: false,
    read_metadata_only: true,
    read_watched_fields: {},
    read_ignore_users: [],
    write_metadata_only: true,
    write_log_diffs: false,
    write_watched_indices: [],
    write_ignore_users: [],
  },
} as const;

/** The capabilities some function holds: only these get a role and a mapping. */
export function grantedCapabilities(): OpenSearchCapability[] {
  return openSearchCapabilities.filter((capability) => functionsWithCapability(capability).length > 0);
}

export function searchAccessRequests(config: StageConfig, where: RoleLocation): SecurityRequest[] {
  const requests: SecurityRequest[] = [];
  for (const capability of grantedCapabilities()) {
    const name = securityRoleName(capability);
    const { fgac } = openSearchCapabilityDefinitions[capability];
    requests.push({
      method: 'PUT',
      path: `/_plugins/_security/api/roles/${name}`,
      body: {
        cluster_permissions: [...fgac.cluster_permissions],
        index_permissions: fgac.index_permissions.map((permission) => ({
          index_patterns: [...permission.index_patterns],
          allowed_actions: [...permission.allowed_actions],
        })),
      },
    });
    requests.push({
      method: 'PUT',
      path: `/_plugins/_security/api/rolesmapping/${name}`,
      body: {
        backend_roles: functionsWithCapability(capability).map((fn) => functionRoleArn(config, fn, where)),
        hosts: [],
        users: [],
      },
    });
  }
  requests.push({ method: 'PUT', path: '/_plugins/_security/api/audit/config', body: auditConfiguration });
  return requests;
}

/**
 * The account and partition of the caller, from `GET /_plugins/_security/authinfo` as the domain
 * answers an IAM master user: `user_name` is the caller's (assumed-role) ARN and `backend_roles` its
 * role ARN. Also refuses anyone but a user with the master's roles, who alone may change security.
 */
export function callerOf(authinfo: unknown, operationsRoleName: string): { partition: string; account: string } {
  const info = authinfo as { user_name?: unknown; backend_roles?: unknown; roles?: unknown };
  const roles = Array.isArray(info.roles) ? info.roles.map(String) : [];
  const arns = [info.user_name, ...(Array.isArray(info.backend_roles) ? info.backend_roles : [])].map(String);
  const role = arns.map((arn) => /^arn:([a-z-]+):(?:iam|sts)::(\d{12}):(?:role|assumed-role)\//.exec(arn)).find(Boolean);
  if (!role) throw new Error(`the domain does not name the caller by an IAM role ARN (authinfo: ${JSON.stringify(authinfo)}); is fine-grained access control on?`);
  if (!roles.includes('all_access') && !roles.includes('security_manager')) {
    throw new Error(`${arns[0]} is not the domain's master user (its roles: ${roles.join(', ') || 'none'}); assume ${operationsRoleName}`);
  }
  return { partition: role[1]!, account: role[2]! };
}
