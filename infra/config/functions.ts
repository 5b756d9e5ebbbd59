import { Aws } from 'aws-cdk-lib';
import type { StageConfig } from './stages';

/** The alias the functions search and write through (`SEARCH_INDEX_ALIAS`). */
export const searchIndexAlias = 'programs';

export type OpenSearchAccessLevel = 'none' | 'read' | 'write';

/** Actions on paths under one domain ARN: '' is the domain itself, '/*' every path below it. */
export interface OpenSearchPermission {
  readonly actions: readonly string[];
  readonly paths: readonly string[];
}

/**
 * OpenSearch authorises each HTTP verb separately. Reads are GET and POST (`_search` carries its
 * query in a POST body). The indexer also checks for the alias (HEAD), creates the index (PUT)
 * and writes through `_bulk` (POST); it deletes only the index it just created when it loses the
 * alias race to a concurrent instance, so DELETE is limited to the alias's backing indices.
 */
export const openSearchPermissions: Readonly<Record<OpenSearchAccessLevel, readonly OpenSearchPermission[]>> = {
  none: [],
  read: [{ actions: ['es:ESHttpGet', 'es:ESHttpPost'], paths: ['', '/*'] }],
  write: [
    { actions: ['es:ESHttpGet', 'es:ESHttpHead', 'es:ESHttpPost', 'es:ESHttpPut'], paths: ['', '/*'] },
    { actions: ['es:ESHttpDelete'], paths: [`/${searchIndexAlias}-*`] },
  ],
};

export interface DirectoryFunctionDefinition {
  /** File name (without `.ts`) under `functions/handlers/`, exporting `handler`. */
  readonly entry: string;
  readonly description: string;
  readonly openSearchAccess: OpenSearchAccessLevel;
}

/**
 * The single list both stacks read: the API stack creates a role per entry, and the stateful
 * stack's domain policy trusts exactly those roles with exactly these access levels.
 */
export const directoryFunctions = {
  'search-programs': {
    entry: 'search-programs',
    description: 'GET /v1/programs: searches published programs',
    openSearchAccess: 'read',
  },
  'get-program': {
    entry: 'get-program',
    description: 'GET /v1/programs/{id}: one published program',
    openSearchAccess: 'read',
  },
  'openapi-document': {
    entry: 'openapi-document',
    description: 'GET /v1/openapi.json: the API description',
    // Serves a document built from the schemas in the bundle; it never calls OpenSearch.
    openSearchAccess: 'none',
  },
  'index-stream': {
    entry: 'index-stream',
    description: 'Applies DynamoDB stream changes to the search index',
    openSearchAccess: 'write',
  },
} as const satisfies Record<string, DirectoryFunctionDefinition>;

export type DirectoryFunctionName = keyof typeof directoryFunctions;

export const directoryFunctionNames = Object.keys(directoryFunctions) as DirectoryFunctionName[];

/**
 * Role names are fixed so the domain policy (in the stateful stack, deployed first) can name the
 * roles before they exist, without a cross-stack reference that would make the stacks circular.
 * The region keeps names unique when a stage is deployed to more than one region (IAM is global).
 */
export function functionRoleName(config: StageConfig, name: DirectoryFunctionName): string {
  return `${config.resourcePrefix}-${name}-${Aws.REGION}`;
}

export function functionRoleArn(config: StageConfig, name: DirectoryFunctionName): string {
  return `arn:${Aws.PARTITION}:iam::${Aws.ACCOUNT_ID}:role/${functionRoleName(config, name)}`;
}
