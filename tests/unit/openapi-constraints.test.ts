import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { claimRequestSchema } from '../../functions/domain/claim';
import { isUsPhone, programSubmissionSchema } from '../../functions/domain/program';
import { reportRequestSchema } from '../../functions/domain/report';
import { NOT_BLANK_PATTERN, US_PHONE_PATTERN } from '../../functions/domain/schema-patterns';
import { searchQuerySchema } from '../../functions/domain/search-request';
import { LEVELS_OF_CARE } from '../../functions/domain/vocabulary';
import { buildOpenApiDocument } from '../../functions/http/openapi-document';
import { rejectionSchema, requiredIfMatchSchema } from '../../functions/http/listing-requests';

/**
 * The OpenAPI document must state what the validators enforce (issue 11, "OpenAPI as the truth"):
 * API testing tools generate requests from it, and a request valid by the document but rejected
 * by the server, or an answer the document does not list, is a contract bug. These tests pin the
 * cases where the two drifted apart once.
 */

type Schema = Record<string, unknown> & { properties?: Record<string, Schema>; items?: Schema; required?: string[] };
interface Parameter {
  name: string;
  in: string;
  required: boolean;
  style?: string;
  explode?: boolean;
  schema: Schema;
}
interface Operation {
  operationId: string;
  security?: unknown[];
  parameters?: Parameter[];
  requestBody?: { content: Record<string, { schema: { $ref: string } }> };
  responses: Record<string, { content?: Record<string, { schema: unknown }>; links?: Record<string, { operationId: string; parameters?: Record<string, string> }> }>;
}
interface Document {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Schema> };
}

const document = JSON.parse(JSON.stringify(buildOpenApiDocument())) as Document;
const operations = Object.entries(document.paths).flatMap(([path, methods]) => Object.entries(methods).map(([method, operation]) => ({ method, path, operation })));
const operation = (id: string) => operations.find((entry) => entry.operation.operationId === id)!.operation;
const parameter = (operationId: string, name: string) => operation(operationId).parameters!.find((entry) => entry.name === name)!;

const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);
/** The document's schema of a component, compiled as a client would read it. */
const documented = (name: string) => ajv.compile(document.components.schemas[name]!);

