/**
 * The import bucket's layout, shared by the importer, the CLI that uploads and the CDK stacks
 * (event rule, grants, lifecycle), so it has no imports of its own.
 */

/** Where uploads that should be imported go; the bucket notifies the importer for this prefix only. */
export const IMPORTS_PREFIX = 'imports/';
/** Where the importer writes; outside IMPORTS_PREFIX so a report never triggers another import. */
export const REPORTS_PREFIX = 'reports/';

export function reportKeyFor(importKey: string): string {
  return `${REPORTS_PREFIX}${importKey}.report.json`;
}
