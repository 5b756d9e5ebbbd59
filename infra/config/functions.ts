import { IMPORTS_PREFIX, REPORTS_PREFIX } from '../../functions/imports/import-bucket-keys';
import type { OpenSearchCapability } from './search-access';

export { searchIndexAlias } from './search-access';

export type DynamoDbAccessLevel = 'none' | 'read' | 'write' | 'import' | 'report' | 'reconcile';

/**
 * Item-level actions on the programs table and its indexes, per level; granted on the table and
 * each named index ARN, never on `<table>/index/*`. Conditional puts and updates are how the
 * listing use cases guard versions, so writers get no DeleteItem, Scan or batch actions. The
 * importer is the exception: it compares and writes programs in batches of 100 and 25
 * (DynamoDbProgramStore getMany/putMany), on the table only, and reads or writes nothing else.
 */
export const dynamoDbPermissions: Readonly<Record<DynamoDbAccessLevel, readonly string[]>> = {
  none: [],
  read: ['dynamodb:GetItem', 'dynamodb:Query'],
  write: ['dynamodb:ConditionCheckItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:UpdateItem'],
  import: ['dynamodb:BatchGetItem', 'dynamodb:BatchWriteItem'],
  // Anonymous problem reports: a conditional put of the new report and an atomic counter update
  // for the per-address rate limit, on the base table only; nothing is read back from the table.
  report: ['dynamodb:PutItem', 'dynamodb:UpdateItem'],
  // The reconciliation reads the whole table (a parallel Scan) and looks up, in batches of 100,
  // the items behind search documents; on the base table only, and it writes nothing there.
  reconcile: ['dynamodb:BatchGetItem', 'dynamodb:Scan'],
};

/** Key prefixes of the import bucket: uploads the importer reads, and where it writes its reports. */
export const importBucketPrefixes = { imports: IMPORTS_PREFIX, reports: REPORTS_PREFIX } as const;

/** How API Gateway exposes a function: a route key, public or behind the Cognito JWT authorizer. */
export interface FunctionRoute {
  readonly routeKey: `${'GET' | 'POST' | 'PUT' | 'DELETE'} /${string}`;
  readonly authorization: 'public' | 'jwt';
}

export interface DirectoryFunctionDefinition {
  /** File name (without `.ts`) under `functions/handlers/`, exporting `handler`. */
  readonly entry: string;
  readonly description: string;
  /** What it may do on the search domain (infra/config/search-access.ts); empty: nothing. */
  readonly openSearchAccess: readonly OpenSearchCapability[];
  readonly dynamoDbAccess: DynamoDbAccessLevel;
  /** Absent for functions no route invokes (the stream indexer, the importer). */
  readonly route?: FunctionRoute;
  /** Which settings its handler reads from the environment. */
  readonly environment: 'search' | 'listings' | 'import' | 'origin';
}

/**
 * The single list both stacks read: the API stack creates a function, a role and (where given) a
 * route per entry, and the stateful stack's domain policy trusts exactly those roles with exactly
 * these access levels.
 */
