import type { Kysely } from 'kysely';

/**
 * Targets that could not be assessed (every check `error`: DNS unreachable, host down) get no
 * grade instead of F·0. `assessment_targets.assessed` = 0 marks them; their `score`/`grade`
 * columns (NOT NULL since 0100, and SQLite cannot drop that without rebuilding the table and its
 * cascading children) then hold the placeholders 0 and '' that the repository reads back as null.
 * `assessment_runs.not_assessed` counts them, so the run's mean can say how many it left out.
 * Existing rows were all scored: the defaults keep them as they were.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('assessment_targets')
    .addColumn('assessed', 'integer', (c) => c.notNull().defaultTo(1))
    .execute();
  await db.schema
    .alterTable('assessment_runs')
    .addColumn('not_assessed', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
}

export async function down(): Promise<void> {
  throw new Error('assessment not-assessed migration cannot be reverted');
}
