// Census kernel (AssemblyScript → build/wasm/census.wasm), loaded by src/leaks/scan/census-kernel.ts.
//
// It does, over a whole block held in this module's memory, what src/leaks/scan/census.ts
// (censusChunk + censusAddress) does for the common line: split lines, find each `@`, validate
// the address exactly as bytes.ts addressAt, hash it exactly as hashAddressLanes, and count it
// (HyperLogLog registers as hll.ts addLanes, the exact set as hash-set.ts HashSet53). Lines without
// an address are classified here as chunk.ts classifyAddressless does, `%40` addresses found as
// chunk.ts percentEncoded finds them. What is rare goes back to JavaScript through an event queue:
// addresses whose domain hits the suffix table (.vn, banks, the organisation's), whole lines it
// does not finish, and the first line counted under each skip/reject reason (so the reason keys
// keep the JS census's order). Why WebAssembly: the JS walk over every byte tops out near
// 0.5 GB/s per core; here one pass of 16-byte SIMD compares finds both newlines and `@`, and the
// per-address work has no bounds checks or tagged numbers.
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

// Recent-domain cache: 2^CACHE_BITS slots of 128 bytes: length, state, h1, h2, then the domain's bytes
// [16, 80) — a domain of up to 48 bytes shares the first cache line with its header (one L2 access).
const CACHE_BITS: u32 = 10;
const CACHED_DOMAIN_BYTES: i32 = 64;
const VALID: i32 = 1;
const SPECIAL: i32 = 2;

// Events (Int32 records in the queue). Keep in step with census-kernel.ts.
const EV_LINE: i32 = 1; // [kind, s, e]: JS handles the whole line (no address here, or too many special ones for the queue)
const EV_ADDRESS: i32 = 2; // [kind, start, at, domainStart, end, a, b]: an address whose domain hit the suffix table
const EV_SPECIAL_LINE: i32 = 3; // [kind, s, e]: end of a line that had EV_ADDRESS records
const EV_FIRST: i32 = 4; // [kind, reason]: the first line counted under a reason the accumulator has no key for yet
/** Room a line must find in the queue before it starts (an EV_LINE fallback always fits). */
const LINE_ROOM: i32 = 16;

// Reasons a line is skipped or rejected (census-kernel.ts REASONS has their names). census() gets
// a bit per reason the accumulator already counts; for the others the first line is an EV_FIRST
// event, so JS creates the keys in the order the JS census would.
const R_EMPTY: i32 = 0;
const R_TOO_LONG: i32 = 1;
const R_BINARY: i32 = 2;
const R_STEALER_FIELD: i32 = 3;
const R_NO_SEPARATOR: i32 = 4;
const R_USER_PASS: i32 = 5;

// Counters (Int32 at stats): lines, records, queue length, then one per reason.
const STAT_LINES: usize = 0;
const STAT_RECORDS: usize = 4;
const STAT_QUEUE: usize = 8;
const STAT_REASONS: usize = 12;

/** Longest line the `%40` path decodes here (longer ones go to JS). */
const SCRATCH_BYTES: i32 = 4096;
/** Buckets of the exact log's compaction (by the top 8 of the 53 bits). */
const LOG_BUCKETS: i32 = 256;

let top: usize = 0;
// Nibble tables for 16-byte class tests (prepareClasses): a byte b is in the class when
// lowTable[b & 15] & highTable[b >> 4] is not 0 (bit h of lowTable[l] is "h·16 + l is in it").
let localLow: v128 = i8x16.splat(0);
let domainLow: v128 = i8x16.splat(0);
let highBits: v128 = i8x16.splat(0);
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
let scratch: usize = 0;
// The exact set is first a log of hashes, appended in order (no cache misses), compacted — split
// into 256 buckets by the hash's top bits, each deduplicated in a small table that stays in the
// CPU cache — whenever it fills; past exactLimit distinct hashes it is dropped. Only when JS reads
// the state (flushUnique) is the HashSet53 table built from it: inserting every new address into
// a 16 MiB table cost a cache miss each (~30 % of the kernel's time while the set counted).
let log: usize = 0;
let logTmp: usize = 0;
let logLen: i32 = 0;
let logCap: i32 = 0;
let logHist: usize = 0;
let dedupe: usize = 0;
let dedupeSlots: i32 = 0;
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
  scratch = alloc(<usize>SCRATCH_BYTES + 64);
  logHist = alloc(<usize>(LOG_BUCKETS + 1) * 4);
  pending = alloc(<usize>pendingPairs * 8);
  pendingCap = pendingPairs;
  // The input before the exact set: the set then stays the last allocation and grows in place.
  input = alloc(<usize>inputBytes + 64);
  inputCap = inputBytes;
  // Twice the bound (a compaction then frees at least half), at most 2^21 to start with.
  logCap = limit < (1 << 20) ? (limit < (1 << 15) ? 1 << 16 : limit * 2) : 1 << 21;
  log = alloc(<usize>logCap * 8);
  logTmp = alloc(<usize>logCap * 8);
  logLen = 0;
  dedupeSlots = 0;
  exactTable = alloc(<usize>exactSlots * 8);
  exactMask = <u32>exactSlots - 1;
  exactSize = 0;
  exactLimit = limit;
  exactOn = 1;
}

