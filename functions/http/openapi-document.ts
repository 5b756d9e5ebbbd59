import { z } from 'zod';
import { claimRequestSchema } from '../domain/claim';
import { programSubmissionSchema } from '../domain/program';
import { documentedFormsFor } from '../domain/schema-patterns';
import { reportRequestSchema } from '../domain/report';
import { DEFAULT_PAGE_SIZE, DEFAULT_RADIUS_MILES, searchQuerySchema } from '../domain/search-request';
import { vocabulariesQuerySchema, vocabulariesResponseSchema } from '../domain/vocabularies';
import { DEFAULT_EXPIRY_WINDOW_DAYS } from '../use-cases/expiring-programs';
import {
  claimViewSchema,
  DEFAULT_PLACE_SUGGESTIONS,
  errorResponseSchema,
  expiringPageSchema,
  importRecordSchema,
  listingHistorySchema,
  listingPageSchema,
  listingViewSchema,
  placesQuerySchema,
  placesResponseSchema,
  programRecordSchema,
  publicProgramSchema,
  reportReceiptSchema,
  reportViewSchema,
  reviewQueuePageSchema,
  searchResponseSchema,
} from './api-schemas';
import { queryParameterSchema } from './query-parameters';
import {
  DEFAULT_LISTING_PAGE,
  expiringQuerySchema,
  idempotencyHeadersSchema,
  listingPathSchema,
  optionalIfMatchSchema,
  pageQuerySchema,
  programPathSchema,
  rejectionSchema,
  requiredIfMatchSchema,
  reviewItemPathSchema,
} from './listing-requests';
import { MAX_BODY_BYTES } from './request-body';
import { BUNDLED_DATA, CLIENT_ERROR_CACHE_CONTROL, INDEX_READS, NO_STORE, cacheControlOf, type CachePolicy } from './http-caching';

const PARAMETER_DESCRIPTIONS: Record<string, string> = {
  zip: '5-digit US zip; its centroid is the origin. Not with lat/lon, near or bbox (400). A zip the directory does not know is 400 unknown_zip.',
  lat: 'Latitude of the origin, -90 to 90; needs lon. Not with zip, near or bbox (400).',
  near: 'A place instead of zip or lat/lon: a zip, `City, ST`, `Name County, ST`, or a state name or code. Not with zip, lat/lon or bbox (400). Unknown: 400 unknown_place; ambiguous: 400 ambiguous_place with the candidates in details. `origin` names the place resolved.',
  lon: 'Longitude of the origin, -180 to 180; needs lat. Not with zip, near or bbox (400).',
  radius: `Miles from the origin, greater than 0 and at most 500 (default ${DEFAULT_RADIUS_MILES}). Needs a location (zip, lat/lon or near): without one it is a 400.`,
  q: 'Free text over name, organization and description, tolerating small typos; 1-200 characters, not only whitespace.',
  levelOfCare: 'Comma-separated; any of iop, php, outpatient, residential, inpatient, detox.',
  condition: 'Comma-separated conditions treated.',
  service: 'Comma-separated services offered.',
  ageGroup: 'Comma-separated age groups served.',
  language: 'Comma-separated ISO 639-1 codes, or sgn for sign language services.',
  delivery: 'in_person and/or virtual.',
  insurance: 'Comma-separated payer slugs.',
  accreditation: 'A current accreditation (no expiry, or expiring today or later) from one of the bodies.',
  licensed: 'true: at least one current licence.',
  licenseState: 'A current licence in one of the states.',
  sessionTime: 'morning (<12:00), afternoon (12:00-16:59), evening (>=17:00), weekend (sat/sun).',
  day: 'With startAfter/endBefore: one session must meet all of them.',
  startAfter: 'HH:MM; a session starting at or after it.',
  endBefore: 'HH:MM; a session ending at or before it.',
  acceptingNewPatients: 'true: only programs accepting new patients.',
  verifiedSince: 'YYYY-MM-DD: only programs a reviewer approved or their owner confirmed on that day or later (`verifiedAt`).',
  medication: 'Comma-separated medications for substance use disorders the program uses (e.g. buprenorphine,methadone).',
  population: 'Comma-separated groups the program offers programs for (e.g. veterans,lgbtq).',
  gender: 'female and/or male: programs that state they accept that gender; a program whose source does not say is not matched.',
  ownership: 'Comma-separated ownership kinds (e.g. private_nonprofit,tribal).',
  state: 'Comma-separated state codes: programs whose address is in one of them; with or without a location.',
  bbox: 'west,south,east,north in degrees: programs inside the box (edges included), instead of a location and radius: with zip, lat/lon or near it is a 400 naming bbox. south must not be greater than north (400); west > east is a box across the antimeridian.',
  clusters: 'Map zoom 0-20: adds clusters [{lat, lon, count}] over all matches, one per zoom tile, counts adding up to total. 400 when the searched area (bbox, radius, else the world) covers more than 10,000 tiles at that zoom (without a bbox or radius: zoom 6 at most).',
  bounds: 'true: adds bounds {west, south, east, north}, the box around all matches (null when none).',
  reach: 'state: also matches virtual programs whose serviceArea includes the origin state, however far; each result carries matchedBy (distance or service_area). Needs zip or near: without a location, or with lat/lon (which name no state), it is a 400 naming reach.',
  sort: 'distance (default with a location), name, or relevance (default with q and no location); ties by id. distance needs a location (400 without).',
  limit: `Page size, 1-100 (default ${DEFAULT_PAGE_SIZE}).`,
  cursor: 'Opaque: the nextCursor of the previous page of the same search (bound to all its other parameters). Any other value is a 400.',
};

