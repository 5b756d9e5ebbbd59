import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { DirectoryFunctionName } from './functions';
import type { GeocodingStageConfig } from './geocoding';
import { devObservability, prodObservability, type ObservabilityConfig } from './observability';

export const stageNames = ['dev', 'prod'] as const;
export type StageName = (typeof stageNames)[number];

export interface FunctionSizing {
  readonly memorySizeMiB: number;
  readonly timeout: Duration;
  /** /tmp size; Lambda's default of 512 MiB when absent. */
  readonly ephemeralStorageMiB?: number;
}

export interface SearchDomainConfig {
  /**
   * Fixed rather than generated: the domain's own access policy must name the domain ARN, and a
   * generated name is only known after the domain exists.
   */
  readonly domainName: string;
  readonly dataNodes: number;
  readonly dataNodeInstanceType: string;
  readonly volumeSizeGiB: number;
  /** Omitted for a single-node domain, where a separate master quorum buys nothing. */
  readonly dedicatedMasters?: { readonly count: 3 | 5; readonly instanceType: string };
  /** Omitted for a single-node domain, which cannot spread across zones. */
  readonly zoneAwareness?: { readonly availabilityZoneCount: 2 | 3 };
  readonly multiAzWithStandby: boolean;
}

export interface StageConfig {
  readonly stage: StageName;
  /** Prefix of every physical name we choose ourselves (domain, roles, API). */
  readonly resourcePrefix: string;
  readonly removalPolicy: RemovalPolicy;
  readonly terminationProtection: boolean;
  readonly logRetention: RetentionDays;
  readonly table: { readonly deletionProtection: boolean };
  readonly search: SearchDomainConfig;
  readonly functions: Readonly<Record<DirectoryFunctionName, FunctionSizing>>;
  readonly indexer: {
    /**
     * How long failure notices (shard and sequence range, not the records) stay for investigation;
     * the records themselves leave the stream after 24 hours, so later recovery is a reindex.
     */
    readonly failureRetention: Duration;
  };
  readonly auth: {
    /**
     * Cognito threat protection (Plus plan): AUDIT_ONLY scores and logs risky sign-ins and
     * compromised credentials; FULL_FUNCTION also blocks them or demands a second factor.
     */
    readonly threatProtection: 'AUDIT_ONLY' | 'FULL_FUNCTION';
    /** Guards the pool (every provider account) against a stray delete of stack or resource. */
    readonly deletionProtection: boolean;
  };
  readonly listings: {
    /** Listings one provider may have waiting for review at once (MAX_PENDING_LISTINGS). */
    readonly maxPendingPerProvider: number;
  };
  readonly imports: {
    /** Reports are for the person who uploaded the file; they are not a record of the data. */
    readonly reportRetention: Duration;
    /** Overwritten or deleted uploads and reports stay recoverable this long. */
    readonly noncurrentVersionRetention: Duration;
    readonly accessLogRetention: Duration;
    /** How long import events that failed every retry wait in the failure queue (SQS allows 14 days at most). */
    readonly failureRetention: Duration;
  };
  /** How the importer places rows without coordinates (infra/config/geocoding.ts). */
  readonly geocoding: GeocodingStageConfig;
  readonly api: {
    readonly throttle: { readonly burstLimit: number; readonly rateLimit: number };
    /** Browser origins allowed to call the API; empty disables CORS (same-origin or server-side callers only). */
    readonly corsAllowOrigins: readonly string[];
  };
  /** Powertools layer version and alarm thresholds (infra/config/observability.ts). */
  readonly observability: ObservabilityConfig;
}

