import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

/**
 * Runs only the infrastructure tests, without the root config's global setup: synthesis needs no
 * OpenSearch or DynamoDB, so there is no reason to start them (npx vitest run -c tests/infra/vitest.config.ts).
 * The root config runs these files too, as part of the full suite.
 */
export default defineConfig({
  root: fileURLToPath(new URL('../..', import.meta.url)),
  test: {
    include: ['tests/infra/**/*.test.ts'],
    pool: 'forks',
    // Each file bundles the four functions per stage with esbuild before its first assertion.
    hookTimeout: 120_000,
    testTimeout: 60_000,
  },
});
