import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { scanPaths } from '../scan/engine.js';
import { strongestPerAccount } from './importer.js';
import { countBelow, decodeOffsets, encodeOffsets, hasOffset, scanTail } from './resume.js';

const dir = mkdtempSync(join(tmpdir(), 'vigil-resume-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const secret = Buffer.alloc(32, 7);

describe('import resume helpers', () => {
  it('round-trips first offsets through bytes (also unaligned) and counts and finds them by binary search', () => {
    const offsets = Float64Array.from([0, 35, 35, 70, 2 ** 40]);
    const bytes = encodeOffsets(offsets);
    const unaligned = new Uint8Array(bytes.byteLength + 1).subarray(1);
    unaligned.set(bytes);
    expect([...decodeOffsets(unaligned)!]).toEqual([...offsets]);
    expect(decodeOffsets(new Uint8Array(7))).toBeNull();
    expect(decodeOffsets(null)).toBeNull();
    expect([0, 1, 35, 36, 71, 2 ** 40 + 1].map((b) => countBelow(offsets, b))).toEqual([0, 1, 1, 3, 4, 5]);
    expect([0, 34, 35, 2 ** 40].map((o) => hasOffset(offsets, o))).toEqual([true, false, true, true]);
  });

  it('scans only the lines that start at or after the checkpoint, with the same appearances as the full scan there', async () => {
    const lines: string[] = [];
    for (let i = 0; i < 3000; i++) lines.push(`user${i % 1700}@lab.gov.vn:${i % 3 === 0 ? 'Passw0rd!' : 'e10adc3949ba59abbe56e057f20f883e'}${i}`);
    const file = join(dir, 'combo.txt');
    writeFileSync(file, `${lines.join('\n')}\n`);
    const size = Buffer.byteLength(`${lines.join('\n')}\n`);
    const full = strongestPerAccount((await scanPaths([file], { orgDomains: ['lab.gov.vn'], census: true, secret, workers: 0 })).matches);
    // A checkpoint one byte into a line, as the importer writes it (a batch's last offset + 1).
    const cut = full[1000]!.offset + 1;
    const tail = scanTail(file, size, cut, ['lab.gov.vn'], secret)!;
    expect(tail.bytes).toBe(size - cut);
    expect(tail.matches.every((m) => m.offset >= cut)).toBe(true);
    const offsets = Float64Array.from(full, (a) => a.offset);
    const resumed = strongestPerAccount(tail.matches).filter((a) => hasOffset(offsets, a.offset));
    // Every account first seen after the checkpoint, exactly as the full scan found it.
    expect(resumed).toEqual(full.filter((a) => a.offset >= cut));
  });

  it('gives up on a file that cannot be read from the middle (compressed)', () => {
    const file = join(dir, 'combo.txt.gz');
    writeFileSync(file, gzipSync('a@lab.gov.vn:secret1\nb@lab.gov.vn:secret2\n'));
    expect(scanTail(file, 60, 10, ['lab.gov.vn'], secret)).toBeNull();
  });
});
