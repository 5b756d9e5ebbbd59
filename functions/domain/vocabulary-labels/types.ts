import type {
  AccreditationBody,
  AgeGroup,
  Condition,
  DeliveryMode,
  Gender,
  Insurance,
  LevelOfCare,
  Medication,
  Ownership,
  Population,
  Service,
  SessionTime,
  Weekday,
} from '../vocabulary';

/** One value as a person choosing care reads it: a short name and one plain sentence. */
export interface Label {
  readonly label: string;
  readonly description: string;
}

/**
 * The languages `GET /v1/vocabularies` labels. The `language` filter takes any ISO 639-1 code
 * (and `sgn`), far too many to write for people; these are the languages US programs list most
 * often (English, Spanish, then the languages the Census counts most spoken at home), plus sign
 * language services.
 */
export const LISTED_LANGUAGES = ['en', 'es', 'zh', 'vi', 'ko', 'ru', 'ar', 'fr', 'de', 'pt', 'tl', 'ht', 'sgn'] as const;
export type ListedLanguage = (typeof LISTED_LANGUAGES)[number];

/** A filter's own name and sentence, and every one of its values: a missing value is a type error. */
export interface FilterLabels<V extends string> {
  readonly label: string;
  readonly description: string;
  readonly values: Readonly<Record<V, Label>>;
}

/** Everything one language says about the search filters; `en.ts` and `es.ts` each export one. */
export interface VocabularyLabels {
  readonly levelOfCare: FilterLabels<LevelOfCare>;
  readonly condition: FilterLabels<Condition>;
  readonly service: FilterLabels<Service>;
  readonly ageGroup: FilterLabels<AgeGroup>;
  readonly language: FilterLabels<ListedLanguage>;
  readonly delivery: FilterLabels<DeliveryMode>;
  readonly insurance: FilterLabels<Insurance>;
  readonly accreditation: FilterLabels<AccreditationBody>;
  readonly sessionTime: FilterLabels<SessionTime>;
  readonly day: FilterLabels<Weekday>;
  readonly medication: FilterLabels<Medication>;
  readonly population: FilterLabels<Population>;
  readonly gender: FilterLabels<Gender>;
  readonly ownership: FilterLabels<Ownership>;
}
