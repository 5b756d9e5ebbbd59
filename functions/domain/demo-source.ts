/**
 * Invented demo programs (seed/demo) carry this source in every result, and a deployed
 * directory refuses them row by row: they are for demos, tests and benchmarks, never for a
 * person looking for care.
 */
export const DEMO_SOURCE = 'demo';
export const DEMO_REFUSAL = 'demo data is fictional and is never loaded into a deployed directory';
