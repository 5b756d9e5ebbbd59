import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { PriceClass } from 'aws-cdk-lib/aws-cloudfront';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { DISPOSABLE_EMAIL_DOMAINS, type AuthStageConfig } from './accounts';
import type { EdgeStageConfig } from './edge';
import { deployTimeParameter } from './parameters';
import type { StageFunctionName } from './user-pool-triggers';
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
  /**
   * OpenSearch's fine-grained access control, with the operations role as its (IAM) master user
   * and audit logs published to CloudWatch Logs. One-way: a domain cannot turn it off again. The
   * function roles are mapped to their OpenSearch roles after deploying (`npm run search-access`).
   */
  readonly fineGrainedAccessControl: boolean;
  /**
   * Start (UTC) of the domain's daily 10-hour off-peak window, when OpenSearch installs service
   * software updates and makes the blue/green changes it schedules itself (Auto-Tune's among them).
   * Without it the window starts at 22:00 (the documented default), a US evening hour.
   */
  readonly offPeakWindowStartUtc: { readonly hours: number; readonly minutes: number };
}

/**
 * Reserved concurrency per function. A reservation is both a guarantee (the account's other
 * functions cannot take it) and a cap (the function never runs more copies), and Lambda refuses any
 * reservation that would leave the account fewer than 100 unreserved executions.
 */
export interface ConcurrencyConfig {
  /**
   * The account's Lambda concurrency quota in the region this stage deploys to (Service Quotas,
   * "Concurrent executions"). Synthesis fails when the reservations would leave less than 100 of it.
   */
  readonly accountLimit: number;
  readonly reserved: Readonly<Partial<Record<StageFunctionName, number>>>;
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
  readonly functions: Readonly<Record<StageFunctionName, FunctionSizing>>;
  readonly indexer: {
    /**
     * How long failure notices (shard and sequence range, not the records) stay for investigation;
     * the records themselves leave the stream after 24 hours. The hourly reconciliation repairs
     * what they point at without them (README "Reconciliation").
     */
    readonly failureRetention: Duration;
    /**
     * How long the stream keeps retrying a change before parking it (its failure notice goes to the
     * queue and the next reconciliation repairs the document). This, not a retry count, is what
     * bounds a brown-out: Lambda documents no interval between stream retries, so a count could be
     * spent in seconds when OpenSearch fails fast.
     */
    readonly maxRecordAge: Duration;
    /**
     * Retries of a failing batch (0-10,000, Lambda's maximum); high enough that `maxRecordAge`
     * decides, yet finite, so a record that fails at once every time does not hold its shard for
     * the whole age if the retries come fast.
     */
    readonly retryAttempts: number;
  };
  /**
   * The one IAM role, besides the function roles, that the search domain admits: what operators
   * assume for a reindex, a reconciliation or the security API. In fine-grained access control it is
   * the master user. Created by the stateful stack under exactly this name.
   */
  readonly operations: { readonly roleName: string };
  readonly concurrency: ConcurrencyConfig;
  /** The user pool: feature plan and threat protection, email sender, sign-up guard, audit trail (infra/config/accounts.ts). */
  readonly auth: AuthStageConfig;
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
    /**
     * The IAM roles that may upload under imports/ (an upload publishes without review); the bucket
     * policy denies every other principal. Role names with their path, `*` matching within a name:
     * an IAM Identity Center permission set's role is
     * `aws-reserved/sso.amazonaws.com/AWSReservedSSO_<permission set>_*`. Each role also needs
     * s3:PutObject on the prefix in its own policy (the operations role has it).
     */
    readonly uploaderRoles: readonly string[];
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
  /** The CloudFront distribution and WAF web ACL in front of the API (infra/config/edge.ts). */
  readonly edge: EdgeStageConfig;
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
  // One pass over the table and one over the published documents, a page at a time (memory stays
  // flat). Lambda's maximum, so a run completes at 1M items; see README "Reconciliation".
  'reconcile-search-index': { memorySizeMiB: 1024, timeout: Duration.minutes(15) },
  // The HTTP API's origin check: one string comparison, and a Secrets Manager read per 5 minutes at most.
  'verify-origin': { memorySizeMiB: 256, timeout: Duration.seconds(5) },
  // A whole file in one invocation: the 14,000-row SAMHSA seed imports in well under a minute
  // locally, so 15 minutes (Lambda's maximum) leaves room for files many times larger. The object
  // is staged in /tmp while its rows stream through, so /tmp bounds the largest importable file.
  'import-from-s3': { memorySizeMiB: 1536, timeout: Duration.minutes(15), ephemeralStorageMiB: 2048 },
  // The user pool's triggers: Cognito waits 5 seconds for a trigger, so nothing longer helps. One
  // conditional counter update or two (sign-up); one AdminGetUser, for reviewers only (tokens).
  'screen-sign-up': { memorySizeMiB: 256, timeout: Duration.seconds(5) },
  'require-reviewer-mfa': { memorySizeMiB: 256, timeout: Duration.seconds(5) },
};

