import type { ByteCounter } from '../functions/imports/counted-read-stream';
import { licenceRegistry } from '../functions/imports/licence-registries/registries';
import { attachRegistryLicenses, type AttachRegistrySummary } from '../functions/use-cases/attach-registry-licenses';
import { awaitSearchable } from './await-searchable';
import { importDependencies } from './import-dependencies';

export interface ImportLicenseRegistryOptions {
  /** Which registry the file is (`ca-dhcs`); its import format name (`ca-dhcs-licenses`) works too. */
  registry: string;
  /** Reads and matches everything, writes nothing; the summary says what would change. */
  dryRun?: boolean;
  /** The file is the whole registry: its licences whose number is in no row are taken off programs. */
  prune?: boolean;
  /** Only programs of these sources are matched or changed (default: every source). */
  sources?: readonly string[];
  /** Filled in with the bytes read so far. */
  bytesRead?: ByteCounter;
}

export interface LicenseRegistryImportSummary extends AttachRegistrySummary {
  /** The credit the registry's licence requires (CA DHCS: CC BY 4.0). */
  attribution: string;
  seconds: number;
}

/**
 * Attaches a state licence registry's file (contract 6b) to the published programs of the stack
 * the environment points at, and returns once every changed program is searchable. Prints
 * nothing. Throws (a usage or fatal error) when the registry is unknown or the file cannot be
 * read as one (a missing column); bad rows are in the summary, not thrown.
 */
export async function importLicenseRegistryFile(filePath: string, options: ImportLicenseRegistryOptions): Promise<LicenseRegistryImportSummary> {
  const registry = licenceRegistry(options.registry);
  const started = performance.now();
  const { dynamoDbEndpoint, ...dependencies } = importDependencies();
  const summary = await attachRegistryLicenses(registry.readRows(filePath, options.bytesRead), registry, dependencies, {
    dryRun: options.dryRun,
    prune: options.prune,
    sources: options.sources,
  });
  if (!summary.dryRun && summary.programsUpdated > 0) await awaitSearchable(dynamoDbEndpoint);
  return { ...summary, attribution: `${registry.attribution} (${registry.dataLicence})`, seconds: Number(((performance.now() - started) / 1000).toFixed(3)) };
}

/**
 * The summary for people: rejected rows, unmatched rows (all, or the first `unmatchedLimit` and
 * how many more), then one line of counts and the attribution.
 */
export function formatLicenceSummary(
  summary: AttachRegistrySummary & Partial<Pick<LicenseRegistryImportSummary, 'attribution' | 'seconds'>>,
  options: { unmatchedLimit?: number } = {},
): string {
  const lines: string[] = [];
  for (const error of summary.errors) lines.push(`line ${error.line}: ${error.path || '(row)'}: ${error.message}`);
  const shown = summary.unmatchedRows.slice(0, options.unmatchedLimit ?? summary.unmatchedRows.length);
  for (const row of shown) {
    const address = [row.address.street1, row.address.street2, row.address.city, row.address.zip].filter(Boolean).join(', ');
    lines.push(`unmatched: line ${row.line}: ${row.number} ${row.name} (${address})`);
  }
  if (shown.length < summary.unmatchedRows.length) lines.push(`unmatched: ${summary.unmatchedRows.length - shown.length} more rows`);
  if (summary.pruneSkipped) lines.push(`prune skipped: ${summary.pruneSkipped}`);
  const seconds = summary.seconds === undefined ? '' : ` in ${summary.seconds.toFixed(1)} s`;
  lines.push(
    `${summary.dryRun ? 'dry run: ' : ''}${summary.registry}: ${summary.rows} rows: ${summary.matched} matched, ${summary.unmatched} unmatched, ` +
      `${summary.rejected} rejected; licences ${summary.licences.current} current, ${summary.licences.expired} expired; ` +
      `${summary.programsMatched} programs matched; ${summary.programsUpdated} programs ${summary.dryRun ? 'to update' : 'updated'}, ${summary.programsUnchanged} unchanged` +
      `${summary.licencesRemoved > 0 ? `, ${summary.licencesRemoved} licences removed` : ''}${seconds}`,
  );
  if (summary.attribution) lines.push(`Licence data: ${summary.attribution}`);
  return `${lines.join('\n')}\n`;
}
