import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot } from './support/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'vigil-leaks-entry-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** bin/vigil.js as a user runs it (from the sources here: one entry, cli/main.ts, for every command). */
function bin(args: string[]) {
  return spawnSync(process.execPath, [join(repoRoot, 'bin', 'vigil.js'), ...args], {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, VIGIL_FROM_SOURCE: '1', NO_COLOR: '1' },
    timeout: 60_000,
  });
}

describe('bin/vigil.js entries', () => {
  it('`leaks scan` runs through bin/vigil.js, global options first or not', () => {
    const dump = join(dir, 'dump.txt');
    writeFileSync(dump, 'a.person@lab.gov.vn:secret1\nsomeone@gmail.com:x\n');
    for (const args of [
      ['leaks', 'scan', dump, '--domain', 'lab.gov.vn', '--json'],
      ['--json', 'leaks', 'scan', dump, '--domain', 'lab.gov.vn'],
    ]) {
      const run = bin(args);
      expect(run.status).toBe(1); // an account of ours was found
      const body = JSON.parse(run.stdout);
      expect(body.categories.org).toBe(1);
      expect(body.matched).toBe(1);
    }
    const bad = bin(['leaks', 'scan', join(dir, 'missing.txt'), '--domain', 'lab.gov.vn']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('cannot read');
  }, 60_000);

  it('the same entry answers everything else', () => {
    const help = bin(['--help']);
    expect(help.status).toBe(0);
    for (const command of ['leaks', 'passwords', 'init']) expect(help.stdout).toContain(command);
  }, 60_000);
});