/** Build the nibble tables from the byte tables (after JS filled them; every class byte is ASCII). */
export function prepareClasses(): void {
  const tmp = alloc(48);
  memory.fill(tmp, 0, 48);
  for (let b: u32 = 0; b < 128; b++) {
    const bit = <u8>(<u32>1 << (b >>> 4));
    if (load<u8>(localLower + b) != 0) store<u8>(tmp + (b & 15), load<u8>(tmp + (b & 15)) | bit);
    if (load<u8>(domainBytes + b) != 0) store<u8>(tmp + 16 + (b & 15), load<u8>(tmp + 16 + (b & 15)) | bit);
  }
  for (let h: u32 = 0; h < 8; h++) store<u8>(tmp + 32 + h, <u8>(<u32>1 << h));
  localLow = v128.load(tmp);
  domainLow = v128.load(tmp + 16);
  highBits = v128.load(tmp + 32);
}

/** Bit k set when byte k of v is in the class of `low` (see localLow). */
// @ts-ignore: decorator
@inline
function classMask(v: v128, low: v128): i32 {
  const lo = v128.and(v, i8x16.splat(15));
  const hi = i8x16.shr_u(v, 4);
  const hit = v128.and(i8x16.swizzle(low, lo), i8x16.swizzle(highBits, hi));
  return i8x16.bitmask(i8x16.ne(hit, i8x16.splat(0)));
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
  logLen = 0;
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
  const q = log + (<usize>logLen << 3);
  store<u32>(q, (a >>> 11) | 0x200000);
  store<u32>(q, (a << 21) | (b >>> 11), 4);
  if (++logLen == logCap) compactLog();
}

/** Deduplicate the log (see `log`); drop the exact set past its bound, or make room. */
function compactLog(): void {
  const n = logLen;
  memory.fill(logHist, 0, <usize>(LOG_BUCKETS + 1) * 4);
  for (let k = 0; k < n; k++) {
    const h = logHist + (<usize>((load<u32>(log + (<usize>k << 3)) >>> 13) & 255) << 2);
    store<u32>(h, load<u32>(h) + 1);
  }
  // Bucket starts (prefix sums) and the largest bucket; then scatter into logTmp, after which
  // each bucket's counter holds its end (its start is the previous bucket's end).
  let at: u32 = 0;
  let largest: u32 = 0;
  for (let b = 0; b < LOG_BUCKETS; b++) {
    const h = logHist + (<usize>b << 2);
    const c = load<u32>(h);
    if (c > largest) largest = c;
    store<u32>(h, at);
    at += c;
  }
  for (let k = 0; k < n; k++) {
    const q = log + (<usize>k << 3);
    const h = logHist + (<usize>((load<u32>(q) >>> 13) & 255) << 2);
    const to = load<u32>(h);
    store<u64>(logTmp + (<usize>to << 3), load<u64>(q));
    store<u32>(h, to + 1);
  }
  let slots = 16;
  while (<u32>slots < largest * 2) slots <<= 1;
  if (slots > dedupeSlots) {
    dedupe = alloc(<usize>slots * 8);
    dedupeSlots = slots;
  }
  let out = 0;
  let start: u32 = 0;
  for (let b = 0; b < LOG_BUCKETS; b++) {
    const end = load<u32>(logHist + (<usize>b << 2));
    let size = 16;
    while (<u32>size < (end - start) * 2) size <<= 1;
    const mask = <u32>size - 1;
    memory.fill(dedupe, 0, <usize>size * 8);
    for (let k = start; k < end; k++) {
      const key = load<u64>(logTmp + (<usize>k << 3));
      const lo = <u32>(key >>> 32);
      let i = (lo ^ (lo >>> 16)) & mask;
      for (;;) {
        const slot = dedupe + (<usize>i << 3);
        const held = load<u64>(slot);
        if (held == 0) {
          store<u64>(slot, key);
          store<u64>(log + (<usize>out << 3), key);
          out++;
          break;
        }
        if (held == key) break;
        i = (i + 1) & mask;
      }
    }
    start = end;
  }
  logLen = out;
  if (out > exactLimit) {
    // Past the bound the exact set would grow with the input: keep only HyperLogLog (accumulator.ts addLanes).
    exactOn = 0;
    logLen = 0;
  } else if (out * 2 > logCap) {
    const grown = logCap * 2;
    const bigger = alloc(<usize>grown * 8);
    memory.copy(bigger, log, <usize>out * 8);
    log = bigger;
    logTmp = alloc(<usize>grown * 8);
    logCap = grown;
  }
}

