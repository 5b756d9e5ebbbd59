import ISO6391 from 'iso-639-1';
import { z } from 'zod';
import { EXTRA_LANGUAGE_CODES } from './vocabulary';

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

/** States in the document that a `.trim().min(1)` string must not be blank (whitespace only). */
export function notBlank<T extends z.ZodString>(schema: T): T {
  return schema.meta({ pattern: NOT_BLANK_PATTERN }) as T;
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

/** ISO 639-1 codes, and `sgn` for sign language services (contract 1.1): what `isLanguageCode` accepts. */
export const LANGUAGE_CODES: [string, ...string[]] = [...EXTRA_LANGUAGE_CODES, ...ISO6391.getAllCodes()].sort() as string[] as [string, ...string[]];

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
