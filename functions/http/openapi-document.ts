import { z } from 'zod';
import { searchQuerySchema } from '../domain/search-query';
import {
  errorResponseSchema,
  importRecordSchema,
  listingHistorySchema,
  listingPageSchema,
  claimRequestSchema,
  claimViewSchema,
  reviewQueuePageSchema,
  listingViewSchema,
  programRecordSchema,
  publicProgramSchema,
  searchResponseSchema,
} from './api-schemas';
import { rejectionSchema } from './listing-requests';
import { reportReceiptSchema, reportRequestDocumentSchema, reportViewSchema } from './api-schemas';
import { expiringPageSchema } from './api-schemas';
import { placesResponseSchema } from './api-schemas';
import { VOCABULARY_LANGUAGES, vocabulariesResponseSchema } from '../domain/vocabularies';

const PARAMETER_DESCRIPTIONS: Record<string, string> = {
  zip: '5-digit US zip; its centroid is the origin. Not with lat/lon.',
  lat: 'Latitude of the origin (with lon).',
  near: 'A place instead of zip or lat/lon: a zip, `City, ST`, `Name County, ST`, or a state name or code. Unknown: 400 unknown_place; ambiguous: 400 ambiguous_place with the candidates in details. `origin` names the place resolved.',
  lon: 'Longitude of the origin (with lat).',
  radius: 'Miles from the origin, greater than 0 and at most 500 (default 25).',
  q: 'Free text over name, organization and description, tolerating small typos.',
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
  bbox: 'west,south,east,north in degrees: programs inside the box (edges included), instead of a location and radius; south <= north; west > east is a box across the antimeridian.',
  clusters: 'Map zoom 0-20: adds clusters [{lat, lon, count}] over all matches, one per zoom tile, counts adding up to total. 400 when the searched area (bbox, radius, else the world) covers more than 10,000 tiles at that zoom.',
  bounds: 'true: adds bounds {west, south, east, north}, the box around all matches (null when none).',
  reach: 'state (needs zip or near; lat/lon name no state): also matches virtual programs whose serviceArea includes the origin state, however far; each result carries matchedBy (distance or service_area).',
  sort: 'distance (default with a location), name, or relevance (default with q and no location); ties by id.',
  limit: 'Page size, 1-100 (default 20).',
  cursor: 'Opaque; nextCursor of the previous page.',
};

const jsonSchema = (schema: z.ZodType, io: 'input' | 'output' = 'output') =>
  z.toJSONSchema(schema, { target: 'draft-2020-12', io, unrepresentable: 'any' });

const errorContent = { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } };
const json = (schema: string) => ({ 'application/json': { schema: { $ref: `#/components/schemas/${schema}` } } });
const etagHeader = { ETag: { description: 'The revision, for If-Match', schema: { type: 'string' } } };
const listingId = { name: 'id', in: 'path', required: true, schema: { type: 'string', pattern: '^lst_[a-z0-9]{20}$' } };
const reviewItemId = { name: 'id', in: 'path', required: true, schema: { type: 'string', pattern: '^(lst|clm|rpt)_[a-z0-9]{20}$' }, description: 'A listing (lst_), claim (clm_) or report (rpt_) of the queue' };
const ifMatch = (required: boolean) => ({ name: 'If-Match', in: 'header', required, schema: { type: 'string' }, description: 'The ETag of your last read' });
const paging = [
  { name: 'limit', in: 'query', required: false, schema: { type: 'integer', minimum: 1, maximum: 100, default: 20 } },
  { name: 'cursor', in: 'query', required: false, schema: { type: 'string' } },
];
const authErrors = {
  '401': { description: 'Missing, expired or invalid bearer token', content: errorContent },
  '404': { description: 'No such listing, or not yours', content: errorContent },
};

