import { crashScenario } from './support/leaks-import-crash.js';

// kill -9 in the middle of `vigil leaks import`, run again: see the scenario. PostgreSQL: leaks-import-crash-pg.test.ts.
crashScenario('sqlite');
