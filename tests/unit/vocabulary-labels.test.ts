import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { VOCABULARY_FILTERS, VOCABULARY_LABELS, VOCABULARY_LANGUAGES, vocabulariesFor, vocabulariesResponseSchema } from '../../functions/domain/vocabularies';
import { searchQuerySchema } from '../../functions/domain/search-request';
import { isLanguageCode } from '../../functions/domain/language-codes';
import * as vocabulary from '../../functions/domain/vocabulary';
import { LISTED_LANGUAGES, type Label } from '../../functions/domain/vocabulary-labels/types';
import { handler } from '../../functions/handlers/vocabularies';
import { createLambdaContext } from '../../local/lambda/lambda-context';

/** Each filter parameter and the vocabulary it draws from: a value added to one of these arrays later must get labels. */
const VOCABULARY_OF: Record<string, readonly string[]> = {
  levelOfCare: vocabulary.LEVELS_OF_CARE,
  condition: vocabulary.CONDITIONS,
  service: vocabulary.SERVICES,
  ageGroup: vocabulary.AGE_GROUPS,
  language: LISTED_LANGUAGES,
  delivery: vocabulary.DELIVERY_MODES,
  insurance: vocabulary.INSURANCE,
  accreditation: vocabulary.ACCREDITATION_BODIES,
  sessionTime: vocabulary.SESSION_TIMES,
  day: vocabulary.WEEKDAYS,
  medication: vocabulary.MEDICATIONS,
  population: vocabulary.POPULATIONS,
  gender: vocabulary.GENDERS,
  ownership: vocabulary.OWNERSHIP,
};

/**
 * Spanish text that may equal its English text: proper names (payers, accrediting bodies, a
 * brand of medicine) and a word that is the same in both languages. Anything else identical is
 * an untranslated string.
 */
const SAME_IN_BOTH = new Set([
  'Medicaid',
  'Medicare',
  'TRICARE',
  'Aetna',
  'Anthem',
  'Blue Cross Blue Shield',
  'Cigna',
  'Humana',
  'Kaiser Permanente',
  'UnitedHealthcare',
  'CARF',
  'NCQA',
  'COA',
  'HFAP',
  'Disulfiram (Antabuse)',
  'Tribal',
]);

const nonEmpty = (text: string | undefined) => typeof text === 'string' && text.trim().length > 0;

describe('vocabulary labels', () => {
  it('cover every search parameter that takes vocabulary values, and only those', () => {
    const parameters = VOCABULARY_FILTERS.map((filter) => filter.parameter);
    expect([...parameters].sort()).toEqual(Object.keys(VOCABULARY_OF).sort());
    for (const parameter of parameters) expect(Object.keys(searchQuerySchema.shape), parameter).toContain(parameter);
    for (const { parameter, values } of VOCABULARY_FILTERS) expect([...values], parameter).toEqual([...VOCABULARY_OF[parameter]!]);
    // The languages listed are codes the language filter accepts.
    expect(LISTED_LANGUAGES.filter((code) => !isLanguageCode(code))).toEqual([]);
  });

  it.each(VOCABULARY_LANGUAGES)('give every value a non-empty label and description in %s', (lang) => {
    const labels = VOCABULARY_LABELS[lang] as unknown as Record<string, { label: string; description: string; values: Record<string, Label | undefined> }>;
    const missing: string[] = [];
    for (const [parameter, values] of Object.entries(VOCABULARY_OF)) {
      const filter = labels[parameter];
      if (!filter || !nonEmpty(filter.label) || !nonEmpty(filter.description)) missing.push(parameter);
      for (const value of values) {
        const label = filter?.values[value];
        if (!nonEmpty(label?.label) || !nonEmpty(label?.description)) missing.push(`${parameter}.${value}`);
      }
      // No labels for values the vocabulary no longer has.
      for (const value of Object.keys(filter?.values ?? {})) if (!values.includes(value)) missing.push(`${parameter}.${value} (not in the vocabulary)`);
    }
    expect(missing).toEqual([]);
  });

  it('words every description as one sentence', () => {
    for (const lang of VOCABULARY_LANGUAGES) {
      for (const filter of vocabulariesFor(lang).filters) {
        for (const { value, description } of filter.values) expect(description, `${lang} ${filter.parameter}.${value}`).toMatch(/^[A-ZÁÉÍÓÚÑ¿].*[.]$/u);
      }
    }
  });

  it('translates Spanish rather than copying English, except proper names', () => {
    const english = vocabulariesFor('en');
    const spanish = vocabulariesFor('es');
    const copied: string[] = [];
    english.filters.forEach((filter, index) => {
      const other = spanish.filters[index]!;
      if (filter.label === other.label) copied.push(`${filter.parameter} label`);
      if (filter.description === other.description) copied.push(`${filter.parameter} description`);
      filter.values.forEach((value, valueIndex) => {
        const translated = other.values[valueIndex]!;
        if (value.label === translated.label && !SAME_IN_BOTH.has(value.label)) copied.push(`${filter.parameter}.${value.value} label`);
        if (value.description === translated.description) copied.push(`${filter.parameter}.${value.value} description`);
      });
    });
    expect(copied).toEqual([]);
  });

  it('answers through the handler, validating lang', async () => {
    const context = createLambdaContext('vocabularies');
    const call = (query?: Record<string, string>) => handler({ queryStringParameters: query } as unknown as APIGatewayProxyEventV2, context);
    const english = await call();
    expect(english.statusCode).toBe(200);
    const body = vocabulariesResponseSchema.parse(JSON.parse(String(english.body)));
    expect(body.lang).toBe('en');
    expect(body.filters.find((filter) => filter.parameter === 'levelOfCare')?.values.find((value) => value.value === 'iop')?.label).toBe('Intensive outpatient (IOP)');
    const spanish = JSON.parse(String((await call({ lang: 'es' })).body)) as typeof body;
    expect(spanish.filters.find((filter) => filter.parameter === 'levelOfCare')?.values.find((value) => value.value === 'php')?.label).toBe('Hospitalización parcial (PHP)');
    for (const query of [{ lang: 'fr' }, { lang: 'EN' }, { language: 'es' }] as Record<string, string>[]) {
      const response = await call(query);
      expect(response.statusCode, JSON.stringify(query)).toBe(400);
      expect(JSON.parse(String(response.body)).error.code).toBe('invalid_request');
    }
  });
});
