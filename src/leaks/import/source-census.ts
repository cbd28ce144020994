import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { endianness } from 'node:os';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { VigilError } from '../../errors.js';
import type { Store } from '../../store/store.js';
import { detectContainer, detectEncoding, detectLineFormat } from '../formats/detect.js';
import { ScanAccumulator, type ScanSnapshot } from '../scan/accumulator.js';
import { ScanPlan, type ScanSettings } from '../scan/chunk.js';
import { type Category, vnBanks } from '../scan/domains.js';
import { DEFAULT_CHUNK_BYTES, DEFAULT_EXACT_LIMIT, DEFAULT_MAX_LINE_BYTES, type ScanResult } from '../scan/engine.js';
import { HLL_STANDARD_ERROR } from '../scan/hll.js';
import { plainTaskBufferBytes, scanPlainTask } from '../scan/plain-task.js';

/**
 * A leak source's census totals as exact unions over its files, not sums.
 *
 * Each imported file leaves a mergeable sketch (table leak_source_sketches): its HyperLogLog
 * registers, its exact address-hash set while the file stayed under the scan's bound, and its
 * special addresses (.vn, banks, the organisation's) as 64-bit hashes with domain and category
 * bits. The source's totals fold those sketches with ScanAccumulator.merge — the same union the
 * scan uses across its workers — so an address in two files, or in two import runs, counts once.
 * Unique addresses are exact while every file kept its exact set and the union stays under
 * TOTALS_EXACT_LIMIT, else the merged HyperLogLog's estimate with its standard error; the
 * categories and top domains are always exact (the special lanes are never dropped).
 */

/** The mergeable part of a scan: what a source's totals need from each file. */
export type FileSketch = Pick<ScanSnapshot, 'hll' | 'exact' | 'special' | 'domains'>;

/**
 * Exact union bound when merging a source's files (a HashSet53 of 2,000,000 hashes is ~32 MiB
 * at its last doubling); past it the total is the HyperLogLog estimate.
 */
export const TOTALS_EXACT_LIMIT = 2_000_000;
const TOP_DOMAINS = 50;

export interface SourceTotals {
  /** Files whose sketches were merged. */
  files: number;
  /** Completed files of the source without a sketch (imported before 0202): their addresses are missing from the union. */
  filesWithoutSketch: string[];
  uniqueAddresses: number;
  uniqueAddressesEstimated: boolean;
  uniqueAddressesErrorBound: number | null;
  categories: Record<Category, number>;
  domains: Record<string, number>;
  /** `file_key@created_at` of every stored sketch (sorted): tells whether a cached total is still current. */
  sketchVersions: string[];
}

// The blobs are the typed arrays' bytes; every platform Node 20 ships for (x64, arm64) is little-endian.
function assertLittleEndian(): void {
  if (endianness() !== 'LE') throw new VigilError('leaks.sketch-endianness', 'census sketches are stored little-endian; this machine is big-endian');
}

const bytesOf = (a: ArrayBufferView) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
/** Inflate into a fresh, aligned ArrayBuffer (a Buffer from the pool may start at an odd offset). */
function inflated(blob: Uint8Array): ArrayBuffer {
  const raw = inflateRawSync(blob);
  return raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength) as ArrayBuffer;
}

export interface EncodedSketch {
  hll: Buffer;
  exact: Buffer | null;
  exact_count: number | null;
  special: Buffer;
  domains: string;
}

/** deflate-raw (level 1: the registers and category values compress well, the hashes do not; it stays cheap). */
export function encodeSketch(sketch: FileSketch): EncodedSketch {
  assertLittleEndian();
  const deflate = (a: ArrayBufferView) => deflateRawSync(bytesOf(a), { level: 1 });
  return {
    hll: deflate(sketch.hll),
    exact: sketch.exact ? deflate(sketch.exact) : null,
    exact_count: sketch.exact ? sketch.exact.length : null,
    special: deflate(sketch.special),
    domains: JSON.stringify(sketch.domains),
  };
}

/** The stored sketch, or null when the blob is not one (never throws: a bad row is reported as missing). */
export function decodeSketch(row: { hll: Uint8Array; exact: Uint8Array | null; special: Uint8Array; domains: string }): FileSketch | null {
  assertLittleEndian();
  try {
    const hll = new Uint8Array(inflated(row.hll));
    const special = new Int32Array(inflated(row.special));
    const exact = row.exact ? new Float64Array(inflated(row.exact)) : null;
    const domains = JSON.parse(row.domains) as unknown;
    if (!Array.isArray(domains) || !domains.every((d) => typeof d === 'string')) return null;
    if (special.length % 3 !== 0) return null;
    // Every special value must index a domain name it came with.
    for (let k = 2; k < special.length; k += 3) {
      const id = (special[k]! >>> 5) - 1;
      if (id < 0 || id >= domains.length) return null;
    }
    return { hll, exact, special, domains };
  } catch {
    return null;
  }
}

