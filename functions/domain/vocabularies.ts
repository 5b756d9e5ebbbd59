import { z } from 'zod';
import {
  ACCREDITATION_BODIES,
  AGE_GROUPS,
  CONDITIONS,
  DELIVERY_MODES,
  GENDERS,
  INSURANCE,
  LEVELS_OF_CARE,
  MEDICATIONS,
  OWNERSHIP,
  POPULATIONS,
  SERVICES,
  SESSION_TIMES,
  WEEKDAYS,
} from './vocabulary';
import { en } from './vocabulary-labels/en';
import { es } from './vocabulary-labels/es';
import { LISTED_LANGUAGES, type VocabularyLabels } from './vocabulary-labels/types';

export const VOCABULARY_LANGUAGES = ['en', 'es'] as const;
export type VocabularyLanguage = (typeof VOCABULARY_LANGUAGES)[number];

export const VOCABULARY_LABELS: Readonly<Record<VocabularyLanguage, VocabularyLabels>> = { en, es };

/**
 * The search parameters (functions/domain/search-request.ts) that take vocabulary values, in the
 * order a search form would show them, each with its values in vocabulary order. `language`
 * lists only LISTED_LANGUAGES: the filter takes any ISO 639-1 code.
 */
export const VOCABULARY_FILTERS = [
  { parameter: 'levelOfCare', values: LEVELS_OF_CARE },
  { parameter: 'condition', values: CONDITIONS },
  { parameter: 'service', values: SERVICES },
  { parameter: 'ageGroup', values: AGE_GROUPS },
  { parameter: 'language', values: LISTED_LANGUAGES },
  { parameter: 'delivery', values: DELIVERY_MODES },
  { parameter: 'insurance', values: INSURANCE },
  { parameter: 'accreditation', values: ACCREDITATION_BODIES },
  { parameter: 'sessionTime', values: SESSION_TIMES },
  { parameter: 'day', values: WEEKDAYS },
  { parameter: 'medication', values: MEDICATIONS },
  { parameter: 'population', values: POPULATIONS },
  { parameter: 'gender', values: GENDERS },
  { parameter: 'ownership', values: OWNERSHIP },
] as const satisfies readonly { parameter: keyof VocabularyLabels; values: readonly string[] }[];

/** The query string of `GET /v1/vocabularies`: unknown parameters are rejected, as in search. */
export const vocabulariesQuerySchema = z.strictObject({
  lang: z.enum(VOCABULARY_LANGUAGES, { message: "must be 'en' or 'es'" }).default('en'),
});

const labelSchema = z.object({ value: z.string(), label: z.string(), description: z.string() });

export const vocabulariesResponseSchema = z.object({
  lang: z.enum(VOCABULARY_LANGUAGES),
  filters: z.array(
    z.object({
      parameter: z.enum(VOCABULARY_FILTERS.map((filter) => filter.parameter) as [string, ...string[]]),
      label: z.string(),
      description: z.string(),
      values: z.array(labelSchema),
    }),
  ),
});
export type VocabulariesResponse = z.infer<typeof vocabulariesResponseSchema>;

/** Every filter's values with their label and description in `lang`. */
export function vocabulariesFor(lang: VocabularyLanguage): VocabulariesResponse {
  const labels = VOCABULARY_LABELS[lang];
  return {
    lang,
    filters: VOCABULARY_FILTERS.map(({ parameter, values }) => {
      const filter = labels[parameter];
      const byValue = filter.values as Readonly<Record<string, { label: string; description: string }>>;
      return {
        parameter,
        label: filter.label,
        description: filter.description,
        values: values.map((value) => ({ value, label: byValue[value]!.label, description: byValue[value]!.description })),
      };
    }),
  };
}
