import { closeSync, openSync, readSync } from 'node:fs';
import type { FileFormat } from '../formats/parse-line.js';
import type { ScanAccumulator } from './accumulator.js';
import { NL } from './bytes.js';
import { censusBlock, censusInput } from './census-kernel.js';
import { type ChunkView, domainChunk, type ScanPlan } from './chunk.js';

/** A chunk of a plain file for a scan worker (kept apart from engine.ts so workers load little). */
export interface PlainTask {
  file: string;
  start: number;
  length: number;
  size: number;
  format: FileFormat;
}

/**
 * A task is read and scanned in blocks this large: a block stays in the CPU cache between the
 * read's copy and the searches over it (8 MiB reads ran at half the speed of 128 KiB ones).
 */
export const BLOCK_BYTES = 56 * 1024;
/** Look-behind and look-ahead read around a block: enough for a line and its stealer-log neighbours. */
const CONTEXT_BYTES = 4096;
/**
 * The small buffer blocks are read into (one per thread): 64 KiB with its context, on purpose.
 * Measured here, `readSync` into a buffer of more than 128 KiB costs about 3× the kernel time
 * of one up to 128 KiB (1.4 vs 4.7 GB/s copying from the page cache — larger allocations are
 * mmap-backed), whatever the length read; the block and its context used to add up to 136 KiB,
 * just over the line, and one thread's domain scan took 1.45 s instead of 0.8 s per GB.
 */
let blockBuffer: Buffer | undefined;

/**
 * One chunk of a plain file, block by block: each block is read with a little context around it;
 * when its last line does not end within that context, the block is read again with a whole
 * line's worth (the line cap) of look-ahead, so results do not depend on the block size.
 */
export function scanPlainTask(plan: ScanPlan, acc: ScanAccumulator, task: PlainTask, buf: Buffer, fdCache?: Map<string, number>): void {
  if (task.length <= 0) return;
  let fd = fdCache?.get(task.file);
  const ownFd = fd === undefined;
  if (fd === undefined) {
    fd = openSync(task.file, 'r');
    fdCache?.set(task.file, fd);
  }
  try {
    const taskEnd = task.start + task.length;
    for (let start = task.start; start < taskEnd; start += BLOCK_BYTES) {
      const length = Math.min(BLOCK_BYTES, taskEnd - start);
      // A census block is read straight into the WebAssembly kernel's memory (no copy), when it runs.
      const into =
        (plan.settings.census ? censusInput(plan, acc, CONTEXT_BYTES + BLOCK_BYTES + CONTEXT_BYTES) : null) ??
        (blockBuffer ??= Buffer.allocUnsafeSlow(CONTEXT_BYTES + BLOCK_BYTES + CONTEXT_BYTES));
      const view = readBlock(fd, task, start, length, CONTEXT_BYTES, into);
      const complete = view.atInputEnd || isLastLineComplete(view);
      const scanned = complete ? view : readBlock(fd, task, start, length, plan.settings.maxLineBytes, buf);
      if (plan.settings.census) censusBlock(plan, acc, scanned);
      else domainChunk(plan, acc, scanned);
    }
  } finally {
    if (ownFd && !fdCache) closeSync(fd);
  }
}

/** Size of the reusable buffer scanPlainTask needs for a block whose last line runs long: a block, its context and a line's worth of look-ahead. */
export function plainTaskBufferBytes(maxLineBytes: number): number {
  return CONTEXT_BYTES + BLOCK_BYTES + Math.max(CONTEXT_BYTES, maxLineBytes) + 1;
}

/** Does the line running over the block's end finish within the look-ahead? */
function isLastLineComplete(view: ChunkView): boolean {
  const nl = view.buf.indexOf(NL, view.end - 1);
  return nl >= 0 && nl < view.limit;
}

function readBlock(fd: number, task: PlainTask, start: number, length: number, lookAhead: number, buf: Buffer): ChunkView {
  const lookBehind = Math.min(start, CONTEXT_BYTES);
  const from = start - lookBehind;
  const want = Math.min(task.size - from, lookBehind + length + lookAhead, buf.length);
  let got = 0;
  while (got < want) {
    const n = readSync(fd, buf, got, want - got, from + got);
    if (n === 0) break;
    got += n;
  }
  return {
    // Exactly the bytes read: Buffer.indexOf searches to the end of the buffer it is given.
    buf: buf.subarray(0, got),
    begin: lookBehind,
    end: lookBehind + Math.min(length, got - lookBehind),
    limit: got,
    atInputStart: start === 0,
    atInputEnd: from + got >= task.size,
    baseOffset: from,
    file: task.file,
    format: task.format,
  };
}
