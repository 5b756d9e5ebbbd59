import { z } from 'zod';
import { ERROR_CODES } from '../domain/errors';
import { FACET_NAMES } from '../domain/search-criteria';
import { geoPointSchema, importRecordSchema, programRecordSchema } from '../domain/program';
import { integerParameter } from '../domain/query-values';
import { REPORT_CATEGORIES, REPORT_STATUSES } from '../domain/report';
import { notBlank } from '../domain/schema-patterns';

/** Response shapes, written as zod schemas so the OpenAPI document is generated, not hand-kept. */
export const publicProgramSchema = programRecordSchema.safeExtend({
  id: z.string().describe('Stable id, derived from source and externalId'),
  source: z.string(),
  externalId: z.string(),
  location: geoPointSchema,
  locationPrecision: z.enum(['exact', 'zip']).describe('`zip` when the location is the zip centroid'),
  timezone: z.string(),
  dataAsOf: z.iso.date().describe('The date of the source edition (imports) or of the approval (provider versions)'),
  verifiedAt: z.iso.datetime().optional().describe('When a reviewer last approved it or its owner last confirmed it; absent for unclaimed imports'),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});

export const programHitSchema = publicProgramSchema.extend({
  distanceMiles: z.number().optional().describe('Great-circle distance from the origin, when a location was given'),
  matchedBy: z
    .enum(['distance', 'service_area'])
    .optional()
    .describe('With reach=state: `distance` when within the radius, else `service_area` (a virtual program serving the origin state)'),
});

const boundingBoxSchema = z.object({ west: z.number(), south: z.number(), east: z.number(), north: z.number() });

export const searchResponseSchema = z.object({
  total: z.number().int().describe('Exact number of matching programs'),
  origin: z
    .object({
      zip: z.string().optional(),
      kind: z.enum(['zip', 'city', 'county', 'state']).optional().describe('With `near`: the kind of place resolved'),
      name: z.string().optional().describe('With `near`: the place resolved (`Burlington`, `Queens County`, `Vermont`)'),
      state: z.string().optional().describe('With `near`: its state'),
      lat: z.number(),
      lon: z.number(),
    })
    .nullable(),
  results: z.array(programHitSchema),
  facets: z.object(Object.fromEntries(FACET_NAMES.map((name) => [name, z.record(z.string(), z.number().int())]))),
  nextCursor: z.string().nullable(),
  clusters: z
    .array(z.object({ lat: z.number(), lon: z.number(), count: z.number().int() }))
    .optional()
    .describe('With clusters=Z: one per zoom-Z map tile holding matches, at the centroid of its matches; counts add up to total'),
  bounds: boundingBoxSchema
    .nullable()
    .optional()
    .describe('With bounds=true: the box around all matches (west > east when it is tighter across the antimeridian); null when nothing matches'),
});

export const errorResponseSchema = z.object({
  error: z.object({
    // `internal` is the edge's own answer to a bug, never a domain error's code.
    code: z.enum([...ERROR_CODES, 'internal']),
    message: z.string(),
    details: z.array(z.object({ path: z.string(), message: z.string() })),
  }),
});

export { importRecordSchema, programRecordSchema };

/** `GET /v1/places` (contract 1.1, section 8). */
export const placeSchema = z.object({
  kind: z.enum(['zip', 'city', 'county', 'state']),
  name: z.string().describe('The zip, the city or county (`Queens County`), or the state'),
  state: z.string().describe('USPS state code'),
  lat: z.number(),
  lon: z.number(),
});

export const DEFAULT_PLACE_SUGGESTIONS = 8;

export const placesQuerySchema = z.strictObject({
  q: notBlank(z.string().trim().min(1, { message: 'must not be empty' }).max(100, { message: 'must be at most 100 characters' })),
  limit: z.optional(integerParameter(z.number().int().min(1, { message: 'must be at least 1' }).max(20, { message: 'must be at most 20' }))),
});

export const placesResponseSchema = z.object({ places: z.array(placeSchema) });

