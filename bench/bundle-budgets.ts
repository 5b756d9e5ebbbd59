import type { StageFunctionName } from '../infra/config/user-pool-triggers';

/**
 * The most bytes each function's minified bundle may weigh (as bench/bundles.ts builds it, the
 * way NodejsFunction does; data files beside it and the source map not counted). Every function
 * of a stage has one, or this does not compile; tests/unit/bundle-budgets.test.ts fails when a
 * bundle outgrows its budget, which is the moment to look at what was pulled in (`npm run
 * bench:bundles` lists each bundle's largest packages).
 *
 * Search is the public hot path, held to 500 KB (issue 12: request checks in zod/mini, no OpenAPI
 * generation, the zip and place tables as data files). The others are their size when the budgets
 * were set (December 2026) plus about 5 %: room for a fix, not for a new dependency.
 */
export const BUNDLE_BUDGETS: Readonly<Record<StageFunctionName, number>> = {
  'search-programs': 500_000,
  'get-program': 830_000,
  'openapi-document': 550_000,
  vocabularies: 520_000,
  'suggest-places': 530_000,
  'index-stream': 370_000,
  'create-listing': 890_000,
  'list-listings': 870_000,
  'get-listing': 870_000,
  'update-listing': 890_000,
  'archive-listing': 870_000,
  'listing-history': 860_000,
  'review-queue': 870_000,
  'approve-listing': 870_000,
  'reject-listing': 870_000,
  'submit-claim': 870_000,
  'confirm-listing': 870_000,
  'convert-to-claim': 870_000,
  'submit-report': 830_000,
  'expiring-programs': 840_000,
  'expiry-summary': 810_000,
  'verify-origin': 490_000,
  'reconcile-search-index': 840_000,
  'import-from-s3': 1_790_000,
  'screen-sign-up': 490_000,
  'require-reviewer-mfa': 490_000,
};
