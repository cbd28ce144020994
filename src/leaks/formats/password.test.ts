import { describe, expect, it } from 'vitest';
import { maskPassword } from './password.js';
import { cpuTimed } from '../../../test/support/cost.js';

describe('maskPassword', () => {
  it('shows the first and last character and the length in code points', () => {
    expect(maskPassword('m4tkhau3')).toBe('m******3 (8)');
    expect(maskPassword('mật khẩu')).toBe('m******u (8)');
    expect(maskPassword('😀ab😀')).toBe('😀*** (4)'); // up to 4 code points: the first and stars
    expect(maskPassword('a😀b😀c')).toBe('a***c (5)');
    expect(maskPassword('ab')).toBe('** (2)');
    expect(maskPassword('')).toBeNull();
    expect(maskPassword(null)).toBeNull();
  });

  it('caps the stars of a huge value, keeping its length, in linear time', () => {
    const { value: mask, cpuMs } = cpuTimed(() => maskPassword(`x${'😀'.repeat(512 * 1024)}y`));
    // CPU time, not wall time (other processes do not count); generous: ~10 ms here
    expect(cpuMs).toBeLessThan(5_000);
    expect(mask).toBe(`x${'*'.repeat(32)}y (524290)`);
  });
});
