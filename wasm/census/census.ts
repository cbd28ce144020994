// Census kernel (AssemblyScript → build/wasm/census.wasm), loaded by src/leaks/scan/census-kernel.ts.
//
// It does, over a whole block held in this module's memory, what src/leaks/scan/census.ts
// (censusChunk + censusAddress) does for the common line: split lines, find each `@`, validate
// the address exactly as bytes.ts addressAt, hash it exactly as hashAddressLanes, and count it
// (HyperLogLog registers as hll.ts addLanes, the exact set as hash-set.ts HashSet53). What is rare
// goes back to JavaScript through an event queue: lines without an address, lines with an address
// whose domain hits the suffix table (.vn, banks, the organisation's), the first empty line and the
// first over-long line (so the reason keys keep their order). Why WebAssembly: the JS walk over
// every byte tops out near 0.5 GB/s per core; here one pass of 16-byte SIMD compares finds both
// newlines and `@`, and the per-address work has no bounds checks or tagged numbers.
//
// Memory is laid out by init() with a bump allocator (no AssemblyScript runtime objects).

// Hash constants of src/leaks/scan/bytes.ts (HASH_SEED1/2, HASH_MUL1/2): equivalence tests compare
// every hash with the JS census's.
const HASH_SEED1: u32 = 0x811c9dc5;
const HASH_SEED2: u32 = 0x9747b28c;
const HASH_MUL1: u32 = 0x01000193;
const HASH_MUL2: u32 = 0x5bd1e995;
const GOLDEN: u32 = 0x9e3779b1;
const HLL_PRECISION: u32 = 14;

// Recent-domain cache: 2^CACHE_BITS slots of 128 bytes (domain bytes [0, 64), then length, state, h1, h2).
const CACHE_BITS: u32 = 10;
const CACHED_DOMAIN_BYTES: i32 = 64;
const VALID: i32 = 1;
const SPECIAL: i32 = 2;
const INVALID: i32 = 3;

// Events (Int32 records in the queue). Keep in step with census-kernel.ts.
const EV_LINE: i32 = 1; // [kind, s, e]: JS handles the whole line (no address here, or too many special ones for the queue)
const EV_ADDRESS: i32 = 2; // [kind, start, at, domainStart, end, a, b]: an address whose domain hit the suffix table
const EV_SPECIAL_LINE: i32 = 3; // [kind, s, e]: end of a line that had EV_ADDRESS records
const EV_FIRST_EMPTY: i32 = 4; // [kind]
const EV_FIRST_TOO_LONG: i32 = 5; // [kind]
/** Room a line must find in the queue before it starts (an EV_LINE fallback always fits). */
const LINE_ROOM: i32 = 16;

// Flags passed to census(): which reason keys the accumulator already has.
const HAS_EMPTY: i32 = 1;
const HAS_TOO_LONG: i32 = 2;

// Counters (Int32 at stats): lines, records, empty lines, over-long lines, queue length.
const STAT_LINES: usize = 0;
const STAT_RECORDS: usize = 4;
const STAT_EMPTY: usize = 8;
const STAT_TOO_LONG: usize = 12;
const STAT_QUEUE: usize = 16;

let top: usize = 0;
/** Per byte: its lower-case value when it may be in a local part (bytes.ts LOCAL, which holds every DOMAIN byte), else 0. */
let localLower: usize = 0;
/** Per byte: 1 when it may be in a domain (bytes.ts DOMAIN). */
let domainBytes: usize = 0;
let hll: usize = 0;
let suffixKeys: usize = 0;
let suffixHits: usize = 0;
let suffixShift: u32 = 0;
let suffixMask: u32 = 0;
let cache: usize = 0;
let queue: usize = 0;
let queueCap: i32 = 0;
let stats: usize = 0;
let pending: usize = 0;
let pendingCap: i32 = 0;
let input: usize = 0;
let inputCap: i32 = 0;
let exactTable: usize = 0;
let exactMask: u32 = 0;
let exactSize: i32 = 0;
let exactLimit: i32 = 0;
/** 1 while the exact set counts, 0 once it passed exactLimit (only HyperLogLog counts then). */
let exactOn: i32 = 1;

/** Bump allocation, 64-byte aligned; grows the memory as needed. */
function alloc(bytes: usize): usize {
  const p = (top + 63) & ~(<usize>63);
  top = p + bytes;
  const need = <i32>((top + 0xffff) >>> 16);
  const have = memory.size();
  if (need > have && memory.grow(need - have) < 0) unreachable();
  return p;
}

