import { CATEGORIES, type Category } from './domains.js';
import { HashSet53, LaneMap, scatterStep } from './hash-set.js';
import { HyperLogLog } from './hll.js';
import type { PasswordKind, Severity } from '../formats/password.js';
import type { RecordForm } from '../formats/parse-line.js';

/** One of the organisation's addresses found in a leak: what leaked, never the password itself. */
export interface LeakMatch {
  email: string;
  /** The organisation domain it falls under. */
  orgDomain: string;
  /** File (and archive entry: `archive.zip!/entry.txt`) and byte offset of the line in it. */
  file: string;
  offset: number;
  form: RecordForm;
  url: string | null;
  passwordKind: PasswordKind;
  passwordMask: string | null;
  /** HMAC-SHA-256 under the installation secret; null when no secret was given or nothing leaked. */
  fingerprint: string | null;
  severity: Severity;
}

/** Category bits of a special address (value bits 0–4 in ScanAccumulator.special). */
export const CATEGORY_BIT: Record<Category, number> = { vn: 1, 'gov.vn': 2, 'edu.vn': 4, bank: 8, org: 16 };
const CATEGORY_BITS = 5;

/** Counts of one scan worker; merged in the main thread. Plain data so it crosses postMessage. */
export interface ScanSnapshot {
  bytes: number;
  lines: number;
  records: number;
  rejected: Record<string, number>;
  skipped: Record<string, number>;
  hll: Uint8Array;
  exact: Float64Array | null;
  /** Special addresses as [lane a, lane b, value] triples; value = (domain index + 1) · 32 + category bits. */
  special: Int32Array;
  /** Domain names the special values index. */
  domains: string[];
  /** The organisation's addresses (strings: few, and the matches name them anyway). */
  org: string[];
  matches: LeakMatch[];
  /** Census blocks run by each kernel in the worker (census-kernel.ts). */
  censusBlocks?: { wasm: number; js: number };
}

/**
 * Census blocks run by each kernel: in this thread, plus those of worker threads whose snapshots
 * this thread merged. Tests assert the kernel they meant to exercise ran (and no fallback).
 */
export const censusRuns = { wasm: 0, js: 0 };

/**
 * Holds an accumulator's unique-address state while a census runs elsewhere (the WebAssembly
 * kernel, census-kernel.ts): addLanes goes there, and settleInto moves it back before anyone reads it.
 */
export interface UniqueHolder {
  addLanes(a: number, b: number): void;
  /** Fold the held state into `acc` (absorbUnique) and start empty. */
  settleInto(acc: ScanAccumulator): void;
}

export class ScanAccumulator {
  bytes = 0;
  lines = 0;
  records = 0;
  rejected: Record<string, number> = {};
  skipped: Record<string, number> = {};
  private readonly hllHere = new HyperLogLog();
  private exactHere: HashSet53 | null = new HashSet53();
  private holder: UniqueHolder | null = null;
  /**
   * Census: every .vn, bank and organisation address (by 64-bit hash) → its domain and category
   * bits. Exact category and per-domain counts without a string per address.
   */
  readonly special = new LaneMap();
  readonly domainNames: string[] = [];
  private readonly domainIds = new Map<string, number>();
  /** The organisation's addresses (both modes). */
  readonly org = new Set<string>();
  matches: LeakMatch[] = [];
  /** Census blocks this accumulator's thread ran per kernel (for its snapshot). */
  readonly censusBlocks = { wasm: 0, js: 0 };

  constructor(private readonly exactLimit: number) {}

  reject(reason: string, n = 1): void {
    this.rejected[reason] = (this.rejected[reason] ?? 0) + n;
  }

  skip(reason: string, n = 1): void {
    this.skipped[reason] = (this.skipped[reason] ?? 0) + n;
  }

  /** HyperLogLog of every address (includes what a holder counted). */
  get hll(): HyperLogLog {
    this.settle();
    return this.hllHere;
  }

  /** The exact set of address hashes, null past the bound (includes what a holder counted). */
  get exact(): HashSet53 | null {
    this.settle();
    return this.exactHere;
  }

  set exact(set: HashSet53 | null) {
    this.settle();
    this.exactHere = set;
  }

  /** Count an address by its two finalised hash lanes (bytes.ts): HyperLogLog, and the exact set until its bound. */
  addLanes(a: number, b: number): void {
    if (this.holder) {
      this.holder.addLanes(a, b);
      return;
    }
    this.hllHere.addLanes(a, b);
    const exact = this.exactHere;
    // Past the bound the exact set would grow with the input: keep only HyperLogLog.
    if (exact?.addLanes(a, b) && exact.size > this.exactLimit) this.exactHere = null;
  }

  /** Let `holder` count the unique addresses from now on (until the state is read: settle). */
  holdUnique(holder: UniqueHolder): void {
    if (this.holder !== holder) this.settle();
    this.holder = holder;
  }