const SEARCH_DESCRIPTION = [
  'Parameters that exclude each other, each combination a 400 (invalid_request) whose details name the parameter:',
  'zip with lat/lon; near with zip or lat/lon; bbox with any location (zip, lat/lon, near); lat without lon and lon without lat;',
  'radius, sort=distance or reach=state without a location; reach=state with lat/lon.',
  'A bbox whose south is greater than its north, and clusters over an area of more than 10,000 tiles, are 400 too.',
  'Unknown parameters are a 400 naming them (a misspelt filter fails loudly instead of matching everything).',
].join(' ');

const jsonSchema = (schema: z.ZodType, io: 'input' | 'output' = 'output') =>
  z.toJSONSchema(schema, { target: 'draft-2020-12', io, unrepresentable: 'any', override: documentedFormsFor(io) });

/** The JSON Schema of one field of a request schema, without the dialect (it sits inside a parameter). */
function fieldSchema(schema: z.ZodType): Record<string, unknown> {
  const { $schema: _dialect, ...rest } = jsonSchema(schema, 'input') as Record<string, unknown>;
  return rest;
}

type Parameter = Record<string, unknown>;

/** Query parameters of a zod query schema: each value as the server reads it (lists as `a,b`). */
function queryParameters(schema: { shape: Record<string, z.core.$ZodType> }, options: { descriptions?: Record<string, string>; defaults?: Record<string, unknown>; required?: string[] } = {}): Parameter[] {
  return Object.entries(schema.shape).map(([name, field]) => {
    const form = queryParameterSchema(field);
    const defaultValue = options.defaults?.[name];
    return {
      name,
      in: 'query',
      required: options.required?.includes(name) ?? false,
      ...(options.descriptions?.[name] && { description: options.descriptions[name] }),
      ...(form.commaSeparated && { style: 'form', explode: false }),
      schema: { ...form.schema, ...(defaultValue !== undefined && { default: defaultValue }) },
    };
  });
}

/** The path parameter `id` of a zod path schema. */
function idParameter(schema: z.ZodObject<{ id: z.ZodType }>, description: string): Parameter {
  return { name: 'id', in: 'path', required: true, description, schema: fieldSchema(schema.shape.id) };
}

