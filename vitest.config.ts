import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    // Starts OpenSearch, dynalite and the stream emulator once for the whole run.
    globalSetup: ['tests/global-setup.ts'],
    // Child processes, not threads: tests spawn CLIs and engines, and env set by the global
    // setup reaches every worker.
    pool: 'forks',
    testTimeout: 60_000,
    // Hooks may start engines of their own (a cold OpenSearch with Maven resolution is ~30 s).
    hookTimeout: 180_000,
    // Stopping OpenSearch flushes shards and may write its class-data archive.
    teardownTimeout: 90_000,
  },
});
