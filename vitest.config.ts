import { defineConfig } from 'vitest/config';

/**
 * The API and dashboard suites open their store through `suiteDialect()` (src/store/testing.ts):
 * SQLite in the "main" project, and once more on PostgreSQL in the "postgres" project, which sets
 * VIGIL_TEST_DIALECT. A second project rather than describe.each in each file: the files stay as
 * they are (one store, one server per file) and vitest schedules the PostgreSQL runs as files of
 * their own. Files that already loop over testDialects() are not listed. The dashboard files are
 * the main flow of each capability only (Chromium time on a 2-core CI).
 */
const POSTGRES_SUITES = [
  'test/api-auth.test.ts',
  'test/api-cli.test.ts',
  'test/assess-api.test.ts',
  'test/leaks-api.test.ts',
  'test/watch-api.test.ts',
  'test/dashboard.test.ts',
  'test/assess-dashboard.test.ts',
  'test/leaks-dashboard.test.ts',
];

// On CI PostgreSQL is required: the project is always there, and without VIGIL_TEST_DATABASE_URL its
// files fail in createScratchDatabase. Locally without the variable it is left out, and said so.
const postgres = Boolean(process.env.VIGIL_TEST_DATABASE_URL || process.env.CI);
if (!postgres) console.warn('vitest: VIGIL_TEST_DATABASE_URL is not set, the API and dashboard suites run on SQLite only (CI runs them on PostgreSQL too)');

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Two cores on CI: run two files at a time; each lab binds its own loopback ports.
    maxWorkers: 2,
    projects: [
      { extends: true, test: { name: 'main', include: ['src/**/*.test.ts', 'test/**/*.test.ts'] } },
      ...(postgres ? [{ extends: true, test: { name: 'postgres', include: POSTGRES_SUITES, env: { VIGIL_TEST_DIALECT: 'postgres' } } }] : []),
    ],
  },
});