// The read path is latency-bound on OpenSearch, not CPU; the indexer gets more memory because
// Lambda scales CPU with memory and it parses and re-serialises whole stream batches.
const functionSizing: StageConfig['functions'] = {
  'search-programs': { memorySizeMiB: 512, timeout: Duration.seconds(10) },
  'get-program': { memorySizeMiB: 256, timeout: Duration.seconds(10) },
  'openapi-document': { memorySizeMiB: 256, timeout: Duration.seconds(5) },
  // Two prebuilt JSON bodies from the bundle; no I/O.
  vocabularies: { memorySizeMiB: 256, timeout: Duration.seconds(5) },
  // Suggestions from the bundled gazetteer; the memory buys CPU for its one-off decoding.
  'suggest-places': { memorySizeMiB: 512, timeout: Duration.seconds(5) },
  'index-stream': { memorySizeMiB: 1024, timeout: Duration.seconds(60) },
  // Listing functions make one or two table calls per request.
  'create-listing': { memorySizeMiB: 256, timeout: Duration.seconds(10) },
  'list-listings': { memorySizeMiB: 256, timeout: Duration.seconds(10) },
  'get-listing': { memorySizeMiB: 256, timeout: Duration.seconds(10) },
  'update-listing': { memorySizeMiB: 256, timeout: Duration.seconds(10) },
  'archive-listing': { memorySizeMiB: 256, timeout: Duration.seconds(10) },
  'listing-history': { memorySizeMiB: 256, timeout: Duration.seconds(10) },
  'review-queue': { memorySizeMiB: 256, timeout: Duration.seconds(10) },
  'approve-listing': { memorySizeMiB: 256, timeout: Duration.seconds(10) },
  'reject-listing': { memorySizeMiB: 256, timeout: Duration.seconds(10) },
  'submit-claim': { memorySizeMiB: 256, timeout: Duration.seconds(10) },
  'confirm-listing': { memorySizeMiB: 256, timeout: Duration.seconds(10) },
  'convert-to-claim': { memorySizeMiB: 256, timeout: Duration.seconds(10) },
  // One counter update, one search lookup and one put.
  'submit-report': { memorySizeMiB: 256, timeout: Duration.seconds(10) },
  // One search per request or run (the summary reads one page of 10).
  'expiring-programs': { memorySizeMiB: 256, timeout: Duration.seconds(10) },
  'expiry-summary': { memorySizeMiB: 256, timeout: Duration.seconds(30) },
  // A whole file in one invocation: the 14,000-row SAMHSA seed imports in well under a minute
  // locally, so 15 minutes (Lambda's maximum) leaves room for files many times larger. The object
  // is staged in /tmp while its rows stream through, so /tmp bounds the largest importable file.
  'import-from-s3': { memorySizeMiB: 1536, timeout: Duration.minutes(15), ephemeralStorageMiB: 2048 },
};

const imports: StageConfig['imports'] = {
  reportRetention: Duration.days(90),
  noncurrentVersionRetention: Duration.days(30),
  accessLogRetention: Duration.days(365),
  failureRetention: Duration.days(14),
};

export const stages: Readonly<Record<StageName, StageConfig>> = {
  dev: {
    stage: 'dev',
    resourcePrefix: 'iop-directory-dev',
    // Everything in dev is rebuildable (seed import + reindex), so tearing a stack down should
    // not leave orphaned tables and domains behind that keep billing.
    removalPolicy: RemovalPolicy.DESTROY,
    terminationProtection: false,
    logRetention: RetentionDays.TWO_WEEKS,
    table: { deletionProtection: false },
    search: {
      domainName: 'iop-directory-dev',
      dataNodes: 1,
      dataNodeInstanceType: 't3.small.search',
      volumeSizeGiB: 10,
      multiAzWithStandby: false,
    },
    functions: functionSizing,
    indexer: { failureRetention: Duration.days(4) },
    // Testers sign in from anywhere with throwaway accounts; dev only records what prod would block.
    auth: { threatProtection: 'AUDIT_ONLY', deletionProtection: false },
    listings: { maxPendingPerProvider: 5 },
    observability: devObservability,
    imports,
    // On in dev too, so the grant, the settings and the service's answers are proven before prod;
    // answers are kept per address, so a repeated import is not billed again.
    geocoding: { geocoder: 'amazon-location', maxAttempts: 5 },
    api: {
      throttle: { burstLimit: 50, rateLimit: 20 },
      corsAllowOrigins: ['http://localhost:3000', 'http://localhost:5173'],
    },
  },
  prod: {
    stage: 'prod',
    resourcePrefix: 'iop-directory-prod',
    removalPolicy: RemovalPolicy.RETAIN,
    terminationProtection: true,
    logRetention: RetentionDays.SIX_MONTHS,
    table: { deletionProtection: true },
    search: {
      domainName: 'iop-directory-prod',
      dataNodes: 3,
      dataNodeInstanceType: 'm7g.large.search',
      volumeSizeGiB: 20,
      dedicatedMasters: { count: 3, instanceType: 'm7g.large.search' },
      zoneAwareness: { availabilityZoneCount: 3 },
      // Standby would idle a third of the data nodes for a 99.99% SLA; the index is rebuildable
      // from DynamoDB, so three active zones are enough.
      multiAzWithStandby: false,
    },
    functions: functionSizing,
    indexer: { failureRetention: Duration.days(14) },
    auth: { threatProtection: 'FULL_FUNCTION', deletionProtection: true },
    listings: { maxPendingPerProvider: 5 },
    observability: prodObservability,
    imports,
    geocoding: { geocoder: 'amazon-location', maxAttempts: 5 },
    api: {
      throttle: { burstLimit: 200, rateLimit: 100 },
      // Fill in the public site's origin(s) before the first browser client ships.
      corsAllowOrigins: [],
    },
  },
};

export function isStageName(value: unknown): value is StageName {
  return typeof value === 'string' && (stageNames as readonly string[]).includes(value);
}

export function stageConfig(stage: unknown): StageConfig {
  const name = stage ?? 'dev';
  if (!isStageName(name)) {
    throw new Error(`Unknown stage ${JSON.stringify(name)}: expected one of ${stageNames.join(', ')} (-c stage=...)`);
  }
  return stages[name];
}
