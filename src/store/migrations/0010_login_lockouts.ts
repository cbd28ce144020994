import type { Kysely } from 'kysely';

/**
 * Failed sign-ins per (user name, client address): in the store rather than in memory so a
 * restart does not forgive a password-guessing run and `vigil user unlock` (another process)
 * can lift a lockout that the running server enforces.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('login_lockouts')
    .addColumn('user_key', 'text', (c) => c.notNull())
    .addColumn('address', 'text', (c) => c.notNull())
    .addColumn('failures', 'integer', (c) => c.notNull())
    /** ISO time until which this pair is refused; '' when not locked. */
    .addColumn('locked_until', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('login_lockouts_pk', ['user_key', 'address'])
    .execute();
}

export async function down(): Promise<void> {
  throw new Error('login lockouts migration cannot be reverted');
}