const ifMatch = (required: boolean): Parameter => ({
  name: 'If-Match',
  in: 'header',
  required,
  description: required
    ? 'The ETag of your last read (or *): required, an edit must not overwrite a change it has not seen. Missing or empty: 400; not the current ETag: 412'
    : 'The ETag of your last read (or *); without it the current revision is taken. Not the current ETag: 412',
  schema: fieldSchema(required ? requiredIfMatchSchema : optionalIfMatchSchema),
});

const errorContent = { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } };
const json = (schema: string) => ({ 'application/json': { schema: { $ref: `#/components/schemas/${schema}` } } });
const etagHeader = { ETag: { description: 'The revision, for If-Match', schema: { type: 'string' } } };

type ErrorStatus = '400' | '401' | '403' | '404' | '409' | '412' | '413' | '429' | '503';

/** Error responses of an operation: each with the contract's error body (`{"error": {code, message, details}}`). */
function errors(descriptions: Partial<Record<ErrorStatus, string>>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(descriptions).map(([status, description]) => [status, { description, content: errorContent }]));
}

const UNAUTHORIZED = 'Missing, expired or invalid bearer token (unauthorized)';
const NOT_A_REVIEWER = 'Not a reviewer (forbidden)';
const NOT_A_DECIDER = 'Not a reviewer, or a reviewer deciding a listing or claim they submitted themselves: another reviewer must (forbidden)';
const TOO_LARGE = `Body over ${MAX_BODY_BYTES / 1024} KB (payload_too_large)`;
const SEARCH_DOWN = 'The search engine is unavailable (unavailable)';
const TOKEN_CHECK_DOWN = 'The identity provider cannot be reached to check the token (unavailable)';
const BAD_LISTING_ID = 'Not a listing id (lst_ and 20 characters)';
const BAD_BODY = 'The body is missing, not JSON, or not valid (details name each field)';

const paging = (defaults = { limit: DEFAULT_LISTING_PAGE }) =>
  queryParameters(pageQuerySchema, {
    descriptions: { limit: `Page size, 1-100 (default ${defaults.limit})`, cursor: 'Opaque: the nextCursor of the previous page. Any other value is a 400' },
    defaults,
  });

/**
 * Links from a new listing to what can be done with it, so a client (or a stateful API test) can
 * follow the listing's life: read it, edit it, have a reviewer approve, reject or convert it,
 * archive it.
 */
const listingLinks = (id: string, etag: string, withBody: boolean) => ({
  GetListing: { operationId: 'getListing', parameters: { id }, description: 'The listing as its owner and reviewers see it' },
  GetListingHistory: { operationId: 'getListingHistory', parameters: { id } },
  UpdateListing: {
    operationId: 'updateListing',
    parameters: { id, 'header.If-Match': etag },
    ...(withBody && { requestBody: '$request.body' }),
    description: 'Submit an edit (here: the same record again) on top of this revision',
  },
  ApproveListing: { operationId: 'approveListing', parameters: { id, 'header.If-Match': etag }, description: 'A reviewer publishes the pending version' },
  RejectListing: { operationId: 'rejectListing', parameters: { id, 'header.If-Match': etag }, description: 'A reviewer drops the pending version with a reason' },
  ArchiveListing: { operationId: 'archiveListing', parameters: { id, 'header.If-Match': etag } },
  ConvertListingToClaim: {
    operationId: 'convertListingToClaim',
    parameters: { id, 'header.If-Match': etag },
    description: 'A reviewer turns it into a claim, when it is flagged as a likely duplicate (likelyDuplicateOf)',
  },
});

/** Links from a claim or a report to the reviewer's decisions on it. */
const decisionLinks = (id: string) => ({
  ApproveItem: { operationId: 'approveListing', parameters: { id } },
  RejectItem: { operationId: 'rejectListing', parameters: { id } },
});

