import { CATEGORIES, type Category } from './domains.js';
import { HashSet53 } from './hash-set.js';
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

/** Counts of one scan worker; merged in the main thread. Plain data so it crosses postMessage. */
export interface ScanSnapshot {
  bytes: number;
  lines: number;
  records: number;
  rejected: Record<string, number>;
  skipped: Record<string, number>;
  hll: Uint8Array;
  exact: Float64Array | null;
  categories: Record<Category, string[]>;
  matches: LeakMatch[];
}

export class ScanAccumulator {
  bytes = 0;
  lines = 0;
  records = 0;
  rejected: Record<string, number> = {};
  skipped: Record<string, number> = {};
  readonly hll = new HyperLogLog();
  exact: HashSet53 | null = new HashSet53();
  readonly categories: Record<Category, Set<string>> = { vn: new Set(), 'gov.vn': new Set(), 'edu.vn': new Set(), bank: new Set(), org: new Set() };
  matches: LeakMatch[] = [];
  /** Hashes of the .vn/bank/organisation addresses already put in the category sets. */
  readonly specialSeen = new HashSet53(1 << 12);

  constructor(private readonly exactLimit: number) {}

  reject(reason: string, n = 1): void {
    this.rejected[reason] = (this.rejected[reason] ?? 0) + n;
  }

  skip(reason: string, n = 1): void {
    this.skipped[reason] = (this.skipped[reason] ?? 0) + n;
  }

  addHash(hash: number): void {
    this.hll.add(hash);
    if (this.exact) {
      this.exact.add(hash);
      // Past the bound the exact set would grow with the input: keep only HyperLogLog.
      if (this.exact.size > this.exactLimit) this.exact = null;
    }
  }

  snapshot(): ScanSnapshot {
    const categories = {} as Record<Category, string[]>;
    for (const c of CATEGORIES) categories[c] = [...this.categories[c]];
    return {
      bytes: this.bytes,
      lines: this.lines,
      records: this.records,
      rejected: this.rejected,
      skipped: this.skipped,
      hll: this.hll.registers,
      exact: this.exact ? this.exact.toArray() : null,
      categories,
      matches: this.matches,
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
    if (this.exact && s.exact) {
      for (const h of s.exact) this.exact.add(h);
      if (this.exact.size > this.exactLimit) this.exact = null;
    } else this.exact = null;
    for (const c of CATEGORIES) for (const a of s.categories[c]) this.categories[c].add(a);
    for (const m of s.matches) this.matches.push(m);
  }
}
