import type { AttributeValue } from 'aws-lambda';

/** An item in DynamoDB's JSON wire format, which is also the shape of stream record images. */
export type Item = Record<string, AttributeValue>;

const SET_TYPES = new Set(['SS', 'NS', 'BS']);

/**
 * A string equal for equal items: attribute order does not matter in a map, nor element order
 * in a set, so neither may make two equal items look different.
 */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, inner]) => inner !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([name, inner]) => {
        const normalized = SET_TYPES.has(name) && Array.isArray(inner) ? [...(inner as string[])].sort() : inner;
        return `${JSON.stringify(name)}:${canonicalJson(normalized)}`;
      });
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value);
}

export function sameItem(a: Item | undefined, b: Item | undefined): boolean {
  if (!a || !b) return a === b;
  return canonicalJson(a) === canonicalJson(b);
}

export function pickKey(item: Item, keyNames: readonly string[]): Item {
  const key: Item = {};
  for (const name of keyNames) {
    const value = item[name];
    if (value !== undefined) key[name] = value;
  }
  return key;
}

/** Identifies one item across tables, for locks and lookups. */
export function itemIdentity(tableName: string, key: Item): string {
  return `${tableName}\u0000${canonicalJson(key)}`;
}

/**
 * Approximately DynamoDB's own item size rule (attribute names plus values; numbers about one
 * byte per two digits), which is what stream records report as SizeBytes.
 */
export function itemSizeBytes(item: Item | undefined): number {
  if (!item) return 0;
  let size = 0;
  for (const [name, value] of Object.entries(item)) size += Buffer.byteLength(name) + valueSizeBytes(value);
  return size;
}

function valueSizeBytes(value: AttributeValue): number {
  if (value.S !== undefined) return Buffer.byteLength(value.S);
  if (value.N !== undefined) return numberSizeBytes(value.N);
  if (value.B !== undefined) return Buffer.from(value.B, 'base64').length;
  if (value.BOOL !== undefined || value.NULL !== undefined) return 1;
  if (value.SS) return value.SS.reduce((sum, s) => sum + Buffer.byteLength(s), 0);
  if (value.NS) return value.NS.reduce((sum, n) => sum + numberSizeBytes(n), 0);
  if (value.BS) return value.BS.reduce((sum, b) => sum + Buffer.from(b, 'base64').length, 0);
  if (value.L) return 3 + value.L.reduce((sum, inner) => sum + 1 + valueSizeBytes(inner), 0);
  if (value.M) return 3 + Object.entries(value.M).reduce((sum, [name, inner]) => sum + 1 + Buffer.byteLength(name) + valueSizeBytes(inner), 0);
  return 0;
}

function numberSizeBytes(number: string): number {
  return Math.ceil(number.replace(/^-|[.eE].*$/g, '').length / 2) + 1;
}
