import { z } from 'zod';
import { integerParameter } from '../domain/query-values';
import { notBlank } from '../domain/schema-patterns';
import { MAX_EXPIRY_WINDOW_DAYS } from '../use-cases/expiring-programs';

/** Request parts shared by the listing and review routes. */
export const listingPathSchema = z.object({
  id: z.string().regex(/^lst_[a-z0-9]{20}$/, { message: 'must be a listing id (lst_...)' }),
});

/** The review routes act on any queue item: a listing, a claim or a report. */
export const reviewItemPathSchema = z.object({
  id: z.string().regex(/^(lst|clm|rpt)_[a-z0-9]{20}$/, { message: 'must be a review item id (lst_..., clm_... or rpt_...)' }),
});

/** A program id: what search results carry as `id` (24 hex digits for imports, a listing id for providers' programs). */
export const programPathSchema = z.object({
  id: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, { message: 'must be a program id' }),
});

export const pageQuerySchema = z.strictObject({
  limit: z.optional(integerParameter(z.number().int().min(1, { message: 'must be at least 1' }).max(100, { message: 'must be at most 100' }))),
  cursor: z.string().min(1).max(2000).optional(),
});

const withinMessage = `must be a whole number of days from 1 to ${MAX_EXPIRY_WINDOW_DAYS}`;

/** `GET /v1/review/expiring?within=N&limit=&cursor=` */
export const expiringQuerySchema = z.strictObject({
  ...pageQuerySchema.shape,
  within: z.optional(
    integerParameter(z.number().int().min(1, { message: withinMessage }).max(MAX_EXPIRY_WINDOW_DAYS, { message: withinMessage }), withinMessage),
  ),
});

export const idempotencyHeadersSchema = z.object({
  'idempotency-key': z
    .string()
    .regex(/^[\x21-\x7e]{1,255}$/, { message: 'must be 1-255 visible ASCII characters' })
    .optional(),
});

export const rejectionSchema = z.strictObject({
  reason: notBlank(z.string().trim().min(1, { message: 'is required: the provider sees it' }).max(2000)).describe(
    'Why, for the provider (or a note on a dismissed report); not only whitespace',
  ),
});

/**
 * `If-Match`: the ETag of the caller's last read (`"7"`), or `*`. Required on PUT (an edit
 * without it could silently overwrite someone else's; an empty value counts as missing), optional
 * elsewhere; a value that is not the listing's current ETag is a 412, whatever its form.
 */
export const requiredIfMatchSchema = z.string({ message: 'is required' }).min(1, { message: 'is required' });
export const optionalIfMatchSchema = z.string().optional();

/** Approval takes no body; a report's approval may carry what was done. */
export const approvalSchema = z.strictObject({ note: z.string().trim().max(2000).optional() });

export const DEFAULT_LISTING_PAGE = 20;