/** Routes behind the JWT authorizer: providers own listings, the `reviewers` group reviews them. */
function listingPaths(): Record<string, unknown> {
  const secured = { security: [{ bearer: [] }] };
  const listingResponse = (description: string) => ({ description, headers: etagHeader, content: json('Listing') });
  return {
    '/v1/listings': {
      post: {
        ...secured,
        operationId: 'createListing',
        summary: 'Submit a listing (status pending_review); nothing is public before a reviewer approves it',
        parameters: [{ name: 'Idempotency-Key', in: 'header', required: false, schema: { type: 'string', maxLength: 255 }, description: 'A retry with the same key and body returns the first response; another body is 409' }],
        requestBody: { required: true, content: json('ProgramRecord') },
        responses: {
          '201': listingResponse('Created (or the first response, replayed)'),
          '400': { description: 'Invalid record', content: errorContent },
          '401': authErrors['401'],
          '409': { description: 'Idempotency-Key reused with another body', content: errorContent },
          '413': { description: 'Body over 64 KB', content: errorContent },
          '429': { description: 'Too many listings waiting for review', content: errorContent },
        },
      },
      get: { ...secured, operationId: 'listListings', summary: "The caller's own listings, newest first", parameters: paging, responses: { '200': { description: 'A page', content: json('ListingPage') }, '401': authErrors['401'] } },
    },
    '/v1/listings/{id}': {
      get: { ...secured, operationId: 'getListing', summary: 'Status, review notes, current and pending versions (owner or reviewer)', parameters: [listingId], responses: { '200': listingResponse('The listing'), ...authErrors } },
      put: {
        ...secured,
        operationId: 'updateListing',
        summary: 'Submit an edit for review; the published version stays live until it is approved (owner only)',
        parameters: [listingId, ifMatch(true)],
        requestBody: { required: true, content: json('ProgramRecord') },
        responses: { '200': listingResponse('Edit waiting for review'), '400': { description: 'Invalid record or no If-Match', content: errorContent }, ...authErrors, '409': { description: 'Archived', content: errorContent }, '412': { description: 'Stale If-Match', content: errorContent }, '413': { description: 'Body over 64 KB', content: errorContent } },
      },
      delete: { ...secured, operationId: 'archiveListing', summary: 'Archive: removed from search and from the queue (owner only)', parameters: [listingId, ifMatch(false)], responses: { '200': listingResponse('Archived'), ...authErrors, '412': { description: 'Stale If-Match', content: errorContent } } },
    },
    '/v1/listings/{id}/history': {
      get: { ...secured, operationId: 'getListingHistory', summary: 'Every state change and edit: who, when, what changed (owner or reviewer)', parameters: [listingId], responses: { '200': { description: 'History', content: json('ListingHistory') }, ...authErrors } },
    },
    '/v1/listings/{id}/confirm': {
      post: { ...secured, operationId: 'confirmListing', summary: 'The owner states the published version is still right: sets verifiedAt, in search too (owner only)', parameters: [listingId, ifMatch(false)], responses: { '200': listingResponse('Confirmed'), ...authErrors, '409': { description: 'Archived, or nothing published yet', content: errorContent }, '412': { description: 'Stale If-Match', content: errorContent } } },
    },
    '/v1/programs/{id}/claims': {
      post: {
        ...secured,
        operationId: 'claimProgram',
        summary: 'Ask to maintain an imported program; a reviewer approves or rejects the claim. Approval makes the claimant\'s listing the program\'s served version',
        parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
        requestBody: { required: true, content: json('ClaimRequest') },
        responses: { '201': { description: 'The claim, waiting for review', content: json('Claim') }, '400': { description: 'Invalid claim', content: errorContent }, '401': authErrors['401'], '404': { description: 'No published program with this id', content: errorContent }, '409': { description: 'Already claimed by its provider, or you have a claim on it', content: errorContent }, '413': { description: 'Body over 64 KB', content: errorContent } },
      },
    },
    '/v1/review/queue': {
      get: { ...secured, operationId: 'getReviewQueue', summary: 'Listings, claims and problem reports waiting for a reviewer, oldest first; each item has a kind (reviewers only)', parameters: paging, responses: { '200': { description: 'A page', content: json('ReviewQueuePage') }, '401': authErrors['401'], '403': { description: 'Not a reviewer', content: errorContent } } },
    },
    '/v1/review/expiring': {
      get: {
        ...secured,
        operationId: 'getExpiringPrograms',
        summary: 'Published programs whose licences or accreditations expire between today and today + within days, soonest first; already expired ones are left out (reviewers only)',
        parameters: [{ name: 'within', in: 'query', required: false, description: 'Days ahead, 1-365 (default 60)', schema: { type: 'integer', minimum: 1, maximum: 365, default: 60 } }, ...paging],
        responses: { '200': { description: 'A page', content: json('ExpiringPage') }, '400': { description: 'Invalid within, limit or cursor', content: errorContent }, '401': authErrors['401'], '403': { description: 'Not a reviewer', content: errorContent }, '503': { description: 'The search engine is unavailable', content: errorContent } },
      },
    },
    '/v1/review/{id}/approve': {
      post: { ...secured, operationId: 'approveListing', summary: 'Publish a listing\'s pending version, grant a claim (the claimant\'s new listing maintains the program), or resolve a report as acted on (reviewers only)', parameters: [reviewItemId, ifMatch(false)], responses: { '200': { description: 'The decided item: a Listing (with ETag), a Claim, or a report', content: { 'application/json': { schema: { anyOf: [{ $ref: '#/components/schemas/Listing' }, { $ref: '#/components/schemas/Claim' }, { $ref: '#/components/schemas/Report' }] } } } }, ...authErrors, '403': { description: 'Not a reviewer', content: errorContent }, '409': { description: 'Nothing waiting for review, or the program was claimed by another provider meanwhile', content: errorContent } } },
    },
    '/v1/review/{id}/convert': {
      post: {
        ...secured,
        operationId: 'convertListingToClaim',
        summary: "Turn a listing flagged as a likely duplicate (likelyDuplicateOf) into its owner's claim on that program; the listing is archived and the claim waits in the queue (reviewers only)",
        parameters: [listingId, ifMatch(false)],
        responses: {
          '201': { description: 'The claim, waiting for review (fromListingId names the listing)', headers: { Location: { description: 'The claim in the review routes', schema: { type: 'string' } } }, content: json('Claim') },
          '401': authErrors['401'],
          '403': { description: 'Not a reviewer', content: errorContent },
          '404': { description: 'No such listing', content: errorContent },
          '409': { description: 'Not waiting for review, not flagged as a duplicate, the program is already claimed, or its owner already has an open claim on it', content: errorContent },
          '412': { description: 'Stale If-Match, or the listing changed meanwhile', content: errorContent },
        },
      },
    },
    '/v1/review/{id}/reject': {
      post: {
        ...secured,
        operationId: 'rejectListing',
        summary: 'Drop a listing\'s pending version or a claim with a reason the provider sees, or dismiss a report (reviewers only)',
        parameters: [reviewItemId, ifMatch(false)],
        requestBody: { required: true, content: json('Rejection') },
        responses: { '200': { description: 'The decided item', content: { 'application/json': { schema: { anyOf: [{ $ref: '#/components/schemas/Listing' }, { $ref: '#/components/schemas/Claim' }, { $ref: '#/components/schemas/Report' }] } } } }, '400': { description: 'No reason', content: errorContent }, ...authErrors, '403': { description: 'Not a reviewer', content: errorContent }, '409': { description: 'Nothing waiting for review', content: errorContent } },
      },
    },
  };
}

