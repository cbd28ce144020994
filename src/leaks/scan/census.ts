import type { ScanAccumulator } from './accumulator.js';
import { type AddressSpan, CR, DOMAIN, fmix32, HASH_MUL1, HASH_MUL2, HASH_SEED1, HASH_SEED2, LOCAL, LOWER } from './bytes.js';
import { type ChunkView, classifyAddressless, firstLineStart, PERCENT40, percentEncoded, type ScanPlan } from './chunk.js';

/**
 * Census of a chunk: every line is counted, every address hashed and classified.
 *
 * Newlines and `@` bytes are found with Buffer.indexOf (memchr in C++; a JS loop over every byte
 * measured slower). Each `@` is handled by censusAddress, which validates, hashes and classifies
 * the address in one walk. The result equals addressAt + hashAddress + ScanPlan.countAddress on
 * every input (census.test.ts checks them against each other); this is the hot loop of a census.
 */
export function censusChunk(plan: ScanPlan, acc: ScanAccumulator, view: ChunkView): void {
  const { buf, end, limit } = view;
  const maxLine = plan.settings.maxLineBytes;
  let s = firstLineStart(view);
  acc.bytes += view.end - view.begin;
  if (s < 0) return;
  if (view.atInputStart && view.format.header && s === view.begin) {
    const nl = buf.indexOf(10, s);
    acc.lines++;
    acc.skip('header');
    s = nl < 0 ? limit : nl + 1;
  }
  const table = censusTables(plan);
  let lines = 0;
  let records = 0;
  let nextPct = -1;
  let nextAt = buf.indexOf(64, s);
  if (nextAt < 0) nextAt = limit;
  while (s < end) {
    let nl = buf.indexOf(10, s);
    if (nl < 0 || nl >= limit) {
      if (!view.atInputEnd || limit - s > maxLine) {
        // A line running past the look-ahead is longer than the cap: count it, never hold it.
        lines++;
        acc.reject('line-too-long');
        break;
      }
      nl = limit;
      if (s === nl) break;
    }
    lines++;
    let e = nl;
    if (e > s && buf[e - 1] === CR) e--;
    if (e - s > maxLine) {
      acc.reject('line-too-long');
    } else if (e === s) {
      acc.skip('empty');
    } else {
      let addresses = 0;
      let org = false;
      if (nextAt < s) {
        nextAt = buf.indexOf(64, s);
        if (nextAt < 0) nextAt = limit;
      }
      while (nextAt < e) {
        const r = censusAddress(plan, acc, table, buf, nextAt, s, e);
        if (r >= 0) {
          addresses++;
          if (r & 1) org = true;
          nextAt = buf.indexOf(64, r >>> 1);
        } else nextAt = buf.indexOf(64, nextAt + 1);
        if (nextAt < 0) nextAt = limit;
      }
      if (addresses === 0) {
        if (nextPct < s) {
          nextPct = buf.indexOf(PERCENT40, s);
          if (nextPct < 0) nextPct = limit;
        }
        if (nextPct < e) {
          const encoded = percentEncoded(plan, acc, buf, s, e, scratchSpan);
          addresses = encoded.found;
          org = encoded.org;
        }
      }
      if (addresses > 0) {
        records += addresses;
        if (org) plan.recordLine(acc, view, s, e);
      } else classifyAddressless(acc, buf, s, e);
    }
    s = nl + 1;
  }
  acc.lines += lines;
  acc.records += records;
}

/**
 * One line [s, e) as censusChunk handles a non-empty line within the length cap: its addresses
 * (or `%40` ones), the organisation's line recorded, or the addressless line classified. Counts
 * records, not the line. The WebAssembly kernel (census-kernel.ts) hands such lines back here.
 */
