import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error — a plain .mjs script shared with .ci/run; typed where used below
import { missingPrograms, REQUIRED_PROGRAMS } from '../scripts/required-programs.mjs';

const required = REQUIRED_PROGRAMS as Record<string, [string, 'test' | 'bench', string]>;
const missing = missingPrograms as (uses?: string[]) => string[];

/** Every .ts file under a folder (tests, benchmarks, test support). */
function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => join(entry.parentPath, entry.name));
}

// Programs every Node install or POSIX shell has, which no Debian package needs to bring here.
const ALWAYS_THERE = new Set(['node', 'npm', 'npx', 'sh', 'bash', 'kill']);

describe('programs the tests and benchmarks call', () => {
  it('are all listed (with their Debian package) in scripts/required-programs.mjs, which .ci/run installs', () => {
    const called = new Map<string, string>();
    const files = [...sources('test'), ...sources('bench'), ...sources('src').filter((file) => file.endsWith('.test.ts'))];
    // execFile('pdftotext', …), spawnSync('/usr/bin/time', …), and a file's own wrapper around
    // execFileSync(cmd, …) such as leaks-scan's run('zstd', …).
    const call = /\b(?:execFile|execFileSync|spawn|spawnSync|timed)\(\s*'([A-Za-z0-9_./-]+)'/g;
    const wrapped = /\brun\(\s*'([A-Za-z0-9_./-]+)'/g;
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      const matches = [...text.matchAll(call), ...(text.includes('execFileSync(cmd') ? text.matchAll(wrapped) : [])];
      for (const match of matches) {
        const program = basename(match[1]!);
        if (!ALWAYS_THERE.has(program) && !program.includes('.ts')) called.set(program, file);
      }
    }
    expect(called.size).toBeGreaterThan(5);
    const unlisted = [...called].filter(([program]) => !(program in required)).map(([program, file]) => `${program} (${file})`);
    expect(unlisted).toEqual([]);
  });

  it('are present on this machine (a missing one is named up front by npm test)', () => {
    expect(missing(['test'])).toEqual([]);
  });

  it('reaches .ci/run through the package list', () => {
    expect(readFileSync('.ci/run', 'utf8')).toContain('scripts/required-programs.mjs --packages');
    expect(required.pdftotext?.[0]).toBe('poppler-utils');
  });
});
