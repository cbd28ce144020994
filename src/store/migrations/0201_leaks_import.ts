import type { Kysely } from 'kysely';
import { binaryType } from './helpers.js';

/**
 * What a leak import needs to resume without reading a file again from its start
 * (src/leaks/import/resume.ts): the file's census and account count as its scan found them, and
 * the first offset of each of its accounts (sorted, float64), kept while the file is in progress.
 * Existing rows get nulls: such a file resumes by scanning it whole, as before.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('leak_files').addColumn('scan', 'text').execute();
  await db.schema.alterTable('leak_files').addColumn('first_offsets', binaryType(db)).execute();
}

export async function down(): Promise<void> {
  throw new Error('leaks import migration cannot be reverted');
}