export function censusLine(plan: ScanPlan, acc: ScanAccumulator, view: ChunkView, s: number, e: number): void {
  const buf = view.buf;
  const table = censusTables(plan);
  let addresses = 0;
  let org = false;
  // Searches stay within the line: Buffer.indexOf would run on to the end of the buffer for each line.
  let at = byteIn(buf, 64, s, e);
  while (at < e) {
    const r = censusAddress(plan, acc, table, buf, at, s, e);
    if (r >= 0) {
      addresses++;
      if (r & 1) org = true;
      at = byteIn(buf, 64, r >>> 1, e);
    } else at = byteIn(buf, 64, at + 1, e);
  }
  if (addresses === 0) {
    let p = byteIn(buf, 37, s, e);
    while (p < e && !(buf[p + 1] === 52 && buf[p + 2] === 48)) p = byteIn(buf, 37, p + 1, e);
    if (p + 2 < e) {
      const encoded = percentEncoded(plan, acc, buf, s, e, scratchSpan);
      addresses = encoded.found;
      org = encoded.org;
    }
  }
  if (addresses > 0) {
    acc.records += addresses;
    if (org) plan.recordLine(acc, view, s, e);
  } else classifyAddressless(acc, buf, s, e);
}

/** First `byte` in buf[from, to), or `to`. */
function byteIn(buf: Buffer, byte: number, from: number, to: number): number {
  let i = from;
  while (i < to && buf[i] !== byte) i++;
  return i;
}

/** Slots of the recent-domain cache (2^CACHE_BITS) and the longest domain it keeps. */
const CACHE_BITS = 10;
const CACHED_DOMAIN_BYTES = 64;
const VALID = 1;
const SPECIAL = 2;
const INVALID = 3;

/** Per plan: the suffix table (ScanPlan.suffixTable) and the recent-domain cache (raw bytes → folded state). */
interface CensusTables {
  keys: Int32Array;
  hits: Uint8Array;
  shift: number;
  mask: number;
  cache: { length: Int32Array; bytes: Uint8Array; state: Uint8Array; h1: Int32Array; h2: Int32Array };
}

const tablesOf = new WeakMap<ScanPlan, CensusTables>();

function censusTables(plan: ScanPlan): CensusTables {
  let tables = tablesOf.get(plan);
  if (!tables) {
    const slots = 1 << CACHE_BITS;
    tables = {
      ...plan.suffixTable(),
      cache: {
        length: new Int32Array(slots),
        bytes: new Uint8Array(slots * CACHED_DOMAIN_BYTES),
        state: new Uint8Array(slots),
        h1: new Int32Array(slots),
        h2: new Int32Array(slots),
      },
    };
    tablesOf.set(plan, tables);
  }
  return tables;
}

/** Results of foldDomain (module variables: no object per address). */
let foldedH1 = 0;
let foldedH2 = 0;
let foldedSpecial = false;

/**
 * Fold the domain [ds, end) right to left from the seeds (hashAddressLanes' first part), checking
 * its top-level label (2+ letters after a dot) and, at each dot and at its start, whether the
 * suffix folded so far is in the suffix table. False when it is no address's domain.
 */
function foldDomain(table: CensusTables, buf: Buffer, ds: number, end: number): boolean {
  let h1 = HASH_SEED1;
  let h2 = HASH_SEED2;
  let i = end - 1;
  for (; i > ds; i--) {
    const c = LOWER[buf[i]!]!;
    if (c === 46) break;
    if (c < 97 || c > 122) return false;
    h1 = Math.imul(h1 ^ c, HASH_MUL1);
    h2 = Math.imul(h2 ^ c, HASH_MUL2);
    h2 ^= h2 >>> 15;
  }
  if (i <= ds || end - i - 1 < 2) return false;
  // The rest of the domain; at each dot the state is the hash of the suffix after it.
  const { keys, hits, shift, mask } = table;
  let special = false;
  for (; i >= ds; i--) {
    const c = LOWER[buf[i]!]!;
    if (c === 46 && !special) special = inSuffixTable(keys, hits, shift, mask, h1);
    h1 = Math.imul(h1 ^ c, HASH_MUL1);
    h2 = Math.imul(h2 ^ c, HASH_MUL2);
    h2 ^= h2 >>> 15;
  }
  if (!special) special = inSuffixTable(keys, hits, shift, mask, h1);
  foldedH1 = h1;
  foldedH2 = h2;
  foldedSpecial = special;
  return true;
}

/** Is the folded suffix state `h1` one of the suffix table's (open addressing, linear probing)? Small enough for V8 to inline. */
function inSuffixTable(keys: Int32Array, hits: Uint8Array, shift: number, mask: number, h1: number): boolean {
  for (let k = Math.imul(h1, 0x9e3779b1) >>> shift; hits[k] !== 0; k = (k + 1) & mask) if (keys[k] === h1) return true;
  return false;
}

