/**
 * A step through 0..n-1 that visits every index once (coprime with n, near n·0.618). Merging one
 * open-addressing table into another in the source's slot order fills the target in runs (its
 * keys arrive sorted by their home slot), and linear probing then turns quadratic: a 1-worker
 * census of 1 GiB spent 1–3 s merging the `.vn` map. Visiting the source in this order does not.
 */
export function scatterStep(n: number): number {
  if (n <= 2) return 1;
  let step = Math.floor(n * 0.6180339887) | 1;
  const gcd = (x: number, y: number): number => (y === 0 ? x : gcd(y, x % y));
  while (gcd(n, step) !== 1) step += 2;
  return step % n;
}

/**
 * A set of 53-bit hashes in open addressing over two Uint32Arrays: about 10 bytes per address
 * and no garbage, where a JS Set<number> of such (heap) numbers costs ~5× the time and memory.
 * Hand-written for that reason; grows by doubling until its owner stops it.
 */
export class HashSet53 {
  private hi: Uint32Array;
  private lo: Uint32Array;
  private mask: number;
  size = 0;

  constructor(capacity = 1 << 16) {
    let n = 1;
    while (n < capacity * 2) n <<= 1;
    this.hi = new Uint32Array(n);
    this.lo = new Uint32Array(n);
    this.mask = n - 1;
  }

  /**
   * A set over a table filled elsewhere with this class's layout and probing (the census kernel,
   * wasm/census/census.ts): `slots` holds (hi, lo) pairs, hi with bit 21 set, 0 for an empty slot.
   */
  static fromSlots(slots: Uint32Array, size: number): HashSet53 {
    const n = slots.length >>> 1;
    const set = new HashSet53(1);
    set.hi = new Uint32Array(n);
    set.lo = new Uint32Array(n);
    set.mask = n - 1;
    for (let j = 0; j < n; j++) {
      set.hi[j] = slots[2 * j]!;
      set.lo[j] = slots[2 * j + 1]!;
    }
    set.size = size;
    return set;
  }

  /** Adds `hash` (0 <= hash < 2^53); returns true when it was new. */
  add(hash: number): boolean {
    return this.addParts(Math.floor(hash / 4294967296), hash >>> 0);
  }

  /** Adds the 53-bit value of two finalised hash lanes (bytes.ts hashParts53) without building it. */
  addLanes(a: number, b: number): boolean {
    return this.addParts(a >>> 11, ((a << 21) | (b >>> 11)) >>> 0);
  }

  /** Adds hi·2^32 + lo (hi < 2^21). */
  addParts(high: number, lo: number): boolean {
    const hi = high | 0x200000; // bit 21 set: never 0, 0 marks an empty slot
    let i = (lo ^ Math.imul(hi, 0x9e3779b1)) & this.mask;
    for (;;) {
      const h = this.hi[i]!;
      if (h === 0) break;
      if (h === hi && this.lo[i] === lo) return false;
      i = (i + 1) & this.mask;
    }
    this.hi[i] = hi;
    this.lo[i] = lo;
    this.size++;
    if (this.size * 2 > this.mask) this.grow();
    return true;
  }

  private grow(): void {
    const oldHi = this.hi;
    const oldLo = this.lo;
    const n = oldHi.length * 2;
    this.hi = new Uint32Array(n);
    this.lo = new Uint32Array(n);
    this.mask = n - 1;
    for (let j = 0; j < oldHi.length; j++) {
      const hi = oldHi[j]!;
      if (hi === 0) continue;
      const lo = oldLo[j]!;
      let i = (lo ^ Math.imul(hi, 0x9e3779b1)) & this.mask;
      while (this.hi[i] !== 0) i = (i + 1) & this.mask;
      this.hi[i] = hi;
      this.lo[i] = lo;
    }
  }

  /** The hashes, for merging across workers. */
  toArray(): Float64Array {
    const out = new Float64Array(this.size);
    let k = 0;
    for (let j = 0; j < this.hi.length; j++) {
      const hi = this.hi[j]!;
      if (hi !== 0) out[k++] = (hi & 0x1fffff) * 4294967296 + this.lo[j]!;
    }
    return out;
  }
}

/**
 * The census's special addresses (.vn, banks, the organisation's): a 64-bit address hash (two
 * finalised lanes) → a small value (domain id and category bits). Typed arrays instead of a Set of
 * strings: ~12 bytes per address where the strings cost ~100, and nothing for the garbage
 * collector. Collision odds ~n²/2^65 (below 1e-8 at a million addresses).
 */
export class LaneMap {
  private keysA: Int32Array;
  private keysB: Int32Array;
  private vals: Uint32Array;
  private mask: number;
  size = 0;

  constructor(capacity = 1 << 12) {
    let n = 1;
    while (n * 3 < capacity * 4) n <<= 1;
    this.keysA = new Int32Array(n);
    this.keysB = new Int32Array(n);
    this.vals = new Uint32Array(n);
    this.mask = n - 1;
  }

  private slot(a: number, b: number): number {
    let i = (Math.imul(a, 0x9e3779b1) ^ b) & this.mask;
    for (;;) {
      if (this.vals[i] === 0) return i;
      if (this.keysA[i] === (a | 0) && this.keysB[i] === (b | 0)) return i;
      i = (i + 1) & this.mask;
    }
  }

  /** The value stored for (a, b), 0 when absent. */
  get(a: number, b: number): number {
    return this.vals[this.slot(a, b)]!;
  }

  /** Stores a value (never 0: 0 marks an empty slot); returns false when the key was present. */
  set(a: number, b: number, value: number): boolean {
    const i = this.slot(a, b);
    const fresh = this.vals[i] === 0;
    this.keysA[i] = a;
    this.keysB[i] = b;
    this.vals[i] = value;
    if (fresh) {
      this.size++;
      // Up to 3/4 full: it is probed only for special addresses, and it grows with their number.
      if (this.size * 4 > this.mask * 3) this.grow();
    }
    return fresh;
  }

  private grow(): void {
    const { keysA, keysB, vals } = this;
    const n = vals.length * 2;
    this.keysA = new Int32Array(n);
    this.keysB = new Int32Array(n);
    this.vals = new Uint32Array(n);
    this.mask = n - 1;
    for (let j = 0; j < vals.length; j++) {
      if (vals[j] === 0) continue;
      const i = this.slot(keysA[j]!, keysB[j]!);
      this.keysA[i] = keysA[j]!;
      this.keysB[i] = keysB[j]!;
      this.vals[i] = vals[j]!;
    }
  }

  /** Every entry as [a, b, value] triples in one array (for postMessage and merging). */
  toArray(): Int32Array {
    const out = new Int32Array(this.size * 3);
    let k = 0;
    for (let j = 0; j < this.vals.length; j++) {
      if (this.vals[j] === 0) continue;
      out[k++] = this.keysA[j]!;
      out[k++] = this.keysB[j]!;
      out[k++] = this.vals[j]! | 0;
    }
    return out;
  }

  forEach(fn: (a: number, b: number, value: number) => void): void {
    for (let j = 0; j < this.vals.length; j++) if (this.vals[j] !== 0) fn(this.keysA[j]!, this.keysB[j]!, this.vals[j]!);
  }
}
