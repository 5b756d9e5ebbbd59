import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { VOCABULARY_LANGUAGES, vocabulariesFor, vocabulariesQuerySchema, type VocabularyLanguage } from '../domain/vocabularies';
import { httpCaching, BUNDLED_DATA } from '../http/http-caching';
import { httpErrors } from '../http/http-errors';
import { jsonResponse } from '../http/json-response';
import { parseInput } from '../http/parse-input';
import { observability } from '../observability/observability';

// A pure function of the bundled label files: built once per process, never from the table or search.
const bodies = Object.fromEntries(VOCABULARY_LANGUAGES.map((lang) => [lang, vocabulariesFor(lang)])) as Record<VocabularyLanguage, ReturnType<typeof vocabulariesFor>>;

export const handler = middy<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>()
  .use(observability({ service: 'vocabularies' }))
  .use(httpCaching(BUNDLED_DATA))
  .use(httpErrors())
  .handler(async (event) => {
    const { lang } = parseInput(vocabulariesQuerySchema, event.queryStringParameters ?? {}, 'query parameters');
    return jsonResponse(200, bodies[lang], { 'content-language': lang });
  });