  /** Take back the unique-address state from the holder, if any. */
  settle(): void {
    const holder = this.holder;
    if (!holder) return;
    this.holder = null;
    holder.settleInto(this);
  }

  /**
   * Fold unique-address state counted elsewhere: HyperLogLog registers, and the exact set as
   * interleaved (hi, lo) slots of a HashSet53 table (null when it passed the bound there).
   */
  absorbUnique(registers: Uint8Array, exact: { slots: Uint32Array; size: number } | null): void {
    this.hllHere.merge(registers);
    if (!this.exactHere) return;
    if (!exact) {
      this.exactHere = null;
      return;
    }
    if (exact.size === 0) return;
    if (this.exactHere.size === 0) {
      this.exactHere = HashSet53.fromSlots(exact.slots, exact.size);
      if (this.exactHere.size > this.exactLimit) this.exactHere = null;
      return;
    }
    const { slots } = exact;
    const n = slots.length >>> 1;
    const step = scatterStep(n);
    for (let k = 0, j = 0; k < n; k++, j = j + step >= n ? j + step - n : j + step) {
      const hi = slots[2 * j]!;
      if (hi === 0) continue;
      // Checked per hash: the union may not grow past the bound either.
      if (this.exactHere.addParts(hi & 0x1fffff, slots[2 * j + 1]!) && this.exactHere.size > this.exactLimit) {
        this.exactHere = null;
        return;
      }
    }
  }

  domainId(domain: string): number {
    let id = this.domainIds.get(domain);
    if (id === undefined) {
      id = this.domainNames.length;
      this.domainNames.push(domain);
      this.domainIds.set(domain, id);
    }
    return id;
  }

  /** Record a special address; returns false when it was known. */
  addSpecial(a: number, b: number, domain: string, categories: number): boolean {
    if (this.special.get(a, b) !== 0) return false;
    this.special.set(a, b, (this.domainId(domain) + 1) * 32 + categories);
    return true;
  }

  /** Unique addresses per category (census), from the special map. */
  categoryCounts(): Record<Category, number> {
    const counts = { vn: 0, 'gov.vn': 0, 'edu.vn': 0, bank: 0, org: 0 } as Record<Category, number>;
    this.special.forEach((_a, _b, value) => {
      for (const c of CATEGORIES) if (value & CATEGORY_BIT[c]) counts[c]++;
    });
    return counts;
  }

  /** Unique special addresses per domain (each address once). */
  domainCounts(): Map<string, number> {
    const perId = new Map<number, number>();
    this.special.forEach((_a, _b, value) => {
      const id = (value >>> CATEGORY_BITS) - 1;
      perId.set(id, (perId.get(id) ?? 0) + 1);
    });
    return new Map([...perId].map(([id, n]) => [this.domainNames[id]!, n]));
  }

  snapshot(): ScanSnapshot {
    return {
      bytes: this.bytes,
      lines: this.lines,
      records: this.records,
      rejected: this.rejected,
      skipped: this.skipped,
      hll: this.hll.registers,
      exact: this.exact ? this.exact.toArray() : null,
      special: this.special.toArray(),
      domains: this.domainNames,
      org: [...this.org],
      matches: this.matches,
      censusBlocks: this.censusBlocks,
    };
  }

  /** Fold another worker's snapshot into this one. */
  merge(s: ScanSnapshot): void {
    this.bytes += s.bytes;
    this.lines += s.lines;
    this.records += s.records;
    for (const [k, v] of Object.entries(s.rejected)) this.reject(k, v);
    for (const [k, v] of Object.entries(s.skipped)) this.skip(k, v);
    this.hll.merge(s.hll);
    const exact = this.exact;
    if (exact && s.exact) {
      // In scattered order (scatterStep): the snapshot lists its table slot by slot.
      const n = s.exact.length;
      const step = scatterStep(n);
      for (let k = 0, i = 0; k < n; k++, i = i + step >= n ? i + step - n : i + step) {
        // Checked per hash: the union may not grow past the bound either.
        if (exact.add(s.exact[i]!) && exact.size > this.exactLimit) {
          this.exact = null;
          break;
        }
      }
    } else this.exact = null;
    const ids = s.domains.map((d) => this.domainId(d));
    const mask = (1 << CATEGORY_BITS) - 1;
    const entries = s.special.length / 3;
    const step = scatterStep(entries);
    for (let k = 0, i = 0; k < entries; k++, i = i + step >= entries ? i + step - entries : i + step) {
      const a = s.special[3 * i]!;
      const b = s.special[3 * i + 1]!;
      const value = s.special[3 * i + 2]! >>> 0;
      if (this.special.get(a, b) === 0) this.special.set(a, b, (ids[(value >>> CATEGORY_BITS) - 1]! + 1) * 32 + (value & mask));
    }
    for (const a of s.org) this.org.add(a);
    for (const m of s.matches) this.matches.push(m);
    if (s.censusBlocks) {
      censusRuns.wasm += s.censusBlocks.wasm;
      censusRuns.js += s.censusBlocks.js;
    }
  }
}
