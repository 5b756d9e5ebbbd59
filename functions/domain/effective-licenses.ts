import type { License, Program } from './program';

/**
 * The licences the directory states: the record's own, with a registry's licences in place of
 * the record's number-less claim of the kind the registry issues in its state (a registry's
 * numbered, dated licence says more than "licensed by the state agency").
 */
export function effectiveLicenses(program: Pick<Program, 'licenses' | 'registryLicenses'>): License[] | undefined {
  const fromRegistries = program.registryLicenses ?? [];
  if (fromRegistries.length === 0) return program.licenses;
  const superseded = (license: License) =>
    license.number === undefined && fromRegistries.some((registered) => registered.state === license.state && supersedes(registered.registry, license));
  const own = (program.licenses ?? []).filter((license) => !superseded(license));
  return [...own, ...fromRegistries.map(({ registry: _registry, ...license }) => license)];
}

/** Registry slug -> the number-less licence type its licences replace. */
const REGISTRY_SUPERSEDES: Record<string, string> = {
  'ca-dhcs': 'state_substance_use_agency',
};

function supersedes(registry: string, license: License): boolean {
  return REGISTRY_SUPERSEDES[registry] === license.type;
}
