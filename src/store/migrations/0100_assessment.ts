import type { Kysely } from 'kysely';
import { serialPrimaryKey } from './helpers.js';

/**
 * Assessment runs (issue 3): one row per run, one per assessed target, one per check result with
 * its evidence. Text shown to people is stored in both languages (JSON {vi, en}) so a run can be
 * rendered and exported in either later.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('assessment_runs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull()) // org | mail | web
    .addColumn('scope', 'text', (c) => c.notNull()) // the organisation's name or the single target
    .addColumn('organisation', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('status', 'text', (c) => c.notNull()) // running | done | failed
    .addColumn('started_at', 'text', (c) => c.notNull())
    .addColumn('finished_at', 'text')
    .addColumn('score', 'integer')
    .addColumn('grade', 'text')
    .addColumn('target_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('failed_checks', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('actor', 'text', (c) => c.notNull().defaultTo('cli'))
    .addColumn('error', 'text')
    .execute();
  await db.schema.createIndex('assessment_runs_started').on('assessment_runs').column('started_at').execute();

  await db.schema
    .createTable('assessment_targets')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('run_id', 'text', (c) => c.notNull().references('assessment_runs.id').onDelete('cascade'))
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('target', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('name', 'text')
    .addColumn('started_at', 'text', (c) => c.notNull())
    .addColumn('duration_ms', 'integer', (c) => c.notNull())
    .addColumn('score', 'integer', (c) => c.notNull())
    .addColumn('grade', 'text', (c) => c.notNull())
    .addColumn('score_report', 'text', (c) => c.notNull()) // ScoreReport JSON (categories, cap)
    .addColumn('errors', 'text', (c) => c.notNull()) // JSON string[]
    .addColumn('failed_checks', 'integer', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('assessment_targets_run').on('assessment_targets').columns(['run_id', 'position']).execute();
  await db.schema.createIndex('assessment_targets_target').on('assessment_targets').columns(['target', 'started_at']).execute();

  await serialPrimaryKey(db, db.schema.createTable('assessment_checks'), 'id')
    .addColumn('target_id', 'text', (c) => c.notNull().references('assessment_targets.id').onDelete('cascade'))
    .addColumn('run_id', 'text', (c) => c.notNull())
    .addColumn('check_id', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('severity', 'text', (c) => c.notNull())
    .addColumn('category', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull()) // {vi, en}
    .addColumn('detail', 'text', (c) => c.notNull()) // {vi, en}
    .addColumn('remediation', 'text', (c) => c.notNull()) // {vi, en}
    .addColumn('refs', 'text', (c) => c.notNull()) // string[]
    .addColumn('evidence', 'text', (c) => c.notNull()) // JSON, capped in size
    .execute();
  await db.schema.createIndex('assessment_checks_target').on('assessment_checks').column('target_id').execute();
  await db.schema.createIndex('assessment_checks_run_status').on('assessment_checks').columns(['run_id', 'status']).execute();
}

export async function down(): Promise<void> {
  throw new Error('assessment migration cannot be reverted');
}
