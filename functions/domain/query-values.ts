import { z } from 'zod';

/**
 * Query-string values: always text on the wire, read into numbers, lists and so on by the zod
 * schemas below. A JSON Schema of the text alone would hide what the server checks after reading
 * it (radius greater than 0, a list naming at least one value), so each helper also registers
 * the schema of the value as read, which the OpenAPI document gives as the parameter's schema
 * (with `style: form, explode: false` for lists: `levelOfCare=iop,php`). Both come from the
 * same zod schemas, so the document cannot drift from the check.
 */
export interface QueryParameterForm {
  /** JSON Schema of the value as the server reads it. */
  schema: Record<string, unknown>;
  /** A comma-separated list (OpenAPI `style: form`, `explode: false`). */
  commaSeparated?: boolean;
}

export const queryParameterForms = z.registry<QueryParameterForm>();

/** The document's schema of a query parameter: its registered form, else the JSON Schema of the text. */
export function queryParameterSchema(schema: z.ZodType): QueryParameterForm {
  const inner = schema instanceof z.ZodOptional ? (schema.unwrap() as z.ZodType) : schema;
  return queryParameterForms.get(inner) ?? { schema: withoutDialect(z.toJSONSchema(inner, { io: 'input', unrepresentable: 'any' })) };
}

function withoutDialect(schema: Record<string, unknown>): Record<string, unknown> {
  const { $schema: _dialect, ...rest } = schema;
  return rest;
}

const jsonSchemaOf = (schema: z.ZodType) => withoutDialect(z.toJSONSchema(schema, { io: 'output', unrepresentable: 'any' }));

/**
 * A decimal number as any client library formats one: digits with an optional fraction and an
 * optional exponent (`25`, `-71.2`, `1e-7`, as JavaScript's `String(0.0000001)` and Python's
 * `str(1e-07)` write them). The range is the `check`'s.
 */
export const DECIMAL_TEXT = /^-?\d+(\.\d+)?([eE][-+]?\d+)?$/;

export function decimalParameter(check: z.ZodNumber) {
  const schema = z.string().regex(DECIMAL_TEXT, { message: 'must be a number' }).transform(Number).pipe(check);
  return schema.register(queryParameterForms, { schema: jsonSchemaOf(check) });
}

/** A whole number (digits only); the range is the `check`'s. */
export function integerParameter(check: z.ZodNumber, message = 'must be a whole number') {
  const schema = z.string().regex(/^\d+$/, { message }).transform(Number).pipe(check);
  return schema.register(queryParameterForms, { schema: jsonSchemaOf(check) });
}

/**
 * A comma-separated list of distinct values, each checked by `isAllowed`; `describeUnknown` words
 * the error naming the values that failed. Blank entries and repeats are dropped; at least one
 * value must remain. `item` is the schema of one value as the document states it.
 */
export function commaList<T extends string>(item: z.ZodType, isAllowed: (value: string) => boolean, describeUnknown: (unknown: string[]) => string) {
  const schema = z
    .string()
    .transform((raw) => [...new Set(raw.split(',').map((value) => value.trim()).filter(Boolean))])
    .superRefine((items, context) => {
      if (items.length === 0) context.addIssue({ code: 'custom', message: 'must name at least one value' });
      const unknown = items.filter((value) => !isAllowed(value));
      if (unknown.length > 0) context.addIssue({ code: 'custom', message: describeUnknown(unknown) });
    })
    .transform((items) => items as T[]);
  return schema.register(queryParameterForms, { schema: { type: 'array', items: jsonSchemaOf(item), minItems: 1 }, commaSeparated: true });
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
