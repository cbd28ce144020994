import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { LoadedConfig } from '../src/config/load.js';
import { seedDemoLeaks } from '../src/leaks/demo.js';
import { listAccounts, unitProgress } from '../src/leaks/triage/triage.js';
import { openTestStore } from '../src/store/testing.js';

describe('demo leaks', () => {
  it('generates and imports a leak with the organisation’s staff, and fills triage', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-leaks-demo-'));
    const t = await openTestStore('sqlite');
    try {
      const people = Array.from(
        { length: 12 },
        (_, i) => `Nguyễn Văn ${i},nv${i}@so-demo.gov.vn,${i % 2 ? 'Văn phòng' : 'Phòng CNTT'},090000000${i % 10},van${i}`,
      );
      writeFileSync(join(dir, 'staff.csv'), `full_name,email,unit,phone,aliases\n${people.join('\n')}\n`);
      const loaded: LoadedConfig = {
        file: join(dir, 'vigil.yaml'),
        baseDir: dir,
        config: { mail: { domains: ['so-demo.gov.vn'], dkimSelectors: [], outboundIps: [] }, staff: { directory: 'staff.csv' } },
      };
      const seeded = await seedDemoLeaks(t.store, loaded);
      expect(seeded.sources).toBe(2);
      const accounts = await listAccounts(t.store);
      expect(accounts.length).toBeGreaterThan(8);
      expect(accounts.filter((a) => a.staffName?.startsWith('Nguyễn Văn')).length).toBeGreaterThan(8);
      expect(new Set(accounts.map((a) => a.state)).size).toBeGreaterThanOrEqual(4);
      const units = (await unitProgress(t.store)).map((u) => u.unit);
      expect(units).toEqual(expect.arrayContaining(['Phòng CNTT', 'Văn phòng']));
    } finally {
      await t.cleanup();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
