import { closeSync, openSync, readdirSync, readSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import { VigilError } from '../../errors.js';
import { type Container, detectContainer, detectEncoding, detectLineFormat } from '../formats/detect.js';
import type { ScanFileError } from './file-error.js';
import { type LeakMatch, ScanAccumulator, type ScanSnapshot } from './accumulator.js';
import { ScanPlan, type ScanSettings } from './chunk.js';
import { CATEGORIES, type Category, vnBanks } from './domains.js';
import { HLL_STANDARD_ERROR } from './hll.js';
import { type PlainTask, plainTaskBufferBytes, scanPlainTask } from './plain-task.js';

export const DEFAULT_CHUNK_BYTES = 8 * 1024 * 1024;
export const DEFAULT_MAX_LINE_BYTES = 1024 * 1024;
// 1,000,000 hashes fit a 16 MiB table per worker (2,000,000 needed 64 MiB after its last doubling).
export const DEFAULT_EXACT_LIMIT = 1_000_000;

export interface ScanOptions {
  orgDomains: string[];
  census: boolean;
  /** Installation secret for password fingerprints (import); scan leaves it out. */
  secret?: Buffer;
  /**
   * Worker threads for plain files besides this thread, which scans too (default: the cores less
   * one, at most 3, at least 1 for inputs over 4 chunks; 0 = this thread only).
   */
  workers?: number;
  chunkBytes?: number;
  maxLineBytes?: number;
  exactLimit?: number;
  /** The census's engine (census-kernel.ts); default the WebAssembly kernel, `VIGIL_CENSUS_KERNEL=js` picks the JavaScript one. */
  censusKernel?: 'wasm' | 'js';
  onProgress?: (doneBytes: number, totalBytes: number) => void;
  /** Census only: hand back the mergeable sketch (ScanResult.sketch), e.g. for a source's totals over files. */
  sketch?: boolean;
}

/** The census of a scan, as `vigil leaks scan --json` prints it (plus the matched accounts). */
export interface ScanResult {
  bytes: number;
  lines: number | null;
  records: number;
  rejected: number;
  rejectedByReason: Record<string, number>;
  skipped: Record<string, number>;
  uniqueAddresses: number | null;
  uniqueAddressesEstimated: boolean;
  uniqueAddressesErrorBound: number | null;
  categories: Record<Category, number | null>;
  domains: Record<string, number>;
  files: number;
  errors: ScanFileError[];
  durationMs: number;
  matches: LeakMatch[];
  /** With ScanOptions.sketch and census: the union-mergeable state (HyperLogLog registers, exact set, special lanes). */
  sketch?: ScanSketch;
}

/** What ScanAccumulator.merge needs to fold one scan's unique addresses into another's. */
export type ScanSketch = Pick<ScanSnapshot, 'hll' | 'exact' | 'special' | 'domains'>;

/** Every file under the given paths (directories recursively, sorted for a stable order). */
export function expandPaths(paths: string[]): { path: string; size: number }[] {
  const out: { path: string; size: number }[] = [];
  const walk = (p: string, explicit: boolean) => {
    let st: ReturnType<typeof statSync>;
    try {
      st = statSync(p);
    } catch (error) {
      if (explicit)
        throw new VigilError('leaks.input-missing', `cannot read ${p}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, {
          hint: 'check the path',
        });
      return;
    }
    if (st.isDirectory()) {
      for (const name of readdirSync(p).sort()) walk(join(p, name), false);
    } else if (st.isFile()) out.push({ path: p, size: st.size });
  };
  for (const p of paths) walk(resolve(p), true);
  return out;
}

function readHead(path: string, bytes = 65536): Buffer {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(bytes);
    const n = readSync(fd, buf, 0, bytes, 0);
    return buf.subarray(0, n);
  } finally {
    closeSync(fd);
  }
}

/**
 * Scan files, directories and archives. Plain UTF-8/latin-1 files are split into chunks on
 * line boundaries and scanned by worker threads reading raw bytes; compressed data, archives
 * and UTF-16 stream through this thread.
 */
export async function scanPaths(paths: string[], options: ScanOptions): Promise<ScanResult> {
  const started = performance.now();
  const settings: ScanSettings = {
    orgDomains: options.orgDomains,
    census: options.census,
    bankDomains: vnBanks().map((b) => b.domain),
    ...(options.secret ? { secret: options.secret.toString('hex') } : {}),
    exactLimit: options.exactLimit ?? DEFAULT_EXACT_LIMIT,
    maxLineBytes: options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES,
    censusKernel: options.censusKernel ?? (process.env.VIGIL_CENSUS_KERNEL === 'js' ? 'js' : 'wasm'),
  };
  const chunkBytes = options.chunkBytes ?? DEFAULT_CHUNK_BYTES;
  const files = expandPaths(paths);
  const explicit = new Set(paths.map((p) => resolve(p)));
  const plan = new ScanPlan(settings);
  const acc = new ScanAccumulator(settings.exactLimit);
  const errors: ScanResult['errors'] = [];
  const totalBytes = files.reduce((n, f) => n + f.size, 0);
  let doneBytes = 0;
  const progress = (n: number) => {
    doneBytes += n;
    options.onProgress?.(doneBytes, totalBytes);
  };

  // Workers start first, so their start-up (a thread, its modules) overlaps the format detection below.
  const workerCount = options.workers ?? (totalBytes > 4 * chunkBytes ? Math.max(1, Math.min(4, availableParallelism()) - 1) : 0);
  const pool = workerCount > 0 ? new WorkerPool(settings, workerCount, progress) : undefined;
  try {
    const tasks: PlainTask[] = [];
    const streamed: { path: string; size: number; container: Container; encoding: 'utf8' | 'utf16le' | 'utf16be' }[] = [];
    for (const file of files) {
      const head = readHead(file.path);
      const container = detectContainer(head);
      if (typeof container === 'object') {
        const message = `${file.path} is ${container.unsupported}-compressed, which vigil cannot read`;
        if (explicit.has(file.path)) {
          throw new VigilError('leaks.unsupported-format', message, {
            hint: `unpack it with a ${container.unsupported} tool first, then scan the unpacked files`,
          });
        }
        acc.reject('unsupported-format');
        errors.push({ file: file.path, reason: 'unsupported-format', message });
        progress(file.size);
        continue;
      }
      const { encoding } = detectEncoding(head);
      if (container === 'plain' && encoding === 'utf8') {
        const format = detectLineFormat(head);
        for (let start = 0; start < file.size || (start === 0 && file.size === 0); start += chunkBytes) {
          tasks.push({ file: file.path, start, length: Math.min(chunkBytes, file.size - start), size: file.size, format });
          if (file.size === 0) break;
        }
      } else streamed.push({ path: file.path, size: file.size, container, encoding });
    }
    const snapshots = pool?.run(tasks);
    // This thread takes tasks too, from the same counter: it is ready now, while the workers are
    // still starting (a thread and its modules), and it would otherwise wait idle for them.
    const buf = Buffer.allocUnsafe(plainTaskBufferBytes(settings.maxLineBytes));
    const fds = new Map<string, number>();
    let next = 0;
    const claim = () => (pool ? pool.claim() : next++);
    try {
      for (let i = claim(); i < tasks.length; i = claim()) {
        scanPlainTask(plan, acc, tasks[i]!, buf, fds);
        progress(tasks[i]!.length);
        // Let worker messages (progress, failures) through between tasks.
        if (pool) await new Promise((resolveTurn) => setImmediate(resolveTurn));
      }
    } finally {
      for (const fd of fds.values()) closeSync(fd);
    }
    if (streamed.length > 0) {
      const { scanStreamedFile } = await import('./streamed.js');
      for (const s of streamed) await scanStreamedFile(plan, acc, s, chunkBytes, errors, progress);
    }
    if (snapshots) for (const snapshot of await snapshots) acc.merge(snapshot);
  } finally {
    pool?.terminate();
  }
  const result = finish(acc, settings, files.length, errors, started);
  if (options.sketch && settings.census) {
    const { hll, exact, special, domains } = acc.snapshot();
    result.sketch = { hll, exact, special, domains };
  }
  return result;
}

/** Sources the scan worker loads (its import graph), to tell whether dist/ is as new as them. */
const WORKER_SOURCES = [
  'scan/worker',
  'scan/accumulator',
  'scan/bytes',
  'scan/chunk',
  'scan/census',
  'scan/census-kernel',
  'scan/domains',
  'scan/hash-set',
  'scan/hll',
  'scan/plain-task',
  'formats/parse-line',
  'formats/password',
  'formats/fields',
  'formats/php-serialised',
];

/**
 * The compiled worker in dist/ when running from sources (tsx, vitest) and dist/ is at least as
 * new as every source the worker loads: compiling TypeScript in each worker through tsx costs
 * seconds of CPU, which made two workers slower than one.
 */
function freshCompiledWorker(self: URL): URL | undefined {
  try {
    const leaks = new URL('../', self); // src/leaks/
    const dist = new URL('../../../dist/leaks/', self);
    for (const name of WORKER_SOURCES) {
      if (statSync(new URL(`${name}.js`, dist)).mtimeMs < statSync(new URL(`${name}.ts`, leaks)).mtimeMs) return undefined;
    }
    return new URL('scan/worker.js', dist);
  } catch {
    return undefined;
  }
}

function workerUrl(): { url: URL; eval: boolean; code: string } {
  const self = new URL(import.meta.url);
  const ts = self.pathname.endsWith('.ts');
  const compiled = ts ? freshCompiledWorker(self) : undefined;
  if (compiled) return { url: compiled, eval: false, code: '' };
  const url = new URL(ts ? './worker.ts' : './worker.js', self);
  // Running from sources with a stale dist/: the worker must register tsx itself before importing TypeScript.
  const code = `import('tsx/esm/api').then((m) => { m.register(); return import(${JSON.stringify(url.href)}); });`;
  return { url, eval: ts, code };
}

/**
 * Scan worker threads. They are started before the tasks are known and take tasks themselves
 * from a shared counter (Atomics.add), so no worker waits for the main thread between tasks.
 */
class WorkerPool {
  private readonly workers: Worker[];
  private readonly claimed = new Int32Array(new SharedArrayBuffer(4));
  private readonly snapshots: Promise<ScanSnapshot>[];

  constructor(settings: ScanSettings, count: number, progress: (n: number) => void) {
    const { url, eval: useEval, code } = workerUrl();
    const workerData = { settings, claimed: this.claimed };
    this.workers = Array.from({ length: count }, () => (useEval ? new Worker(code, { eval: true, workerData }) : new Worker(url, { workerData })));
    this.snapshots = this.workers.map(
      (worker) =>
        new Promise<ScanSnapshot>((resolveSnapshot, reject) => {
          worker.on('message', (message: { type: string; bytes?: number; snapshot?: ScanSnapshot }) => {
            if (message.type === 'done') progress(message.bytes ?? 0);
            else if (message.type === 'snapshot') {
              resolveSnapshot(message.snapshot!);
              void worker.terminate();
            }
          });
          worker.on('error', reject);
          worker.on('exit', (code) => {
            if (code !== 0) reject(new VigilError('leaks.worker-failed', `a scan worker stopped with code ${code}`));
          });
        }),
    );
    // A worker that fails before run() is awaited must not be an unhandled rejection.
    for (const p of this.snapshots) p.catch(() => {});
  }

  /** The next task index for the calling thread (shared with the workers). */
  claim(): number {
    return Atomics.add(this.claimed, 0, 1);
  }

  /** Hand every worker the task list; resolves with each worker's counts. */
  run(tasks: PlainTask[]): Promise<ScanSnapshot[]> {
    for (const worker of this.workers) worker.postMessage({ type: 'tasks', tasks });
    return Promise.all(this.snapshots);
  }

  terminate(): void {
    for (const worker of this.workers) void worker.terminate();
  }
}

function finish(acc: ScanAccumulator, settings: ScanSettings, files: number, errors: ScanResult['errors'], started: number): ScanResult {
  const categories = {} as Record<Category, number | null>;
  let perDomain: Map<string, number>;
  if (settings.census) {
    Object.assign(categories, acc.categoryCounts());
    perDomain = acc.domainCounts();
  } else {
    for (const c of CATEGORIES) categories[c] = c === 'org' ? acc.org.size : null;
    perDomain = new Map();
    for (const address of acc.org) {
      const domain = address.slice(address.lastIndexOf('@') + 1);
      perDomain.set(domain, (perDomain.get(domain) ?? 0) + 1);
    }
  }
  const domains: Record<string, number> = {};
  for (const [d, n] of [...perDomain].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, 50)) domains[d] = n;
  const estimated = acc.exact === null;
  const rejected = Object.values(acc.rejected).reduce((a, b) => a + b, 0);
  return {
    bytes: acc.bytes,
    lines: settings.census ? acc.lines : null,
    records: acc.records,
    rejected,
    rejectedByReason: acc.rejected,
    skipped: acc.skipped,
    uniqueAddresses: settings.census ? (estimated ? acc.hll.estimate() : acc.exact!.size) : null,
    uniqueAddressesEstimated: settings.census && estimated,
    uniqueAddressesErrorBound: settings.census && estimated ? HLL_STANDARD_ERROR : null,
    categories,
    domains,
    files,
    errors,
    durationMs: Math.round(performance.now() - started),
    matches: acc.matches,
  };
}