/** Routes behind the JWT authorizer: providers own listings, the `reviewers` group reviews them. */
function listingPaths(): Record<string, unknown> {
  const secured = { security: [{ bearer: [] }] };
  const listingId = idParameter(listingPathSchema, 'A listing (lst_ and 20 characters)');
  const reviewItemId = idParameter(reviewItemPathSchema, 'A listing (lst_), claim (clm_) or report (rpt_) of the queue');
  const listingResponse = (description: string, links?: Record<string, unknown>) => ({ description, headers: etagHeader, content: json('Listing'), ...(links && { links }) });
  const decided = {
    description: 'The decided item: a Listing (with ETag), a Claim, or a Report',
    content: { 'application/json': { schema: { anyOf: [{ $ref: '#/components/schemas/Listing' }, { $ref: '#/components/schemas/Claim' }, { $ref: '#/components/schemas/Report' }] } } },
  };
  const ownerErrors = (extra: Partial<Record<ErrorStatus, string>>) =>
    errors({ '400': BAD_LISTING_ID, '401': UNAUTHORIZED, '404': 'No such listing, or not yours (not_found)', ...extra, '503': TOKEN_CHECK_DOWN });
  return {
    '/v1/listings': {
      post: {
        ...secured,
        operationId: 'createListing',
        summary: 'Submit a listing (status pending_review); nothing is public before a reviewer approves it',
        description:
          'The body is the program record without source and externalId, which the directory assigns (sending either is a 400 naming it). address.zip must be a US zip the directory knows and address.state its state; each session must end after it starts; programLengthWeeks.max must not be less than min; serviceArea needs virtual delivery.',
        parameters: [
          {
            name: 'Idempotency-Key',
            in: 'header',
            required: false,
            description: '1-255 visible ASCII characters. A retry with the same key and body returns the first response; another body is 409',
            schema: fieldSchema(idempotencyHeadersSchema.shape['idempotency-key']),
          },
        ],
        requestBody: { required: true, content: json('ListingSubmission') },
        responses: {
          '201': {
            description: 'Created (or the first response, replayed: header Idempotent-Replayed)',
            headers: { ...etagHeader, Location: { description: 'The new listing', schema: { type: 'string' } } },
            content: json('Listing'),
            links: listingLinks('$response.body#/id', '$response.header.ETag', true),
          },
          ...errors({
            '400': `${BAD_BODY}, or an invalid Idempotency-Key`,
            '401': UNAUTHORIZED,
            '409': 'Idempotency-Key reused with another body (conflict)',
            '412': 'A request with the same Idempotency-Key is creating this listing right now (precondition_failed)',
            '413': TOO_LARGE,
            '429': 'Too many of your listings wait for review (rate_limited)',
            '503': TOKEN_CHECK_DOWN,
          }),
        },
      },
      get: {
        ...secured,
        operationId: 'listListings',
        summary: "The caller's own listings, newest first",
        parameters: paging(),
        responses: {
          '200': { description: 'A page', content: json('ListingPage') },
          ...errors({ '400': 'Invalid limit or cursor, or an unknown parameter (invalid_request)', '401': UNAUTHORIZED, '503': TOKEN_CHECK_DOWN }),
        },
      },
    },
    '/v1/listings/{id}': {
      get: {
        ...secured,
        operationId: 'getListing',
        summary: 'Status, review notes, current and pending versions (owner or reviewer)',
        parameters: [listingId],
        responses: { '200': listingResponse('The listing', listingLinks('$request.path.id', '$response.header.ETag', false)), ...ownerErrors({}) },
      },
      put: {
        ...secured,
        operationId: 'updateListing',
        summary: 'Submit an edit for review; the published version stays live until it is approved (owner only)',
        description: 'The body follows the same rules as for POST /v1/listings.',
        parameters: [listingId, ifMatch(true)],
        requestBody: { required: true, content: json('ListingSubmission') },
        responses: {
          '200': listingResponse('Edit waiting for review', {
            ApproveListing: { operationId: 'approveListing', parameters: { id: '$request.path.id', 'header.If-Match': '$response.header.ETag' } },
            GetListing: { operationId: 'getListing', parameters: { id: '$request.path.id' } },
          }),
          ...ownerErrors({
            '400': `${BAD_LISTING_ID}; no If-Match; or ${BAD_BODY.toLowerCase()}`,
            '409': 'Archived (conflict)',
            '412': 'If-Match is not the current ETag, or another request is changing the listing (precondition_failed)',
            '413': TOO_LARGE,
            '429': 'Too many of your listings wait for review (rate_limited)',
          }),
        },
      },
      delete: {
        ...secured,
        operationId: 'archiveListing',
        summary: 'Archive: removed from search and from the queue (owner only)',
        description: 'The listing is kept: its owner and reviewers still read it (status archived) and its history; an archived listing cannot be edited, confirmed or archived again (409).',
        parameters: [listingId, ifMatch(false)],
        responses: {
          '200': listingResponse('Archived'),
          ...ownerErrors({ '409': 'Already archived (conflict)', '412': 'If-Match is not the current ETag, or the listing changed meanwhile (precondition_failed)' }),
        },
      },
    },
    '/v1/listings/{id}/history': {
      get: {
        ...secured,
        operationId: 'getListingHistory',
        summary: 'Every state change and edit: who, when, what changed (owner or reviewer)',
        parameters: [listingId],
        responses: { '200': { description: 'History', content: json('ListingHistory') }, ...ownerErrors({}) },
      },
    },
    '/v1/listings/{id}/confirm': {
      post: {
        ...secured,
        operationId: 'confirmListing',
        summary: 'The owner states the published version is still right: sets verifiedAt, in search too (owner only)',
        parameters: [listingId, ifMatch(false)],
        responses: {
          '200': listingResponse('Confirmed'),
          ...ownerErrors({ '409': 'Archived, or nothing published yet (conflict)', '412': 'If-Match is not the current ETag, or the listing changed meanwhile (precondition_failed)' }),
        },
      },
    },
    '/v1/programs/{id}/claims': {
      post: {
        ...secured,
        operationId: 'claimProgram',
        summary: "Ask to maintain an imported program; a reviewer approves or rejects the claim. Approval makes the claimant's listing the program's served version",
        parameters: [idParameter(programPathSchema, 'A program id, as search results carry it')],
        requestBody: { required: true, content: json('ClaimRequest') },
        responses: {
          '201': {
            description: 'The claim, waiting for review',
            headers: { Location: { description: 'The claim in the review routes', schema: { type: 'string' } } },
            content: json('Claim'),
            links: decisionLinks('$response.body#/id'),
          },
          ...errors({
            '400': `Not a program id, or ${BAD_BODY.toLowerCase()}`,
            '401': UNAUTHORIZED,
            '404': 'No published program with this id (not_found)',
            '409': 'Already claimed by its provider, or you have a claim on it (conflict)',
            '413': TOO_LARGE,
            '503': TOKEN_CHECK_DOWN,
          }),
        },
      },
    },
    '/v1/review/queue': {
      get: {
        ...secured,
        operationId: 'getReviewQueue',
        summary: 'Listings, claims and problem reports waiting for a reviewer, oldest first; each item has a kind (reviewers only)',
        parameters: paging(),
        responses: {
          '200': { description: 'A page', content: json('ReviewQueuePage') },
          ...errors({ '400': 'Invalid limit or cursor, or an unknown parameter (invalid_request)', '401': UNAUTHORIZED, '403': NOT_A_REVIEWER, '503': TOKEN_CHECK_DOWN }),
        },
      },
    },
    '/v1/review/expiring': {
      get: {
        ...secured,
        operationId: 'getExpiringPrograms',
        summary: 'Published programs whose licences or accreditations expire between today and today + within days, soonest first; already expired ones are left out (reviewers only)',
        parameters: queryParameters(expiringQuerySchema, {
          descriptions: {
            within: `Days ahead, 1-365 (default ${DEFAULT_EXPIRY_WINDOW_DAYS})`,
            limit: `Page size, 1-100 (default ${DEFAULT_LISTING_PAGE})`,
            cursor: 'Opaque: the nextCursor of the previous page with the same within. Any other value is a 400',
          },
          defaults: { within: DEFAULT_EXPIRY_WINDOW_DAYS, limit: DEFAULT_LISTING_PAGE },
        }),
        responses: {
          '200': { description: 'A page', content: json('ExpiringPage') },
          ...errors({ '400': 'Invalid within, limit or cursor, or an unknown parameter (invalid_request)', '401': UNAUTHORIZED, '403': NOT_A_REVIEWER, '503': `${SEARCH_DOWN}, or ${TOKEN_CHECK_DOWN.toLowerCase()}` }),
        },
      },
    },
    '/v1/review/{id}/approve': {
      post: {
        ...secured,
        operationId: 'approveListing',
        summary: "Publish a listing's pending version, grant a claim (the claimant's new listing maintains the program), or resolve a report as acted on (reviewers only)",
        description: 'If-Match applies to listings only (claims and reports ignore it).',
        parameters: [reviewItemId, ifMatch(false)],
        responses: {
          '200': decided,
          ...errors({
            '400': 'Not a review item id (lst_, clm_ or rpt_ and 20 characters)',
            '401': UNAUTHORIZED,
            '403': NOT_A_DECIDER,
            '404': 'No such listing, claim or report (not_found)',
            '409': 'Nothing waiting for review, already decided, or the program was claimed by another provider or left the directory meanwhile (conflict)',
            '412': "The listing's If-Match is not its current ETag, or it changed meanwhile (precondition_failed)",
            '503': TOKEN_CHECK_DOWN,
          }),
        },
      },
    },
    '/v1/review/{id}/convert': {
      post: {
        ...secured,
        operationId: 'convertListingToClaim',
        summary: "Turn a listing flagged as a likely duplicate (likelyDuplicateOf) into its owner's claim on that program; the listing is archived and the claim waits in the queue (reviewers only)",
        parameters: [listingId, ifMatch(false)],
        responses: {
          '201': {
            description: 'The claim, waiting for review (fromListingId names the listing)',
            headers: { Location: { description: 'The claim in the review routes', schema: { type: 'string' } } },
            content: json('Claim'),
            links: decisionLinks('$response.body#/id'),
          },
          ...errors({
            '400': BAD_LISTING_ID,
            '401': UNAUTHORIZED,
            '403': NOT_A_REVIEWER,
            '404': 'No such listing (not_found)',
            '409': 'Not waiting for review, not flagged as a duplicate, the program is already claimed, or its owner already has an open claim on it (conflict)',
            '412': 'If-Match is not the current ETag, or the listing changed meanwhile (precondition_failed)',
            '503': TOKEN_CHECK_DOWN,
          }),
        },
      },
    },
    '/v1/review/{id}/reject': {
      post: {
        ...secured,
        operationId: 'rejectListing',
        summary: "Drop a listing's pending version or a claim with a reason the provider sees, or dismiss a report (reviewers only)",
        description: 'If-Match applies to listings only (claims and reports ignore it).',
        parameters: [reviewItemId, ifMatch(false)],
        requestBody: { required: true, content: json('Rejection') },
        responses: {
          '200': decided,
          ...errors({
            '400': `Not a review item id, or ${BAD_BODY.toLowerCase()} (a reason is required)`,
            '401': UNAUTHORIZED,
            '403': NOT_A_DECIDER,
            '404': 'No such listing, claim or report (not_found)',
            '409': 'Nothing waiting for review, or already decided (conflict)',
            '412': "The listing's If-Match is not its current ETag, or it changed meanwhile (precondition_failed)",
            '413': TOO_LARGE,
            '503': TOKEN_CHECK_DOWN,
          }),
        },
      },
    },
  };
}

