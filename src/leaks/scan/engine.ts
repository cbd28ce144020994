import { closeSync, createReadStream, openSync, readdirSync, readSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import { VigilError } from '../../errors.js';
import { type Container, detectContainer, detectEncoding, detectLineFormat } from '../formats/detect.js';
import { type ArchiveEntry, spoolToTemp, tarEntries, zipEntries } from '../sources/archives.js';
import { BombError, type ByteSource, decompress, utf16ToUtf8 } from '../sources/decompress.js';
import { type LeakMatch, ScanAccumulator, type ScanSnapshot } from './accumulator.js';
import { ScanPlan, type ScanSettings } from './chunk.js';
import { CATEGORIES, type Category, vnBanks } from './domains.js';
import { HLL_STANDARD_ERROR } from './hll.js';
import { StreamFeeder } from './feeder.js';
import { type PlainTask, plainTaskBufferBytes, scanPlainTask } from './plain-task.js';

export const DEFAULT_CHUNK_BYTES = 8 * 1024 * 1024;
export const DEFAULT_MAX_LINE_BYTES = 1024 * 1024;
// 1,000,000 hashes fit a 16 MiB table per worker (2,000,000 needed 64 MiB after its last doubling).
export const DEFAULT_EXACT_LIMIT = 1_000_000;
const MAX_NESTING = 4;

export interface ScanOptions {
  orgDomains: string[];
  census: boolean;
  /** Installation secret for password fingerprints (import); scan leaves it out. */
  secret?: Buffer;
  /** Worker threads for plain files (default: the cores, at most 4; 0 = this thread only). */
  workers?: number;
  chunkBytes?: number;
  maxLineBytes?: number;
  exactLimit?: number;
  onProgress?: (doneBytes: number, totalBytes: number) => void;
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
  errors: { file: string; reason: string; message: string }[];
  durationMs: number;
  matches: LeakMatch[];
}

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

  const plainBytes = tasks.reduce((n, t) => n + t.length, 0);
  const workerCount = options.workers ?? (plainBytes > 4 * chunkBytes ? Math.min(4, availableParallelism()) : 0);
  const pool = workerCount > 0 ? runWorkers(tasks, settings, chunkBytes, workerCount, progress) : undefined;
  if (!pool) {
    const buf = Buffer.allocUnsafe(plainTaskBufferBytes(settings.maxLineBytes));
    for (const task of tasks) {
      scanPlainTask(plan, acc, task, buf);
      progress(task.length);
    }
  }
  for (const s of streamed) {
    let consumed = 0;
    try {
      const source = countingRead(s.path, (n) => {
        consumed += n;
        progress(n);
      });
      let data: ByteSource = source;
      if (s.container === 'plain' && s.encoding !== 'utf8') data = utf16ToUtf8(source, s.encoding);
      await scanSource(plan, acc, s.path, s.container === 'plain' ? 'plain' : s.container, data, chunkBytes, errors, 0, s.path);
    } catch (error) {
      recordFailure(acc, errors, s.path, error);
    }
    progress(s.size - consumed);
  }
  if (pool) for (const snapshot of await pool) acc.merge(snapshot);
  return finish(acc, settings, files.length, errors, started);
}

function countingRead(path: string, onBytes: (n: number) => void): ByteSource {
  return (async function* () {
    for await (const chunk of createReadStream(path, { highWaterMark: 1024 * 1024 })) {
      onBytes((chunk as Buffer).length);
      yield chunk as Buffer;
    }
  })();
}

function recordFailure(acc: ScanAccumulator, errors: ScanResult['errors'], file: string, error: unknown): void {
  const message = error instanceof Error ? error.message : String(error);
  const reason =
    error instanceof BombError ? 'compression-bomb' : /unexpected end|truncat|incomplete|premature/i.test(message) ? 'truncated-input' : 'corrupt-input';
  acc.reject(reason);
  errors.push({ file, reason, message });
}

