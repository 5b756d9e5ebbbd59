import ISO6391 from 'iso-639-1';
import { EXTRA_LANGUAGE_CODES } from './vocabulary';

/** ISO 639-1, or `sgn` for sign language services (contract 1.1). */
export function isLanguageCode(code: string): boolean {
  return ISO6391.validate(code) || (EXTRA_LANGUAGE_CODES as readonly string[]).includes(code);
}

/** ISO 639-1 codes, and `sgn` for sign language services (contract 1.1): what `isLanguageCode` accepts. */
export const LANGUAGE_CODES: [string, ...string[]] = [...EXTRA_LANGUAGE_CODES, ...ISO6391.getAllCodes()].sort() as string[] as [string, ...string[]];
