import * as z from 'zod/mini';
import en from 'zod/v4/locales/en.js';

// zod/mini (what the request path uses: the search Lambda's bundle is a third of full zod's)
// carries no messages of its own. The global configuration is shared with full zod, which sets the
// same English messages; a function that loads only zod/mini gets them from here.
z.config(en());

/**
 * Query-string values: always text on the wire, read into numbers, lists and so on by the zod
 * schemas below. A JSON Schema of the text alone would hide what the server checks after reading
 * it (radius greater than 0, a list naming at least one value), so each helper also registers
 * what the value is once read, which the OpenAPI document gives as the parameter's schema (with
 * `style: form, explode: false` for lists: `levelOfCare=iop,php`). Both come from the same zod
 * schemas, so the document cannot drift from the check. The registry holds schemas, not JSON
 * Schema: generating it is the document's business (functions/http/query-parameters.ts), and
 * stays out of the Lambdas that only check requests.
 */
export type QueryParameterForm =
  /** A number read from text: the document states the number's schema. */
  | { read: 'value'; value: z.core.$ZodType }
  /** A comma-separated list of distinct values, at least one; the document states one item's schema. */
  | { read: 'list'; item: z.core.$ZodType }
  /** A comma-separated tuple, whose JSON Schema is given as is. */
  | { read: 'tuple'; jsonSchema: Record<string, unknown> };

/** Keyed by the schema of the parameter: a plain map, as zod's registries rewrite the schemas a form holds in its type. */
export const queryParameterForms = new WeakMap<z.core.$ZodType, QueryParameterForm>();

export function withForm<T extends z.core.$ZodType>(schema: T, form: QueryParameterForm): T {
  queryParameterForms.set(schema, form);
  return schema;
}

/**
 * A decimal number as any client library formats one: digits with an optional fraction and an
 * optional exponent (`25`, `-71.2`, `1e-7`, as JavaScript's `String(0.0000001)` and Python's
 * `str(1e-07)` write them). The range is the `check`'s.
 */
export const DECIMAL_TEXT = /^-?\d+(\.\d+)?([eE][-+]?\d+)?$/;

type NumberCheck = z.core.$ZodType<number, number>;

export function decimalParameter<T extends NumberCheck>(check: T) {
  const schema = z.pipe(z.pipe(z.string().check(z.regex(DECIMAL_TEXT, { message: 'must be a number' })), z.transform(Number)), check);
  return withForm(schema, { read: 'value', value: check });
}

/** A whole number (digits only); the range is the `check`'s. */
export function integerParameter<T extends NumberCheck>(check: T, message = 'must be a whole number') {
  const schema = z.pipe(z.pipe(z.string().check(z.regex(/^\d+$/, { message })), z.transform(Number)), check);
  return withForm(schema, { read: 'value', value: check });
}

/**
 * A comma-separated list of distinct values, each checked by `isAllowed`; `describeUnknown` words
 * the error naming the values that failed. Blank entries and repeats are dropped; at least one
 * value must remain. `item` is the schema of one value as the document states it.
 */
export function commaList<T extends string>(item: z.core.$ZodType, isAllowed: (value: string) => boolean, describeUnknown: (unknown: string[]) => string) {
  const schema = z.pipe(z.string(), z.transform((raw: string) => [...new Set(raw.split(',').map((value) => value.trim()).filter(Boolean))] as T[])).check(
    z.superRefine((items, context) => {
      if (items.length === 0) context.addIssue({ code: 'custom', message: 'must name at least one value' });
      const unknown = items.filter((value) => !isAllowed(value));
      if (unknown.length > 0) context.addIssue({ code: 'custom', message: describeUnknown(unknown) });
    }),
  );
  return withForm(schema, { read: 'list', item });
}

/** A comma-separated list of values from one vocabulary. */
export function listOf<const T extends readonly [string, ...string[]]>(values: T) {
  const allowed = new Set<string>(values);
  return commaList<T[number]>(
    z.enum(values),
    (value) => allowed.has(value),
    (unknown) => `unknown value ${unknown.map((item) => `'${item}'`).join(', ')}; expected one of ${values.join(', ')}`,
  );
}
