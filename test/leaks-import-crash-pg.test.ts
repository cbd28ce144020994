import { expect, it } from 'vitest';
import { testDialects } from '../src/store/testing.js';
import { crashScenario } from './support/leaks-import-crash.js';

// The kill -9 scenario on PostgreSQL (its own file: vitest runs the two dialects in parallel).
if (testDialects().includes('postgres')) crashScenario('postgres');
else it('runs on PostgreSQL when VIGIL_TEST_DATABASE_URL is set (always on CI)', () => expect(process.env.CI).toBeFalsy());
