import { z } from 'zod';
import { searchQuerySchema } from '../domain/search-query';
import { errorResponseSchema, importRecordSchema, programRecordSchema, publicProgramSchema, searchResponseSchema } from './api-schemas';

const PARAMETER_DESCRIPTIONS: Record<string, string> = {
  zip: '5-digit US zip; its centroid is the origin. Not with lat/lon.',
  lat: 'Latitude of the origin (with lon).',
  lon: 'Longitude of the origin (with lat).',
  radius: 'Miles from the origin, greater than 0 and at most 500 (default 25).',
  q: 'Free text over name, organization and description, tolerating small typos.',
  levelOfCare: 'Comma-separated; any of iop, php, outpatient, residential, inpatient, detox.',
  condition: 'Comma-separated conditions treated.',
  service: 'Comma-separated services offered.',
  ageGroup: 'Comma-separated age groups served.',
  language: 'Comma-separated ISO 639-1 codes.',
  delivery: 'in_person and/or virtual.',
  insurance: 'Comma-separated payer slugs.',
  accreditation: 'A current accreditation (no expiry, or expiring today or later) from one of the bodies.',
  licensed: 'true: at least one current licence.',
  licenseState: 'A current licence in one of the states.',
  sessionTime: 'morning (<12:00), afternoon (12:00-16:59), evening (>=17:00), weekend (sat/sun).',
  day: 'With startAfter/endBefore: one session must meet all of them.',
  startAfter: 'HH:MM; a session starting at or after it.',
  endBefore: 'HH:MM; a session ending at or before it.',
  acceptingNewPatients: 'true: only programs accepting new patients.',
  sort: 'distance (default with a location), name, or relevance (default with q and no location); ties by id.',
  limit: 'Page size, 1-100 (default 20).',
  cursor: 'Opaque; nextCursor of the previous page.',
};

const jsonSchema = (schema: z.ZodType, io: 'input' | 'output' = 'output') =>
  z.toJSONSchema(schema, { target: 'draft-2020-12', io, unrepresentable: 'any' });

const errorContent = { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } };

/** The OpenAPI 3.1 document of the public API, generated from the same zod schemas the handlers use. */
export function buildOpenApiDocument(): Record<string, unknown> {
  const parameters = Object.entries(searchQuerySchema.shape).map(([name, schema]) => ({
    name,
    in: 'query',
    required: false,
    description: PARAMETER_DESCRIPTIONS[name],
    schema: jsonSchema(schema as z.ZodType, 'input'),
  }));
  return {
    openapi: '3.1.0',
    info: {
      title: 'iop-directory',
      version: '1.0.0',
      description: 'Search licensed, accredited behavioural-health treatment programs (IOP, PHP, outpatient, ...) by location and filters.',
    },
    paths: {
      '/v1/programs': {
        get: {
          operationId: 'searchPrograms',
          summary: 'Search published programs by location and filters, with exact totals, disjunctive facets and cursor paging',
          parameters,
          responses: {
            '200': { description: 'A page of results', content: { 'application/json': { schema: { $ref: '#/components/schemas/SearchResponse' } } } },
            '400': { description: 'Invalid parameter (invalid_request) or unknown zip (unknown_zip)', content: errorContent },
            '503': { description: 'The search engine is unavailable', content: errorContent },
          },
        },
      },
      '/v1/programs/{id}': {
        get: {
          operationId: 'getProgram',
          summary: 'One published program',
          parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
          responses: {
            '200': { description: 'The program', content: { 'application/json': { schema: { $ref: '#/components/schemas/Program' } } } },
            '404': { description: 'No published program with this id', content: errorContent },
          },
        },
      },
      '/v1/openapi.json': {
        get: { operationId: 'getOpenApiDocument', summary: 'This document', responses: { '200': { description: 'OpenAPI 3.1 document' } } },
      },
    },
    components: {
      schemas: {
        ProgramRecord: jsonSchema(programRecordSchema, 'input'),
        ImportRecord: jsonSchema(importRecordSchema, 'input'),
        Program: jsonSchema(publicProgramSchema),
        SearchResponse: jsonSchema(searchResponseSchema),
        Error: jsonSchema(errorResponseSchema),
      },
    },
  };
}
