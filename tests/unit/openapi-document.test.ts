import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { directoryFunctions } from '../../infra/config/functions';
import { handler as openApiDocument } from '../../functions/handlers/openapi-document';
import { FACET_NAMES } from '../../functions/domain/search-criteria';
import { searchQuerySchema } from '../../functions/domain/search-request';
import { INSURANCE, LEVELS_OF_CARE, MEDICATIONS } from '../../functions/domain/vocabulary';
import { createLambdaContext } from '../../local/lambda/lambda-context';

type Document = {
  openapi: string;
  paths: Record<string, { get: { parameters?: { name: string; in: string; description?: string; schema: unknown }[] } }>;
  components: {
    schemas: Record<string, { properties?: Record<string, { items?: { enum?: string[] }; properties?: Record<string, unknown> }>; required?: string[] }>;
  };
};

describe('OpenAPI document', () => {
  it('is OpenAPI 3.1, generated from the same schemas the handlers validate with', async () => {
    const response = await openApiDocument({} as APIGatewayProxyEventV2, createLambdaContext('openapi-document'));
    expect(response.statusCode).toBe(200);
    const document = JSON.parse(String(response.body)) as Document;
    expect(document.openapi).toBe('3.1.0');
    // Every route the API deploys is documented with its method, and nothing else is.
    const deployed = Object.values(directoryFunctions)
      .flatMap((definition) => ('route' in definition ? [definition.route.routeKey.toLowerCase()] : []))
      .sort();
    const documented = Object.entries(document.paths)
      .flatMap(([path, operations]) => Object.keys(operations as object).map((method) => `${method} ${path}`.toLowerCase()))
      .sort();
    expect(documented).toEqual(deployed);

    const parameters = document.paths['/v1/programs']!.get.parameters!.filter((parameter) => parameter.in === 'query');
    expect(parameters.map((parameter) => parameter.name).sort()).toEqual(Object.keys(searchQuerySchema.shape).sort());
    // Every search parameter, the 1.1 ones (medication, population, gender, ownership) included, is described.
    expect(parameters.filter((parameter) => !parameter.description).map((parameter) => parameter.name)).toEqual([]);
    expect(parameters.map((parameter) => parameter.name)).toEqual(expect.arrayContaining(['medication', 'population', 'gender', 'ownership']));

    const record = document.components.schemas.ProgramRecord!;
    expect(record.required).toEqual(expect.arrayContaining(['name', 'address', 'levelsOfCare', 'delivery']));
    expect(record.properties?.levelsOfCare?.items?.enum).toEqual([...LEVELS_OF_CARE]);
    expect(record.properties?.insurance?.items?.enum).toEqual([...INSURANCE]);
    expect(document.components.schemas.ImportRecord!.required).toContain('externalId');
    expect(record.properties?.medications?.items?.enum).toEqual([...MEDICATIONS]);
    const searchResponse = document.components.schemas.SearchResponse!;
    expect(searchResponse.required).toEqual(expect.arrayContaining(['total', 'results', 'facets', 'nextCursor']));
    expect(Object.keys(searchResponse.properties?.facets?.properties ?? {}).sort()).toEqual([...FACET_NAMES].sort());
    expect(FACET_NAMES).toEqual(expect.arrayContaining(['medication', 'population']));
  });

  it('documents the caching of the four public reads (contract section 9) and of nothing else', async () => {
    const response = await openApiDocument({} as APIGatewayProxyEventV2, createLambdaContext('openapi-document'));
    const document = JSON.parse(String(response.body)) as { paths: Record<string, Record<string, Operation>> };
    const cached = Object.entries(document.paths).flatMap(([path, operations]) => Object.entries(operations).filter(([, operation]) => '304' in operation.responses).map(([method]) => `${method} ${path}`));
    expect(cached.sort()).toEqual(['get /v1/places', 'get /v1/programs', 'get /v1/programs/{id}', 'get /v1/vocabularies']);
    for (const path of ['/v1/programs', '/v1/programs/{id}', '/v1/places', '/v1/vocabularies']) {
      const operation = document.paths[path]!.get!;
      expect(operation.parameters.filter((parameter) => parameter.in === 'header').map((parameter) => parameter.name), path).toEqual(['If-None-Match']);
      expect(Object.keys(operation.responses['200']!.headers ?? {}).sort(), path).toEqual(['Cache-Control', 'ETag']);
      expect(Object.keys(operation.responses['304']!.headers ?? {}).sort(), path).toEqual(['Cache-Control', 'ETag']);
    }
    expect(document.paths['/v1/programs']!.get!.responses['200']!.headers!['Cache-Control']!.description).toMatch(/^public, max-age=60, stale-while-revalidate=300 /);
    expect(document.paths['/v1/vocabularies']!.get!.responses['200']!.headers!['Cache-Control']!.description).toMatch(/^public, max-age=86400, /);
  });
});

interface Operation {
  parameters: { name: string; in: string }[];
  responses: Record<string, { headers?: Record<string, { description: string }> }>;
}
