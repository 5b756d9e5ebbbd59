import { z } from 'zod';
import { FACET_NAMES } from '../domain/search-criteria';
import { geoPointSchema, importRecordSchema, programRecordSchema } from '../domain/program';

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
});

export const searchResponseSchema = z.object({
  total: z.number().int().describe('Exact number of matching programs'),
  origin: z.object({ zip: z.string().optional(), lat: z.number(), lon: z.number() }).nullable(),
  results: z.array(programHitSchema),
  facets: z.object(Object.fromEntries(FACET_NAMES.map((name) => [name, z.record(z.string(), z.number().int())]))),
  nextCursor: z.string().nullable(),
});

export const errorResponseSchema = z.object({
  error: z.object({
    code: z.enum([
      'invalid_request',
      'unknown_zip',
      'unauthorized',
      'forbidden',
      'not_found',
      'conflict',
      'precondition_failed',
      'payload_too_large',
      'rate_limited',
      'unavailable',
      'internal',
    ]),
    message: z.string(),
    details: z.array(z.object({ path: z.string(), message: z.string() })),
  }),
});

export { importRecordSchema, programRecordSchema };

export const listingViewSchema = z.object({
  id: z.string(),
  ownerId: z.string().describe('The `sub` of the provider who owns it'),
  status: z.enum(['pending_review', 'published', 'rejected', 'archived']),
  reviewNotes: z.string().nullable().describe("The last reviewer's note (a rejection reason)"),
  current: programRecordSchema.nullable().describe('The published version, served by search'),
  pending: programRecordSchema.nullable().describe('The version waiting for review'),
  revision: z.number().int().describe('Also the ETag, quoted'),
  submittedAt: z.iso.datetime().nullable(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});

export const listingPageSchema = z.object({ items: z.array(listingViewSchema), nextCursor: z.string().nullable() });

export const listingHistorySchema = z.object({
  id: z.string(),
  history: z.array(
    z.object({
      at: z.iso.datetime(),
      actor: z.string(),
      role: z.enum(['provider', 'reviewer']),
      action: z.enum(['created', 'updated', 'approved', 'rejected', 'archived']),
      changes: z.array(z.string()).optional(),
      note: z.string().optional(),
    }),
  ),
});
