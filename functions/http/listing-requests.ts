import { z } from 'zod';

/** Request parts shared by the listing and review routes. */
export const listingPathSchema = z.object({
  id: z.string().regex(/^lst_[a-z0-9]{20}$/, { message: 'must be a listing id (lst_...)' }),
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

export const DEFAULT_LISTING_PAGE = 20;
