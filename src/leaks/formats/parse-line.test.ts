import { describe, expect, it } from 'vitest';
import { rng } from '../generate.js';
import { addressesInText, parseCombo } from './parse-line.js';
import { cpuTimed } from '../../../test/support/cost.js';

/** The unanchored search parseCombo used before (quadratic on long runs of local-part bytes): the reference. */
const REFERENCE = /[A-Za-z0-9.!#$%&*+=?^_`{}~-]+(?:@|%40)+[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g;

function referenceMatches(line: string): { text: string; index: number }[] {
  REFERENCE.lastIndex = 0;
  return [...line.matchAll(REFERENCE)].map((m) => ({ text: m[0], index: m.index }));
}

describe('parseCombo address search', () => {
  it('finds exactly the matches of the unanchored regex on 50,000 random lines', () => {
    const random = rng(4749);
    const pieces = 'a B 7 . - _ % %40 %4 40 0 @ @@ lab.gov.vn vn x. .x : ; | / mailto: " é http://h.vn/'.split(' ').concat(' ');
    let found = 0;
    for (let n = 0; n < 50_000; n++) {
      let line = '';
      const count = 1 + Math.floor(random() * 14);
      for (let k = 0; k < count; k++) line += pieces[Math.floor(random() * pieces.length)];
      const expected = referenceMatches(line);
      found += expected.length;
      expect([...addressesInText(line)], line).toEqual(expected);
    }
    expect(found).toBeGreaterThan(1000);
  });

  it('gives the record of the first usable address (URL user-info skipped)', () => {
    expect(parseCombo('android://abc@com.app/:nv.b@lab.gov.vn:pw')?.email).toBe('nv.b@lab.gov.vn');
    expect(parseCombo('junk junk "NV.C@Lab.Gov.Vn";pw')?.email).toBe('nv.c@lab.gov.vn');
  });

  it('parses a line of 1 MB of junk before the address in linear time', () => {
    const line = `${'y'.repeat(1024 * 1024)} nv.a@lab.gov.vn:m4tkhau`;
    const { value: parsed, cpuMs } = cpuTimed(() => parseCombo(line));
    expect(parsed?.email).toBe('nv.a@lab.gov.vn');
    // The unanchored search took 0.3 s at 16 KB and grows with the square of the length (~20 min here).
    // CPU time, not wall time (other processes do not count); generous: under 0.1 s here
    expect(cpuMs).toBeLessThan(5_000);
  });

  it('parses 1 MB of `%` runs and many `@` in linear time', () => {
    // `%40` runs: the regex's local part backtracked through every `%40` and re-read the rest
    // (64 KiB took 2.5 s, 128 KiB 9.8 s); now tried once per chain of `@`/`%40`.
    for (const line of [
      `${'%40'.repeat(350_000)}`,
      `a${'%40'.repeat(350_000)}b.c`,
      `${'a%40'.repeat(260_000)}@`,
      `${'%4'.repeat(300_000)}@x`,
      `${'a@'.repeat(300_000)}`,
      `${'a.'.repeat(300_000)}@lab.gov.vn`,
    ]) {
      // CPU time, not wall time; generous: under 0.1 s here
      expect(cpuTimed(() => parseCombo(line)).cpuMs).toBeLessThan(5_000);
    }
  });

  it('splits a line without an address at its first separator by code unit (an emoji before it moved the split)', () => {
    expect(parseCombo('😀user:pass word')).toMatchObject({ email: null, password: 'pass word', form: 'user-pass' });
    expect(parseCombo('us😀er;p😀ss')?.password).toBe('p😀ss');
  });
});
