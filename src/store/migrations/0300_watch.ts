import type { Kysely } from 'kysely';
import { serialPrimaryKey } from './helpers.js';

/** Holiday watch: monitors, their state and results, rollups, baselines, alerts, outbox, roster, watch log. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('watch_monitors')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('spec', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('enabled', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('watch_state')
    .addColumn('monitor_id', 'text', (c) => c.primaryKey())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('reported_status', 'text', (c) => c.notNull())
    .addColumn('failures', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('successes', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('detail', 'text')
    .addColumn('response_ms', 'integer')
    .addColumn('checked_at', 'text')
    .addColumn('changed_at', 'text')
    .addColumn('memory', 'text')
    .execute();

  await serialPrimaryKey(db, db.schema.createTable('watch_results'), 'id')
    .addColumn('monitor_id', 'text', (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('response_ms', 'integer')
    .addColumn('detail', 'text')
    .execute();
  await db.schema.createIndex('watch_results_monitor_at').on('watch_results').columns(['monitor_id', 'at']).execute();
  await db.schema.createIndex('watch_results_at').on('watch_results').column('at').execute();

  await db.schema
    .createTable('watch_rollups')
    .addColumn('monitor_id', 'text', (c) => c.notNull())
    .addColumn('grain', 'text', (c) => c.notNull())
    .addColumn('start', 'text', (c) => c.notNull())
    .addColumn('total', 'integer', (c) => c.notNull())
    .addColumn('up', 'integer', (c) => c.notNull())
    .addColumn('degraded', 'integer', (c) => c.notNull())
    .addColumn('down', 'integer', (c) => c.notNull())
    .addColumn('sum_ms', 'integer', (c) => c.notNull())
    .addColumn('max_ms', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('watch_rollups_pk', ['monitor_id', 'grain', 'start'])
    .execute();

  await db.schema
    .createTable('watch_baselines')
    .addColumn('monitor_id', 'text', (c) => c.primaryKey())
    .addColumn('data', 'text', (c) => c.notNull())
    .addColumn('html', 'text', (c) => c.notNull())
    .addColumn('screenshot', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('watch_alerts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('monitor_id', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('severity', 'text', (c) => c.notNull())
    .addColumn('summary', 'text', (c) => c.notNull())
    .addColumn('detail', 'text')
    .addColumn('evidence', 'text')
    .addColumn('opened_at', 'text', (c) => c.notNull())
    .addColumn('last_notified_at', 'text')
    .addColumn('resolved_at', 'text')
    .addColumn('acked_at', 'text')
    .addColumn('acked_by', 'text')
    .addColumn('escalation_step', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('escalated_at', 'text')
    .execute();
  await db.schema.createIndex('watch_alerts_open').on('watch_alerts').columns(['monitor_id', 'resolved_at']).execute();

  await serialPrimaryKey(db, db.schema.createTable('watch_outbox'), 'id')
    .addColumn('idempotency_key', 'text', (c) => c.notNull().unique())
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('message', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'text', (c) => c.notNull())
    .addColumn('in_flight_since', 'text')
    .addColumn('last_error', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('sent_at', 'text')
    .execute();
  await db.schema.createIndex('watch_outbox_due').on('watch_outbox').columns(['state', 'next_attempt_at']).execute();

  await db.schema
    .createTable('watch_shifts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('starts_at', 'text', (c) => c.notNull())
    .addColumn('ends_at', 'text', (c) => c.notNull())
    .addColumn('primary_person', 'text', (c) => c.notNull())
    .addColumn('secondary_person', 'text')
    .addColumn('label', 'text')
    .addColumn('source', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('watch_shifts_time').on('watch_shifts').columns(['starts_at', 'ends_at']).execute();

  await serialPrimaryKey(db, db.schema.createTable('watch_log'), 'id')
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('shift_id', 'text')
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('alert_id', 'text')
    .addColumn('text', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('watch_log_at').on('watch_log').column('at').execute();
}

export async function down(): Promise<void> {
  throw new Error('watch migration cannot be reverted');
}
