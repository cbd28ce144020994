import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { importLeaks } from '../src/leaks/import/importer.js';
import { notifyAccounts } from '../src/leaks/notify/notify.js';
import { buildLeakReport } from '../src/leaks/report-model.js';
import { leakReportPdf } from '../src/leaks/report-pdf.js';
import { leakReportXlsx } from '../src/leaks/report-xlsx.js';
import { openStore } from '../src/store/store.js';
import { createScratchDatabase, openTestStore, testDialects } from '../src/store/testing.js';
import { runVigil } from './support/cli.js';

/**
 * A password written before the address (`pass:login`) was taken for the site's URL when it held a
 * `/` or a dot: kept verbatim in the store, printed by the CLI, written to the exports and mailed
 * to the owner, the account rated `address`. Here every such shape goes through the real CLI
 * (import, accounts, scan --out, notify to a loopback SMTP server) and the reports, then every byte
 * vigil wrote is searched for each password.
 */

const ORG = 'lab.gov.vn';
/** [local part, the line's separator, the password] — each on its own account. */
const PASSWORD_FIRST: [string, string, string][] = [
  ['nv.date1', ':', '12/05/1990'],
  ['nv.date2', ':', '1990-05-12'],
  ['nv.date3', ';', '23.11.1987'],
  ['nv.name1', ':', 'ngoc.anh'],
  ['nv.name2', '|', 'thu.trang/1992'],
  ['nv.word1', ':', 'abc/xyz.123'],
  ['nv.word2', '\t', 'mat/khau.cu'],
  ['nv.at1', '|', 'Abc@123'],
  ['nv.host1', ':', 'matkhau.vn'],
  ['nv.host2', ';', 'hoa-sen2024.com.vn'],
  ['nv.host3', ':', 'www.matkhau-moi.vn'],
  ['nv.host4', '|', 'trangchu.gov.vn/1990'],
];
/** url:login:pass lines still keep their site (and mask their password). */
const SITE_FIRST: [string, string, string][] = [
  ['nv.site1', 'https://dichvucong.gov.vn/p/home/dvc-dang-nhap.html', 'Site-pw-7731'],
  ['nv.site2', 'portal.example.vn:8080/login', 'Host-pw-8842'],
];
const PASSWORDS = [...PASSWORD_FIRST.map(([, , p]) => p), ...SITE_FIRST.map(([, , p]) => p)];

let dir: string;
let dump: string;
let server: SMTPServer;
let port: number;
const received: { to: string[]; raw: Buffer }[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'vigil-password-first-'));
  dump = join(dir, 'dump.txt');
  writeFileSync(
    dump,
    [
      'stranger@gmail.com:x',
      ...PASSWORD_FIRST.map(([local, sep, password]) => `${password}${sep}${local}@${ORG}`),
      ...SITE_FIRST.map(([local, site, password]) => `${site}:${local}@${ORG}:${password}`),
    ].join('\n'),
  );
  server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        received.push({ to: session.envelope.rcptTo.map((r) => r.address), raw: Buffer.concat(chunks) });
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

function walk(p: string): string[] {
  return statSync(p).isDirectory() ? readdirSync(p).flatMap((n) => walk(join(p, n))) : [p];
}

/** The text of a mail as a reader sees it: every part decoded from quoted-printable or base64. */
function mailText(raw: Buffer): string {
  const text = raw.toString('latin1');
  const out: string[] = [text];
  for (const part of text.split(/\r?\n--[^\r\n]+\r?\n/)) {
    const split = part.search(/\r?\n\r?\n/);
    if (split < 0) continue;
    const headers = part.slice(0, split);
    const body = part.slice(split).trim();
    if (/content-transfer-encoding:\s*base64/i.test(headers)) out.push(Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8'));
    else if (/content-transfer-encoding:\s*quoted-printable/i.test(headers)) {
      const bytes = body.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/gi, (_m, h: string) => String.fromCharCode(Number.parseInt(h, 16)));
      out.push(Buffer.from(bytes, 'latin1').toString('utf8'));
    }
  }
  return out.join('\n');
}

/** Which passwords occur in `haystack` (a text, or raw bytes searched as UTF-8). */
function found(haystack: string | Buffer): string[] {
  const bytes = typeof haystack === 'string' ? Buffer.from(haystack, 'utf8') : haystack;
  return PASSWORDS.filter((p) => bytes.includes(Buffer.from(p, 'utf8')));
}