describe('OpenAPI document: search parameters as the server reads them', () => {
  it('states the ranges of numbers: radius above 0 and at most 500, latitudes and longitudes, zoom, page size', () => {
    expect(parameter('searchPrograms', 'radius').schema).toMatchObject({ type: 'number', exclusiveMinimum: 0, maximum: 500 });
    expect(parameter('searchPrograms', 'lat').schema).toMatchObject({ type: 'number', minimum: -90, maximum: 90 });
    expect(parameter('searchPrograms', 'lon').schema).toMatchObject({ type: 'number', minimum: -180, maximum: 180 });
    expect(parameter('searchPrograms', 'clusters').schema).toMatchObject({ type: 'integer', minimum: 0, maximum: 20 });
    expect(parameter('searchPrograms', 'limit').schema).toMatchObject({ type: 'integer', minimum: 1, maximum: 100 });
    // ... and the server agrees, in the spellings client libraries write numbers in.
    expect(searchQuerySchema.safeParse({ zip: '10001', radius: '0' }).success).toBe(false);
    expect(searchQuerySchema.safeParse({ zip: '10001', radius: '500.5' }).success).toBe(false);
    expect(searchQuerySchema.safeParse({ zip: '10001', radius: '1e-7' }).success).toBe(true);
    expect(searchQuerySchema.safeParse({ lat: '2.5E+1', lon: '-71' }).success).toBe(true);
    expect(searchQuerySchema.safeParse({ clusters: '21' }).success).toBe(false);
  });

  it('states every comma-separated filter as a non-empty list of its vocabulary (style form, not exploded)', () => {
    const lists = operation('searchPrograms').parameters!.filter((entry) => entry.schema.type === 'array' && entry.name !== 'bbox');
    expect(lists.map((entry) => entry.name)).toEqual(expect.arrayContaining(['levelOfCare', 'insurance', 'language', 'state', 'day', 'medication']));
    for (const list of lists) {
      expect(list, list.name).toMatchObject({ style: 'form', explode: false, schema: { minItems: 1 } });
      expect((list.schema.items as { enum?: unknown[] }).enum?.length, list.name).toBeGreaterThan(0);
      // An empty list is what the server rejects, as the document says.
      expect(searchQuerySchema.safeParse({ [list.name]: '' }).success, list.name).toBe(false);
      expect(searchQuerySchema.safeParse({ [list.name]: ' , ' }).success, list.name).toBe(false);
    }
    expect(parameter('searchPrograms', 'levelOfCare').schema.items).toEqual({ type: 'string', enum: [...LEVELS_OF_CARE] });
    expect(parameter('searchPrograms', 'language').schema.items).toMatchObject({ enum: expect.arrayContaining(['en', 'es', 'sgn']) });
    expect(parameter('searchPrograms', 'bbox')).toMatchObject({ style: 'form', explode: false, schema: { type: 'array', minItems: 4, maxItems: 4 } });
  });

  it('names the parameters that exclude or need each other, whose combination is a documented 400', () => {
    const search = operation('searchPrograms') as Operation & { description: string };
    expect(search.description).toMatch(/zip with lat\/lon; near with zip or lat\/lon; bbox with any location/);
    expect(search.responses['400']).toBeDefined();
    for (const [query, path] of [
      [{ zip: '10001', lat: '40', lon: '-73' }, 'zip'],
      [{ bbox: '-74,40,-73,41', zip: '10001' }, 'bbox'],
      [{ radius: '5' }, 'radius'],
      [{ sort: 'distance' }, 'sort'],
      [{ near: 'VT', zip: '10001' }, 'near'],
      [{ reach: 'state' }, 'reach'],
    ] as const) {
      const result = searchQuerySchema.safeParse(query);
      expect(result.success, JSON.stringify(query)).toBe(false);
      expect(result.error!.issues.map((issue) => issue.path.join('.'))).toContain(path);
    }
  });
});