/** hash-set.ts HashSet53.addParts, then accumulator.ts addLanes's bound. */
function insertExact(hi: u32, lo: u32): void {
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

/** Before JS reads the exact set: compact the log and build the HashSet53 table from it. */
export function flushUnique(): void {
  if (exactOn == 0) return;
  if (logLen > 0) compactLog();
  if (exactOn == 0) return;
  for (let k = 0; k < logLen; k++) insertExact(load<u32>(log + (<usize>k << 3)), load<u32>(log + (<usize>k << 3), 4));
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
  // Domain bytes, 16 at a time (bytes from e on count as outside).
  let end = ds;
  while (end < e) {
    let outside = ~classMask(v128.load(end), domainLow) & 0xffff;
    if (e - end < 16) outside |= 0xffff << <i32>(e - end);
    if (outside != 0) {
      end += <usize>ctz<i32>(outside);
      break;
    }
    end += 16;
  }
  if (end > e) end = e;
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
    if (load<i32>(slot) == length && sameBytes(slot + 16, ds, length)) {
      const state = load<i32>(slot, 4);
      cached = true;
      special = state == SPECIAL;
      h1 = load<u32>(slot, 8);
      h2 = load<u32>(slot, 12);
    }
  }
  if (!cached) {
    // Only domains that fold are kept: the `@` of a password is followed by a new non-domain each
    // time, which would push the dump's common domains out (and fails the fold early anyway).
    if (!foldDomain(ds, end)) return 0;
    if (slot != 0) {
      for (let k: usize = 0; k < <usize>length; k += 8) store<u64>(slot + 16 + k, load<u64>(ds + k));
      store<i32>(slot, length);
      store<i32>(slot, foldedSpecial ? SPECIAL : VALID, 4);
      store<u32>(slot, foldedH1, 8);
      store<u32>(slot, foldedH2, 12);
    }
    h1 = foldedH1;
    h2 = foldedH2;
    special = foldedSpecial;
  }
  h1 = (h1 ^ 64) * HASH_MUL1;
  h2 = (h2 ^ 64) * HASH_MUL2;
  h2 ^= h2 >>> 15;
  // Local part: the run of local bytes before `at` (16 at a time, leftwards, not before s), less
  // its leading dots; then folded right to left (census.ts keeps the state at each non-dot byte:
  // the same as folding [start, at)).
  let run = at;
  while (run > s) {
    const p = run - 16;
    let outside = ~classMask(v128.load(p), localLow) & 0xffff;
    if (p < s) outside |= (1 << <i32>(s - p)) - 1;
    if (outside != 0) {
      run = p + <usize>(32 - clz<i32>(outside));
      break;
    }
    run = p;
  }
  let start = run;
  while (start < at && load<u8>(start) == 46) start++;
  if (start == at || at - start > 64) return 0;
  // `scheme://user@host` is URL user-info (android://hash@package), not an address.
  if (start > s && load<u8>(start - 1) == 47) return 0;
  for (let j = at - 1; j >= start; j--) {
    const c = <u32>load<u8>(localLower + <usize>load<u8>(j));
    h1 = (h1 ^ c) * HASH_MUL1;
    h2 = (h2 ^ c) * HASH_MUL2;
    h2 ^= h2 >>> 15;
  }
  addrA = fmix32(h1);
  addrB = fmix32(h2 ^ 0x2545f491);
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

/** Reasons the accumulator has keys for (bit per reason); updated as EV_FIRST events go out. */
let reasonsSeen: i32 = 0;

/** Count a line under `reason`: the first one of a reason new to the accumulator is an event. */
function countReason(reason: i32): void {
  if (reasonsSeen & (1 << reason)) {
    const p = stats + STAT_REASONS + (<usize>reason << 2);
    store<i32>(p, load<i32>(p) + 1);
  } else {
    push3(EV_FIRST, reason, 0);
    reasonsSeen |= 1 << reason;
  }
}

/** `%` `4` `0` at p? */
// @ts-ignore: decorator
@inline
function isPercent40(p: usize): bool {
  return load<u8>(p) == 37 && load<u8>(p, 1) == 52 && load<u8>(p, 2) == 48;
}

/** First `%40` starting in [from, to) and ending by `to`, or `to`. */
function findPercent40(from: usize, to: usize): usize {
  const percents = i8x16.splat(37);
  let p = from;
  while (p < to) {
    let m = i8x16.bitmask(i8x16.eq(v128.load(p), percents));
    while (m != 0) {
      const q = p + <usize>ctz<i32>(m);
      if (q + 2 >= to) return to;
      if (isPercent40(q)) return q;
      m &= m - 1;
    }
    p += 16;
  }
  return to;
}

let percentFound: i32 = 0;
let percentSpecial: bool = false;

/**
 * chunk.ts percentEncoded over the line [s, e) (at most SCRATCH_BYTES long), with its quirk: the
 * line is decoded once (`%40` → `@`), and each `%40` of the original is tried at its original
 * offset in the decoded line. Counts what it finds; percentSpecial when one hit the suffix table
 * (the line then goes to JS whole, which counts those again without double counting).
 */
function percentEncoded(s: usize, e: usize, first: usize): void {
  let n: usize = 0;
  for (let i = s; i < e; ) {
    if (i + 2 < e && isPercent40(i)) {
      store<u8>(scratch + n, 64);
      i += 3;
    } else {
      store<u8>(scratch + n, load<u8>(i));
      i++;
    }
    n++;
  }
  percentFound = 0;
  percentSpecial = false;
  const end = scratch + n;
  for (let p = first; p < e; p = findPercent40(p + 3, e)) {
    const at = scratch + (p - s);
    if (at < end && load<u8>(at) == 64 && address(at, scratch, end) != 0) {
      percentFound++;
      addLanes(addrA, addrB);
      if (addrSpecial) percentSpecial = true;
    }
  }
}

/** JS `\s` over a latin-1 byte (what classifyAddressless's regex sees). */
// @ts-ignore: decorator
@inline
function isSpace(c: u32): bool {
  return c == 32 || c - 9 < 5 || c == 0xa0;
}

/** [A-Za-z0-9_]: a word byte for `\b`. */
// @ts-ignore: decorator
@inline
function isWord(c: u32): bool {
  return (c | 32) - 97 < 26 || c - 48 < 10 || c == 95;
}

/** Does [p, lim) start with `word` (lower-case letters; the bytes compared case-insensitively) followed by `\b`? */
function keywordAt(p: usize, lim: usize, word: string): bool {
  const n = <usize>word.length;
  if (p + n > lim) return false;
  for (let k: usize = 0; k < n; k++) if ((<u32>load<u8>(p + k) | 32) != <u32>word.charCodeAt(<i32>k)) return false;
  return p + n == lim || !isWord(load<u8>(p + n));
}

/** Five of `c` at p, within lim? */
function runOf5(p: usize, lim: usize, c: u8): bool {
  if (p + 5 > lim) return false;
  for (let k: usize = 0; k < 5; k++) if (load<u8>(p + k) != c) return false;
  return true;
}

/** chunk.ts STEALER_KEYS over the first 24 bytes of the line (as latin-1). */
function stealerKey(s: usize, e: usize): bool {
  const lim = e < s + 24 ? e : s + 24;
  let p = s;
  while (p < lim && isSpace(load<u8>(p))) p++;
  if (p == lim) return false;
  if (runOf5(p, lim, 61) || runOf5(p, lim, 45) || runOf5(p, lim, 42)) return true;
  switch (<u32>load<u8>(p) | 32) {
    case 97: // a
      return keywordAt(p, lim, 'application');
    case 98: // b
      return keywordAt(p, lim, 'browser');
    case 102: // f
      return keywordAt(p, lim, 'filename');
    case 104: // h
      return keywordAt(p, lim, 'host') || keywordAt(p, lim, 'hostname');
    case 112: // p
      return keywordAt(p, lim, 'password') || keywordAt(p, lim, 'pass') || keywordAt(p, lim, 'profile');
    case 115: // s
      return keywordAt(p, lim, 'soft') || keywordAt(p, lim, 'software') || keywordAt(p, lim, 'storage');
    case 117: // u
      return keywordAt(p, lim, 'url');
  }
  return false;
}

/** chunk.ts classifyAddressless: a user:pass record, a stealer-log field, or rejected with a reason. Returns records added. */
function classifyAddressless(s: usize, e: usize): i32 {
  let separator = false;
  let control = 0;
  let printable = 0;
  for (let i = s; i < e; i++) {
    const c = <u32>load<u8>(i);
    if (c < 32 && c != 9) control++;
    else {
      printable++;
      if (c == 58 || c == 59 || c == 124 || c == 9 || c == 44) separator = true;
    }
  }
  if (control > 0 && control * 8 > <i32>(e - s)) {
    countReason(R_BINARY);
    return 0;
  }
  if (printable > 0 && stealerKey(s, e)) {
    countReason(R_STEALER_FIELD);
    return 0;
  }
  if (!separator) {
    countReason(R_NO_SEPARATOR);
    return 0;
  }
  countReason(R_USER_PASS);
  return 1;
}

/**
 * census.ts censusChunk from line start `s0` over the input: lines starting before `end`, bytes
 * available up to `limit` (`atEnd`: the input ends there). Positions are offsets in the input;
 * `seen` has a bit per reason the accumulator already counts.
 * Returns -1 when done, or the start of the line to resume from once JS has drained the queue.
 */
export function census(s0: i32, end: i32, limit: i32, atEnd: i32, maxLine: i32, seen: i32): i32 {
  const base = input;
  const stop = base + <usize>end;
  const lim = base + <usize>limit;
  let s = base + <usize>s0;
  reasonsSeen = seen;
  let lines = 0;
  let records = 0;
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
    // Also how many `@` it has: after the address at the only one, there is nothing left to search.
    let nl: usize = 0;
    let firstAt: usize = 0;
    let atCount = 0;
    let p = s;
    while (p < lim) {
      const v = v128.load(p);
      let newline = i8x16.bitmask(i8x16.eq(v, newlines));
      let at = i8x16.bitmask(i8x16.eq(v, ats));
      if (lim - p < 16) {
        const valid = (1 << <i32>(lim - p)) - 1;
        newline &= valid;
        at &= valid;
      }
      if (newline != 0) {
        const k = ctz<i32>(newline);
        nl = p + <usize>k;
        at &= (1 << k) - 1;
      }
      if (at != 0) {
        if (firstAt == 0) firstAt = p + <usize>ctz<i32>(at);
        atCount += popcnt<i32>(at);
      }
      if (nl != 0) break;
      p += 16;
    }
    if (nl == 0) {
      if (atEnd == 0 || <i32>(lim - s) > maxLine) {
        // A line running past the look-ahead is longer than the cap: count it, never hold it.
        lines++;
        countReason(R_TOO_LONG);
        break;
      }
      nl = lim;
      if (s == nl) break;
    }
    lines++;
    let e = nl;
    if (e > s && load<u8>(e - 1) == 13) e--;
    if (<i32>(e - s) > maxLine) countReason(R_TOO_LONG);
    else if (e == s) countReason(R_EMPTY);
    else {
      const lineQueue = queueLen;
      let addresses = 0;
      let specials = false;
      let toJs = false;
      let at = firstAt != 0 && firstAt < e ? firstAt : e;
      while (at < e) {
        const r = address(at, s, e);
        if (r != 0) {
          addresses++;
          addLanes(addrA, addrB);
          if (addrSpecial && !toJs) {
            // Leave room for the line's closing record (or its EV_LINE fallback).
            if (queueCap - queueLen < 7 + 3) toJs = true;
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
          at = --atCount == 0 ? e : findAt(r, e);
        } else at = --atCount == 0 ? e : findAt(at + 1, e);
      }
      if (addresses == 0) {
        const pct = findPercent40(s, e);
        if (pct < e) {
          if (<i32>(e - s) > SCRATCH_BYTES) toJs = true;
          else {
            percentEncoded(s, e, pct);
            addresses = percentFound;
            if (percentSpecial) toJs = true;
          }
        }
        if (addresses == 0 && !toJs) records += classifyAddressless(s, e);
      }
      if (toJs) {
        // JS handles the whole line (addresses it counts again are already in the set: no double count).
        queueLen = lineQueue;
        push3(EV_LINE, <i32>(s - base), <i32>(e - base));
      } else if (addresses > 0) {
        records += addresses;
        if (specials) push3(EV_SPECIAL_LINE, <i32>(s - base), <i32>(e - base));
      }
    }
    s = nl + 1;
  }
  store<i32>(stats + STAT_LINES, load<i32>(stats + STAT_LINES) + lines);
  store<i32>(stats + STAT_RECORDS, load<i32>(stats + STAT_RECORDS) + records);
  store<i32>(stats + STAT_QUEUE, queueLen);
  return resume;
}

