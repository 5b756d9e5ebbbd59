import { nameKey, streetKey } from '../../domain/address-key';
import { PROVIDER_SOURCE, type ListingVersion } from '../../domain/listing';
import type { ListingDependencies } from './listing-dependencies';

/**
 * The published program a listing's version likely duplicates: one at the same street and with
 * the same name (both keys of address-key.ts equal). The listing's own published version is not
 * a duplicate of itself; any other provider listing is. Imported programs come first (they are
 * what a reviewer can turn the listing into a claim on), then by id.
 *
 * Undefined when nothing matches, when the index is not wired, or when the lookup fails: a
 * submission never fails for want of a duplicate check (the composition root logs the failure).
 */
export async function likelyDuplicateOf(
  listingId: string,
  version: ListingVersion,
  deps: Pick<ListingDependencies, 'index'>,
): Promise<string | undefined> {
  if (!deps.index) return undefined;
  const street = streetKey(version.address.street1, version.address.zip);
  const name = nameKey(version.name, version.address.zip);
  if (!street || !name) return undefined;
  let candidates;
  try {
    candidates = await deps.index.findByAddress(street);
  } catch {
    return undefined;
  }
  const matches = candidates
    .filter((candidate) => candidate.id !== listingId && candidate.nameKey === name)
    .sort((a, b) => Number(a.source === PROVIDER_SOURCE) - Number(b.source === PROVIDER_SOURCE) || a.id.localeCompare(b.id));
  return matches[0]?.id;
}