/**
 * The sketch of one file as its import scanned it: the census hands it back (ScanOptions.sketch).
 * Only a file whose scan did not (a resumed import that read just the tail of a file interrupted
 * before sketches were stored) is scanned once more here, single-threaded, with the settings the
 * import's census used — the same kernel, so the same hashes and counts.
 */
export async function fileSketch(result: ScanResult, path: string, orgDomains: string[]): Promise<FileSketch> {
  return result.sketch ?? (await sketchByRescan(path, orgDomains));
}

async function sketchByRescan(path: string, orgDomains: string[]): Promise<FileSketch> {
  const settings: ScanSettings = {
    orgDomains,
    census: true,
    bankDomains: vnBanks().map((b) => b.domain),
    exactLimit: DEFAULT_EXACT_LIMIT,
    maxLineBytes: DEFAULT_MAX_LINE_BYTES,
  };
  const plan = new ScanPlan(settings);
  const acc = new ScanAccumulator(settings.exactLimit);
  const fd = openSync(path, 'r');
  let head: Buffer;
  let size: number;
  try {
    size = statSync(path).size;
    const buf = Buffer.alloc(65536);
    head = buf.subarray(0, readSync(fd, buf, 0, buf.length, 0));
  } finally {
    closeSync(fd);
  }
  const container = detectContainer(head);
  // An unsupported compression adds no address (the import recorded it as rejected).
  if (typeof container === 'object') return pick(acc.snapshot());
  const { encoding } = detectEncoding(head);
  if (container === 'plain' && encoding === 'utf8') {
    const format = detectLineFormat(head);
    const buf = Buffer.allocUnsafe(plainTaskBufferBytes(settings.maxLineBytes));
    const fds = new Map<string, number>();
    try {
      for (let start = 0; start < size; start += DEFAULT_CHUNK_BYTES) {
        scanPlainTask(plan, acc, { file: path, start, length: Math.min(DEFAULT_CHUNK_BYTES, size - start), size, format }, buf, fds);
      }
    } finally {
      for (const f of fds.values()) closeSync(f);
    }
  } else {
    const { scanStreamedFile } = await import('../scan/streamed.js');
    await scanStreamedFile(plan, acc, { path, size, container, encoding }, DEFAULT_CHUNK_BYTES, [], () => {});
  }
  return pick(acc.snapshot());
}

function pick(s: ScanSnapshot): FileSketch {
  return { hll: s.hll, exact: s.exact, special: s.special, domains: s.domains };
}

/** Store (or replace) a file's sketch; idempotent, so a resumed import may write it again. */
export async function storeFileSketch(store: Store, sourceId: string, fileKey: string, sketch: FileSketch, now = new Date()): Promise<void> {
  const encoded = encodeSketch(sketch);
  const row = { source_id: sourceId, file_key: fileKey, ...encoded, created_at: now.toISOString() };
  await store.db
    .insertInto('leak_source_sketches')
    .values(row)
    .onConflict((oc) => oc.columns(['source_id', 'file_key']).doUpdateSet({ ...encoded, created_at: row.created_at }))
    .execute();
}

/**
 * Store the file's sketch unless it is stored already (the same file key means the same bytes):
 * the import stores it right after the file's scan, so a resumed import — which reads only the
 * tail past its checkpoint — finds it and need not read the whole file again.
 */
export async function ensureFileSketch(store: Store, sourceId: string, fileKey: string, result: ScanResult, path: string, orgDomains: string[]): Promise<void> {
  const existing = await store.db
    .selectFrom('leak_source_sketches')
    .select('file_key')
    .where('source_id', '=', sourceId)
    .where('file_key', '=', fileKey)
    .executeTakeFirst();
  if (existing) return;
  await storeFileSketch(store, sourceId, fileKey, await fileSketch(result, path, orgDomains));
}