export const listingViewSchema = z.object({
  id: z.string(),
  ownerId: z.string().describe('The `sub` of the provider who owns it'),
  programId: z.string().nullable().describe('The imported program this listing maintains since its claim was approved; its approved version is served under this id'),
  status: z.enum(['pending_review', 'published', 'rejected', 'archived']),
  reviewNotes: z.string().nullable().describe("The last reviewer's note (a rejection reason)"),
  current: programRecordSchema.nullable().describe('The published version, served by search'),
  pending: programRecordSchema.nullable().describe('The version waiting for review'),
  revision: z.number().int().describe('Also the ETag, quoted'),
  submittedAt: z.iso.datetime().nullable(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
  likelyDuplicateOf: z
    .string()
    .optional()
    .describe('A published program with the same street and name as this listing (a likely duplicate); a reviewer can turn the listing into a claim on it (POST /v1/review/{id}/convert)'),
  source: z
    .object({
      dataAsOf: z.iso.date().nullable().describe("The source edition's date"),
      seenAt: z.iso.datetime().describe('When an import last read the program from its source'),
      noLongerListedSince: z.iso.datetime().nullable().describe('When a full refresh of the source stopped listing the program'),
      differences: z.array(z.object({ field: z.string(), source: z.unknown(), current: z.unknown() })).describe('Fields where the source now says something else than the served version'),
    })
    .optional()
    .describe("For a claimed program: its source's latest statement, where it differs"),
});

export const claimViewSchema = z.object({
  kind: z.literal('claim'),
  id: z.string(),
  programId: z.string(),
  programName: z.string(),
  claimantId: z.string(),
  role: z.string(),
  phone: z.string().optional(),
  note: z.string().optional(),
  status: z.enum(['open', 'approved', 'rejected']),
  submittedAt: z.iso.datetime(),
  reviewedBy: z.string().optional(),
  reviewedAt: z.iso.datetime().optional(),
  reviewNotes: z.string().optional(),
  listingId: z.string().optional().describe('The listing the approval created, owned by the claimant'),
  fromListingId: z.string().optional(),
});

export const reviewQueuePageSchema = z.object({
  items: z.array(
    z.looseObject({ kind: z.enum(['listing', 'claim', 'report']).describe('A listing version, a claim (see Claim) or a problem report'), id: z.string() }),
  ),
  nextCursor: z.string().nullable(),
});

export const listingPageSchema = z.object({ items: z.array(listingViewSchema), nextCursor: z.string().nullable() });

export const listingHistorySchema = z.object({
  id: z.string(),
  history: z.array(
    z.object({
      at: z.iso.datetime(),
      actor: z.string(),
      role: z.enum(['provider', 'reviewer']),
      action: z.enum(['created', 'claimed', 'updated', 'approved', 'rejected', 'archived', 'confirmed']),
      changes: z.array(z.string()).optional(),
      note: z.string().optional(),
    }),
  ),
});

/** `GET /v1/review/expiring`: the expiry watch (reviewers). */
export const expiringPageSchema = z.object({
  within: z.number().int().describe('Days ahead the window reaches'),
  from: z.iso.date().describe('First day of the window (today, UTC); anything expired before it is left out'),
  to: z.iso.date().describe('Last day of the window (today + within), included'),
  total: z.number().int().describe('Published programs with a licence or accreditation expiring in the window (all pages)'),
  items: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      address: programRecordSchema.shape.address,
      source: z.string(),
      soonest: z.iso.date().describe('The earliest expiresOn among items; the page is sorted by it (ties by id)'),
      items: z
        .array(
          z.discriminatedUnion('kind', [
            z.object({
              kind: z.literal('license'),
              state: z.string(),
              number: z.string().optional(),
              type: z.string().optional(),
              issuer: z.string().optional(),
              expiresOn: z.iso.date(),
            }),
            z.object({ kind: z.literal('accreditation'), body: z.string(), expiresOn: z.iso.date() }),
          ]),
        )
        .describe('The licences (as the public sees them, registry licences included) and accreditations expiring in the window, soonest first'),
    }),
  ),
  nextCursor: z.string().nullable(),
});

export const reportReceiptSchema = z.object({
  id: z.string().describe('rpt_ and 20 characters; reviewers approve (acted on) or reject (dismiss) it under this id'),
  status: z.literal('open'),
});

/** A report as reviewers see it, in the review queue and as the answer to approve or reject. */
export const reportViewSchema = z.object({
  kind: z.literal('report'),
  id: z.string(),
  programId: z.string(),
  programName: z.string().describe("The program's name when it was reported"),
  category: z.enum(REPORT_CATEGORIES),
  message: z.string().describe('Plain text exactly as sent; never render it as HTML'),
  status: z.enum(REPORT_STATUSES),
  submittedAt: z.iso.datetime(),
  resolvedBy: z.string().optional().describe('The `sub` of the reviewer who resolved it'),
  resolvedAt: z.iso.datetime().optional(),
  resolutionNote: z.string().optional(),
});