/** Scan a byte stream whose container is known or detected from its first bytes; recurses into archives. */
async function scanSource(
  plan: ScanPlan,
  acc: ScanAccumulator,
  name: string,
  container: Container | 'detect',
  data: ByteSource,
  chunkBytes: number,
  errors: ScanResult['errors'],
  depth: number,
  diskPath?: string,
): Promise<void> {
  let kind = container;
  let source = data;
  if (kind === 'detect' || (kind === 'plain' && !diskPath)) {
    const peeked = await peek(data, 1024);
    source = peeked.source;
    const detected = detectContainer(peeked.head);
    if (typeof detected === 'object') {
      acc.reject('unsupported-format');
      errors.push({ file: name, reason: 'unsupported-format', message: `${name} is ${detected.unsupported}-compressed, which vigil cannot read` });
      return;
    }
    kind = detected;
    if (kind === 'plain') {
      const { encoding } = detectEncoding(peeked.head);
      if (encoding !== 'utf8') source = utf16ToUtf8(source, encoding);
    }
  }
  if (kind !== 'plain' && depth >= MAX_NESTING) {
    acc.reject('nesting-too-deep');
    errors.push({ file: name, reason: 'nesting-too-deep', message: `${name}: archives nested more than ${MAX_NESTING} deep` });
    return;
  }
  switch (kind) {
    case 'plain': {
      const peeked = await peek(source, 65536);
      const feeder = new StreamFeeder(plan, acc, name, detectLineFormat(Buffer.from(peeked.head)), chunkBytes);
      try {
        for await (const chunk of peeked.source) feeder.push(chunk);
      } catch (error) {
        // Truncated or corrupt: keep the complete lines read so far, then report the failure.
        feeder.flush(false);
        throw error;
      }
      feeder.flush(true);
      return;
    }
    case 'zip': {
      let spooled: { path: string; cleanup: () => void } | undefined;
      const path = diskPath ?? (spooled = await spoolToTemp(source)).path;
      try {
        for await (const entry of zipEntries(path)) await scanEntry(plan, acc, `${name}!/${entry.name}`, entry, chunkBytes, errors, depth);
      } finally {
        spooled?.cleanup();
      }
      return;
    }
    case 'tar':
      for await (const entry of tarEntries(source)) await scanEntry(plan, acc, `${name}!/${entry.name}`, entry, chunkBytes, errors, depth);
      return;
    case 'gzip':
    case 'zstd':
    case 'bzip2':
    case 'xz':
      // The decompressed bytes may be a tar (.tar.gz) or anything else: detect again.
      await scanSource(plan, acc, name, 'detect', decompress(kind, source), chunkBytes, errors, depth + 1);
      return;
  }
}

async function scanEntry(
  plan: ScanPlan,
  acc: ScanAccumulator,
  name: string,
  entry: ArchiveEntry,
  chunkBytes: number,
  errors: ScanResult['errors'],
  depth: number,
): Promise<void> {
  if (entry.refused) {
    acc.reject(entry.refused);
    errors.push({ file: name, reason: entry.refused, message: `archive entry refused: ${entry.refused}` });
    return;
  }
  try {
    await scanSource(plan, acc, name, 'detect', entry.data!, chunkBytes, errors, depth + 1);
  } catch (error) {
    recordFailure(acc, errors, name, error);
  }
}

/** Read the first bytes of a stream and give back a stream that still yields them. */
async function peek(source: ByteSource, bytes: number): Promise<{ head: Uint8Array; source: ByteSource }> {
  const iterator = source[Symbol.asyncIterator]();
  const held: Uint8Array[] = [];
  let n = 0;
  while (n < bytes) {
    const next = await iterator.next();
    if (next.done) break;
    held.push(next.value);
    n += next.value.length;
  }
  const head = Buffer.concat(held);
  return {
    head,
    source: (async function* () {
      if (head.length) yield head;
      for (;;) {
        const next = await iterator.next();
        if (next.done) return;
        yield next.value;
      }
    })(),
  };
}

/** Sources the scan worker loads (its import graph), to tell whether dist/ is as new as them. */
const WORKER_SOURCES = [
  'scan/worker',
  'scan/accumulator',
  'scan/bytes',
  'scan/chunk',
  'scan/domains',
  'scan/hash-set',
  'scan/hll',
  'scan/plain-task',
  'formats/parse-line',
  'formats/password',
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

function runWorkers(tasks: PlainTask[], settings: ScanSettings, chunkBytes: number, count: number, progress: (n: number) => void): Promise<ScanSnapshot[]> {
  const { url, eval: useEval, code } = workerUrl();
  let next = 0;
  const workers = Array.from({ length: Math.min(count, Math.max(tasks.length, 1)) }, () =>
    useEval ? new Worker(code, { eval: true, workerData: { settings, chunkBytes } }) : new Worker(url, { workerData: { settings, chunkBytes } }),
  );
  return Promise.all(
    workers.map(
      (worker) =>
        new Promise<ScanSnapshot>((resolveSnapshot, reject) => {
          const dispatch = () => {
            if (next < tasks.length) worker.postMessage({ type: 'task', task: tasks[next++] });
            else worker.postMessage({ type: 'finish' });
          };
          worker.on('message', (message: { type: string; bytes?: number; snapshot?: ScanSnapshot }) => {
            if (message.type === 'ready') dispatch();
            else if (message.type === 'done') {
              progress(message.bytes ?? 0);
              dispatch();
            } else if (message.type === 'snapshot') {
              resolveSnapshot(message.snapshot!);
              void worker.terminate();
            }
          });
          worker.on('error', reject);
          worker.on('exit', (code) => {
            if (code !== 0) reject(new VigilError('leaks.worker-failed', `a scan worker stopped with code ${code}`));
          });
        }),
    ),
  );
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