// Both stages: a few minutes of OpenSearch trouble (a blue/green change, a node replaced, a
// brown-out) leave the changes waiting in the stream, in order, and they are applied as soon as the
// domain answers; only a change still failing after 6 hours is parked, and the reconciliation
// repairs it within the hour after. Records leave the stream after 24 hours whatever happens.
const indexerRetries = { maxRecordAge: Duration.hours(6), retryAttempts: 10_000 } as const;

// 10:00-20:00 UTC: 06:00-16:00 in New York in summer (05:00-15:00 in winter), 03:00-13:00 in Los
// Angeles (02:00-12:00), 00:00-10:00 in Honolulu: after the night's last searches and before any
// US evening, when people look for treatment after work.
const offPeakWindowStartUtc = { hours: 10, minutes: 0 } as const;

const imports: Omit<StageConfig['imports'], 'uploaderRoles'> = {
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
      // On in dev too, so the role mapping and the audit configuration are proven before prod.
      fineGrainedAccessControl: true,
      offPeakWindowStartUtc,
    },
    functions: functionSizing,
    indexer: { failureRetention: Duration.days(4), ...indexerRetries },
    operations: { roleName: 'iop-directory-dev-operations' },
    // No reservations in dev: new accounts (and many sandbox accounts) start with a Lambda quota of
    // 10 concurrent executions, and Lambda refuses any reservation that leaves fewer than 100
    // unreserved, so a reservation here would fail the deploy. The dev API throttle (20 requests a
    // second, burst 50) bounds search instead. Raise the quota and add reservations to test them.
    concurrency: { accountLimit: 10, reserved: {} },
    auth: {
      // Plus in dev too (20 testers: $0.40 a month), so the threat-protection settings are proven
      // before prod; testers sign in from anywhere, so dev only records what prod would block.
      featurePlan: 'PLUS',
      threatProtection: 'AUDIT_ONLY',
      deletionProtection: false,
      // 50 emails a day is plenty for testers; prod may not use it (accounts.ts stagesRequiringSes).
      email: { sender: 'cognito' },
      signUp: {
        allowedEmailDomains: [],
        // The same list as prod, so the refusal is exercised; testers use plus-addresses of real mailboxes.
        deniedEmailDomains: DISPOSABLE_EMAIL_DOMAINS,
        perDomain: { limit: 20, window: Duration.hours(1) },
        perPool: { limit: 100, window: Duration.hours(1) },
        alarmAttemptsPerHour: 100,
      },
      auditTrail: { kind: 'stack', retention: Duration.days(30) },
    },
    listings: { maxPendingPerProvider: 5 },
    observability: devObservability,
    imports: { ...imports, uploaderRoles: ['iop-directory-dev-operations'] },
    // On in dev too, so the grant, the settings and the service's answers are proven before prod;
    // answers are kept per address, so a repeated import is not billed again.
    geocoding: { geocoder: 'amazon-location', maxAttempts: 5 },
    api: {
      throttle: { burstLimit: 50, rateLimit: 20 },
      corsAllowOrigins: ['http://localhost:3000', 'http://localhost:5173'],
    },
    edge: {
      // North America and Europe: the directory's users are in the US.
      priceClass: PriceClass.PRICE_CLASS_100,
      // A day covers the longest max-age the API sends (bundled labels and places).
      cache: { defaultTtl: Duration.minutes(1), maxTtl: Duration.days(1) },
      rateLimit: { requests: 1000, windowSeconds: 300 },
      domain: null,
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
      fineGrainedAccessControl: true,
      offPeakWindowStartUtc,
    },
    functions: functionSizing,
    indexer: { failureRetention: Duration.days(14), ...indexerRetries },
    operations: { roleName: 'iop-directory-prod-operations' },
    concurrency: {
      // Lambda's default regional quota; confirm it in Service Quotas before the first deploy.
      accountLimit: 1000,
      // Caps on the public routes that wait on OpenSearch, so that during a brown-out (every search
      // waiting out its timeout) they cannot take the account's whole pool from the indexer and the
      // provider and reviewer routes: search at the API's rate limit (100 a second) and ~60 ms
      // needs ~6 at once, so 100 leaves room for 1 s answers; past it a search is throttled, not
      // queued. The indexer is guaranteed its executions (one per stream shard; a few at this
      // table's size), and the reconciliation runs one at a time.
      reserved: {
        'search-programs': 100,
        'get-program': 50,
        'submit-report': 20,
        'index-stream': 10,
        'reconcile-search-index': 1,
      },
    },
    auth: {
      featurePlan: 'PLUS',
      threatProtection: 'FULL_FUNCTION',
      deletionProtection: true,
      // The SES identity (a verified domain, out of the SES sandbox) and its sender address are the
      // account's: create both parameters before the first deploy (README "Before the first deploy").
      email: {
        sender: 'ses',
        fromAddress: deployTimeParameter('/iop-directory-prod/ses-from-address'),
        identityArn: deployTimeParameter('/iop-directory-prod/ses-identity-arn'),
      },
      signUp: {
        // Providers are clinics of every size, many on webmail: no allow list.
        allowedEmailDomains: [],
        deniedEmailDomains: DISPOSABLE_EMAIL_DOMAINS,
        // A clinic onboarding its staff in one sitting stays under 10 an hour; the whole directory
        // expects a few hundred providers a year, so 30 an hour across the pool is a script, and
        // caps what one can cost in verification emails (30 an hour of SES: cents).
        perDomain: { limit: 10, window: Duration.hours(1) },
        perPool: { limit: 30, window: Duration.hours(1) },
        alarmAttemptsPerHour: 20,
      },
      // A year of the trail's write events: who changed the reviewers, the pool or anything else.
      auditTrail: { kind: 'stack', retention: Duration.days(365) },
    },
    listings: { maxPendingPerProvider: 5 },
    observability: prodObservability,
    imports: { ...imports, uploaderRoles: ['iop-directory-prod-operations'] },
    geocoding: { geocoder: 'amazon-location', maxAttempts: 5 },
    api: {
      throttle: { burstLimit: 200, rateLimit: 100 },
      // Fill in the public site's origin(s) before the first browser client ships.
      corsAllowOrigins: [],
    },
    edge: {
      priceClass: PriceClass.PRICE_CLASS_100,
      cache: { defaultTtl: Duration.minutes(1), maxTtl: Duration.days(1) },
      // About 7 requests a second from one address for five minutes: far above a person typing a
      // place and paging results, well below a scraper; offices behind one NAT share it.
      rateLimit: { requests: 2000, windowSeconds: 300 },
      // Set the API's host name and its us-east-1 certificate before launch: until then clients use
      // the *.cloudfront.net name, whose TLS policy CloudFront fixes.
      domain: null,
    },
  },
};

/** Lambda keeps at least this many executions of an account unreserved, and refuses a reservation that would take them. */
export const minimumUnreservedConcurrency = 100;

/**
 * Fails synthesis, rather than the deploy half-way, when a stage reserves more concurrency than its
 * account can give (the check Lambda itself makes when the function is created).
 */
export function checkReservedConcurrency(config: StageConfig): void {
  const reserved = Object.values(config.concurrency.reserved).reduce((sum: number, count) => sum + (count ?? 0), 0);
  if (reserved === 0) return;
  const unreserved = config.concurrency.accountLimit - reserved;
  if (unreserved < minimumUnreservedConcurrency) {
    throw new Error(
      `${config.stage} reserves ${reserved} concurrent executions of an account limit of ${config.concurrency.accountLimit}, leaving ${unreserved} ` +
        `unreserved; Lambda requires at least ${minimumUnreservedConcurrency}. Raise the quota (Service Quotas) and concurrency.accountLimit, or reserve less.`,
    );
  }
}

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