/** The OpenAPI 3.1 document of the public API, generated from the same zod schemas the handlers use. */
export function buildOpenApiDocument(): Record<string, unknown> {
  const programId = idParameter(programPathSchema, 'A program id, as search results carry it');
  return withCacheHeaders({
    openapi: '3.1.0',
    info: {
      title: 'iop-directory',
      version: '1.1.0',
      description: 'Search licensed, accredited behavioural-health treatment programs (IOP, PHP, outpatient, ...) by location and filters.',
    },
    paths: {
      '/v1/programs': {
        get: {
          operationId: 'searchPrograms',
          summary: 'Search published programs by location and filters, with exact totals, disjunctive facets and cursor paging',
          description: SEARCH_DESCRIPTION,
          parameters: queryParameters(searchQuerySchema, { descriptions: PARAMETER_DESCRIPTIONS }),
          responses: {
            '200': {
              description: 'A page of results',
              content: json('SearchResponse'),
              links: {
                GetProgram: { operationId: 'getProgram', parameters: { id: '$response.body#/results/0/id' }, description: 'The first result' },
                ReportProblem: { operationId: 'reportProblem', parameters: { id: '$response.body#/results/0/id' } },
                ClaimProgram: { operationId: 'claimProgram', parameters: { id: '$response.body#/results/0/id' } },
              },
            },
            ...errors({
              '400': 'Invalid parameter, parameters that exclude each other, or an unknown parameter (invalid_request); unknown zip (unknown_zip); unknown place (unknown_place); ambiguous place (ambiguous_place, candidates in details)',
              '503': SEARCH_DOWN,
            }),
          },
        },
      },
      '/v1/places': {
        get: {
          operationId: 'suggestPlaces',
          summary: 'Places (zips, cities, counties, states) as a person types: exact, then prefix, then small-typo matches; states and larger places first',
          parameters: queryParameters(placesQuerySchema, {
            descriptions: {
              q: 'What the person typed so far (1-100 characters, not only whitespace); `City, ST` narrows to a state',
              limit: `At most this many places (1-20, default ${DEFAULT_PLACE_SUGGESTIONS})`,
            },
            defaults: { limit: DEFAULT_PLACE_SUGGESTIONS },
            required: ['q'],
          }),
          responses: {
            '200': { description: 'Suggested places, best first', content: json('PlacesResponse') },
            ...errors({ '400': 'Invalid q or limit, or an unknown parameter (invalid_request)' }),
          },
        },
      },
      '/v1/programs/{id}': {
        get: {
          operationId: 'getProgram',
          summary: 'One published program',
          parameters: [programId],
          responses: {
            '200': { description: 'The program', content: json('Program') },
            ...errors({ '400': 'Not a program id (1-64 letters, digits, _ or -)', '404': 'No published program with this id (not_found)', '503': SEARCH_DOWN }),
          },
        },
      },
      '/v1/programs/{id}/reports': {
        post: {
          operationId: 'reportProblem',
          summary: 'Report a problem with a published program (closed, wrong phone, address, insurance or hours); anonymous, no token',
          description:
            'Queues the report for reviewers, who resolve it with approve (acted on) or reject (dismissed). The message is plain text: it is stored exactly as sent and only ever served inside JSON, never rendered as HTML by the API, so whoever displays it must escape it. At most 5 reports a minute are accepted from one client address.',
          parameters: [programId],
          requestBody: { required: true, content: json('ReportRequest') },
          responses: {
            '202': { description: 'Queued for reviewers', content: json('ReportReceipt'), links: decisionLinks('$response.body#/id') },
            ...errors({
              '400': 'Not a program id, or an invalid body: unknown category, or a message empty or over 2,000 characters (details name the field)',
              '404': 'No published program with this id (not_found)',
              '413': TOO_LARGE,
            }),
            '429': {
              description: 'More than 5 reports in this minute from this address (rate_limited)',
              headers: { 'Retry-After': { description: 'Seconds until reports are accepted again', schema: { type: 'integer', minimum: 1 } } },
              content: errorContent,
            },
            ...errors({ '503': SEARCH_DOWN }),
          },
        },
      },
      ...listingPaths(),
      '/v1/openapi.json': {
        get: { operationId: 'getOpenApiDocument', summary: 'This document', responses: { '200': { description: 'OpenAPI 3.1 document', content: { 'application/json': { schema: { type: 'object' } } } } } },
      },
      '/v1/vocabularies': {
        get: {
          operationId: 'getVocabularies',
          summary: "Every search filter's values with a plain-language label and one-sentence description, in English or Spanish",
          description:
            'Covers every search parameter that takes vocabulary values, in the order a search form would show them. `language` lists the languages programs name most often plus sgn (sign language); the filter itself takes any ISO 639-1 code.',
          parameters: queryParameters(vocabulariesQuerySchema, { descriptions: { lang: 'en (default) or es' } }),
          responses: {
            '200': { description: 'The filters and their values', content: json('Vocabularies') },
            ...errors({ '400': 'lang other than en or es, or an unknown query parameter (invalid_request)' }),
          },
        },
      },
    },
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'A Cognito ID token; reviewers are in the group `reviewers`' } },
      schemas: {
        Listing: jsonSchema(listingViewSchema),
        ListingPage: jsonSchema(listingPageSchema),
        ReviewQueuePage: jsonSchema(reviewQueuePageSchema),
        Claim: jsonSchema(claimViewSchema),
        ClaimRequest: jsonSchema(claimRequestSchema, 'input'),
        ListingHistory: jsonSchema(listingHistorySchema),
        Rejection: jsonSchema(rejectionSchema, 'input'),
        ListingSubmission: jsonSchema(programSubmissionSchema, 'input'),
        ProgramRecord: jsonSchema(programRecordSchema, 'input'),
        ImportRecord: jsonSchema(importRecordSchema, 'input'),
        Program: jsonSchema(publicProgramSchema),
        SearchResponse: jsonSchema(searchResponseSchema),
        PlacesResponse: jsonSchema(placesResponseSchema),
        Error: jsonSchema(errorResponseSchema),
        ReportRequest: jsonSchema(reportRequestSchema, 'input'),
        ReportReceipt: jsonSchema(reportReceiptSchema),
        Report: jsonSchema(reportViewSchema),
        ExpiringPage: jsonSchema(expiringPageSchema),
        Vocabularies: jsonSchema(vocabulariesResponseSchema),
      },
    },
  });
}

