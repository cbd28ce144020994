import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { runVigil } from './support/cli.js';

describe('vigil CLI foundation', () => {
  it('prints help listing its commands', async () => {
    const result = await runVigil(['--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('init');
    expect(result.stdout).toContain('backup');
  });

  it('prints the version of package.json with --version and -V', async () => {
    const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
    for (const flag of ['--version', '-V']) {
      const result = await runVigil([flag]);
      expect(result.code).toBe(0);
      expect(result.stdout.trim()).toBe(version);
    }
  });

  it('init writes a bilingual commented vigil.yaml and refuses to overwrite it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-cli-'));
    const first = await runVigil(['init', '--json'], { cwd: dir });
    expect(first.code).toBe(0);
    expect(JSON.parse(first.stdout).file).toBe(join(dir, 'vigil.yaml'));
    const text = readFileSync(join(dir, 'vigil.yaml'), 'utf8');
    expect(text).toContain('Tên miền thư điện tử công vụ / official mail domains');
    const second = await runVigil(['init', '--json'], { cwd: dir });
    expect(second.code).toBe(2);
    expect(JSON.parse(second.stdout)).toMatchObject({ error: 'init.exists' });
  });

  it('config check reports an invalid config with file, line and column, as JSON with --json', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-cli-'));
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, 'organisation:\n  name: A\n  colour: blue\n');
    const result = await runVigil(['--config', file, '--json', 'config', 'check'], { cwd: dir });
    expect(result.code).toBe(2);
    const body = JSON.parse(result.stdout);
    expect(body.error).toBe('config.invalid');
    expect(body.message).toContain(`${file}:3:3`);
    expect(body.message).toContain('unknown key "colour"');
  });

  it('config check accepts the template and summarises it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-cli-'));
    await runVigil(['init'], { cwd: dir });
    const result = await runVigil(['config', 'check', '--json'], { cwd: dir });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ mailDomains: ['so-demo.gov.vn.test'], monitors: 0 });
  });

  it('backup makes a consistent SQLite copy while another connection writes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-cli-'));
    const data = join(dir, 'data');
    const init = await runVigil(['--data', data, 'backup', join(dir, 'first.sqlite'), '--json']);
    expect(init.code).toBe(0);
    // Write while the backup runs: the copy must open and hold the migrated schema.
    const live = new Database(join(data, 'vigil.sqlite'));
    const writer = setInterval(() => {
      live.prepare("insert into settings(key, value) values (?, 'x') on conflict(key) do update set value = excluded.value").run(`k${Date.now()}`);
    }, 1);
    const result = await runVigil(['--data', data, 'backup', join(dir, 'copy.sqlite'), '--json']);
    clearInterval(writer);
    live.close();
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).pages).toBeGreaterThan(0);
    expect(existsSync(join(dir, 'copy.sqlite'))).toBe(true);
    const copy = new Database(join(dir, 'copy.sqlite'), { readonly: true });
    expect(copy.pragma('integrity_check', { simple: true })).toBe('ok');
    const tables = copy.prepare("select name from sqlite_master where type='table'").all() as { name: string }[];
    expect(tables.map((t) => t.name)).toContain('users');
    copy.close();
  });

  it('exits 2 with a stable error id on an unknown command', async () => {
    const result = await runVigil(['no-such-command']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('unknown command');
  });
});
