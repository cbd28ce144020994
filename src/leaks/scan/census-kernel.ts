import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { debuglog } from 'node:util';
import { censusRuns, type ScanAccumulator, type UniqueHolder } from './accumulator.js';
import { DOMAIN, LOCAL, LOWER } from './bytes.js';
import { censusChunk, censusLine } from './census.js';
import { type ChunkView, firstLineStart, type ScanPlan } from './chunk.js';

/**
 * The census's WebAssembly kernel (wasm/census/census.ts, built by `npm run build` into
 * build/wasm/census.wasm): it walks a whole block in its own memory and does, for the common
 * line, what census.ts censusChunk does — about 3× faster per thread. What is rare comes back
 * through an event queue and runs the JavaScript code it always ran (ScanPlan.countSpecial,
 * recordLine, censusLine). Without the .wasm file the JavaScript census runs (one debug line:
 * NODE_DEBUG=vigil). Each accumulator gets its own instance (a thread may run several scans).
 */

const debug = debuglog('vigil');
/** Resolves from src/leaks/scan/ (tsx, tests) and dist/leaks/scan/ (the CLI) alike. */
const WASM_URL = new URL('../../../build/wasm/census.wasm', import.meta.url);

interface KernelExports {
  memory: WebAssembly.Memory;
  init(suffixSlots: number, queueInts: number, pendingPairs: number, inputBytes: number, exactSlots: number, exactLimit: number): void;
  prepareClasses(): void;
  localLowerPtr(): number;
  domainBytesPtr(): number;
  hllPtr(): number;
  suffixKeysPtr(): number;
  suffixHitsPtr(): number;
  queuePtr(): number;
  statsPtr(): number;
  pendingPtr(): number;
  inputPtr(): number;
  exactPtr(): number;
  exactSlots(): number;
  exactCount(): number;
  exactCounting(): number;
  ensureInput(bytes: number): number;
  resetUnique(): void;
  addPending(n: number): void;
  flushUnique(): void;
  census(s: number, end: number, limit: number, atEnd: number, maxLine: number, flags: number): number;
}

// Event kinds and counters: keep in step with wasm/census/census.ts.
const EV_LINE = 1;
const EV_ADDRESS = 2;
const EV_SPECIAL_LINE = 3;
const EV_FIRST = 4;
const STAT_LINES = 0;
const STAT_RECORDS = 1;
const STAT_QUEUE = 2;
const STAT_REASONS = 3;
/** The kernel's reasons, by number: skipped (acc.skip) or rejected (acc.reject), and the key. */
const REASONS: { rejected: boolean; key: string }[] = [
  { rejected: false, key: 'empty' },
  { rejected: true, key: 'line-too-long' },
  { rejected: true, key: 'binary' },
  { rejected: false, key: 'stealer-field' },
  { rejected: true, key: 'no-separator' },
  { rejected: false, key: 'user-pass-records' },
];

const QUEUE_INTS = 1 << 14;
const PENDING_PAIRS = 1 << 12;
/** A plain-task block with its context (plain-task.ts); larger views make the input grow. */
const INITIAL_INPUT_BYTES = 64 * 1024;
const INITIAL_EXACT_SLOTS = 1 << 16;
const HLL_BYTES = 1 << 14;

let compiled: WebAssembly.Module | null | undefined;
let loadError: string | undefined;

function kernelModule(): WebAssembly.Module | null {
  if (compiled === undefined) {
    try {
      compiled = new WebAssembly.Module(readFileSync(WASM_URL));
    } catch (error) {
      compiled = null;
      loadError = (error as Error).message;
      debug('census: %s not usable (%s); the JavaScript census runs instead (npm run build makes it)', fileURLToPath(WASM_URL), loadError);
    }
  }
  return compiled;
}

/** Is the WebAssembly kernel usable in this thread, and where is it looked for. */
export function censusKernelStatus(): { available: boolean; path: string; error?: string } {
  const available = kernelModule() !== null;
  return { available, path: fileURLToPath(WASM_URL), ...(loadError ? { error: loadError } : {}) };
}

export { censusRuns };

