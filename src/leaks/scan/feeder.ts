import type { FileFormat } from '../formats/parse-line.js';
import type { ScanAccumulator } from './accumulator.js';
import { censusBlock } from './census-kernel.js';
import { type ChunkView, domainChunk, type ScanPlan } from './chunk.js';
import { NL } from './bytes.js';

/**
 * Feeds a byte stream (decompressed data, archive entries) to the chunk scanner in the current
 * thread: bytes collect in one preallocated buffer, whole lines are scanned, the partial last
 * line carries over. A line longer than the cap is counted and skipped without being held.
 */
export class StreamFeeder {
  private readonly buf: Buffer;
  private used = 0;
  private offset = 0;
  private discarding = false;
  private first = true;

  constructor(
    private readonly plan: ScanPlan,
    private readonly acc: ScanAccumulator,
    private readonly file: string,
    private format: FileFormat,
    private readonly chunkBytes: number,
  ) {
    this.buf = Buffer.allocUnsafe(chunkBytes + plan.settings.maxLineBytes + 1);
  }

  push(data: Uint8Array): void {
    let at = 0;
    while (at < data.length) {
      if (this.discarding) {
        const nl = data.indexOf(NL, at);
        if (nl < 0) {
          this.offset += data.length - at;
          this.acc.bytes += data.length - at;
          return;
        }
        this.offset += nl + 1 - at;
        this.acc.bytes += nl + 1 - at;
        at = nl + 1;
        this.discarding = false;
        continue;
      }
      const n = Math.min(data.length - at, this.buf.length - this.used);
      this.buf.set(data.subarray(at, at + n), this.used);
      this.used += n;
      at += n;
      if (this.used >= this.chunkBytes) this.flush(false);
    }
  }

  /** Scan the complete lines held (all of them at the end of the stream). */
  flush(final: boolean): void {
    if (this.used === 0) return;
    let cut = this.used;
    if (!final) {
      const nl = this.buf.lastIndexOf(NL, this.used - 1);
      if (nl < 0) {
        if (this.used < this.buf.length) return;
        // The buffer is full without a newline: a line longer than the cap.
        this.acc.lines++;
        this.acc.reject('line-too-long');
        this.acc.bytes += this.used;
        this.offset += this.used;
        this.used = 0;
        this.discarding = true;
        return;
      }
      cut = nl + 1;
    }
    const view: ChunkView = {
      buf: this.buf,
      begin: 0,
      end: cut,
      limit: cut,
      atInputStart: true,
      atInputEnd: true,
      baseOffset: this.offset,
      file: this.file,
      format: this.first ? this.format : { ...this.format, header: false },
    };
    this.first = false;
    if (this.plan.settings.census) censusBlock(this.plan, this.acc, view);
    else domainChunk(this.plan, this.acc, view);
    this.buf.copy(this.buf, 0, cut, this.used);
    this.offset += cut;
    this.used -= cut;
  }
}
