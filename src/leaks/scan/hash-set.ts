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

  /** Adds `hash` (0 < hash < 2^53); returns true when it was new. */
  add(hash: number): boolean {
    const hi = Math.floor(hash / 4294967296) | 0x200000; // bit 21 set: never 0, 0 marks an empty slot
    const lo = hash >>> 0;
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