/**
 * Lay out the memory. The caller then fills the byte tables (localLowerPtr, domainBytesPtr) and
 * the suffix table (suffixKeysPtr, suffixHitsPtr) from the JS definitions.
 */
export function init(suffixSlots: i32, queueInts: i32, pendingPairs: i32, inputBytes: i32, exactSlots: i32, limit: i32): void {
  top = __heap_base;
  localLower = alloc(256);
  domainBytes = alloc(256);
  hll = alloc(1 << HLL_PRECISION);
  suffixKeys = alloc(<usize>suffixSlots * 4);
  suffixHits = alloc(<usize>suffixSlots);
  suffixMask = <u32>suffixSlots - 1;
  suffixShift = 32 - ctz<u32>(<u32>suffixSlots);
  cache = alloc(<usize>(1 << CACHE_BITS) * 128);
  queue = alloc(<usize>queueInts * 4);
  queueCap = queueInts;
  stats = alloc(64);
  pending = alloc(<usize>pendingPairs * 8);
  pendingCap = pendingPairs;
  // The input before the exact set: the set then stays the last allocation and grows in place.
  input = alloc(<usize>inputBytes + 64);
  inputCap = inputBytes;
  exactTable = alloc(<usize>exactSlots * 8);
  exactMask = <u32>exactSlots - 1;
  exactSize = 0;
  exactLimit = limit;
  exactOn = 1;
}

export function localLowerPtr(): usize {
  return localLower;
}
export function domainBytesPtr(): usize {
  return domainBytes;
}
export function hllPtr(): usize {
  return hll;
}
export function suffixKeysPtr(): usize {
  return suffixKeys;
}
export function suffixHitsPtr(): usize {
  return suffixHits;
}
export function queuePtr(): usize {
  return queue;
}
export function statsPtr(): usize {
  return stats;
}
export function pendingPtr(): usize {
  return pending;
}
export function inputPtr(): usize {
  return input;
}
export function exactPtr(): usize {
  return exactTable;
}
export function exactSlots(): i32 {
  return <i32>exactMask + 1;
}
export function exactCount(): i32 {
  return exactSize;
}
export function exactCounting(): i32 {
  return exactOn;
}

/** Room for `bytes` of input (plus SIMD over-read padding); returns where the input now starts. */
export function ensureInput(bytes: i32): usize {
  if (bytes <= inputCap) return input;
  // The higher of the input and the exact set is the last allocation: extend the input in place
  // when it is, else move it to the end (the exact set then grows in place).
  if (exactTable < input) top = input;
  input = alloc(<usize>bytes + 64);
  inputCap = bytes;
  return input;
}

/** Empty the unique-address state (after census-kernel.ts moved it into the accumulator). */
export function resetUnique(): void {
  memory.fill(hll, 0, 1 << HLL_PRECISION);
  memory.fill(exactTable, 0, (<usize>exactMask + 1) * 8);
  exactSize = 0;
  exactOn = 1;
}

// @ts-ignore: decorator
@inline
function fmix32(x: u32): u32 {
  let h = x;
  h ^= h >>> 16;
  h *= 0x85ebca6b;
  h ^= h >>> 13;
  h *= 0xc2b2ae35;
  h ^= h >>> 16;
  return h;
}

/** Count an address by its two finalised lanes: hll.ts HyperLogLog.addLanes and hash-set.ts HashSet53.addLanes. */
function addLanes(a: u32, b: u32): void {
  const index = a >>> (32 - HLL_PRECISION);
  const rest = a << HLL_PRECISION;
  let rank: u32;
  if (rest != 0) rank = clz<u32>(rest) + 1;
  else {
    const low = b >>> 11;
    rank = 32 - HLL_PRECISION + (low == 0 ? 22 : clz<u32>(low) - 11 + 1);
  }
  const r = hll + <usize>index;
  if (rank > <u32>load<u8>(r)) store<u8>(r, <u8>rank);
  if (exactOn == 0) return;
  const hi = (a >>> 11) | 0x200000;
  const lo = (a << 21) | (b >>> 11);
  let i = (lo ^ (hi * GOLDEN)) & exactMask;
  for (;;) {
    const slot = exactTable + (<usize>i << 3);
    const h = load<u32>(slot);
    if (h == 0) {
      store<u32>(slot, hi);
      store<u32>(slot, lo, 4);
      break;
    }
    if (h == hi && load<u32>(slot, 4) == lo) return;
    i = (i + 1) & exactMask;
  }
  exactSize++;
  if (<u32>exactSize * 2 > exactMask) growExact();
  // Past the bound the exact set would grow with the input: keep only HyperLogLog (accumulator.ts addLanes).
  if (exactSize > exactLimit) exactOn = 0;
}

