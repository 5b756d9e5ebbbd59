import { z } from 'zod';
import { globalRegistry, type $ZodString } from 'zod/v4/core';

/**
 * Constraints the validators enforce in code (trimming, refinements), written so that the
 * OpenAPI document generated from the same zod schemas states them too. Every regex here is
 * plain ASCII syntax without `\s`, `\d` or `\w`, whose meaning differs between JavaScript and
 * other engines (Python's `re`, which API testing tools use to generate values, reads `\s` and
 * `\d` as Unicode classes): a client's regex engine reads them exactly as the server does.
 */

/** What `String.prototype.trim` removes and JavaScript's `\s` matches, spelled out. */
const WHITESPACE = '\\t\\n\\v\\f\\r \\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff';

/**
 * A character that trimming keeps: `.trim().min(1)` accepts exactly the strings with one. The
 * pattern is unanchored, as JSON Schema patterns are: the string must contain such a character.
 */
export const NOT_BLANK_PATTERN = `[^${WHITESPACE}]`;

/**
 * States in the document that a `.trim().min(1)` string must not be blank (whitespace only). For
 * full zod's schemas and zod/mini's alike (the search request path uses the latter); `schema` is
 * one made for the field, so its metadata may be set in place.
 */
export function notBlank<T extends $ZodString>(schema: T): T {
  globalRegistry.add(schema, { ...globalRegistry.get(schema), pattern: NOT_BLANK_PATTERN });
  return schema;
}

const separator = `[+().${WHITESPACE}-]`;
/**
 * A US phone number, after trimming: ten digits, or eleven starting with 1, among `+ ( ) . -` and
 * spaces, optionally followed by an extension (`x`, `ext` or `ext.` and 1-6 digits). The same
 * rule as `isUsPhone` (which import mappers apply to untrimmed source text), as a regex so that
 * the document can state it; trailing whitespace is allowed because the schemas trim first.
 */
export const US_PHONE_PATTERN = new RegExp(
  `^${separator}*(?:1${separator}*)?(?:[0-9]${separator}*){10}(?:[${WHITESPACE}]*(?:[xX]|[eE][xX][tT]\\.?)[${WHITESPACE}]*[0-9]{1,6})?[${WHITESPACE}]*$`,
);

/**
 * The usual form of a website (`http(s)://`, a host name whose last label starts with a letter,
 * an optional port, a path without whitespace): what the document offers for `website`. The
 * validator takes any URL the WHATWG parser reads with an http(s) scheme and `://`.
 */
export const HTTP_URL_PATTERN = `^https?://(?:[A-Za-z0-9-]+\\.)*[A-Za-z][A-Za-z0-9-]*(?::[0-9]{1,4})?(?:/[^${WHITESPACE}]*)?$`;

/**
 * What the server guarantees of a website it accepted: zod's URL check trims it, drops tabs and
 * line breaks, and requires `http://` or `https://` in any case, then it is stored and served as
 * it is (a query without a path, an IP or non-ASCII host, spaces in the path all pass).
 */
export const SERVED_HTTP_URL_PATTERN = '^[Hh][Tt][Tt][Pp][Ss]?://';

/** What the server guarantees of a time zone it accepted (`isIanaTimeZone`) or took from the zip table. */
export const SERVED_TIME_ZONE_PATTERN = '(?:^UTC$|/)';

/** A JSON Schema fragment; a key set to undefined is removed from the generated schema. */
type JsonSchemaFragment = Record<string, unknown>;

const documentedForms = new WeakMap<object, { request: JsonSchemaFragment; response: JsonSchemaFragment }>();

/**
 * For a field whose request and response read differently in the document: `request` is what
 * the document offers a client to send (a generator's target, narrower than what the server
 * accepts), `response` what every value the server accepted or derived satisfies. One set of
 * keywords for both would either refuse served values (a time zone from the zip table outside
 * the canonical list) or lose the hints that make generated requests realistic.
 */
export function documentedAs<T extends z.ZodType>(schema: T, forms: { request: JsonSchemaFragment; response: JsonSchemaFragment }): T {
  documentedForms.set(schema, forms);
  return schema;
}

/** The `override` of z.toJSONSchema that applies `documentedAs` for request (`input`) or response (`output`) schemas. */
export function documentedFormsFor(io: 'input' | 'output') {
  return ({ zodSchema, jsonSchema }: { zodSchema: object; jsonSchema: Record<string, unknown> }): void => {
    const forms = documentedForms.get(zodSchema);
    if (!forms) return;
    for (const [keyword, value] of Object.entries(io === 'input' ? forms.request : forms.response)) {
      if (value === undefined) delete jsonSchema[keyword];
      else jsonSchema[keyword] = value;
    }
  };
}


/**
 * The canonical IANA zone names of this runtime's ICU, and UTC: what the document offers for
 * `timezone`. The validator also takes the older aliases ICU still knows (`US/Eastern`).
 */
export const CANONICAL_TIME_ZONES = [...Intl.supportedValuesOf('timeZone').filter((name) => name.includes('/')), 'UTC'];

/** A list whose values must not repeat (`uniqueItems` in the document). */
export function uniqueList<T extends z.ZodType>(item: T) {
  return z
    .array(item)
    .refine((values) => new Set(values).size === values.length, { message: 'values must not repeat' })
    .meta({ uniqueItems: true });
}
