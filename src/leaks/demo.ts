import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configPath, type LoadedConfig } from '../config/load.js';
import type { Store } from '../store/store.js';
import { generateFormats } from './generate.js';
import { importLeaks } from './import/importer.js';
import { loadStaffDirectory, StaffDirectory } from './import/staff.js';
import { listAccounts, setState } from './triage/triage.js';

/**
 * For `vigil demo`: a generated leak (every format) in which the lab organisation's staff appear,
 * imported as two sources, with a few accounts moved along the lifecycle so the dashboard shows
 * census, accounts and triage filled.
 */
export async function seedDemoLeaks(store: Store, loaded: LoadedConfig): Promise<{ sources: number; accounts: number }> {
  const domains = loaded.config.mail?.domains ?? [];
  if (domains.length === 0) return { sources: 0, accounts: 0 };
  const staff = loaded.config.staff ? loadStaffDirectory(configPath(loaded, loaded.config.staff.directory), domains) : StaffDirectory.empty();
  const addresses = staff.members.flatMap((m) => [m.email, ...m.aliases.slice(0, 1)]);
  const work = mkdtempSync(join(tmpdir(), 'vigil-demo-leaks-'));
  try {
    const first = join(work, 'combolist-2025');
    generateFormats(first, { seed: 4749, bytes: 600_000, orgDomains: domains, ...(addresses.length ? { orgAddresses: addresses } : {}), orgEvery: 60 });
    await importLeaks(store, [first], {
      source: 'Combolist 2025 (demo)',
      title: 'Tổng hợp combolist 2025 / 2025 combolist (demo)',
      breachDate: '2025-06-01',
      orgDomains: domains,
      staff,
      actor: 'demo',
      workers: 0,
    });
    const second = join(work, 'stealer-2026');
    generateFormats(second, {
      seed: 2026,
      bytes: 200_000,
      orgDomains: domains,
      ...(addresses.length ? { orgAddresses: addresses.slice(0, Math.ceil(addresses.length / 2)) } : {}),
      orgEvery: 80,
    });
    await importLeaks(store, [join(second, 'stealer'), join(second, 'combo.txt')], {
      source: 'Stealer logs 2026 (demo)',
      breachDate: '2026-09-15',
      orgDomains: domains,
      staff,
      actor: 'demo',
      workers: 0,
    });
    const accounts = await listAccounts(store);
    const emails = accounts.map((a) => a.email);
    await setState(store, emails.slice(0, 3), 'notified', 'demo');
    await setState(store, emails.slice(3, 5), 'reset_requested', 'demo');
    await setState(store, emails.slice(5, 7), 'remediated', 'demo');
    await setState(store, emails.slice(5, 6), 'closed', 'demo', 'đã đổi mật khẩu / password changed');
    await setState(store, emails.slice(7, 8), 'dismissed', 'demo', 'hộp thư đã huỷ / mailbox retired');
    return { sources: 2, accounts: accounts.length };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