/** Double the exact set (HashSet53.grow): in place when it is the last allocation, else at the end. */
function growExact(): void {
  const oldSlots = <usize>exactMask + 1;
  const oldBytes = oldSlots * 8;
  let from = exactTable;
  let scratchTop: usize = 0;
  if (exactTable + oldBytes == top) {
    top = exactTable;
    alloc(oldBytes * 2);
    scratchTop = top;
    from = alloc(oldBytes);
    memory.copy(from, exactTable, oldBytes);
    memory.fill(exactTable, 0, oldBytes * 2);
  } else {
    exactTable = alloc(oldBytes * 2);
    memory.fill(exactTable, 0, oldBytes * 2);
  }
  exactMask = <u32>(oldSlots * 2 - 1);
  for (let j: usize = 0; j < oldSlots; j++) {
    const hi = load<u32>(from + (j << 3));
    if (hi == 0) continue;
    const lo = load<u32>(from + (j << 3), 4);
    let i = (lo ^ (hi * GOLDEN)) & exactMask;
    while (load<u32>(exactTable + (<usize>i << 3)) != 0) i = (i + 1) & exactMask;
    store<u32>(exactTable + (<usize>i << 3), hi);
    store<u32>(exactTable + (<usize>i << 3), lo, 4);
  }
  if (scratchTop != 0) top = scratchTop;
}

/** Count `n` lane pairs JS wrote at pendingPtr (addresses the JS path found: `%40`). */
export function addPending(n: i32): void {
  for (let k = 0; k < n; k++) addLanes(load<u32>(pending + (<usize>k << 3)), load<u32>(pending + (<usize>k << 3), 4));
}

// @ts-ignore: decorator
@inline
function inSuffixTable(h1: u32): bool {
  let k = (h1 * GOLDEN) >>> suffixShift;
  while (load<u8>(suffixHits + k) != 0) {
    if (load<u32>(suffixKeys + (<usize>k << 2)) == h1) return true;
    k = (k + 1) & suffixMask;
  }
  return false;
}

let foldedH1: u32 = 0;
let foldedH2: u32 = 0;
let foldedSpecial: bool = false;

/** census.ts foldDomain: fold [ds, end) right to left, check the top-level label, probe the suffix table at each dot. */
function foldDomain(ds: usize, end: usize): bool {
  let h1 = HASH_SEED1;
  let h2 = HASH_SEED2;
  let i = end - 1;
  for (; i > ds; i--) {
    const c = <u32>load<u8>(localLower + <usize>load<u8>(i));
    if (c == 46) break;
    if (c - 97 > 25) return false;
    h1 = (h1 ^ c) * HASH_MUL1;
    h2 = (h2 ^ c) * HASH_MUL2;
    h2 ^= h2 >>> 15;
  }
  if (i <= ds || end - i - 1 < 2) return false;
  let special = false;
  for (; i >= ds; i--) {
    const c = <u32>load<u8>(localLower + <usize>load<u8>(i));
    if (c == 46 && !special) special = inSuffixTable(h1);
    h1 = (h1 ^ c) * HASH_MUL1;
    h2 = (h2 ^ c) * HASH_MUL2;
    h2 ^= h2 >>> 15;
  }
  if (!special) special = inSuffixTable(h1);
  foldedH1 = h1;
  foldedH2 = h2;
  foldedSpecial = special;
  return true;
}

/** Do the `length` bytes at p and q match? (8 bytes at a time; the tail masked.) */
// @ts-ignore: decorator
@inline
function sameBytes(p: usize, q: usize, length: i32): bool {
  let k = 0;
  for (; k + 8 <= length; k += 8) if (load<u64>(p + <usize>k) != load<u64>(q + <usize>k)) return false;
  const rest = length - k;
  if (rest == 0) return true;
  const mask: u64 = (<u64>1 << (<u64>rest << 3)) - 1;
  return ((load<u64>(p + <usize>k) ^ load<u64>(q + <usize>k)) & mask) == 0;
}

// Results of address() (module globals: nothing allocated per address).
let addrStart: usize = 0;
let addrDomainStart: usize = 0;
let addrA: u32 = 0;
let addrB: u32 = 0;
let addrSpecial: bool = false;