class CensusKernel implements UniqueHolder {
  private readonly x: KernelExports;
  private arrayBuffer: ArrayBuffer | undefined;
  private bytes!: Buffer;
  private ints!: Int32Array;
  private readonly queue: number;
  private readonly stats: number;
  /** Lanes JS added (`%40` addresses) while the kernel was not running: flushed before it runs again. */
  private pending: number[] = [];

  constructor(readonly plan: ScanPlan) {
    this.x = new WebAssembly.Instance(kernelModule()!, {}).exports as unknown as KernelExports;
    const table = plan.suffixTable();
    this.x.init(table.keys.length, QUEUE_INTS, PENDING_PAIRS, INITIAL_INPUT_BYTES, INITIAL_EXACT_SLOTS, plan.settings.exactLimit);
    this.refresh();
    // The byte tables and the suffix table come from the JS definitions: one source of truth.
    const localLower = this.x.localLowerPtr();
    const domainBytes = this.x.domainBytesPtr();
    for (let c = 0; c < 256; c++) {
      this.bytes[localLower + c] = LOCAL[c] === 1 ? LOWER[c]! : 0;
      this.bytes[domainBytes + c] = DOMAIN[c]!;
    }
    this.ints.set(table.keys, this.x.suffixKeysPtr() >>> 2);
    this.bytes.set(table.hits, this.x.suffixHitsPtr());
    this.x.prepareClasses();
    this.queue = this.x.queuePtr() >>> 2;
    this.stats = this.x.statsPtr() >>> 2;
  }

  /** New views after the memory grew (growing detaches the old ArrayBuffer). */
  private refresh(): void {
    const buffer = this.x.memory.buffer;
    if (buffer === this.arrayBuffer) return;
    this.arrayBuffer = buffer;
    this.bytes = Buffer.from(buffer);
    this.ints = new Int32Array(buffer);
  }

  addLanes(a: number, b: number): void {
    // Never calls into the kernel here: the memory must not grow under the views the caller holds.
    this.pending.push(a, b);
  }

  private flushPending(): void {
    const pending = this.pending;
    if (pending.length === 0) return;
    this.pending = [];
    for (let from = 0; from < pending.length; from += PENDING_PAIRS * 2) {
      const n = Math.min(PENDING_PAIRS * 2, pending.length - from);
      this.refresh();
      const at = this.x.pendingPtr() >>> 2;
      for (let k = 0; k < n; k++) this.ints[at + k] = pending[from + k]!;
      this.x.addPending(n >>> 1);
    }
  }

  settleInto(acc: ScanAccumulator): void {
    this.flushPending();
    this.x.flushUnique();
    this.refresh();
    const hll = this.x.hllPtr();
    const exact = this.x.exactCounting()
      ? { slots: new Uint32Array(this.x.memory.buffer, this.x.exactPtr(), this.x.exactSlots() * 2), size: this.x.exactCount() }
      : null;
    acc.absorbUnique(this.bytes.subarray(hll, hll + HLL_BYTES), exact);
    this.x.resetUnique();
  }

  /** `bytes` of the kernel's input region, to read a block into (valid until the kernel runs again). */
  input(bytes: number): Buffer {
    const at = this.x.ensureInput(bytes);
    this.refresh();
    return this.bytes.subarray(at, at + bytes);
  }

