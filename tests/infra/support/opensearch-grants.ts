import type { DirectoryFunctionName } from '../../../infra/config/functions';

/**
 * What each function may do on the search domain, written out by hand (not derived from
 * infra/config/search-access.ts), as `<action> <request path>`: the identity policies and the
 * domain's access policy must say exactly this, so widening a grant means changing this list.
 */
const search = ['es:ESHttpGet /programs/_search', 'es:ESHttpPost /programs/_search'];
const get = ['es:ESHttpGet /programs/_doc/*'];
const mget = ['es:ESHttpPost /programs/_mget'];
const write = ['es:ESHttpPost /_bulk'];
const manageIndex = [
  'es:ESHttpGet /_alias/programs',
  'es:ESHttpHead /_alias/programs',
  'es:ESHttpGet /_cluster/health/programs',
  'es:ESHttpDelete /programs-*',
  'es:ESHttpPut /programs-*',
  'es:ESHttpPost /programs-*/_mapping',
];

export const expectedOpenSearchGrants: Readonly<Partial<Record<DirectoryFunctionName, readonly string[]>>> = {
  'search-programs': search,
  'get-program': get,
  'submit-report': get,
  'create-listing': search,
  'update-listing': search,
  'expiring-programs': search,
  'expiry-summary': search,
  'index-stream': [...write, ...manageIndex],
  'reconcile-search-index': [...search, ...mget, ...write, ...manageIndex],
};

/**
 * Requests that change or remove indexed data, or move the alias, besides the indexer's own
 * versioned `_bulk` writes; none of them may be open to a function that only reads.
 */
export const writeRequests = [
  'es:ESHttpPost /_bulk',
  'es:ESHttpPut /programs/_bulk',
  'es:ESHttpPost /programs/_bulk',
  'es:ESHttpPost /programs/_delete_by_query',
  'es:ESHttpPost /programs/_update_by_query',
  'es:ESHttpPost /_aliases',
  'es:ESHttpPost /_reindex',
  'es:ESHttpPut /programs/_doc/prg_1',
  'es:ESHttpPost /programs/_doc/prg_1',
  'es:ESHttpPost /programs/_update/prg_1',
  'es:ESHttpDelete /programs/_doc/prg_1',
  'es:ESHttpDelete /programs-v3-20260101000000000-abcdef',
  'es:ESHttpPut /programs-v3-20260101000000000-abcdef',
  'es:ESHttpPut /programs/_settings',
  'es:ESHttpPost /programs/_close',
];

/** Whether an IAM resource pattern (`*` matches anything, `/` included) covers a path. */
export function iamPatternMatches(pattern: string, value: string): boolean {
  const regex = new RegExp(`^${pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
  return regex.test(value);
}
