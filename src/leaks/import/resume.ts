import { closeSync, openSync, readSync } from 'node:fs';
import { detectContainer, detectEncoding, detectLineFormat } from '../formats/detect.js';
import type { LeakMatch } from '../scan/accumulator.js';
import { ScanAccumulator } from '../scan/accumulator.js';
import { ScanPlan, type ScanSettings } from '../scan/chunk.js';
import { vnBanks } from '../scan/domains.js';
import { DEFAULT_CHUNK_BYTES, DEFAULT_EXACT_LIMIT, DEFAULT_MAX_LINE_BYTES, type ScanResult } from '../scan/engine.js';
import { plainTaskBufferBytes, scanPlainTask } from '../scan/plain-task.js';

/**
 * Resuming an import without reading the file again from its start.
 *
 * A file's import scans it whole (the census needs every line, and an account's appearance is its
 * strongest line anywhere in the file), then writes its accounts in first-offset order, each
 * batch committed with the checkpoint "every account first seen before byte N is stored". So
 * before the first batch, the import stores what a resume cannot get back without the whole
 * file: the census, the data classes, and the sorted first offset of every account. A resumed
 * run then reads only the bytes from the checkpoint on:
 *  - an account first seen at or after N has all of its lines there: its appearance is exact;
 *  - an account first seen before N is stored already with its strongest appearance in the whole
 *    file; a later line of it in the tail is never stronger, so writing it again changes nothing
 *    (the writers' rules: severity only rises, the pair keeps its strongest) — and the offsets
 *    tell most of them apart (a tail offset that is nobody's first is skipped);
 *  - the counts come from the offsets: accounts = their number, committed = those below N.
 * Compressed and UTF-16 files cannot be read from the middle: they are scanned whole, as before.
 */

/** What a file's full scan left for a resume (leak_files.scan, JSON). */
export interface StoredScan {
  /** The census of the whole file (the ScanResult without its matches). */
  census: Omit<ScanResult, 'matches'>;
  dataClasses: string[];
  stealer: boolean;
}

export function encodeOffsets(offsets: Float64Array): Uint8Array {
  return new Uint8Array(offsets.buffer, offsets.byteOffset, offsets.byteLength);
}

export function decodeOffsets(bytes: Uint8Array | null): Float64Array | null {
  if (!bytes || bytes.byteLength % 8 !== 0) return null;
  // A copy: the driver's buffer may not be 8-byte aligned.
  const copy = new Uint8Array(bytes.byteLength);
  copy.set(bytes);
  return new Float64Array(copy.buffer);
}

/** How many of the sorted offsets are below `bound`. */
export function countBelow(sorted: Float64Array, bound: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < bound) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Is `offset` one of the sorted offsets? */
export function hasOffset(sorted: Float64Array, offset: number): boolean {
  const i = countBelow(sorted, offset);
  return i < sorted.length && sorted[i] === offset;
}

/**
 * The organisation's matches in the lines that start at or after `from` in a plain UTF-8 file,
 * with the import scan's own code (the same plan, census on, block by block), or null when the
 * file cannot be read from the middle. Also the bytes read.
 */
export function scanTail(path: string, size: number, from: number, orgDomains: string[], secret: Buffer): { matches: LeakMatch[]; bytes: number } | null {
  const fd = openSync(path, 'r');
  let head: Buffer;
  try {
    const buf = Buffer.alloc(65536);
    head = buf.subarray(0, readSync(fd, buf, 0, buf.length, 0));
  } finally {
    closeSync(fd);
  }
  if (detectContainer(head) !== 'plain' || detectEncoding(head).encoding !== 'utf8') return null;
  const settings: ScanSettings = {
    orgDomains,
    census: true,
    bankDomains: vnBanks().map((b) => b.domain),
    secret: secret.toString('hex'),
    exactLimit: DEFAULT_EXACT_LIMIT,
    maxLineBytes: DEFAULT_MAX_LINE_BYTES,
    censusKernel: process.env.VIGIL_CENSUS_KERNEL === 'js' ? 'js' : 'wasm',
  };
  const plan = new ScanPlan(settings);
  const acc = new ScanAccumulator(settings.exactLimit);
  const format = detectLineFormat(head);
  const buf = Buffer.allocUnsafe(plainTaskBufferBytes(settings.maxLineBytes));
  const fds = new Map<string, number>();
  try {
    // A task starting inside a line leaves that line to the task before it: the lines that start
    // before `from` are skipped, those starting at or after it are read (as the engine's chunks do).
    for (let start = from; start < size; start += DEFAULT_CHUNK_BYTES) {
      scanPlainTask(plan, acc, { file: path, start, length: Math.min(DEFAULT_CHUNK_BYTES, size - start), size, format }, buf, fds);
    }
  } finally {
    for (const f of fds.values()) closeSync(f);
  }
  return { matches: acc.matches, bytes: Math.max(0, size - from) };
}