  /** census.ts censusChunk over `view`, in the kernel (the view's bytes are copied in unless they were read there). */
  run(acc: ScanAccumulator, view: ChunkView): void {
    const plan = this.plan;
    this.refresh();
    let at = this.x.inputPtr();
    if (view.buf.buffer !== this.arrayBuffer || view.buf.byteOffset !== at) {
      at = this.x.ensureInput(view.limit);
      this.refresh();
      this.bytes.set(view.buf.subarray(0, view.limit), at);
    }
    // From here on `view.buf` may be detached (flushing can grow the memory): use `local`.
    acc.holdUnique(this);
    this.flushPending();
    this.refresh();
    let local: ChunkView = { ...view, buf: this.bytes.subarray(at, at + view.limit) };
    acc.bytes += view.end - view.begin;
    let s = firstLineStart(local);
    if (s < 0) return;
    if (view.atInputStart && view.format.header && s === view.begin) {
      const nl = local.buf.indexOf(10, s);
      acc.lines++;
      acc.skip('header');
      s = nl < 0 ? view.limit : nl + 1;
    }
    const maxLine = plan.settings.maxLineBytes;
    for (;;) {
      let seen = 0;
      for (let r = 0; r < REASONS.length; r++) if ((REASONS[r]!.rejected ? acc.rejected : acc.skipped)[REASONS[r]!.key] !== undefined) seen |= 1 << r;
      const resume = this.x.census(s, view.end, view.limit, view.atInputEnd ? 1 : 0, maxLine, seen);
      if (this.x.memory.buffer !== this.arrayBuffer) {
        this.refresh();
        local = { ...view, buf: this.bytes.subarray(at, at + view.limit) };
      }
      const events = this.ints[this.stats + STAT_QUEUE]!;
      if (events > 0) this.drain(acc, local, events);
      if (resume < 0) break;
      s = resume;
    }
    const ints = this.ints;
    const stats = this.stats;
    acc.lines += ints[stats + STAT_LINES]!;
    acc.records += ints[stats + STAT_RECORDS]!;
    for (let r = 0; r < REASONS.length; r++) {
      const n = ints[stats + STAT_REASONS + r]!;
      if (n > 0) this.countReason(acc, r, n);
    }
    ints.fill(0, stats, stats + STAT_REASONS + REASONS.length);
  }

  private countReason(acc: ScanAccumulator, reason: number, n: number): void {
    const { rejected, key } = REASONS[reason]!;
    if (rejected) acc.reject(key, n);
    else acc.skip(key, n);
  }

  /** The rare cases, in line order, by the JavaScript census's own code. Nothing here calls the kernel. */
  private drain(acc: ScanAccumulator, view: ChunkView, events: number): void {
    const plan = this.plan;
    const q = this.ints;
    const buf = view.buf;
    let org = false;
    for (let k = this.queue, last = this.queue + events; k < last; ) {
      switch (q[k]) {
        case EV_LINE:
          censusLine(plan, acc, view, q[k + 1]!, q[k + 2]!);
          k += 3;
          break;
        case EV_ADDRESS:
          if (plan.countSpecial(acc, buf, q[k + 1]!, q[k + 2]!, q[k + 3]!, q[k + 4]!, q[k + 5]! >>> 0, q[k + 6]! >>> 0)) org = true;
          k += 7;
          break;
        case EV_SPECIAL_LINE:
          if (org) plan.recordLine(acc, view, q[k + 1]!, q[k + 2]!);
          org = false;
          k += 3;
          break;
        case EV_FIRST:
          this.countReason(acc, q[k + 1]!, 1);
          k += 3;
          break;
        default:
          throw new Error(`census kernel: unknown event ${q[k]} at ${k - this.queue}`);
      }
    }
  }
}

const kernels = new WeakMap<ScanAccumulator, CensusKernel>();

function kernelFor(plan: ScanPlan, acc: ScanAccumulator): CensusKernel | null {
  if (plan.settings.censusKernel === 'js' || !kernelModule()) return null;
  let kernel = kernels.get(acc);
  if (!kernel || kernel.plan !== plan) {
    try {
      kernel = new CensusKernel(plan);
    } catch (error) {
      // No memory for an instance (each reserves address space): this scan's census runs in JS.
      debug('census: no WebAssembly instance (%s); the JavaScript census runs instead', (error as Error).message);
      return null;
    }
    kernels.set(acc, kernel);
  }
  return kernel;
}

/** The census of one chunk: the WebAssembly kernel when it is built (and not switched off), else census.ts. */
export function censusBlock(plan: ScanPlan, acc: ScanAccumulator, view: ChunkView): void {
  const kernel = kernelFor(plan, acc);
  if (kernel) {
    censusRuns.wasm++;
    acc.censusBlocks.wasm++;
    kernel.run(acc, view);
  } else {
    censusRuns.js++;
    acc.censusBlocks.js++;
    censusChunk(plan, acc, view);
  }
}

/** Where to read a census block of `bytes` so the kernel needs no copy (null: use your own buffer). */
export function censusInput(plan: ScanPlan, acc: ScanAccumulator, bytes: number): Buffer | null {
  return kernelFor(plan, acc)?.input(bytes) ?? null;
}
