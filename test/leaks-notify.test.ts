import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importLeaks } from '../src/leaks/import/importer.js';
import { parseStaffCsv } from '../src/leaks/import/staff.js';
import { notifyAccounts } from '../src/leaks/notify/notify.js';
import { openTestStore, testDialects } from '../src/store/testing.js';

let dir: string;
let server: SMTPServer;
let port: number;
const received: { to: string[]; body: string }[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'vigil-leaks-notify-'));
  writeFileSync(
    join(dir, 'leak.txt'),
    [
      'an.nguyen@lab.gov.vn:Secret123',
      'binh.tran@lab.gov.vn:5f4dcc3b5aa765d61d8327deb882cf99',
      'stranger@gmail.com:x',
      'URL: https://portal.lab.gov.vn/',
      'Username: chi.le@lab.gov.vn',
      'Password: Hunter2!',
      '=====',
    ].join('\n'),
  );
  server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onData(stream, session, callback) {
      let body = '';
      stream.on('data', (c) => (body += c));
      stream.on('end', () => {
        received.push({ to: session.envelope.rcptTo.map((r) => r.address), body });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  port = (server.server.address() as AddressInfo).port;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  rmSync(dir, { recursive: true, force: true });
});

describe.each(testDialects())('leak notices on %s', (dialect) => {
  it('sends one bilingual notice per account and source, once, and marks the account notified', async () => {
    const t = await openTestStore(dialect);
    try {
      const staff = parseStaffCsv('Họ tên,Email,Đơn vị,Điện thoại,Bí danh\nNguyễn Văn An,an.nguyen@lab.gov.vn,Văn phòng,,\n');
      await importLeaks(t.store, [join(dir, 'leak.txt')], { source: 'Combo test', breachDate: '2026-03-01', orgDomains: ['lab.gov.vn'], staff, workers: 0 });
      const smtp = { host: '127.0.0.1', port, secure: false, from: 'vigil@lab.gov.vn' };
      const dry = await notifyAccounts(t.store, smtp, { organisation: 'Sở TT&TT', dryRun: true });
      expect(dry.pending.map((p) => p.email)).toEqual(['an.nguyen@lab.gov.vn', 'binh.tran@lab.gov.vn', 'chi.le@lab.gov.vn']);
      const start = received.length;
      const first = await notifyAccounts(t.store, { ...smtp, host: '127.0.0.1' }, { organisation: 'Sở TT&TT', actor: 'analyst' });
      expect(first.failed).toEqual([]);
      expect(first.sent).toHaveLength(3);
      const mine = received.slice(start);
      expect(mine).toHaveLength(3);
      const an = mine.find((m) => m.to.includes('an.nguyen@lab.gov.vn'))!;
      const decoded = Buffer.from(an.body).toString('utf8');
      expect(decoded).toMatch(/Combo test/);
      expect(decoded).not.toContain('Secret123');
      const second = await notifyAccounts(t.store, smtp, { organisation: 'Sở TT&TT' });
      expect(second.sent).toHaveLength(0);
      expect(received.length).toBe(start + 3);
      const states = await t.store.db.selectFrom('leak_accounts').select(['email', 'state']).orderBy('email').execute();
      expect(states.every((s) => s.state === 'notified')).toBe(true);
      const history = await t.store.db.selectFrom('leak_state_history').selectAll().where('to_state', '=', 'notified').execute();
      expect(history).toHaveLength(3);
      expect(history[0]!.actor).toBe('analyst');
    } finally {
      await t.cleanup();
    }
  }, 60_000);
});
