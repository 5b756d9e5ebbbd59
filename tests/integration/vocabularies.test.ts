import { describe, expect, it } from 'vitest';
import { VOCABULARY_FILTERS } from '../../functions/domain/vocabularies';
import { INSURANCE, LEVELS_OF_CARE } from '../../functions/domain/vocabulary';
import { api } from '../support/http';

interface Vocabularies {
  lang: string;
  filters: { parameter: string; label: string; description: string; values: { value: string; label: string; description: string }[] }[];
}

const valueOf = (body: Vocabularies, parameter: string, value: string) =>
  body.filters.find((filter) => filter.parameter === parameter)?.values.find((item) => item.value === value);

describe('GET /v1/vocabularies', () => {
  it('answers in English by default, with every filter and every value', async () => {
    const response = await api<Vocabularies>('GET', '/v1/vocabularies');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(response.body.lang).toBe('en');
    expect(response.body.filters.map((filter) => filter.parameter)).toEqual(VOCABULARY_FILTERS.map((filter) => filter.parameter));
    expect(response.body.filters.map((filter) => filter.parameter)).toEqual(
      expect.arrayContaining(['levelOfCare', 'condition', 'service', 'ageGroup', 'language', 'delivery', 'insurance', 'accreditation', 'sessionTime', 'day', 'medication', 'population', 'gender', 'ownership']),
    );
    const levels = response.body.filters.find((filter) => filter.parameter === 'levelOfCare')!;
    expect(levels.values.map((value) => value.value)).toEqual([...LEVELS_OF_CARE]);
    expect(response.body.filters.find((filter) => filter.parameter === 'insurance')!.values.map((value) => value.value)).toEqual([...INSURANCE]);
    expect(valueOf(response.body, 'levelOfCare', 'iop')).toEqual({
      value: 'iop',
      label: 'Intensive outpatient (IOP)',
      description: 'Treatment several days a week for a few hours a day, while you live at home.',
    });
    expect(valueOf(response.body, 'language', 'sgn')?.label).toBe('Sign language');
    for (const filter of response.body.filters) {
      expect(filter.label, filter.parameter).not.toBe('');
      for (const value of filter.values) expect(value.description, `${filter.parameter}.${value.value}`).not.toBe('');
    }
  });

  it('answers in Spanish with lang=es', async () => {
    const [english, spanish] = await Promise.all([api<Vocabularies>('GET', '/v1/vocabularies?lang=en'), api<Vocabularies>('GET', '/v1/vocabularies?lang=es')]);
    expect(spanish.status).toBe(200);
    expect(spanish.body.lang).toBe('es');
    expect(spanish.body.filters.map((filter) => filter.parameter)).toEqual(english.body.filters.map((filter) => filter.parameter));
    expect(valueOf(spanish.body, 'levelOfCare', 'php')?.label).toBe('Hospitalización parcial (PHP)');
    expect(valueOf(spanish.body, 'insurance', 'medicaid')?.label).toBe('Medicaid');
    expect(valueOf(spanish.body, 'day', 'wed')?.label).toBe('Miércoles');
    // Same values in the same order as English.
    spanish.body.filters.forEach((filter, index) =>
      expect(filter.values.map((value) => value.value), filter.parameter).toEqual(english.body.filters[index]!.values.map((value) => value.value)),
    );
  });

  it('rejects another language, naming lang, and unknown parameters', async () => {
    const french = await api('GET', '/v1/vocabularies?lang=fr');
    expect(french.status).toBe(400);
    expect(french.body.error.code).toBe('invalid_request');
    expect(french.body.error.details).toEqual([expect.objectContaining({ path: 'lang' })]);

    const unknown = await api('GET', '/v1/vocabularies?language=es');
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.code).toBe('invalid_request');
  });
});