/**
 * census.ts censusAddress over absolute pointers: the address around the `@` at `at` in the line
 * [s, e), validated as addressAt and hashed as hashAddressLanes. Returns its end, or 0 when there
 * is no address at `at` (0 is never a line position: the input starts after the tables).
 */
function address(at: usize, s: usize, e: usize): usize {
  let ds = at + 1;
  while (ds < e && load<u8>(ds) == 64) ds++;
  let end = ds;
  while (end < e && load<u8>(domainBytes + <usize>load<u8>(end)) != 0) end++;
  while (end > ds) {
    const c = load<u8>(end - 1);
    if (c != 46 && c != 45) break;
    end--;
  }
  const length = <i32>(end - ds);
  if (length < 4 || length > 253) return 0;
  const first = load<u8>(ds);
  if (first == 46 || first == 45) return 0;
  let h1: u32 = 0;
  let h2: u32 = 0;
  let special = false;
  let cached = false;
  let slot: usize = 0;
  if (length <= CACHED_DOMAIN_BYTES) {
    const key = <u32>length ^ (<u32>first << 8) ^ (<u32>load<u8>(ds + 1) << 16) ^ (<u32>load<u8>(end - 1) << 24) ^ (<u32>load<u8>(end - 3) << 4);
    slot = cache + (<usize>((key * GOLDEN) >>> (32 - CACHE_BITS)) << 7);
    if (load<i32>(slot, 64) == length && sameBytes(slot, ds, length)) {
      const state = load<i32>(slot, 68);
      if (state == INVALID) return 0;
      cached = true;
      special = state == SPECIAL;
      h1 = load<u32>(slot, 72);
      h2 = load<u32>(slot, 76);
    }
  }
  if (!cached) {
    const folded = foldDomain(ds, end);
    if (slot != 0) {
      memory.copy(slot, ds, <usize>length);
      store<i32>(slot, length, 64);
      store<i32>(slot, folded ? (foldedSpecial ? SPECIAL : VALID) : INVALID, 68);
      store<u32>(slot, foldedH1, 72);
      store<u32>(slot, foldedH2, 76);
    }
    if (!folded) return 0;
    h1 = foldedH1;
    h2 = foldedH2;
    special = foldedSpecial;
  }
  h1 = (h1 ^ 64) * HASH_MUL1;
  h2 = (h2 ^ 64) * HASH_MUL2;
  h2 ^= h2 >>> 15;
  // Local part, leftwards; the state is kept at each byte that is not a dot (leading dots are dropped).
  let start: usize = 0;
  let s1: u32 = 0;
  let s2: u32 = 0;
  for (let j = at - 1; j >= s; j--) {
    const c = <u32>load<u8>(localLower + <usize>load<u8>(j));
    if (c == 0) break;
    h1 = (h1 ^ c) * HASH_MUL1;
    h2 = (h2 ^ c) * HASH_MUL2;
    h2 ^= h2 >>> 15;
    if (c != 46) {
      if (at - j > 64) return 0;
      start = j;
      s1 = h1;
      s2 = h2;
    }
  }
  if (start == 0) return 0;
  // `scheme://user@host` is URL user-info (android://hash@package), not an address.
  if (start > s && load<u8>(start - 1) == 47) return 0;
  addrA = fmix32(s1);
  addrB = fmix32(s2 ^ 0x2545f491);
  addrStart = start;
  addrDomainStart = ds;
  addrSpecial = special;
  return end;
}

/** First `@` in [from, to), or `to`. Reads up to 15 bytes past `to` (the input is padded). */
function findAt(from: usize, to: usize): usize {
  const ats = i8x16.splat(64);
  let p = from;
  while (p < to) {
    let m = i8x16.bitmask(i8x16.eq(v128.load(p), ats));
    if (m != 0) {
      const q = p + <usize>ctz<i32>(m);
      return q < to ? q : to;
    }
    p += 16;
  }
  return to;
}

let queueLen: i32 = 0;

// @ts-ignore: decorator
@inline
function push3(kind: i32, a: i32, b: i32): void {
  const q = queue + (<usize>queueLen << 2);
  store<i32>(q, kind);
  store<i32>(q, a, 4);
  store<i32>(q, b, 8);
  queueLen += 3;
}

/**
 * census.ts censusChunk from line start `s0` over the input: lines starting before `end`, bytes
 * available up to `limit` (`atEnd`: the input ends there). Positions are offsets in the input.
 * Returns -1 when done, or the start of the line to resume from once JS has drained the queue.
 */
