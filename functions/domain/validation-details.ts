import type { z } from 'zod';
import type { ErrorDetail } from './errors';

/**
 * Zod issues as the contract's error details: a dotted path naming the field (or parameter), and
 * one detail per unknown key so each misspelt name is reported by itself.
 */
export function toErrorDetails(issues: readonly z.core.$ZodIssue[], prefix: readonly PropertyKey[] = []): ErrorDetail[] {
  return issues.flatMap((issue) => {
    const path = [...prefix, ...issue.path];
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ path: [...path, key].map(String).join('.'), message: 'is not a recognised field' }));
    }
    return [{ path: path.map(String).join('.'), message: issue.message }];
  });
}
