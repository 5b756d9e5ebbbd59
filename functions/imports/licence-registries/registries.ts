import { CA_DHCS } from './ca-dhcs';
import type { LicenceRegistry } from './licence-registry';

/** Every licence registry the directory reads, by slug. A new state is one more entry. */
export const LICENCE_REGISTRIES = {
  'ca-dhcs': CA_DHCS,
} as const satisfies Record<string, LicenceRegistry>;

export type LicenceRegistrySlug = keyof typeof LICENCE_REGISTRIES;
export const LICENCE_REGISTRY_SLUGS = Object.keys(LICENCE_REGISTRIES) as LicenceRegistrySlug[];

/** The registry with this slug (`ca-dhcs`) or import format (`ca-dhcs-licenses`). */
export function licenceRegistry(slugOrFormat: string): LicenceRegistry {
  const registry = Object.values(LICENCE_REGISTRIES).find((candidate) => candidate.slug === slugOrFormat || candidate.format === slugOrFormat);
  if (!registry) {
    const formats = Object.values(LICENCE_REGISTRIES).map((candidate) => candidate.format);
    throw new Error(`unknown licence registry ${slugOrFormat}; expected one of ${LICENCE_REGISTRY_SLUGS.join(', ')} (formats ${formats.join(', ')})`);
  }
  return registry;
}
