import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestStore, type TestStore, testDialects } from '../../store/testing.js';
import { AuthService } from './auth-service.js';
import { LoginLockout, lockDelay } from './lockout.js';
import { hashPassword, needsRehash, verifyPassword } from './passwords.js';
import { WindowLimiter } from './rate-limit.js';
import { SessionService } from './sessions.js';

// A low scrypt cost keeps these store tests quick; passwords.ts's defaults are tested on their own.
const cost = { N: 2 ** 12, r: 8, p: 1 };
const PASSWORD = 'mật khẩu đủ dài 2026';

describe('passwords', () => {
  it('hashes with a versioned scrypt string (N=2^15, r=8, p=1) and per-user salt', async () => {
    const a = await hashPassword(PASSWORD);
    const b = await hashPassword(PASSWORD);
    expect(a).toMatch(/^scrypt\$1\$32768\$8\$1\$[A-Za-z0-9+/=]{24}\$[A-Za-z0-9+/=]{44}$/);
    expect(a).not.toBe(b);
    expect(await verifyPassword(PASSWORD, a)).toBe(true);
    expect(await verifyPassword(`${PASSWORD} `, a)).toBe(false);
    expect(needsRehash(a)).toBe(false);
  });

  it('treats NFC and NFD spellings of a Vietnamese password alike and rejects malformed hashes', async () => {
    const hash = await hashPassword(PASSWORD.normalize('NFD'), cost);
    expect(await verifyPassword(PASSWORD.normalize('NFC'), hash)).toBe(true);
    expect(needsRehash(hash)).toBe(true);
    for (const bad of ['', 'scrypt$2$1$1$1$a$b', 'bcrypt$whatever', 'scrypt$1$99999999$8$1$AAAA$AAAA', `${hash.slice(0, -4)}`]) {
      expect(await verifyPassword(PASSWORD, bad)).toBe(false);
    }
  });
});

describe('WindowLimiter', () => {
  it('blocks after the limit within a window and forgets after it', () => {
    let now = 0;
    const limiter = new WindowLimiter(2, 1000, 3, () => now);
    limiter.hit('a');
    limiter.hit('a');
    expect(limiter.blockedFor('a')).toBe(1000);
    now = 400;
    expect(limiter.blockedFor('a')).toBe(600);
    now = 1000;
    expect(limiter.blockedFor('a')).toBe(0);
  });

  it('keeps at most maxKeys keys', () => {
    const limiter = new WindowLimiter(1, 60_000, 3);
    for (const key of ['a', 'b', 'c', 'd']) limiter.hit(key);
    expect(limiter.blockedFor('a')).toBe(0);
    expect(limiter.blockedFor('d')).toBeGreaterThan(0);
  });
});

