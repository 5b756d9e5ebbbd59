import { z } from 'zod';

/** Request parts shared by the listing and review routes. */
export const listingPathSchema = z.object({
  id: z.string().regex(/^lst_[a-z0-9]{20}$/, { message: 'must be a listing id (lst_...)' }),
});

/** The review routes act on any queue item: a listing, a claim or a report. */
export const reviewItemPathSchema = z.object({
  id: z.string().regex(/^(lst|clm|rpt)_[a-z0-9]{20}$/, { message: 'must be a review item id (lst_..., clm_... or rpt_...)' }),
});

/** A program id: what search results carry as `id`. */
export const programPathSchema = z.object({
  id: z.string().regex(/^[A-Za-z0-9_-]{1,100}$/, { message: 'must be a program id' }),
});

export const pageQuerySchema = z.strictObject({
  limit: z
    .string()
    .regex(/^\d+$/, { message: 'must be a whole number' })
    .transform(Number)
    .pipe(z.number().int().min(1, { message: 'must be at least 1' }).max(100, { message: 'must be at most 100' }))
    .optional(),
  cursor: z.string().min(1).max(2000).optional(),
});

export const idempotencyHeadersSchema = z.object({
  'idempotency-key': z
    .string()
    .regex(/^[\x21-\x7e]{1,255}$/, { message: 'must be 1-255 visible ASCII characters' })
    .optional(),
});

export const rejectionSchema = z.strictObject({
  reason: z.string().trim().min(1, { message: 'is required: the provider sees it' }).max(2000),
});

/** Approval takes no body; a report's approval may carry what was done. */
export const approvalSchema = z.strictObject({ note: z.string().trim().max(2000).optional() });

export const DEFAULT_LISTING_PAGE = 20;