export const directoryFunctions = {
  'search-programs': {
    entry: 'search-programs',
    description: 'GET /v1/programs: searches published programs',
    openSearchAccess: ['search'],
    dynamoDbAccess: 'none',
    route: { routeKey: 'GET /v1/programs', authorization: 'public' },
    environment: 'search',
  },
  'get-program': {
    entry: 'get-program',
    description: 'GET /v1/programs/{id}: one published program',
    openSearchAccess: ['get'],
    dynamoDbAccess: 'none',
    route: { routeKey: 'GET /v1/programs/{id}', authorization: 'public' },
    environment: 'search',
  },
  'openapi-document': {
    entry: 'openapi-document',
    description: 'GET /v1/openapi.json: the API description',
    // Serves a document built from the schemas in the bundle; it never calls OpenSearch.
    openSearchAccess: [],
    dynamoDbAccess: 'none',
    route: { routeKey: 'GET /v1/openapi.json', authorization: 'public' },
    environment: 'search',
  },
  vocabularies: {
    entry: 'vocabularies',
    description: 'GET /v1/vocabularies: every filter value with a label and description in English or Spanish',
    // Answers from the label files in the bundle; it never calls OpenSearch or the table.
    openSearchAccess: [],
    dynamoDbAccess: 'none',
    route: { routeKey: 'GET /v1/vocabularies', authorization: 'public' },
    environment: 'search',
  },
  'suggest-places': {
    entry: 'suggest-places',
    description: 'GET /v1/places: places (zips, cities, counties, states) as a person types',
    // Answers from the gazetteer in the bundle; it never calls OpenSearch or the table.
    openSearchAccess: [],
    dynamoDbAccess: 'none',
    route: { routeKey: 'GET /v1/places', authorization: 'public' },
    environment: 'search',
  },
  'index-stream': {
    entry: 'index-stream',
    description: 'Applies DynamoDB stream changes to the search index',
    // _bulk writes, and the alias with its first index before the first write; it reads nothing.
    openSearchAccess: ['write', 'manage-index'],
    // Reads the table's stream only (granted separately); never the table itself.
    dynamoDbAccess: 'none',
    environment: 'search',
  },
  // Provider and reviewer functions work on listing items in the table; publishing an approved
  // listing is a table write too, which reaches the index through the stream like any other.
  // Creating and replacing a listing also look its address up in search (the duplicate check).
  'create-listing': { ...listingFunction('create-listing', 'POST /v1/listings', 'submits a listing for review', 'write'), openSearchAccess: ['search'] },
  'list-listings': listingFunction('list-listings', 'GET /v1/listings', "the caller's own listings", 'read'),
  'get-listing': listingFunction('get-listing', 'GET /v1/listings/{id}', 'one listing, to its owner or a reviewer', 'read'),
  'update-listing': { ...listingFunction('update-listing', 'PUT /v1/listings/{id}', 'replaces a listing (If-Match) and resubmits it', 'write'), openSearchAccess: ['search'] },
  'archive-listing': listingFunction('archive-listing', 'DELETE /v1/listings/{id}', 'archives a listing', 'write'),
  'listing-history': listingFunction('listing-history', 'GET /v1/listings/{id}/history', "a listing's change history", 'read'),
  'review-queue': listingFunction('review-queue', 'GET /v1/review/queue', 'listings waiting for review (reviewers)', 'read'),
  'approve-listing': listingFunction('approve-listing', 'POST /v1/review/{id}/approve', 'approves a listing or claim, or resolves a report (reviewers)', 'write'),
  'reject-listing': listingFunction('reject-listing', 'POST /v1/review/{id}/reject', 'rejects a listing or claim with a reason, or dismisses a report (reviewers)', 'write'),
  'submit-claim': listingFunction('submit-claim', 'POST /v1/programs/{id}/claims', 'a provider asks to maintain an imported program', 'write'),
  'confirm-listing': listingFunction('confirm-listing', 'POST /v1/listings/{id}/confirm', 'the owner confirms the published version is still right', 'write'),
  'convert-to-claim': listingFunction('convert-to-claim', 'POST /v1/review/{id}/convert', "turns a likely duplicate listing into its owner's claim on the program (reviewers)", 'write'),
  'submit-report': {
    entry: 'submit-report',
    description: 'POST /v1/programs/{id}/reports: queues an anonymous problem report for reviewers',
    // Looks the program up in search (404 unless published); writes the report and its rate-limit counter.
    openSearchAccess: ['get'],
    dynamoDbAccess: 'report',
    route: { routeKey: 'POST /v1/programs/{id}/reports', authorization: 'public' },
    environment: 'search',
  },
  // The expiry watch: reviewers page through it; the daily summary publishes it to its own topic
  // (granted separately, by ExpiryWatch). Both only read the search index.
  'expiring-programs': {
    entry: 'expiring-programs',
    description: 'GET /v1/review/expiring: programs whose licences or accreditations expire soon (reviewers)',
    openSearchAccess: ['search'],
    dynamoDbAccess: 'none',
    route: { routeKey: 'GET /v1/review/expiring', authorization: 'jwt' },
    environment: 'search',
  },
  'expiry-summary': {
    entry: 'expiry-summary',
    description: 'Daily: publishes the count and the 10 soonest expiring licences or accreditations to the expiry topic',
    openSearchAccess: ['search'],
    dynamoDbAccess: 'none',
    environment: 'search',
  },
  // The HTTP API's Lambda authorizer: lets through only requests that carry CloudFront's origin
  // secret (functions/handlers/verify-origin.ts); it reads that secret and nothing else.
  'verify-origin': {
    entry: 'verify-origin',
    description: 'HTTP API authorizer: admits only requests that came through the CloudFront distribution',
    openSearchAccess: [],
    dynamoDbAccess: 'none',
    environment: 'origin',
  },
  // The safety net behind the stream (infra/config/reconciliation.ts): compares the index with the
  // table on a schedule and repairs the difference through the stream indexer's writer, so it
  // needs what the indexer needs of the domain (including creating the index when missing), and
  // reads the index: document versions by id (_mget) and the published documents (_search).
  'reconcile-search-index': {
    entry: 'reconcile-search-index',
    description: 'Hourly: repairs search documents that differ from the table (changes the stream never delivered)',
    openSearchAccess: ['search', 'mget', 'write', 'manage-index'],
    dynamoDbAccess: 'reconcile',
    environment: 'search',
  },
  'import-from-s3': {
    entry: 'import-from-s3',
    description: 'Imports files uploaded under imports/ of the import bucket and writes a report under reports/',
    // Writes the table only; what it writes reaches search through the stream like every change.
    openSearchAccess: [],
    dynamoDbAccess: 'import',
    environment: 'import',
  },
} as const satisfies Record<string, DirectoryFunctionDefinition>;

/** A provider or reviewer function: behind the JWT authorizer, on the table only, no search domain. */
function listingFunction(entry: string, routeKey: FunctionRoute['routeKey'], purpose: string, dynamoDbAccess: 'read' | 'write') {
  return {
    entry,
    description: `${routeKey}: ${purpose}`,
    openSearchAccess: [],
    dynamoDbAccess,
    route: { routeKey, authorization: 'jwt' },
    environment: 'listings',
  } as const satisfies DirectoryFunctionDefinition;
}

export type DirectoryFunctionName = keyof typeof directoryFunctions;

export const directoryFunctionNames = Object.keys(directoryFunctions) as DirectoryFunctionName[];

/** The functions that hold a capability on the search domain. */
export function functionsWithCapability(capability: OpenSearchCapability): DirectoryFunctionName[] {
  return directoryFunctionNames.filter((name) => (directoryFunctions[name].openSearchAccess as readonly OpenSearchCapability[]).includes(capability));
}
