import { describe, expect, it } from 'vitest';
import { rng } from '../generate.js';
import { normaliseAddress } from '../scan/bytes.js';
import { addressOfValue } from './address.js';
import { type FileFormat, parseLine, parseSqlInsert } from './parse-line.js';
import { ByteOffsets, parsePhpSerialised, readString } from './php-serialised.js';
import { cpuTimed } from '../../../test/support/cost.js';

/*
 * Leak dumps come from attackers: each parser must finish a 1 MiB line (the scan's line cap) in
 * time linear in it. Each case below was super-linear before (times measured on 2 cores at 64 or
 * 128 KiB, in the test names: at 1 MiB that is minutes). The bound is on CPU time, not wall time
 * (other processes on the machine do not count), and generous: the cases take 1–160 ms of CPU
 * here, 5 s is 30× that and still far below the minutes a quadratic parser needs.
 */
const MIB = 1024 * 1024;
const CPU_LIMIT_MS = 5000;
const CSV: FileFormat = { kind: 'csv', delimiter: ',', columns: ['email', 'password'], emailColumn: 0, passwordColumn: 1, header: true };

function timed<T>(work: () => T): { value: T; ms: number } {
  const { value, cpuMs } = cpuTimed(work);
  return { value, ms: cpuMs };
}

describe('addressOfValue: normaliseAddress without its quadratic quote/space strip', () => {
  it('gives the result of normaliseAddress on 100,000 random values', () => {
    const random = rng(4749);
    const pieces = [
      'a',
      'Z',
      '9',
      '.',
      '-',
      '_',
      '@',
      '@@',
      '%40',
      'lab.gov.vn',
      'vn',
      'mailto:',
      'MAILTO:',
      '"',
      "'",
      '<',
      '>',
      ' ',
      '\t',
      '\r',
      '\n',
      '\u00a0',
      '\u205f',
      '\u2000',
      '\u3000',
      '\ufeff',
      'é',
      'Ł',
      ':',
      ';',
      '/',
    ];
    let addresses = 0;
    for (let n = 0; n < 100_000; n++) {
      let value = '';
      const count = 1 + Math.floor(random() * 12);
      for (let k = 0; k < count; k++) value += pieces[Math.floor(random() * pieces.length)];
      const expected = normaliseAddress(value);
      if (expected !== null) addresses++;
      expect(addressOfValue(value), JSON.stringify(value)).toBe(expected);
    }
    expect(addresses).toBeGreaterThan(30);
    // The one space whose latin1 byte is an address byte (U+205F → `_`) keeps its old answer.
    expect(addressOfValue('a\u205fb@lab.gov.vn')).toBe(normaliseAddress('a\u205fb@lab.gov.vn'));
    expect(addressOfValue(` "<${'\u205f'.repeat(64)}@lab.gov.vn>" `)).toBe(normaliseAddress(` "<${'\u205f'.repeat(64)}@lab.gov.vn>" `));
    expect(addressOfValue(`${'\u205f'.repeat(65)}@lab.gov.vn`)).toBeNull();
  });

  it('answers a 1 MiB value with long inner runs of spaces, quotes or U+205F fast (was 4.4 s at 64 KiB, 21 s at 128 KiB)', () => {
    for (const run of [' ', '"', "'", '\t', '\u205f', '" ']) {
      const { value, ms } = timed(() => addressOfValue(`"a${run.repeat(MIB / run.length)}b@lab.gov.vn"`));
      expect(value).toBeNull();
      expect(ms).toBeLessThan(CPU_LIMIT_MS);
    }
    const { value, ms } = timed(() => addressOfValue(`${' '.repeat(MIB)}"<nv.a@lab.gov.vn>"${' '.repeat(MIB)}`));
    expect(value).toBe('nv.a@lab.gov.vn');
    expect(ms).toBeLessThan(CPU_LIMIT_MS);
  });
});

