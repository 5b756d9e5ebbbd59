import { STAGE_SEARCH_INDEX_ALIAS } from '../../functions/config/search-index-alias';

/**
 * What each function may do on the search domain, in one table that three places read:
 *
 * - the function's IAM policy (DirectoryFunction#grant): `iam`, verbs on request paths;
 * - the domain's access policy (SearchDomain): the same verbs on the same paths, for exactly the
 *   roles that hold the capability, and an explicit Deny for every other principal;
 * - fine-grained access control (`npm run search-access`, ops/search-access.ts): one OpenSearch
 *   security role per capability, `fgac`, mapped to the IAM roles that hold it.
 *
 * IAM authorises a request by its verb (es:ESHttp<Verb>) and `<domain arn>/<request path>`; a `*`
 * in a path matches any characters, `/` included. Fine-grained access control authorises the
 * OpenSearch actions behind the request on the indices it resolves to (the alias and the
 * versioned indices behind it), so a `_bulk` item naming another index is refused there.
 */

/** The alias the functions search and write through (`SEARCH_INDEX_ALIAS`). */
export const searchIndexAlias = STAGE_SEARCH_INDEX_ALIAS;

/** The concrete, versioned indices behind the alias (index-admin.ts `newIndexName`). */
const versionedIndices = `${searchIndexAlias}-*`;

export const openSearchCapabilities = ['search', 'get', 'mget', 'write', 'manage-index'] as const;
export type OpenSearchCapability = (typeof openSearchCapabilities)[number];

/** Verbs on paths under one domain ARN (`/<path>`; '' would be the domain itself). */
export interface OpenSearchPermission {
  readonly actions: readonly string[];
  readonly paths: readonly string[];
}

/** An OpenSearch security role (PUT _plugins/_security/api/roles/<name>). */
export interface OpenSearchSecurityRole {
  readonly cluster_permissions: readonly string[];
  readonly index_permissions: readonly { readonly index_patterns: readonly string[]; readonly allowed_actions: readonly string[] }[];
}

export interface OpenSearchCapabilityDefinition {
  readonly iam: readonly OpenSearchPermission[];
  readonly fgac: OpenSearchSecurityRole;
}

/** The alias and the indices behind it: what fine-grained access control resolves a request to. */
const programIndices = [searchIndexAlias, versionedIndices];

export const openSearchCapabilityDefinitions: Readonly<Record<OpenSearchCapability, OpenSearchCapabilityDefinition>> = {
  // `_search` carries its query in a POST body (the client sends GET only without one). A search
  // can read nothing but the indices of its path, and no search request writes.
  search: {
    iam: [{ actions: ['es:ESHttpGet', 'es:ESHttpPost'], paths: [`/${searchIndexAlias}/_search`] }],
    fgac: {
      cluster_permissions: [],
      index_permissions: [{ index_patterns: programIndices, allowed_actions: ['indices:data/read/search*'] }],
    },
  },
  // One program by id (GET /programs/_doc/<id>): the detail route and the report's existence check.
  get: {
    iam: [{ actions: ['es:ESHttpGet'], paths: [`/${searchIndexAlias}/_doc/*`] }],
    fgac: {
      cluster_permissions: [],
      index_permissions: [{ index_patterns: programIndices, allowed_actions: ['indices:data/read/get*'] }],
    },
  },
  // The reconciliation reads the versions of a page of ids at once, in real time (POST /programs/_mget).
  mget: {
    iam: [{ actions: ['es:ESHttpPost'], paths: [`/${searchIndexAlias}/_mget`] }],
    fgac: {
      cluster_permissions: ['indices:data/read/mget'],
      index_permissions: [{ index_patterns: programIndices, allowed_actions: ['indices:data/read/mget*'] }],
    },
  },
  // The one write path (OpenSearchSearchIndex#apply): versioned `index` items through POST /_bulk.
  // IAM can only name the path; fine-grained access control checks each item's index.
  write: {
    iam: [{ actions: ['es:ESHttpPost'], paths: ['/_bulk'] }],
    fgac: {
      cluster_permissions: ['indices:data/write/bulk'],
      index_permissions: [{ index_patterns: programIndices, allowed_actions: ['indices:data/write/bulk*', 'indices:data/write/index'] }],
    },
  },
  // ensureSearchIndex before the first write: HEAD/GET /_alias/programs, PUT /programs-v<n>-<stamp>
  // with the alias, POST /programs-.../_mapping (new fields of a newer mapping), GET
  // /_cluster/health/programs, and DELETE of the index it just created when it lost the race to
  // create the alias. Swapping the alias to another index (a reindex) is the operations role's.
  'manage-index': {
    iam: [
      { actions: ['es:ESHttpGet', 'es:ESHttpHead'], paths: [`/_alias/${searchIndexAlias}`] },
      { actions: ['es:ESHttpGet'], paths: [`/_cluster/health/${searchIndexAlias}`] },
      { actions: ['es:ESHttpDelete', 'es:ESHttpPut'], paths: [`/${versionedIndices}`] },
      { actions: ['es:ESHttpPost'], paths: [`/${versionedIndices}/_mapping`] },
    ],
    fgac: {
      cluster_permissions: ['cluster:monitor/health'],
      index_permissions: [
        {
          index_patterns: programIndices,
          // Creating an index together with an alias also needs the alias action on both names.
          allowed_actions: ['indices:admin/aliases', 'indices:admin/aliases/get', 'indices:admin/create', 'indices:admin/delete', 'indices:admin/mapping/put'],
        },
      ],
    },
  },
};

/** Every verb the operations role may use on the domain (reindex, reconcile, the security API). */
export const operationsHttpActions = ['es:ESHttpDelete', 'es:ESHttpGet', 'es:ESHttpHead', 'es:ESHttpPatch', 'es:ESHttpPost', 'es:ESHttpPut'] as const;

/** The name of the OpenSearch security role that carries one capability (and its role mapping). */
export function securityRoleName(capability: OpenSearchCapability): string {
  return `iop_directory_${capability.replace(/-/g, '_')}`;
}
