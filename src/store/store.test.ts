import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from './store.js';
import { openTestStore, type TestStore, testDialects } from './testing.js';

describe.each(testDialects())('store on %s', (dialect) => {
  let t: TestStore;
  beforeAll(async () => {
    t = await openTestStore(dialect);
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  it('reports its dialect', () => {
    expect(t.store.dialect).toBe(dialect);
  });

  it('is migrated and migrating again changes nothing', async () => {
    expect(await migrate(t.store)).toEqual([]);
    const tables = ['users', 'sessions', 'api_tokens', 'audit_log', 'jobs', 'settings'];
    for (const table of tables) {
      // biome-ignore lint/suspicious/noExplicitAny: dynamic table name in a test
      const rows = await (t.store.db as any).selectFrom(table).selectAll().limit(1).execute();
      expect(Array.isArray(rows)).toBe(true);
    }
  });

  it('fills serial ids in the audit log and keeps order', async () => {
    await t.store.audit('admin', 'user.create', 'user:alice', { role: 'analyst' });
    await t.store.audit('admin', 'user.disable', 'user:alice');
    const rows = await t.store.db.selectFrom('audit_log').selectAll().orderBy('id').execute();
    expect(rows.map((r) => r.action)).toEqual(['user.create', 'user.disable']);
    expect(typeof rows[0]!.id).toBe('number');
    expect(rows[1]!.id).toBeGreaterThan(rows[0]!.id);
    expect(JSON.parse(rows[0]!.detail!)).toEqual({ role: 'analyst' });
  });

  it('creates one installation secret and keeps it', async () => {
    const a = await t.store.installationSecret('leaks');
    const b = await t.store.installationSecret('leaks');
    expect(a.length).toBe(32);
    expect(a.equals(b)).toBe(true);
    expect((await t.store.installationSecret('links')).equals(a)).toBe(false);
  });

  it('upserts settings', async () => {
    await t.store.setSetting('k', '1');
    await t.store.setSetting('k', '2');
    expect(await t.store.getSetting('k')).toBe('2');
  });
});