const scratchSpan: AddressSpan = { start: 0, atStart: 0, domainStart: 0, end: 0 };

/**
 * The address around the `@` at `at` in the line [s, e): validated exactly as bytes.ts addressAt,
 * hashed as hashAddressLanes (domain right to left, `@`, local part right to left), counted
 * (HyperLogLog, exact set) and, when a suffix of its domain is in the plan's suffix table,
 * classified exactly by ScanPlan.countSpecial. Returns -1 when there is no address at `at`, else
 * the address's end · 2 + 1 when it is one of the organisation's.
 */
function censusAddress(plan: ScanPlan, acc: ScanAccumulator, table: CensusTables, buf: Buffer, at: number, s: number, e: number): number {
  // Domain, rightwards: its extent (addressAt's rules: `@@` is one `@`, trailing dots/hyphens dropped).
  let ds = at + 1;
  while (ds < e && buf[ds] === 64) ds++;
  let end = ds;
  while (end < e && DOMAIN[buf[end]!] === 1) end++;
  while (end > ds && (buf[end - 1] === 46 || buf[end - 1] === 45)) end--;
  const length = end - ds;
  if (length < 4 || length > 253 || buf[ds] === 46 || buf[ds] === 45) return -1;
  // Seen lately? Most addresses of a dump share a few domains: comparing bytes is cheaper than folding them.
  let h1 = HASH_SEED1;
  let h2 = HASH_SEED2;
  let special = false;
  let slot = -1;
  let cached = false;
  const cache = table.cache;
  if (length <= CACHED_DOMAIN_BYTES) {
    slot = Math.imul(length ^ (buf[ds]! << 8) ^ (buf[ds + 1]! << 16) ^ (buf[end - 1]! << 24) ^ (buf[end - 3]! << 4), 0x9e3779b1) >>> (32 - CACHE_BITS);
    if (cache.length[slot] === length) {
      const base = slot * CACHED_DOMAIN_BYTES;
      const bytes = cache.bytes;
      let k = 0;
      while (k < length && bytes[base + k] === buf[ds + k]) k++;
      if (k === length) {
        const state = cache.state[slot]!;
        if (state === INVALID) return -1;
        cached = true;
        special = state === SPECIAL;
        h1 = cache.h1[slot]!;
        h2 = cache.h2[slot]!;
      }
    }
  }
  if (!cached) {
    const folded = foldDomain(table, buf, ds, end);
    if (slot >= 0) {
      cache.length[slot] = length;
      cache.bytes.set(buf.subarray(ds, end), slot * CACHED_DOMAIN_BYTES);
      cache.state[slot] = folded ? (foldedSpecial ? SPECIAL : VALID) : INVALID;
      cache.h1[slot] = foldedH1;
      cache.h2[slot] = foldedH2;
    }
    if (!folded) return -1;
    h1 = foldedH1;
    h2 = foldedH2;
    special = foldedSpecial;
  }
  h1 = Math.imul(h1 ^ 64, HASH_MUL1);
  h2 = Math.imul(h2 ^ 64, HASH_MUL2);
  h2 ^= h2 >>> 15;
  // Local part, leftwards; the state is kept at each byte that is not a dot (leading dots are dropped).
  let start = -1;
  let s1 = 0;
  let s2 = 0;
  for (let j = at - 1; j >= s; j--) {
    const b = buf[j]!;
    if (LOCAL[b] !== 1) break;
    const c = LOWER[b]!;
    h1 = Math.imul(h1 ^ c, HASH_MUL1);
    h2 = Math.imul(h2 ^ c, HASH_MUL2);
    h2 ^= h2 >>> 15;
    if (c !== 46) {
      if (at - j > 64) return -1;
      start = j;
      s1 = h1;
      s2 = h2;
    }
  }
  if (start < 0) return -1;
  // `scheme://user@host` is URL user-info (android://hash@package), not an address.
  if (start > s && buf[start - 1] === 47) return -1;
  const a = fmix32(s1);
  const b = fmix32(s2 ^ 0x2545f491);
  acc.addLanes(a, b);
  const org = special && plan.countSpecial(acc, buf, start, at, ds, end, a, b);
  return end * 2 + (org ? 1 : 0);
}