/** The OpenAPI 3.1 document of the public API, generated from the same zod schemas the handlers use. */
export function buildOpenApiDocument(): Record<string, unknown> {
  const parameters = Object.entries(searchQuerySchema.shape).map(([name, schema]) => ({
    name,
    in: 'query',
    required: false,
    description: PARAMETER_DESCRIPTIONS[name],
    schema: jsonSchema(schema as z.ZodType, 'input'),
  }));
  return {
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
          parameters,
          responses: {
            '200': { description: 'A page of results', content: { 'application/json': { schema: { $ref: '#/components/schemas/SearchResponse' } } } },
            '400': { description: 'Invalid parameter (invalid_request), unknown zip (unknown_zip), unknown place (unknown_place) or ambiguous place (ambiguous_place, candidates in details)', content: errorContent },
            '503': { description: 'The search engine is unavailable', content: errorContent },
          },
        },
      },
      '/v1/places': {
        get: {
          operationId: 'suggestPlaces',
          summary: 'Places (zips, cities, counties, states) as a person types: exact, then prefix, then small-typo matches; states and larger places first',
          parameters: [
            { name: 'q', in: 'query', required: true, description: 'What the person typed so far (1-100 characters); `City, ST` narrows to a state', schema: { type: 'string', minLength: 1, maxLength: 100 } },
            { name: 'limit', in: 'query', required: false, description: 'At most this many places (1-20, default 8)', schema: { type: 'integer', minimum: 1, maximum: 20, default: 8 } },
          ],
          responses: {
            '200': { description: 'Suggested places, best first', content: { 'application/json': { schema: { $ref: '#/components/schemas/PlacesResponse' } } } },
            '400': { description: 'Invalid q or limit (invalid_request)', content: errorContent },
          },
        },
      },
      '/v1/programs/{id}': {
        get: {
          operationId: 'getProgram',
          summary: 'One published program',
          parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
          responses: {
            '200': { description: 'The program', content: { 'application/json': { schema: { $ref: '#/components/schemas/Program' } } } },
            '404': { description: 'No published program with this id', content: errorContent },
          },
        },
      },
      '/v1/programs/{id}/reports': {
        post: {
          operationId: 'reportProblem',
          summary: 'Report a problem with a published program (closed, wrong phone, address, insurance or hours); anonymous, no token',
          description:
            'Queues the report for reviewers, who resolve it with approve (acted on) or reject (dismissed). The message is plain text: it is stored exactly as sent and only ever served inside JSON, never rendered as HTML by the API, so whoever displays it must escape it. At most 5 reports a minute are accepted from one client address.',
          parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
          requestBody: { required: true, content: json('ReportRequest') },
          responses: {
            '202': { description: 'Queued for reviewers', content: json('ReportReceipt') },
            '400': { description: 'Invalid body: unknown category, or a message empty or over 2,000 characters (details name the field)', content: errorContent },
            '404': { description: 'No published program with this id', content: errorContent },
            '413': { description: 'Body over 64 KB', content: errorContent },
            '429': {
              description: 'More than 5 reports in this minute from this address (rate_limited)',
              headers: { 'Retry-After': { description: 'Seconds until reports are accepted again', schema: { type: 'integer', minimum: 1 } } },
              content: errorContent,
            },
          },
        },
      },
      ...listingPaths(),
      '/v1/openapi.json': {
        get: { operationId: 'getOpenApiDocument', summary: 'This document', responses: { '200': { description: 'OpenAPI 3.1 document' } } },
      },
      '/v1/vocabularies': {
        get: {
          operationId: 'getVocabularies',
          summary: "Every search filter's values with a plain-language label and one-sentence description, in English or Spanish",
          description:
            'Covers every search parameter that takes vocabulary values, in the order a search form would show them. `language` lists the languages programs name most often plus sgn (sign language); the filter itself takes any ISO 639-1 code.',
          parameters: [{ name: 'lang', in: 'query', required: false, description: 'en (default) or es', schema: { type: 'string', enum: [...VOCABULARY_LANGUAGES], default: 'en' } }],
          responses: {
            '200': { description: 'The filters and their values', content: json('Vocabularies') },
            '400': { description: 'lang other than en or es, or an unknown query parameter (invalid_request)', content: errorContent },
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
        ProgramRecord: jsonSchema(programRecordSchema, 'input'),
        ImportRecord: jsonSchema(importRecordSchema, 'input'),
        Program: jsonSchema(publicProgramSchema),
        SearchResponse: jsonSchema(searchResponseSchema),
        PlacesResponse: jsonSchema(placesResponseSchema),
        Error: jsonSchema(errorResponseSchema),
        ReportRequest: jsonSchema(reportRequestDocumentSchema, 'input'),
        ReportReceipt: jsonSchema(reportReceiptSchema),
        Report: jsonSchema(reportViewSchema),
        ExpiringPage: jsonSchema(expiringPageSchema),
        Vocabularies: jsonSchema(vocabulariesResponseSchema),
      },
    },
  };
}
