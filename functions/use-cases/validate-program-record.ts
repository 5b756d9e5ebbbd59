import type { z } from 'zod';
import type { ErrorDetail } from '../domain/errors';
import { haversineMiles } from '../domain/great-circle';
import {
  importRecordSchema,
  programSubmissionSchema,
  type GeoPoint,
  type ImportRecord,
  type ProgramRecord,
} from '../domain/program';
import { toErrorDetails } from '../domain/validation-details';
import type { ZipDirectory } from '../ports/zip-directory';

/** Beyond this, given coordinates probably do not belong to the address, though they may still be right. */
export const FAR_FROM_ZIP_MILES = 50;

export interface ValidationOptions {
  /**
   * Imports upsert by externalId, so they must carry one; provider submissions (false) are read
   * with the submission schema, in which the directory-assigned source and externalId do not exist.
   */
  requireExternalId: boolean;
  zips: ZipDirectory;
}

/** What the directory derives from the address when the record does not say. */
export interface ResolvedPlace {
  location: GeoPoint;
  locationPrecision: 'exact' | 'zip';
  timezone: string;
}

export type ProgramValidation<R extends ProgramRecord> =
  | { ok: true; record: R; resolved: ResolvedPlace; warnings: ErrorDetail[] }
  | { ok: false; errors: ErrorDetail[] };

export function validateProgramRecord(
  input: unknown,
  options: ValidationOptions & { requireExternalId: true },
): ProgramValidation<ImportRecord>;
export function validateProgramRecord(input: unknown, options: ValidationOptions): ProgramValidation<ProgramRecord>;
export function validateProgramRecord(input: unknown, options: ValidationOptions): ProgramValidation<ProgramRecord> {
  const schema = options.requireExternalId ? importRecordSchema : programSubmissionSchema;
  const parsed = schema.safeParse(input, { error: readableMessage });
  if (!parsed.success) return { ok: false, errors: toErrorDetails(parsed.error.issues) };
  const record = parsed.data;
  const { zip, state } = record.address;

  const place = options.zips.lookup(zip);
  if (!place) return { ok: false, errors: [{ path: 'address.zip', message: `${zip} is not a known US zip code` }] };
  if (place.state !== state) {
    return { ok: false, errors: [{ path: 'address.state', message: `must be ${place.state}, the state of zip ${zip}` }] };
  }

  const warnings: ErrorDetail[] = [];
  if (record.location) {
    const miles = haversineMiles(record.location, place.centroid);
    if (miles > FAR_FROM_ZIP_MILES) {
      warnings.push({
        path: 'location',
        message: `is ${Math.round(miles)} miles from the centroid of zip ${zip}; check the coordinates`,
      });
    }
  }
  return {
    ok: true,
    record,
    resolved: {
      location: record.location ?? place.centroid,
      locationPrecision: record.location ? 'exact' : 'zip',
      timezone: record.timezone ?? place.timezone,
    },
    warnings,
  };
}

const withArticle = (noun: string) => `${/^[aeiou]/.test(noun) ? 'an' : 'a'} ${noun}`;

/**
 * Replaces zod's generic wording for the checks the schema leaves to zod. Messages read after
 * the path (`address.city must not be empty`); the schema's own messages are written that way
 * and take precedence over this map.
 */
function readableMessage(issue: z.core.$ZodRawIssue): string | undefined {
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined) return 'is required';
      return `must be ${withArticle(issue.expected === 'int' ? 'integer' : issue.expected)}`;
    case 'invalid_value':
      return `must be one of: ${issue.values.map(String).join(', ')}`;
    case 'too_small': {
      const minimum = Number(issue.minimum);
      if (issue.origin === 'string') return minimum === 1 ? 'must not be empty' : `must be at least ${minimum} characters`;
      if (issue.origin === 'array') return minimum === 1 ? 'must list at least one value' : `must list at least ${minimum} values`;
      return issue.inclusive === false ? `must be more than ${minimum}` : `must be at least ${minimum}`;
    }
    case 'too_big': {
      const maximum = Number(issue.maximum);
      if (issue.origin === 'string') return `must be at most ${maximum} characters`;
      if (issue.origin === 'array') return `must list at most ${maximum} values`;
      return issue.inclusive === false ? `must be less than ${maximum}` : `must be at most ${maximum}`;
    }
    default:
      return undefined;
  }
}