export function census(s0: i32, end: i32, limit: i32, atEnd: i32, maxLine: i32, flags: i32): i32 {
  const base = input;
  const stop = base + <usize>end;
  const lim = base + <usize>limit;
  let s = base + <usize>s0;
  let has = flags;
  let lines = 0;
  let records = 0;
  let empty = 0;
  let tooLong = 0;
  let resume: i32 = -1;
  queueLen = 0;
  const newlines = i8x16.splat(10);
  const ats = i8x16.splat(64);
  while (s < stop) {
    if (queueCap - queueLen < LINE_ROOM) {
      resume = <i32>(s - base);
      break;
    }
    // The line's newline, and its first `@` on the way (one pass of 16-byte compares).
    let nl: usize = 0;
    let firstAt: usize = 0;
    let p = s;
    while (p < lim) {
      const v = v128.load(p);
      let m = i8x16.bitmask(v128.or(i8x16.eq(v, newlines), i8x16.eq(v, ats)));
      if (lim - p < 16) m &= (1 << <i32>(lim - p)) - 1;
      while (m != 0) {
        const q = p + <usize>ctz<i32>(m);
        if (load<u8>(q) == 10) {
          nl = q;
          break;
        }
        if (firstAt == 0) firstAt = q;
        m &= m - 1;
      }
      if (nl != 0) break;
      p += 16;
    }
    if (nl == 0) {
      if (atEnd == 0 || <i32>(lim - s) > maxLine) {
        // A line running past the look-ahead is longer than the cap: count it, never hold it.
        lines++;
        if (has & HAS_TOO_LONG) tooLong++;
        else {
          store<i32>(queue + (<usize>queueLen << 2), EV_FIRST_TOO_LONG);
          queueLen++;
          has |= HAS_TOO_LONG;
        }
        break;
      }
      nl = lim;
      if (s == nl) break;
    }
    lines++;
    let e = nl;
    if (e > s && load<u8>(e - 1) == 13) e--;
    if (<i32>(e - s) > maxLine) {
      if (has & HAS_TOO_LONG) tooLong++;
      else {
        store<i32>(queue + (<usize>queueLen << 2), EV_FIRST_TOO_LONG);
        queueLen++;
        has |= HAS_TOO_LONG;
      }
    } else if (e == s) {
      if (has & HAS_EMPTY) empty++;
      else {
        store<i32>(queue + (<usize>queueLen << 2), EV_FIRST_EMPTY);
        queueLen++;
        has |= HAS_EMPTY;
      }
    } else {
      const lineQueue = queueLen;
      let addresses = 0;
      let specials = false;
      let overflow = false;
      let at = firstAt != 0 && firstAt < e ? firstAt : e;
      while (at < e) {
        const r = address(at, s, e);
        if (r != 0) {
          addresses++;
          addLanes(addrA, addrB);
          if (addrSpecial && !overflow) {
            // Leave room for the line's closing record (or its EV_LINE fallback).
            if (queueCap - queueLen < 7 + 3) overflow = true;
            else {
              const q = queue + (<usize>queueLen << 2);
              store<i32>(q, EV_ADDRESS);
              store<i32>(q, <i32>(addrStart - base), 4);
              store<i32>(q, <i32>(at - base), 8);
              store<i32>(q, <i32>(addrDomainStart - base), 12);
              store<i32>(q, <i32>(r - base), 16);
              store<i32>(q, <i32>addrA, 20);
              store<i32>(q, <i32>addrB, 24);
              queueLen += 7;
              specials = true;
            }
          }
          at = findAt(r, e);
        } else at = findAt(at + 1, e);
      }
      if (addresses == 0 || overflow) {
        // JS handles the whole line (addresses it counts again are already in the set: no double count).
        queueLen = lineQueue;
        push3(EV_LINE, <i32>(s - base), <i32>(e - base));
      } else {
        records += addresses;
        if (specials) push3(EV_SPECIAL_LINE, <i32>(s - base), <i32>(e - base));
      }
    }
    s = nl + 1;
  }
  store<i32>(stats + STAT_LINES, load<i32>(stats + STAT_LINES) + lines);
  store<i32>(stats + STAT_RECORDS, load<i32>(stats + STAT_RECORDS) + records);
  store<i32>(stats + STAT_EMPTY, load<i32>(stats + STAT_EMPTY) + empty);
  store<i32>(stats + STAT_TOO_LONG, load<i32>(stats + STAT_TOO_LONG) + tooLong);
  store<i32>(stats + STAT_QUEUE, queueLen);
  return resume;
}