describe.each(testDialects())('password-first dump lines on %s', (dialect) => {
  it('import, CLI, scan exports, reports and notices hold no password; the accounts are rated plaintext', async () => {
    const home = join(dir, dialect);
    const data = join(home, 'data');
    mkdirSync(home, { recursive: true });
    const config = join(home, 'vigil.yaml');
    writeFileSync(
      config,
      stringify({
        organisation: { name: 'Sở Thử nghiệm' },
        mail: { domains: [ORG] },
        notifications: { smtp: { host: '127.0.0.1', port, secure: false, from: `vigil@${ORG}` } },
      }),
    );
    const scratch = dialect === 'postgres' ? await createScratchDatabase('vigil_pwfirst') : null;
    const env = { VIGIL_DATABASE_URL: scratch?.url ?? '' };
    const vigil = (args: string[]) => runVigil(['--config', config, '--data', data, ...args], { env, cwd: home, timeoutMs: 120_000 });
    try {
      const imported = await vigil(['leaks', 'import', dump, '--source', 'Password-first 2026', '--workers', '0']);
      expect(imported.code, imported.stderr).toBe(0);
      const listed = await vigil(['leaks', 'accounts', '--json']);
      expect(listed.code, listed.stderr).toBe(0);
      const human = await vigil(['leaks', 'accounts']);
      const accounts = JSON.parse(listed.stdout) as { email: string; severity: string; passwordKind: string; passwordMask: string | null }[];
      const expected = [...PASSWORD_FIRST, ...SITE_FIRST].map(([local]) => `${local}@${ORG}`).sort();
      expect(accounts.map((a) => a.email).sort()).toEqual(expected);
      for (const a of accounts)
        expect({ email: a.email, severity: a.severity, kind: a.passwordKind }).toEqual({ email: a.email, severity: 'plaintext', kind: 'plaintext' });
      for (const [local, , password] of PASSWORD_FIRST) {
        const mask = accounts.find((a) => a.email === `${local}@${ORG}`)!.passwordMask;
        expect({ local, mask }).toEqual({ local, mask: expect.stringMatching(new RegExp(`\\(${[...password].length}\\)$`)) });
      }

      // The scan with exports, as a person runs it (its human output lists each match's URL).
      const csv = join(home, 'accounts.csv');
      const xlsx = join(home, 'accounts.xlsx');
      const scanCsv = await vigil(['leaks', 'scan', dump, '--domain', ORG, '--out', csv, '--workers', '0']);
      expect(scanCsv.code, scanCsv.stderr).toBe(1); // our accounts were found
      const scanXlsx = await vigil(['leaks', 'scan', dump, '--domain', ORG, '--census', '--json', '--out', xlsx, '--workers', '0']);
      expect(scanXlsx.code, scanXlsx.stderr).toBe(1);
      const csvText = readFileSync(csv, 'utf8');
      // The site column still holds the real sites.
      for (const [, site] of SITE_FIRST) expect(csvText).toContain(site);
      const xlsxXml = execFileSync('unzip', ['-p', xlsx], { maxBuffer: 64 * 1024 * 1024 });

      // The notices, to the loopback SMTP server.
      const start = received.length;
      const notified = await vigil(['leaks', 'notify']);
      expect(notified.code, notified.stderr).toBe(0);
      const mails = received.slice(start);
      expect(mails.map((m) => m.to[0]).sort()).toEqual(expected);
      const mailTexts = mails.map((m) => mailText(m.raw));
      expect(mailTexts.every((t) => t.includes('Password-first 2026'))).toBe(true);

      // The reports the dashboard downloads (PDF, XLSX), from the same store.
      const store = await openStore({ dataDir: data, ...(scratch ? { databaseUrl: scratch.url } : {}) });
      let pdfText: string;
      let reportXml: Buffer;
      let rows: string[] = [];
      try {
        const report = await buildLeakReport(store, {});
        const pdf = join(home, 'report.pdf');
        writeFileSync(pdf, await leakReportPdf(report, { name: 'Sở Thử nghiệm' }));
        pdfText = execFileSync('pdftotext', ['-layout', pdf, '-'], { maxBuffer: 64 * 1024 * 1024 }).toString('utf8');
        expect(pdfText).toContain(`nv.date1@${ORG}`);
        const reportXlsx = join(home, 'report.xlsx');
        writeFileSync(reportXlsx, await leakReportXlsx(report));
        reportXml = execFileSync('unzip', ['-p', reportXlsx], { maxBuffer: 64 * 1024 * 1024 });
        expect(reportXml.toString('utf8')).toContain(`nv.date1@${ORG}`);
        const { sites } = await store.db
          .selectFrom('leak_account_sources')
          .select(sql<string>`url`.as('sites'))
          .where('url', 'is not', null)
          .execute()
          .then((r) => ({ sites: r.map((x) => x.sites).sort() }));
        expect(sites).toEqual(SITE_FIRST.map(([, site]) => site).sort());
        if (dialect === 'postgres') {
          // Every row of every table, as text: PostgreSQL's files are not ours to read.
          const tables = await sql<{ name: string }>`select table_name as name from information_schema.tables where table_schema = 'public'`.execute(store.db);
          expect(tables.rows.length).toBeGreaterThan(5);
          for (const { name } of tables.rows) {
            const dumped = await sql<{ row: string }>`select row_to_json(t)::text as row from ${sql.table(name)} t`.execute(store.db);
            rows = rows.concat(dumped.rows.map((r) => `${name}: ${r.row}`));
          }
          expect(rows.some((r) => r.includes(`nv.host1@${ORG}`))).toBe(true);
        }
      } finally {
        await store.close();
      }

      const leaks: Record<string, string[]> = {};
      const check = (what: string, haystack: string | Buffer) => {
        const hits = found(haystack);
        if (hits.length) leaks[what] = hits;
      };
      for (const [name, run] of Object.entries({ imported, listed, human, scanCsv, scanXlsx, notified })) check(`cli ${name}`, run.stdout + run.stderr);
      check('accounts.csv', csvText);
      check('accounts.xlsx', xlsxXml);
      check('report.pdf', pdfText);
      check('report.xlsx', reportXml);
      for (const [i, t] of mailTexts.entries()) check(`mail ${i}`, t);
      for (const [i, r] of rows.entries()) check(`row ${i}`, r);
      // Everything in the data folder, byte for byte (SQLite database, WAL, secrets, imports state).
      const files = existsSync(data) ? walk(data) : [];
      if (dialect === 'sqlite') expect(files.some((f) => /\.(db|sqlite)$/.test(f))).toBe(true);
      for (const file of files) check(file, readFileSync(file));
      expect(leaks).toEqual({});
    } finally {
      await scratch?.drop();
    }
  }, 240_000);
  it('a store imported before the fix: a password kept in the url column is never mailed in a notice', async () => {
    const t = await openTestStore(dialect);
    try {
      const legacy = join(dir, `legacy-${dialect}.txt`);
      writeFileSync(
        legacy,
        [
          `old.date@${ORG}:x1`,
          `old.host@${ORG}:x2`,
          `https://dichvucong.gov.vn/p/home/dvc-dang-nhap.html:new.site@${ORG}:Site-pw-7731`,
          `portal.example.vn:8080/login:new.host@${ORG}:Host-pw-8842`,
        ].join('\n'),
      );
      await importLeaks(t.store, [legacy], { source: 'Legacy import', orgDomains: [ORG], workers: 0 });
      // What the parser before site.ts stored for `12/05/1990:old.date@…` and `matkhau.vn:old.host@…`.
      for (const [local, password] of [
        ['old.date', '12/05/1990'],
        ['old.host', 'matkhau.vn'],
      ] as const) {
        const changed = { severity: 'address', severity_rank: 1, password_kind: 'none', password_mask: null, password_fingerprint: null };
        await t.store.db
          .updateTable('leak_account_sources')
          .set({ ...changed, url: password })
          .where('email', '=', `${local}@${ORG}`)
          .execute();
        await t.store.db.updateTable('leak_accounts').set(changed).where('email', '=', `${local}@${ORG}`).execute();
      }
      const start = received.length;
      const result = await notifyAccounts(t.store, { host: '127.0.0.1', port, secure: false, from: `vigil@${ORG}` }, { organisation: 'Sở Thử nghiệm' });
      expect(result.failed).toEqual([]);
      const mails = new Map(received.slice(start).map((m) => [m.to[0]!, mailText(m.raw)]));
      expect([...mails.keys()].sort()).toEqual([`new.host@${ORG}`, `new.site@${ORG}`, `old.date@${ORG}`, `old.host@${ORG}`]);
      expect(found(mails.get(`old.date@${ORG}`)!)).toEqual([]);
      expect(mails.get(`old.date@${ORG}`)!).not.toContain('12/05/1990');
      expect(mails.get(`old.host@${ORG}`)!).not.toContain('matkhau.vn');
      // Real sites are still named.
      expect(mails.get(`new.site@${ORG}`)!).toContain('https://dichvucong.gov.vn/p/home/dvc-dang-nhap.html');
      expect(mails.get(`new.host@${ORG}`)!).toContain('portal.example.vn:8080/login');
      expect(found([...mails.values()].join('\n'))).toEqual([]);
    } finally {
      await t.cleanup();
    }
  }, 120_000);
});