describe.each(testDialects())('auth service on %s', (dialect) => {
  let test: TestStore;
  let auth: AuthService;

  beforeAll(async () => {
    test = await openTestStore(dialect);
    auth = new AuthService(test.store, {
      cost,
      loginLimits: { perIp: { limit: 100, windowMs: 60_000 }, perUser: { limit: 3, windowMs: 60_000, firstDelayMs: 60_000 } },
    });
  });
  afterAll(async () => {
    await test?.cleanup();
  });

  it('creates users with lowercase names, refuses duplicates, bad names and short passwords', async () => {
    const user = await auth.users.create({ name: 'Thu.Ha', role: 'admin', password: PASSWORD, displayName: 'Trần Thu Hà' }, 'cli:test');
    expect(user).toMatchObject({ name: 'thu.ha', role: 'admin', displayName: 'Trần Thu Hà', disabled: false, locale: 'vi' });
    await expect(auth.users.create({ name: 'thu.ha', role: 'viewer', password: PASSWORD }, 'cli:test')).rejects.toMatchObject({ id: 'auth.user-exists' });
    await expect(auth.users.create({ name: 'bad name', role: 'viewer', password: PASSWORD }, 'cli:test')).rejects.toMatchObject({ id: 'auth.bad-name' });
    await expect(auth.users.create({ name: 'x', role: 'root', password: PASSWORD }, 'cli:test')).rejects.toMatchObject({ id: 'auth.bad-role' });
    await expect(auth.users.create({ name: 'y', role: 'viewer', password: 'short' }, 'cli:test')).rejects.toMatchObject({ id: 'auth.weak-password' });
    const row = await auth.users.findRowByName('THU.HA');
    expect(row?.password_hash.startsWith('scrypt$1$4096$')).toBe(true);
    expect(row?.password_hash).not.toContain(PASSWORD);
  });

  it('logs in, opens a session stored only as a hash, and logs out', async () => {
    const result = await auth.login('thu.ha', PASSWORD, '127.0.0.1');
    expect(result.user.name).toBe('thu.ha');
    const session = await auth.sessions.authenticate(result.secret);
    expect(session?.user.name).toBe('thu.ha');
    expect(session?.csrfToken).toBe(result.csrfToken);
    const stored = await test.store.db.selectFrom('sessions').select('id_hash').execute();
    expect(stored.map((s) => s.id_hash)).not.toContain(result.secret);
    await auth.logout(result.secret, 'thu.ha');
    expect(await auth.sessions.authenticate(result.secret)).toBeUndefined();
  });

  it('expires idle sessions and renews active ones', async () => {
    const short = new SessionService(test.store, { idleMs: 150, absoluteMs: 60_000 });
    const user = await auth.users.findRowByName('thu.ha');
    const idle = await short.create(user!.id);
    await new Promise((resolve) => setTimeout(resolve, 250));
    expect(await short.authenticate(idle.secret)).toBeUndefined();
    const capped = new SessionService(test.store, { idleMs: 60_000, absoluteMs: 100 });
    const old = await capped.create(user!.id);
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(await capped.authenticate(old.secret)).toBeUndefined();
    // Sliding renewal: a session last seen over a minute ago gets a fresh expiry on use.
    const live = await auth.sessions.create(user!.id);
    const past = new Date(Date.now() - 120_000).toISOString();
    await test.store.db
      .updateTable('sessions')
      .set({ last_seen_at: past, expires_at: new Date(Date.now() + 1000).toISOString() })
      .execute();
    const renewed = await auth.sessions.authenticate(live.secret);
    expect(Date.parse(renewed!.expiresAt)).toBeGreaterThan(Date.now() + 7 * 3600_000);
  });

  it('locks the (user, address) pair after repeated failures, not the user from everywhere, and audits it', async () => {
    for (let i = 0; i < 3; i++) await expect(auth.login('thu.ha', 'wrong password', '10.1.1.1')).rejects.toMatchObject({ id: 'auth.bad-credentials' });
    // The right password from the locked address is refused too (no hash computed)…
    for (let i = 0; i < 5; i++) await expect(auth.login('thu.ha', PASSWORD, '10.1.1.1')).rejects.toMatchObject({ id: 'auth.rate-limited', status: 429 });
    // …but the same user from another address signs in.
    const elsewhere = await auth.login('thu.ha', PASSWORD, '10.1.1.2');
    expect(elsewhere.user.name).toBe('thu.ha');
    const throttled = await test.store.db.selectFrom('audit_log').select('id').where('action', '=', 'auth.login-throttled').execute();
    expect(throttled).toHaveLength(1);
    const failures = await test.store.db.selectFrom('audit_log').selectAll().where('action', '=', 'auth.login-failed').execute();
    expect(failures.length).toBe(3);
    expect(failures[0]).toMatchObject({ actor: 'ip:10.1.1.1', target: 'thu.ha' });
    expect(JSON.stringify(failures)).not.toContain('wrong password"');
    expect((await auth.lockout.locked('thu.ha')).map((pair) => pair.address)).toEqual(['10.1.1.1']);
    // An admin lifts it (vigil user unlock thu.ha --address 10.1.1.1), audited.
    expect(await auth.unlock('thu.ha', '10.1.1.1', 'cli:test')).toBe(1);
    expect((await auth.login('thu.ha', PASSWORD, '10.1.1.1')).user.name).toBe('thu.ha');
    const unlock = await test.store.db.selectFrom('audit_log').selectAll().where('action', '=', 'auth.unlock').executeTakeFirstOrThrow();
    expect(unlock).toMatchObject({ actor: 'cli:test', target: 'thu.ha' });
    await expect(auth.unlock('thu.ha', 'not-an-ip', 'cli:test')).rejects.toMatchObject({ id: 'auth.bad-address' });
  });

  it('counts parallel attempts before hashing: of 12 at once, only the limit reach the password check', async () => {
    const before = await test.store.db.selectFrom('audit_log').select('id').where('action', '=', 'auth.login-failed').execute();
    const outcomes = await Promise.allSettled(Array.from({ length: 12 }, (_, i) => auth.login('thu.ha', `guess ${i}`, '10.2.2.2')));
    const ids = outcomes.map((o) => (o.status === 'rejected' ? (o.reason as { id: string }).id : 'signed-in'));
    expect(ids.filter((id) => id === 'auth.bad-credentials')).toHaveLength(3);
    expect(ids.filter((id) => id === 'auth.rate-limited')).toHaveLength(9);
    const after = await test.store.db.selectFrom('audit_log').select('id').where('action', '=', 'auth.login-failed').execute();
    expect(after.length - before.length).toBe(3);
  });

  it('doubles the lock with each further failure up to the cap, and forgets old failures', async () => {
    const lockout = new LoginLockout(test.store, { limit: 2, windowMs: 60_000, firstDelayMs: 1_000, maxDelayMs: 4_000 });
    expect([1, 2, 3, 4, 5, 6].map((n) => lockDelay(lockout.policy, n))).toEqual([0, 1_000, 2_000, 4_000, 4_000, 4_000]);
    let now = Date.parse('2026-12-07T00:00:00Z');
    expect(await lockout.reserve('pair', '10.3.3.3', now)).toBe(0);
    expect(await lockout.reserve('pair', '10.3.3.3', now)).toBe(0);
    expect(await lockout.reserve('pair', '10.3.3.3', now)).toBe(1_000);
    now += 1_000;
    expect(await lockout.reserve('pair', '10.3.3.3', now)).toBe(0);
    expect(await lockout.reserve('pair', '10.3.3.3', now + 500)).toBe(1_500);
    now += 2_000;
    expect(await lockout.reserve('pair', '10.3.3.3', now)).toBe(0);
    expect(await lockout.reserve('pair', '10.3.3.3', now)).toBe(4_000);
    // A minute after the last failure (and past the lock) the count starts over.
    now += 61_000;
    expect(await lockout.reserve('pair', '10.3.3.3', now)).toBe(0);
    expect(await lockout.reserve('pair', '10.3.3.3', now)).toBe(0);
    expect(await lockout.reserve('pair', '10.3.3.3', now)).toBe(1_000);
    await lockout.purge(now + 120_000);
    expect(await lockout.reserve('pair', '10.3.3.3', now + 120_000)).toBe(0);
  });

  it('rate-limits and audits password changes, counting before the hash', async () => {
    await auth.users.create({ name: 'doi.mat.khau', role: 'viewer', password: PASSWORD }, 'cli:test');
    const row = (await auth.users.findRowByName('doi.mat.khau'))!;
    const outcomes = await Promise.allSettled(
      Array.from({ length: 8 }, (_, i) => auth.changePassword(row.id, `not it ${i}`, 'a brand new passphrase', '10.4.4.4')),
    );
    const ids = outcomes.map((o) => (o.status === 'rejected' ? (o.reason as { id: string }).id : 'changed'));
    expect(ids.filter((id) => id === 'auth.bad-credentials')).toHaveLength(5);
    expect(ids.filter((id) => id === 'auth.rate-limited')).toHaveLength(3);
    // The limit holds for the right password too, until the window passes.
    await expect(auth.changePassword(row.id, PASSWORD, 'a brand new passphrase', '10.4.4.4')).rejects.toMatchObject({ status: 429 });
    const log = await test.store.db
      .selectFrom('audit_log')
      .selectAll()
      .where('target', '=', 'doi.mat.khau')
      .where('action', 'like', 'auth.password%')
      .execute();
    expect(log.filter((entry) => entry.action === 'auth.password-change-failed')).toHaveLength(5);
    expect(log.filter((entry) => entry.action === 'auth.password-throttled')).toHaveLength(1);
    expect(log.every((entry) => entry.actor === 'doi.mat.khau')).toBe(true);
    expect(JSON.stringify(log)).not.toMatch(/not it|brand new/);
    const fresh = new AuthService(test.store, { cost });
    await fresh.changePassword(row.id, PASSWORD, 'a brand new passphrase', '10.4.4.4');
    const changed = await test.store.db.selectFrom('audit_log').selectAll().where('action', '=', 'auth.password-change').executeTakeFirstOrThrow();
    expect(changed).toMatchObject({ actor: 'doi.mat.khau', target: 'doi.mat.khau' });
    expect(changed.detail).not.toContain('brand new');
    await auth.users.remove('doi.mat.khau', 'cli:test');
  });

  it('creates, authenticates and revokes API tokens; a disabled user’s token stops working', async () => {
    await auth.users.create({ name: 'script.owner', role: 'analyst', password: PASSWORD }, 'cli:test');
    const { token, info } = await auth.tokens.create({ name: 'export', user: 'script.owner' }, 'cli:test');
    expect(token.startsWith('vgl_')).toBe(true);
    expect((await auth.authenticateToken(token))?.name).toBe('script.owner');
    expect(await auth.authenticateToken('vgl_nope')).toBeUndefined();
    const listed = await auth.tokens.list();
    expect(listed.find((t) => t.id === info.id)?.lastUsedAt).not.toBeNull();
    const second = await auth.tokens.create({ name: 'other', user: 'script.owner' }, 'cli:test');
    await auth.tokens.revoke(info.id, 'cli:test');
    expect(await auth.authenticateToken(token)).toBeUndefined();
    await auth.users.disable('script.owner', 'cli:test');
    expect(await auth.authenticateToken(second.token)).toBeUndefined();
    await expect(auth.tokens.revoke('nope', 'cli:test')).rejects.toMatchObject({ id: 'auth.no-token', status: 404 });
  });

  it('keeps at least one enabled admin and audits every change', async () => {
    await expect(auth.users.disable('thu.ha', 'cli:test')).rejects.toMatchObject({ id: 'auth.last-admin' });
    await expect(auth.users.update('thu.ha', { role: 'viewer' }, 'cli:test')).rejects.toMatchObject({ id: 'auth.last-admin' });
    await expect(auth.users.remove('thu.ha', 'cli:test')).rejects.toMatchObject({ id: 'auth.last-admin' });
    await auth.users.update('script.owner', { disabled: false, role: 'admin' }, 'cli:test');
    await auth.users.disable('thu.ha', 'cli:test');
    await auth.users.remove('thu.ha', 'cli:test');
    const log = await test.store.db.selectFrom('audit_log').select(['actor', 'action', 'target']).where('actor', '=', 'cli:test').orderBy('id').execute();
    const actions = log.map((entry) => `${entry.action} ${entry.target}`);
    expect(actions).toEqual(
      expect.arrayContaining([
        'user.create thu.ha',
        'user.create script.owner',
        'token.create ' + (await auth.tokens.list())[0]!.id,
        'user.disable thu.ha',
        'user.delete thu.ha',
      ]),
    );
    expect(await auth.users.count()).toBe(1);
  });
});
