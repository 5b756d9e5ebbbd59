import { InvalidRequestError } from '../../domain/errors';
import type { ListingVersion } from '../../domain/listing';
import type { ZipDirectory } from '../../ports/zip-directory';
import { validateProgramRecord } from '../validate-program-record';

/** A provider's submission: the program record, checked as an import row would be. */
export function validateSubmission(body: unknown, zips: ZipDirectory): ListingVersion {
  // The directory keys provider listings by their own id; a provider-chosen key would be ignored.
  const assigned = ['source', 'externalId'].filter((field) => body !== null && typeof body === 'object' && field in body);
  if (assigned.length > 0) {
    throw new InvalidRequestError(
      'Invalid listing',
      assigned.map((path) => ({ path, message: 'is assigned by the directory, not by providers' })),
    );
  }
  const validation = validateProgramRecord(body, { requireExternalId: false, zips });
  if (!validation.ok) throw new InvalidRequestError('Invalid listing', validation.errors);
  return { ...validation.record, ...validation.resolved };
}
