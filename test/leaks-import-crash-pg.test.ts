import { it } from 'vitest';
import { postgresSkipReason } from '../src/store/testing.js';
import { crashScenario } from './support/leaks-import-crash.js';

// The kill -9 scenario on PostgreSQL (its own file: vitest runs the two dialects in parallel).
// Without PostgreSQL it shows as skipped with the reason; on CI it fails (postgresSkipReason throws).
const skipReason = postgresSkipReason();
if (skipReason === undefined) crashScenario('postgres');
else it('kill -9 during a leak import on PostgreSQL', (ctx) => ctx.skip(skipReason));