/** The public reads of contract section 9 and their lifetimes, as their handlers apply them (functions/http/http-caching.ts). */
const CACHED_READS: Record<string, CachePolicy> = {
  '/v1/programs': INDEX_READS,
  '/v1/programs/{id}': INDEX_READS,
  '/v1/places': BUNDLED_DATA,
  '/v1/vocabularies': BUNDLED_DATA,
};

const cacheHeaders = (policy: CachePolicy) => ({
  ETag: { description: 'Strong validator, a hash of the body: send it back in If-None-Match', schema: { type: 'string' } },
  'Cache-Control': { description: `${cacheControlOf(policy)} (errors: ${CLIENT_ERROR_CACHE_CONTROL} for 400 and 404, else ${NO_STORE})`, schema: { type: 'string' } },
});

/**
 * Adds to each cached read its If-None-Match parameter, the caching headers of its 200 and its
 * 304; kept apart from the operations so that the list above is the one place that says which.
 */
function withCacheHeaders<T extends { paths: Record<string, unknown> }>(document: T): T {
  for (const [path, policy] of Object.entries(CACHED_READS)) {
    const operation = (document.paths[path] as { get?: { parameters?: unknown[]; responses: Record<string, { description?: string; headers?: object }> } } | undefined)?.get;
    if (!operation) throw new Error(`The OpenAPI document has no GET ${path} to describe caching on`);
    operation.parameters = [
      ...(operation.parameters ?? []),
      { name: 'If-None-Match', in: 'header', required: false, description: 'ETags of the copies you hold, or *: when one matches (weak comparison), the answer is 304 without a body', schema: { type: 'string' } },
    ];
    const ok = operation.responses['200'];
    if (ok) ok.headers = { ...ok.headers, ...cacheHeaders(policy) };
    operation.responses = { ...operation.responses, '304': { description: 'Not modified: the copy with this ETag is current (no body)', headers: cacheHeaders(policy) } };
  }
  return document;
}
