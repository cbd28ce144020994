import type { Kysely } from 'kysely';
import { serialPrimaryKey } from './helpers.js';

/** Leak intake and triage: sources (HIBP-shaped breaches), accounts, their history and notices. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('leak_sources')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('breach_date', 'text')
    .addColumn('added_date', 'text', (c) => c.notNull())
    .addColumn('pwn_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('org_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('data_classes', 'text', (c) => c.notNull())
    .addColumn('flags', 'text', (c) => c.notNull())
    .addColumn('census', 'text')
    .execute();

  await db.schema
    .createTable('leak_files')
    .addColumn('source_id', 'text', (c) => c.notNull().references('leak_sources.id').onDelete('cascade'))
    .addColumn('file_key', 'text', (c) => c.notNull())
    .addColumn('path', 'text', (c) => c.notNull())
    .addColumn('size', 'bigint', (c) => c.notNull())
    .addColumn('checkpoint_offset', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('completed_at', 'text')
    .addPrimaryKeyConstraint('leak_files_pk', ['source_id', 'file_key'])
    .execute();

  await db.schema
    .createTable('leak_accounts')
    .addColumn('email', 'text', (c) => c.primaryKey())
    .addColumn('org_domain', 'text', (c) => c.notNull())
    .addColumn('first_seen', 'text', (c) => c.notNull())
    .addColumn('last_seen', 'text', (c) => c.notNull())
    .addColumn('severity', 'text', (c) => c.notNull())
    .addColumn('severity_rank', 'integer', (c) => c.notNull())
    .addColumn('password_kind', 'text', (c) => c.notNull())
    .addColumn('password_mask', 'text')
    .addColumn('password_fingerprint', 'text')
    .addColumn('state', 'text', (c) => c.notNull().defaultTo('detected'))
    .addColumn('state_changed_at', 'text', (c) => c.notNull())
    .addColumn('staff_name', 'text')
    .addColumn('staff_email', 'text')
    .addColumn('unit', 'text')
    .addColumn('assigned_unit', 'text')
    .execute();
  await db.schema.createIndex('leak_accounts_state').on('leak_accounts').columns(['state', 'unit']).execute();

  await db.schema
    .createTable('leak_account_sources')
    .addColumn('email', 'text', (c) => c.notNull().references('leak_accounts.email').onDelete('cascade'))
    .addColumn('source_id', 'text', (c) => c.notNull().references('leak_sources.id').onDelete('cascade'))
    .addColumn('severity', 'text', (c) => c.notNull())
    .addColumn('severity_rank', 'integer', (c) => c.notNull())
    .addColumn('password_kind', 'text', (c) => c.notNull())
    .addColumn('password_mask', 'text')
    .addColumn('password_fingerprint', 'text')
    .addColumn('url', 'text')
    .addColumn('seen_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('leak_account_sources_pk', ['email', 'source_id'])
    .execute();
  await db.schema.createIndex('leak_account_sources_source').on('leak_account_sources').column('source_id').execute();

  await serialPrimaryKey(db, db.schema.createTable('leak_state_history'), 'id')
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('from_state', 'text')
    .addColumn('to_state', 'text', (c) => c.notNull())
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('note', 'text')
    .execute();
  await db.schema.createIndex('leak_state_history_email').on('leak_state_history').columns(['email', 'at']).execute();

  await db.schema
    .createTable('leak_notifications')
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('source_id', 'text', (c) => c.notNull())
    .addColumn('sent_at', 'text', (c) => c.notNull())
    .addColumn('to_address', 'text', (c) => c.notNull())
    .addColumn('message_id', 'text')
    .addPrimaryKeyConstraint('leak_notifications_pk', ['email', 'source_id'])
    .execute();
}

export async function down(): Promise<void> {
  throw new Error('leaks migration cannot be reverted');
}