describe('OpenAPI document: request bodies and headers', () => {
  it('requires a non-empty If-Match on PUT /v1/listings/{id}, and only there', () => {
    expect(parameter('updateListing', 'If-Match')).toMatchObject({ in: 'header', required: true, schema: { type: 'string', minLength: 1 } });
    expect(requiredIfMatchSchema.safeParse('').success).toBe(false);
    expect(requiredIfMatchSchema.safeParse(undefined).success).toBe(false);
    for (const id of ['archiveListing', 'confirmListing', 'approveListing', 'rejectListing', 'convertListingToClaim']) {
      expect(parameter(id, 'If-Match').required, id).toBe(false);
    }
  });

  it('gives providers a submission schema without the directory-assigned source and externalId', () => {
    for (const id of ['createListing', 'updateListing']) {
      expect(operation(id).requestBody!.content['application/json']!.schema.$ref, id).toBe('#/components/schemas/ListingSubmission');
    }
    const submission = document.components.schemas.ListingSubmission!;
    expect(Object.keys(submission.properties!)).not.toContain('source');
    expect(Object.keys(submission.properties!)).not.toContain('externalId');
    expect(submission.additionalProperties).toBe(false);
    const body = { name: 'Harbor IOP', address: { street1: '1 Main St', city: 'New York', state: 'NY', zip: '10001' }, levelsOfCare: ['iop'], delivery: ['in_person'] };
    for (const extra of [{ source: 'provider' }, { externalId: 'x-1' }]) {
      expect(documented('ListingSubmission')({ ...body, ...extra }), JSON.stringify(extra)).toBe(false);
      expect(programSubmissionSchema.safeParse({ ...body, ...extra }).success, JSON.stringify(extra)).toBe(false);
    }
  });

  it('agrees with the submission validator on what a body may hold', () => {
    const body = { name: 'Harbor IOP', address: { street1: '1 Main St', city: 'New York', state: 'NY', zip: '10001' }, levelsOfCare: ['iop'], delivery: ['in_person'] };
    const cases: [string, object][] = [
      ['valid', body],
      ['a name of whitespace only', { ...body, name: '\n\t ' }],
      ['an empty name', { ...body, name: '' }],
      ['repeated levels of care', { ...body, levelsOfCare: ['iop', 'iop'] }],
      ['no level of care', { ...body, levelsOfCare: [] }],
      ['an unknown language', { ...body, languages: ['xx'] }],
      ['sign language', { ...body, languages: ['sgn', 'es'] }],
      ['a service area without virtual delivery', { ...body, serviceArea: { states: ['NY'] } }],
      ['a service area with virtual delivery', { ...body, delivery: ['virtual'], serviceArea: { states: ['NY'] } }],
      ['a phone of 10 digits with punctuation', { ...body, phone: '(212) 555-0100 ext. 12' }],
      ['a phone of 9 digits', { ...body, phone: '212-555-010' }],
      ['an empty phone', { ...body, phone: '' }],
      ['an ftp website', { ...body, website: 'ftp://example.org' }],
      ['an https website', { ...body, website: 'https://example.org/iop' }],
      ['a time zone', { ...body, timezone: 'America/New_York' }],
      ['not a time zone', { ...body, timezone: 'Mars/Olympus' }],
      ['latitude out of range', { ...body, location: { lat: 91, lon: 0 } }],
    ];
    const validate = documented('ListingSubmission');
    for (const [what, candidate] of cases) {
      expect(validate(candidate), what).toBe(programSubmissionSchema.safeParse(candidate).success);
    }
  });

  it('states that free text must not be blank wherever the server trims it first ("\\n" is rejected)', () => {
    expect(document.components.schemas.Rejection!.properties!.reason).toMatchObject({ minLength: 1, pattern: NOT_BLANK_PATTERN });
    expect(documented('Rejection')({ reason: '\n' })).toBe(false);
    expect(rejectionSchema.safeParse({ reason: '\n' }).success).toBe(false);
    expect(documented('ReportRequest')({ category: 'closed', message: ' \u00a0' })).toBe(false);
    expect(reportRequestSchema.safeParse({ category: 'closed', message: ' \u00a0' }).success).toBe(false);
    expect(documented('ClaimRequest')({ role: '\u3000' })).toBe(false);
    expect(claimRequestSchema.safeParse({ role: '\u3000' }).success).toBe(false);
    for (const query of [{ q: '  ' }, { near: '\t' }]) expect(searchQuerySchema.safeParse(query).success, JSON.stringify(query)).toBe(false);
    expect(parameter('searchPrograms', 'q').schema).toMatchObject({ pattern: NOT_BLANK_PATTERN });
    expect(parameter('suggestPlaces', 'q').schema).toMatchObject({ pattern: NOT_BLANK_PATTERN });
  });

  it("the phone pattern accepts exactly what isUsPhone accepts (after trimming)", () => {
    const alphabet = ['0', '1', '2', '5', '9', ' ', '-', '.', '(', ')', '+', 'x', 'X', 'ext', 'ext.', 'e', '\t', '\u00a0', 'a', '/'];
    let seed = 7;
    const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648;
    const samples = ['2125550100', '1 (212) 555-0100', '+1 212.555.0100 x12', '212-555-0100 ext. 123456', '212-555-0100 ext 1234567', '2125550100x', '12125550100x1x2'];
    for (let index = 0; index < 20_000; index++) {
      const digits = Array.from({ length: 8 + Math.floor(random() * 5) }, () => String(Math.floor(random() * 10)));
      const noise = Array.from({ length: Math.floor(random() * 6) }, () => alphabet[Math.floor(random() * alphabet.length)]!);
      const parts = [...digits, ...noise].sort(() => random() - 0.5);
      samples.push(random() < 0.5 ? parts.join('') : `${digits.join('')}${noise.join('')}`);
    }
    const disagreements = samples.map((sample) => sample.trim()).filter((sample) => US_PHONE_PATTERN.test(sample) !== isUsPhone(sample));
    expect(disagreements).toEqual([]);
    expect(samples.filter((sample) => isUsPhone(sample.trim())).length).toBeGreaterThan(100);
  });
});