/** Merge every sketch of the source into its totals (no cache). */
export async function computeSourceTotals(store: Store, sourceId: string): Promise<SourceTotals> {
  const acc = new ScanAccumulator(TOTALS_EXACT_LIMIT);
  const keys = await sketchVersions(store, sourceId);
  const merged: string[] = [];
  // One sketch in memory at a time: a file's exact set can be megabytes.
  for (const { file_key } of keys) {
    const row = await store.db
      .selectFrom('leak_source_sketches')
      .select(['hll', 'exact', 'special', 'domains'])
      .where('source_id', '=', sourceId)
      .where('file_key', '=', file_key)
      .executeTakeFirst();
    const sketch = row ? decodeSketch(row) : null;
    if (!sketch) continue;
    acc.merge({ bytes: 0, lines: 0, records: 0, rejected: {}, skipped: {}, org: [], matches: [], ...sketch });
    merged.push(file_key);
  }
  const completed = await store.db
    .selectFrom('leak_files')
    .select('file_key')
    .where('source_id', '=', sourceId)
    .where('completed_at', 'is not', null)
    .orderBy('file_key')
    .execute();
  const have = new Set(merged);
  const exact = acc.exact;
  const domains: Record<string, number> = {};
  for (const [d, n] of [...acc.domainCounts()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, TOP_DOMAINS)) domains[d] = n;
  const categories = acc.categoryCounts();
  return {
    files: merged.length,
    filesWithoutSketch: completed.map((f) => f.file_key).filter((k) => !have.has(k)),
    uniqueAddresses: merged.length === 0 ? 0 : exact ? exact.size : acc.hll.estimate(),
    uniqueAddressesEstimated: merged.length > 0 && !exact,
    uniqueAddressesErrorBound: merged.length > 0 && !exact ? HLL_STANDARD_ERROR : null,
    categories,
    domains,
    sketchVersions: keys.map((k) => k.version),
  };
}

async function sketchVersions(store: Store, sourceId: string): Promise<{ file_key: string; version: string }[]> {
  const rows = await store.db
    .selectFrom('leak_source_sketches')
    .select(['file_key', 'created_at'])
    .where('source_id', '=', sourceId)
    .orderBy('file_key')
    .execute();
  return rows.map((r) => ({ file_key: r.file_key, version: `${r.file_key}@${r.created_at}` }));
}

/**
 * The source's totals: the copy cached in leak_sources.census.totals when it covers the same
 * sketches, else merged afresh. Null when the source does not exist.
 */
export async function sourceTotals(store: Store, sourceId: string): Promise<SourceTotals | null> {
  const source = await store.db.selectFrom('leak_sources').select(['census']).where('id', '=', sourceId).executeTakeFirst();
  if (!source) return null;
  const cached = parseCensus(source.census).totals as SourceTotals | undefined;
  const versions = await sketchVersions(store, sourceId);
  if (cached && Array.isArray(cached.sketchVersions) && cached.sketchVersions.join('\n') === versions.map((v) => v.version).join('\n')) {
    // Which completed files lack a sketch can change without a new sketch (a file completed by an old version).
    const completed = await store.db
      .selectFrom('leak_files')
      .select('file_key')
      .where('source_id', '=', sourceId)
      .where('completed_at', 'is not', null)
      .execute();
    const stored = new Set(versions.map((v) => v.file_key));
    // Files without any stored sketch, and those whose sketch was unreadable when the totals were merged.
    const corrupt = (cached.filesWithoutSketch ?? []).filter((k) => stored.has(k));
    const missing = completed.map((f) => f.file_key).filter((k) => !stored.has(k));
    return { ...cached, filesWithoutSketch: [...new Set([...missing, ...corrupt])].sort() };
  }
  return await computeSourceTotals(store, sourceId);
}

function parseCensus(text: string | null): Record<string, unknown> {
  if (!text) return {};
  try {
    const parsed = JSON.parse(text) as unknown;
    return parsed && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/**
 * Merge the source's sketches and store the result: `pwn_count` (HIBP's count: unique addresses
 * of the source) and `census.totals`. Called by the import after each file is complete.
 */
export async function refreshSourceTotals(store: Store, sourceId: string): Promise<SourceTotals> {
  const totals = await computeSourceTotals(store, sourceId);
  await store.db.transaction().execute(async (trx) => {
    const row = await trx.selectFrom('leak_sources').select(['census']).where('id', '=', sourceId).executeTakeFirst();
    if (!row) return;
    const census = parseCensus(row.census);
    census.totals = totals;
    // A file imported before sketches existed adds its own count: an upper bound (its overlap is unknown), never an undercount.
    const files = (census.files ?? {}) as Record<string, { uniqueAddresses?: unknown }>;
    const unsketched = totals.filesWithoutSketch.reduce(
      (n, k) => n + (typeof files[k]?.uniqueAddresses === 'number' ? (files[k].uniqueAddresses as number) : 0),
      0,
    );
    await trx
      .updateTable('leak_sources')
      .set({ census: JSON.stringify(census), pwn_count: totals.uniqueAddresses + unsketched })
      .where('id', '=', sourceId)
      .execute();
  });
  return totals;
}
