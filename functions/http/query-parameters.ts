import { toJSONSchema, type $ZodOptionalDef, type $ZodType } from 'zod/v4/core';
import { queryParameterForms } from '../domain/query-values';

/** A query parameter as the OpenAPI document states it. */
export interface QueryParameterSchema {
  /** JSON Schema of the value as the server reads it. */
  schema: Record<string, unknown>;
  /** A comma-separated list (OpenAPI `style: form`, `explode: false`). */
  commaSeparated?: boolean;
}

function withoutDialect(schema: Record<string, unknown>): Record<string, unknown> {
  const { $schema: _dialect, ...rest } = schema;
  return rest;
}

const jsonSchemaOf = (schema: $ZodType) => withoutDialect(toJSONSchema(schema, { io: 'output', unrepresentable: 'any' }) as Record<string, unknown>);

/** The document's schema of a query parameter: its registered form (functions/domain/query-values.ts), else the JSON Schema of the text. */
export function queryParameterSchema(schema: $ZodType): QueryParameterSchema {
  const inner = schema._zod.def.type === 'optional' ? (schema._zod.def as $ZodOptionalDef).innerType : schema;
  const form = queryParameterForms.get(inner);
  switch (form?.read) {
    case undefined:
      return { schema: withoutDialect(toJSONSchema(inner, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>) };
    case 'value':
      return { schema: jsonSchemaOf(form.value) };
    case 'list':
      return { schema: { type: 'array', items: jsonSchemaOf(form.item), minItems: 1 }, commaSeparated: true };
    case 'tuple':
      return { schema: form.jsonSchema, commaSeparated: true };
  }
}
