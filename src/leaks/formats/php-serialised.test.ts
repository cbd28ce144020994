import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateFormats } from '../generate.js';
import { detectLineFormat } from './detect.js';
import { parseLine } from './parse-line.js';
import { passwordKind } from './password.js';
import { parsePhpSerialised } from './php-serialised.js';
import { cpuTimed } from '../../../test/support/cost.js';

const LINES = { kind: 'lines' } as const;

describe('PHP-serialised rows', () => {
  it('reads an array row: address, password and URL by their key names', () => {
    const row = 'a:4:{s:2:"id";i:7;s:5:"email";s:13:"An@Lab.gov.vn";s:8:"password";s:11:"Se;cr\\"et:1";s:3:"url";s:19:"https://lab.gov.vn/";}';
    expect(parseLine(row, LINES)).toEqual([
      { email: 'an@lab.gov.vn', password: 'Se;cr\\"et:1', url: 'https://lab.gov.vn/', form: 'php', passwordHint: 'password' },
    ]);
  });

  it('counts string lengths in bytes (UTF-8), so a password holding ";" or a quote stays whole', () => {
    const pw = 'mật";khẩu';
    const row = `a:2:{s:10:"user_email";s:14:"binh@lab.gov.vn";s:9:"user_pass";s:${Buffer.byteLength(pw)}:"${pw}";}`;
    // 14 is wrong for the address (15 bytes): the reader falls back to the next `";`.
    expect(parsePhpSerialised(row)).toEqual([{ email: 'binh@lab.gov.vn', password: pw, url: null, form: 'php', passwordHint: 'user_pass' }]);
  });

  it('reads objects with protected properties (NULs already stripped) and nested rows, one record each', () => {
    const object = 'O:4:"User":2:{s:8:"*email";s:13:"an@lab.gov.vn";s:7:"*pass";s:32:"5f4dcc3b5aa765d61d8327deb882cf99";}';
    const [record] = parseLine(object.replace(/\*/g, '\0*\0'), LINES);
    expect(record).toMatchObject({ email: 'an@lab.gov.vn', password: '5f4dcc3b5aa765d61d8327deb882cf99', form: 'php' });
    expect(passwordKind(record!.password, record!.passwordHint)).toBe('md5');
    const table = 'a:2:{i:0;a:2:{s:4:"mail";s:13:"an@lab.gov.vn";s:3:"pwd";s:2:"x1";}i:1;a:2:{s:4:"mail";s:15:"binh@lab.gov.vn";s:3:"pwd";N;}}';
    expect(parseLine(table, LINES).map((r) => [r.email, r.password])).toEqual([
      ['an@lab.gov.vn', 'x1'],
      ['binh@lab.gov.vn', null],
    ]);
  });

  it('finds the address in a row without an address-named key, and in a truncated row', () => {
    expect(parsePhpSerialised('a:2:{i:0;s:13:"an@lab.gov.vn";i:1;s:3:"abc";}')[0]?.email).toBe('an@lab.gov.vn');
    expect(parsePhpSerialised('a:2:{s:5:"email";s:13:"an@lab.gov.vn";s:8:"password";s:40:"cut her')).toEqual([
      { email: 'an@lab.gov.vn', password: null, url: null, form: 'php', passwordHint: '' },
    ]);
  });

  it('stays bounded on hostile rows: deep nesting, huge declared lengths, junk', () => {
    const deep = `${'a:1:{i:0;'.repeat(100_000)}s:13:"an@lab.gov.vn";`;
    const wide = `a:50000:{${Array.from({ length: 50_000 }, (_, i) => `i:${i};a:1:{s:5:"email";s:${`u${i}@lab.gov.vn`.length}:"u${i}@lab.gov.vn";}`).join('')}}`;
    const { cpuMs } = cpuTimed(() => {
      expect(parsePhpSerialised(deep)).toHaveLength(0); // deeper than the limit: nothing trusted
      // A lying length costs one bounded search for the closing quote, not a read past the line.
      expect(parsePhpSerialised('a:1:{s:999999999:"email";s:13:"an@lab.gov.vn";}').map((r) => r.email)).toEqual(['an@lab.gov.vn']);
      expect(parsePhpSerialised('a:1:{junk')).toEqual([]);
      expect(parsePhpSerialised(wide).length).toBeLessThanOrEqual(10_000);
    });
    // CPU time, not wall time (other processes do not count); generous: ~0.3 s here
    expect(cpuMs).toBeLessThan(5_000);
  });

  it('a serialised first line is not taken for a CSV header; plain combos are untouched', () => {
    expect(detectLineFormat(Buffer.from('a:1:{s:4:"user";s:3:"abc";}\n'))).toEqual({ kind: 'lines' });
    expect(parseLine('a:b@lab.gov.vn:pw', LINES)[0]).toMatchObject({ email: 'b@lab.gov.vn', password: 'pw', form: 'combo' });
  });

  it("reads every row of the seeded generator's PHP file: one record each, the exact password written", () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-php-'));
    try {
      const truth = generateFormats(dir, { seed: 7, bytes: 300_000, orgDomains: ['lab.gov.vn'], orgEvery: 20 });
      const lines = readFileSync(join(dir, 'users-php.txt'), 'utf8').trimEnd().split('\n');
      expect(lines.length).toBeGreaterThan(100);
      let plaintext = 0;
      for (const line of lines) {
        const records = parseLine(line, detectLineFormat(Buffer.from(lines[0]!)));
        expect(records).toHaveLength(1);
        const [record] = records;
        expect(record!.form).toBe('php');
        expect(truth.all!.has(record!.email!)).toBe(true);
        const kind = passwordKind(record!.password, record!.passwordHint);
        expect(['plaintext', 'md5']).toContain(kind);
        if (kind === 'plaintext') {
          plaintext++;
          expect(truth.plaintexts.has(record!.password!)).toBe(true);
        }
      }
      expect(plaintext).toBeGreaterThan(lines.length / 2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