describe('hostile 1 MiB lines through every structured form', () => {
  it('CSV email column of 1 MiB of spaces or doubled quotes (was 7.9 s at 64 KiB)', () => {
    for (const line of [`a${' '.repeat(MIB)}b@lab.gov.vn,pw`, `"a${'""'.repeat(MIB / 2)}b@lab.gov.vn",pw`, `${'"'.repeat(MIB)},pw`]) {
      const { value, ms } = timed(() => parseLine(line, CSV));
      // The column holds no address; the line falls back to the combo reading (form 'combo'/'user-pass').
      expect(value.every((r) => r.form !== 'csv')).toBe(true);
      expect(ms).toBeLessThan(CPU_LIMIT_MS);
    }
  });

  it('JSON and PHP values of 1 MiB of spaces (were 13.7 s and 5.3 s at 64 KiB)', () => {
    const json = timed(() => parseLine(`{"email":"a${' '.repeat(MIB)}b@lab.gov.vn","password":"x"}`, { kind: 'lines' }));
    // No JSON record (the email field is no address); the combo reading finds the address in the text.
    // Compared as short facts: a failing diff of the 1 MiB password would itself take minutes.
    expect(json.value.map((r) => `${r.form} ${r.email}`)).toEqual(['reversed b@lab.gov.vn']);
    expect(json.ms).toBeLessThan(CPU_LIMIT_MS);
    const php = timed(() => parsePhpSerialised(`a:2:{s:5:"email";s:${MIB + 2}:"a${' '.repeat(MIB)}b";s:4:"pass";s:1:"x";}`));
    expect(php.value.length).toBe(0);
    expect(php.ms).toBeLessThan(CPU_LIMIT_MS);
  });

  it('SQL: a spaced value and 500k column names over 60k tuples (were 8 s and 1.4 s at 64 KiB)', () => {
    const spaced = timed(() => parseSqlInsert(`INSERT INTO t VALUES ('a${' '.repeat(MIB)}b@lab.gov.vn','p'),('nv.a@lab.gov.vn','q')`));
    expect(spaced.value.map((r) => [r.email, r.password])).toEqual([['nv.a@lab.gov.vn', 'q']]);
    expect(spaced.ms).toBeLessThan(CPU_LIMIT_MS);
    const columns = `${'c,'.repeat(MIB / 4)}password`;
    const tuples = `('n@lab.gov.vn','pw'),`.repeat(MIB / 2 / 21);
    const wide = timed(() => parseSqlInsert(`INSERT INTO t (${columns}) VALUES ${tuples}`));
    expect(wide.value.length).toBe(Math.floor(MIB / 2 / 21));
    // The password column is the named one (past every tuple's end), so none has a password.
    expect(wide.value.every((r) => r.email === 'n@lab.gov.vn' && r.password === null && r.passwordHint === 'password')).toBe(true);
    expect(wide.ms).toBeLessThan(CPU_LIMIT_MS);
  });
});

describe('PHP string lengths: bytes counted by binary search', () => {
  /** readString before: counted the declared bytes one code unit at a time (O(N) per string). */
  function referenceReadString(text: string, start: number, declared: number): { value: string; next: number } | null {
    const units = (code: number) => (code < 0x80 ? 1 : code < 0x800 ? 2 : code >= 0xd800 && code <= 0xdbff ? 4 : code >= 0xdc00 && code <= 0xdfff ? 0 : 3);
    let i = start;
    let bytes = 0;
    while (bytes < declared && i < text.length) bytes += units(text.charCodeAt(i++));
    if (bytes === declared && text.startsWith('";', i)) return { value: text.slice(start, i), next: i + 2 };
    if (text.startsWith('";', start + declared)) return { value: text.slice(start, start + declared), next: start + declared + 2 };
    const end = text.indexOf('";', start);
    return end < 0 ? null : { value: text.slice(start, end), next: end + 2 };
  }

  it('reads the same string as the byte-by-byte count on 50,000 random bodies and lengths', () => {
    const random = rng(8);
    const pieces = ['a', '";', '"', ';', 'é', 'ả', '😀', '\ud800', '\udc00', 'x";y', '\u0000'];
    for (let n = 0; n < 50_000; n++) {
      let text = 's:';
      const count = Math.floor(random() * 10);
      for (let k = 0; k < count; k++) text += pieces[Math.floor(random() * pieces.length)];
      const start = Math.floor(random() * (text.length + 1));
      const declared = Math.floor(random() * 30);
      expect(readString(text, new ByteOffsets(text), start, declared), JSON.stringify([text, start, declared])).toEqual(
        referenceReadString(text, start, declared),
      );
    }
  });

  it('parses a 1 MiB row of `s:999999999:"";` tokens fast (was 0.8 s at 64 KiB, 2.8 s at 128 KiB)', () => {
    const row = `a:1:{s:5:"email";s:13:"an@lab.gov.vn";${'s:999999999:"";'.repeat(MIB / 16)}`;
    const { value, ms } = timed(() => parsePhpSerialised(row));
    expect(value.map((r) => r.email)).toEqual(['an@lab.gov.vn']);
    expect(ms).toBeLessThan(CPU_LIMIT_MS);
  });
});
