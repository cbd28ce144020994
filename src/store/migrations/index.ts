import type { Migration, MigrationProvider } from 'kysely';
import * as m0001 from './0001_foundation.js';
import * as m0010 from './0010_login_lockouts.js';
import * as m0100 from './0100_assessment.js';
import * as m0101 from './0101_assessment_not_assessed.js';
import * as m0200 from './0200_leaks.js';
import * as m0201 from './0201_leaks_import.js';
import * as m0202 from './0202_leak_source_sketches.js';
import * as m0203 from './0203_leak_url_passwords.js';
import * as m0300 from './0300_watch.js';

/**
 * The one list of migrations for both dialects, applied in name order at start. Capabilities
 * take their own number range so parallel work never collides: 0001–0099 foundation,
 * 0100 assessment, 0200 leaks, 0300 watch, 0400 incidents and reports.
 */
export const migrations: Record<string, Migration> = {
  '0001_foundation': m0001,
  '0010_login_lockouts': m0010,
  '0100_assessment': m0100,
  '0101_assessment_not_assessed': m0101,
  '0200_leaks': m0200,
  '0201_leaks_import': m0201,
  '0202_leak_source_sketches': m0202,
  '0203_leak_url_passwords': m0203,
  '0300_watch': m0300,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => migrations,
};