describe('OpenAPI document: statuses and links', () => {
  it('documents every error status each route can answer, each with the error body', () => {
    const expected: Record<string, string[]> = {
      searchPrograms: ['200', '400', '503'],
      suggestPlaces: ['200', '400'],
      getProgram: ['200', '400', '404', '503'],
      reportProblem: ['202', '400', '404', '413', '429', '503'],
      createListing: ['201', '400', '401', '409', '412', '413', '429', '503'],
      listListings: ['200', '400', '401', '503'],
      getListing: ['200', '400', '401', '404', '503'],
      updateListing: ['200', '400', '401', '404', '409', '412', '413', '429', '503'],
      archiveListing: ['200', '400', '401', '404', '409', '412', '503'],
      getListingHistory: ['200', '400', '401', '404', '503'],
      confirmListing: ['200', '400', '401', '404', '409', '412', '503'],
      claimProgram: ['201', '400', '401', '404', '409', '413', '503'],
      getReviewQueue: ['200', '400', '401', '403', '503'],
      getExpiringPrograms: ['200', '400', '401', '403', '503'],
      approveListing: ['200', '400', '401', '403', '404', '409', '412', '503'],
      rejectListing: ['200', '400', '401', '403', '404', '409', '412', '413', '503'],
      convertListingToClaim: ['201', '400', '401', '403', '404', '409', '412', '503'],
      getVocabularies: ['200', '400'],
    };
    for (const [id, statuses] of Object.entries(expected)) {
      const responses = operation(id).responses;
      expect(Object.keys(responses).filter((status) => status !== '304'), id).toEqual(expect.arrayContaining(statuses));
      for (const [status, response] of Object.entries(responses).filter(([status]) => Number(status) >= 400)) {
        expect(response.content?.['application/json']?.schema, `${id} ${status}`).toEqual({ $ref: '#/components/schemas/Error' });
      }
    }
    // Every route behind the token answers 401, every route with parameters or a body 400.
    for (const { method, path, operation: op } of operations) {
      if (op.security) expect(op.responses['401'], `${method} ${path}`).toBeDefined();
      if ((op.parameters ?? []).some((entry) => entry.in !== 'header') || op.requestBody) expect(op.responses['400'], `${method} ${path}`).toBeDefined();
    }
  });

  it('links a new listing to reading, updating, approving and rejecting it, with its id and ETag', () => {
    const links = operation('createListing').responses['201']!.links!;
    expect(links.GetListing).toMatchObject({ operationId: 'getListing', parameters: { id: '$response.body#/id' } });
    expect(links.UpdateListing).toMatchObject({ operationId: 'updateListing', parameters: { id: '$response.body#/id', 'header.If-Match': '$response.header.ETag' } });
    expect(links.ApproveListing).toMatchObject({ operationId: 'approveListing', parameters: { id: '$response.body#/id', 'header.If-Match': '$response.header.ETag' } });
    expect(links.RejectListing).toMatchObject({ operationId: 'rejectListing' });
    // Every link names an operation of the document and only parameters that operation has.
    const ids = new Set(operations.map((entry) => entry.operation.operationId));
    for (const { operation: op } of operations) {
      for (const response of Object.values(op.responses)) {
        for (const [name, link] of Object.entries(response.links ?? {})) {
          expect(ids.has(link.operationId), `${op.operationId} ${name}`).toBe(true);
          const target = operation(link.operationId);
          for (const key of Object.keys(link.parameters ?? {})) {
            const [location, parameterName] = key.includes('.') ? key.split('.') : ['path', key];
            expect(target.parameters?.some((entry) => entry.in === location && entry.name === parameterName), `${op.operationId} ${name} ${key}`).toBe(true);
          }
        }
      }
    }
  });
});
