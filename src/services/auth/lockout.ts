import type { Store } from '../../store/store.js';

export interface LockoutPolicy {
  /** Failed attempts of one (user, address) pair before it is locked. */
  limit: number;
  /** Failures are forgotten this long after the last one (when not locked). */
  windowMs: number;
  /** First lock; each further failure doubles it… */
  firstDelayMs?: number;
  /** …up to this. */
  maxDelayMs?: number;
}

/** How long the pair is locked after its `failures`-th failure (0 below the limit). */
export function lockDelay(policy: LockoutPolicy, failures: number): number {
  if (failures < policy.limit) return 0;
  const first = policy.firstDelayMs ?? 1_000;
  const max = policy.maxDelayMs ?? 15 * 60_000;
  return Math.min(max, first * 2 ** Math.min(30, failures - policy.limit));
}

/**
 * Login lockout per (user name, client address), kept in the store.
 *
 * `reserve()` counts an attempt as a failure *before* the password is hashed, with a
 * compare-and-set on the row, so parallel guesses cannot all pass the check before any of them is
 * counted (the old limiter counted after the hash). A sign-in that then succeeds clears the pair.
 * Locking the pair, not the name, keeps a guesser on one address from locking the only admin out
 * from everywhere else.
 */
export class LoginLockout {
  constructor(
    private readonly store: Store,
    readonly policy: LockoutPolicy,
  ) {}

  /** 0 when the attempt may go on (and is now counted), else the milliseconds to wait. */
  async reserve(userKey: string, address: string, now = Date.now()): Promise<number> {
    const db = this.store.db;
    // A handful of rounds is plenty: each lost round means another attempt was counted first.
    for (let round = 0; round < 50; round++) {
      const row = await db.selectFrom('login_lockouts').selectAll().where('user_key', '=', userKey).where('address', '=', address).executeTakeFirst();
      if (!row) {
        const delay = lockDelay(this.policy, 1);
        const inserted = await db
          .insertInto('login_lockouts')
          .values({
            user_key: userKey,
            address,
            failures: 1,
            locked_until: delay ? new Date(now + delay).toISOString() : '',
            updated_at: new Date(now).toISOString(),
          })
          .onConflict((oc) => oc.columns(['user_key', 'address']).doNothing())
          .executeTakeFirst();
        if (Number(inserted.numInsertedOrUpdatedRows ?? 0n) === 1) return 0;
        continue;
      }
      const lockedUntil = row.locked_until ? Date.parse(row.locked_until) : 0;
      if (lockedUntil > now) return lockedUntil - now;
      const stale = now - Date.parse(row.updated_at) >= this.policy.windowMs;
      const failures = (stale ? 0 : row.failures) + 1;
      const delay = lockDelay(this.policy, failures);
      const updated = await db
        .updateTable('login_lockouts')
        .set({ failures, locked_until: delay ? new Date(now + delay).toISOString() : '', updated_at: new Date(now).toISOString() })
        .where('user_key', '=', userKey)
        .where('address', '=', address)
        .where('failures', '=', row.failures)
        .where('updated_at', '=', row.updated_at)
        .executeTakeFirst();
      if (Number(updated.numUpdatedRows) === 1) return 0;
    }
    // Fail closed: under such contention the pair is being hammered.
    return this.policy.firstDelayMs ?? 1_000;
  }

  /** The attempt succeeded: forget the pair's failures. */
  async clear(userKey: string, address: string): Promise<void> {
    await this.store.db.deleteFrom('login_lockouts').where('user_key', '=', userKey).where('address', '=', address).execute();
  }

  /** Lift the lockouts of a user name (from one address, or from all); returns how many pairs. */
  async unlock(userKey: string, address?: string): Promise<number> {
    let query = this.store.db.deleteFrom('login_lockouts').where('user_key', '=', userKey);
    if (address !== undefined) query = query.where('address', '=', address);
    const result = await query.executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  /** Pairs currently locked for a user name. */
  async locked(userKey: string, now = Date.now()): Promise<{ address: string; failures: number; lockedUntil: string }[]> {
    const rows = await this.store.db
      .selectFrom('login_lockouts')
      .selectAll()
      .where('user_key', '=', userKey)
      .where('locked_until', '>', new Date(now).toISOString())
      .orderBy('address')
      .execute();
    return rows.map((row) => ({ address: row.address, failures: row.failures, lockedUntil: row.locked_until }));
  }

  /** Drop pairs neither locked nor recent (called with the hourly session purge). */
  async purge(now = Date.now()): Promise<void> {
    const nowIso = new Date(now).toISOString();
    await this.store.db
      .deleteFrom('login_lockouts')
      .where('locked_until', '<=', nowIso)
      .where('updated_at', '<', new Date(now - this.policy.windowMs).toISOString())
      .execute();
  }
}
