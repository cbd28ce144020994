import { type FileFormat, parseLine, STEALER_PASSWORD, STEALER_URL } from '../formats/parse-line.js';
import { decodeHexPassword, maskPassword, passwordFingerprint, passwordKind, severityOf } from '../formats/password.js';
import { CATEGORY_BIT, type ScanAccumulator } from './accumulator.js';
import { AT, type AddressSpan, addressAt, CR, DOMAIN, domainEndsWith, HASH_MUL1, HASH_SEED1, hashAddressLanes, LOWER, lowerAscii, NL } from './bytes.js';
import { Classifier, type DomainSet } from './domains.js';

/** What a scan looks for; plain data so it can be sent to worker threads. */
export interface ScanSettings {
  orgDomains: string[];
  census: boolean;
  bankDomains: string[];
  /** Installation secret (hex) for password fingerprints; absent in `scan` (nothing is stored). */
  secret?: string;
  /** Unique addresses kept exactly (per worker) before switching to HyperLogLog only. */
  exactLimit: number;
  /** Longer lines are rejected as `line-too-long` (and skipped without being held in memory). */
  maxLineBytes: number;
  /** The census's engine: the WebAssembly kernel (default, when built) or the JavaScript reference. */
  censusKernel?: 'wasm' | 'js';
}

/** A bytes window of one input: positions in `buf` map to input offsets `baseOffset + i`. */
export interface ChunkView {
  buf: Buffer;
  /** Lines starting in [begin, end) belong to this chunk. */
  begin: number;
  end: number;
  /** Bytes available in `buf` (end + look-ahead). */
  limit: number;
  /** `begin` is the start of the input (no partial line to skip). */
  atInputStart: boolean;
  /** `limit` is the end of the input (the last line may lack a newline). */
  atInputEnd: boolean;
  baseOffset: number;
  file: string;
  format: FileFormat;
}

export const PERCENT40 = Buffer.from('%40');
const STEALER_KEYS = /^\s*((url|host|hostname|password|pass|soft|software|application|browser|profile|storage|filename)\b|={5,}|-{5,}|\*{5,})/i;

/** A special address's domain, classified once (ScanPlan.domainOf). */
interface DomainInfo {
  /** The lower-cased bytes. */
  bytes: Uint8Array;
  /** CATEGORY_BIT bits; 0 when only the suffix table's hash hit. */
  cats: number;
  name: string;
}

/** Domains ScanPlan.domainOf remembers before it starts over (hostile dumps can have millions). */
const MAX_REMEMBERED_DOMAINS = 1 << 16;

/** Do the lower-cased bytes buf[from, to) equal `lower`? */
function sameLowerBytes(lower: Uint8Array, buf: Uint8Array, from: number, to: number): boolean {
  if (lower.length !== to - from) return false;
  for (let i = from; i < to; i++) if (LOWER[buf[i]!] !== lower[i - from]) return false;
  return true;
}

/** Per-settings precomputed matchers, built once per worker. */
export class ScanPlan {
  readonly classifier: Classifier;
  readonly org: DomainSet;
  /** Byte sequences the fast path searches for; chosen from the first data seen (see chooseLiterals). */
  literals: Buffer[];
  private literalsChosen = false;
  private readonly suffixes = new Map<number, { bytes: Uint8Array; what: 'bank' | 'org' }[]>();
  private readonly secret: Buffer | undefined;
  private readonly vn = Buffer.from('vn');
  private readonly gov = Buffer.from('gov.vn');
  private readonly edu = Buffer.from('edu.vn');
  private table: { keys: Int32Array; hits: Uint8Array; shift: number; mask: number } | undefined;
  private readonly domains = new Map<number, DomainInfo[]>();
  private domainCount = 0;

  constructor(readonly settings: ScanSettings) {
    this.classifier = new Classifier(settings.orgDomains, settings.bankDomains);
    this.org = this.classifier.org;
    this.secret = settings.secret ? Buffer.from(settings.secret, 'hex') : undefined;
    this.literals = [];
    for (const d of this.classifier.banks.values()) this.addSuffix(d, 'bank');
    for (const d of this.org.values()) this.addSuffix(d, 'org');
  }

  /**
   * Pick, per organisation domain, a lower-case and an UPPER-case window of at most 7 bytes to
   * search for, starting at the byte of the domain's first label that is rarest in `sample`.
   * Why: Buffer.indexOf runs memchr on a pattern's first byte then compares (patterns under 8
   * bytes); a rare first byte makes it 1.5–2.5× faster than searching the whole domain, and the
   * window still contains part of the domain's own label, so candidates stay rare. Every
   * candidate line is verified byte by byte (addressAt + DomainSet.match), so a window never
   * changes what is found; a domain written in mixed case is found when the window's bytes are
   * all lower (or all upper) case.
   */
  chooseLiterals(sample: Uint8Array): void {
    if (this.literalsChosen) return;
    this.literalsChosen = true;
    const freq = new Uint32Array(256);
    for (let i = 0; i < sample.length; i++) freq[sample[i]!]!++;
    const literals = new Map<string, Buffer>();
    for (const domain of this.org.values()) {
      const labelEnd = domain.indexOf('.') < 0 ? domain.length : domain.indexOf('.');
      for (const variant of [domain, domain.toUpperCase()]) {
        let best = 0;
        for (let i = 1; i < labelEnd; i++) if (freq[variant.charCodeAt(i)]! < freq[variant.charCodeAt(best)]!) best = i;
        const window = variant.slice(best, best + 7);
        literals.set(window, Buffer.from(window, 'latin1'));
      }
    }
    this.literals = [...literals.values()];
  }

  private addSuffix(domain: string, what: 'bank' | 'org'): void {
    const key = labelKeyOfString(domain.slice(domain.lastIndexOf('.') + 1));
    const list = this.suffixes.get(key) ?? [];
    list.push({ bytes: Buffer.from(domain, 'latin1'), what });
    this.suffixes.set(key, list);
  }

  /**
   * Census bookkeeping for one address span found outside the fused loop (URL-encoded addresses):
   * unique hash and categories. Returns true when the address is one of the organisation's.
   */
  countAddress(acc: ScanAccumulator, buf: Buffer, span: AddressSpan): boolean {
    const [a, b] = hashAddressLanes(buf, span);
    acc.addLanes(a, b);
    return this.countSpecial(acc, buf, span.start, span.atStart, span.domainStart, span.end, a, b);
  }

  /**
   * The exact category check of an address whose domain hit the suffix table (or that came from
   * the slow path): .vn / gov.vn / edu.vn / a bank / ours, by bytes. Counted once per address
   * (by hash); the organisation's addresses are also kept as strings. Returns true when ours.
   */
  countSpecial(acc: ScanAccumulator, buf: Buffer, start: number, at: number, domainStart: number, end: number, a: number, b: number): boolean {
    const known = acc.special.get(a, b);
    if (known !== 0) return (known & CATEGORY_BIT.org) !== 0;
    const { cats, name } = this.domainOf(buf, domainStart, end);
    if (cats === 0) return false; // a suffix-table hit by hash only
    acc.addSpecial(a, b, name, cats);
    if (cats & CATEGORY_BIT.org) {
      acc.org.add(`${lowerAscii(buf, start, at)}@${name}`);
      return true;
    }
    return false;
  }

  /**
   * Categories and lower-case name of the domain [domainStart, end), remembered per domain: a
   * dump's special addresses share a few thousand domains, and classifying one (suffix checks, its
   * name as a string) cost more than the rest of the census's work for the address. Entries are
   * found by a hash of the lower-cased bytes and confirmed byte by byte; the memory is bounded.
   */
  private domainOf(buf: Uint8Array, domainStart: number, end: number): DomainInfo {
    let h = HASH_SEED1;
    for (let i = domainStart; i < end; i++) h = Math.imul(h ^ LOWER[buf[i]!]!, HASH_MUL1);
    const known = this.domains.get(h);
    if (known) {
      for (const info of known) if (sameLowerBytes(info.bytes, buf, domainStart, end)) return info;
    }
    let cats = 0;
    if (domainEndsWith(buf, domainStart, end, this.vn)) {
      cats |= CATEGORY_BIT.vn;
      if (domainEndsWith(buf, domainStart, end, this.gov)) cats |= CATEGORY_BIT['gov.vn'];
      else if (domainEndsWith(buf, domainStart, end, this.edu)) cats |= CATEGORY_BIT['edu.vn'];
    }
    const list = this.suffixes.get(labelKeyOfBytes(buf, domainStart, end));
    if (list) {
      for (const s of list) if (domainEndsWith(buf, domainStart, end, s.bytes)) cats |= s.what === 'bank' ? CATEGORY_BIT.bank : CATEGORY_BIT.org;
    }
    const name = lowerAscii(buf as Buffer, domainStart, end);
    const info: DomainInfo = { bytes: Buffer.from(name, 'latin1'), cats, name };
    if (this.domainCount >= MAX_REMEMBERED_DOMAINS) {
      this.domains.clear();
      this.domainCount = 0;
    }
    if (known && this.domains.has(h)) known.push(info);
    else this.domains.set(h, [info]);
    this.domainCount++;
    return info;
  }

  /**
   * The suffixes whose addresses the census counts by category (`vn`, `gov.vn`, `edu.vn`, the
   * banks' and the organisation's domains) as the first-lane hash state after folding them right
   * to left (bytes.ts hashAddressLanes), in a small open-addressing table: the census looks up
   * the state it holds at each dot of a domain, and only a hit goes to countSpecial.
   */
  suffixTable(): { keys: Int32Array; hits: Uint8Array; shift: number; mask: number } {
    if (this.table) return this.table;
    const suffixes = ['vn', 'gov.vn', 'edu.vn', ...this.classifier.banks.values(), ...this.org.values()];
    let size = 64;
    while (size < suffixes.length * 4) size *= 2;
    const keys = new Int32Array(size);
    const hits = new Uint8Array(size);
    const shift = 32 - Math.log2(size);
    for (const suffix of suffixes) {
      const h = suffixState(suffix);
      let k = Math.imul(h, 0x9e3779b1) >>> shift;
      while (hits[k] !== 0 && keys[k] !== h) k = (k + 1) & (size - 1);
      keys[k] = h;
      hits[k] = 1;
    }
    this.table = { keys, hits, shift, mask: size - 1 };
    return this.table;
  }

  /** Decode one line (UTF-8, else cp1252) and record the organisation's credentials in it. */
  recordLine(acc: ScanAccumulator, view: ChunkView, s: number, e: number): number {
    const text = decodeLine(view.buf, s, e);
    const records = parseLine(text, view.format);
    let found = 0;
    for (const record of records) {
      if (!record.email) continue;
      const orgDomain = this.org.match(record.email.slice(record.email.lastIndexOf('@') + 1));
      if (!orgDomain) continue;
      let password = record.password;
      let url = record.url;
      let stealer = false;
      if (record.form === 'stealer') {
        stealer = true;
        const around = stealerNeighbours(view.buf, s, e, view.limit);
        password = around.password;
        url = around.url;
      }
      if (password !== null) password = decodeHexPassword(password);
      const kind = passwordKind(password, record.passwordHint);
      acc.matches.push({
        email: record.email,
        orgDomain,
        file: view.file,
        offset: view.baseOffset + s,
        form: record.form,
        url: url ?? null,
        passwordKind: kind,
        passwordMask: kind === 'none' ? null : maskPassword(password),
        fingerprint: this.secret && password && kind !== 'none' ? passwordFingerprint(this.secret, password, kind) : null,
        severity: severityOf(kind, stealer),
      });
      found++;
    }
    return found;
  }
}

/** First-lane hash state after folding `suffix` (lower case) right to left from the seed. */
function suffixState(suffix: string): number {
  let h = HASH_SEED1;
  for (let i = suffix.length - 1; i >= 0; i--) h = Math.imul(h ^ LOWER[suffix.charCodeAt(i) & 255]!, HASH_MUL1);
  return h;
}

function labelKeyOfString(label: string): number {
  return labelKeyOfBytes(Buffer.from(label, 'latin1'), 0, label.length);
}

/** A number identifying the (lower-cased) top-level label, for the suffix index. */
function labelKeyOfBytes(buf: Uint8Array, domainStart: number, end: number): number {
  let key = 0;
  let n = 0;
  for (let i = end - 1; i >= domainStart && buf[i] !== 46; i--) {
    // Four characters and the length keep the key a small integer (fast Map lookups).
    if (n < 4) key = key * 37 + (LOWER[buf[i]!]! % 37);
    n++;
  }
  return key * 32 + (n & 31);
}

const utf8Strict = new TextDecoder('utf-8', { fatal: true });
const cp1252 = new TextDecoder('windows-1252');

export function decodeLine(buf: Buffer, s: number, e: number): string {
  const bytes = buf.subarray(s, e);
  try {
    return utf8Strict.decode(bytes);
  } catch {
    return cp1252.decode(bytes);
  }
}

/** The `Password:` and `URL:` lines of the stealer-log block around a `Login:` line. */
function stealerNeighbours(buf: Buffer, s: number, e: number, limit: number): { password: string | null; url: string | null } {
  let password: string | null = null;
  let url: string | null = null;
  let at = e + 1;
  for (let k = 0; k < 3 && at < limit; k++) {
    let next = buf.indexOf(NL, at);
    if (next < 0 || next > limit) next = limit;
    const line = decodeLine(buf, at, next).replace(/\r$/, '');
    const pm = STEALER_PASSWORD.exec(line);
    if (pm) {
      password = pm[2] === '' ? null : (pm[2] ?? null);
      break;
    }
    if (line.trim() === '' || /^=+|^-+$/.test(line)) break;
    at = next + 1;
  }
  let back = s - 1;
  for (let k = 0; k < 3 && back > 0; k++) {
    const prev = buf.lastIndexOf(NL, back - 1);
    const line = decodeLine(buf, prev + 1, back).replace(/\r$/, '');
    const um = STEALER_URL.exec(line);
    if (um) {
      url = um[2] ?? null;
      break;
    }
    back = prev;
    if (prev < 0) break;
  }
  return { password, url };
}

/** First line start owned by the chunk, or -1. */
export function firstLineStart(view: ChunkView): number {
  if (view.atInputStart || view.buf[view.begin - 1] === NL) return view.begin;
  const nl = view.buf.indexOf(NL, view.begin);
  return nl < 0 || nl + 1 >= view.end ? -1 : nl + 1;
}

export function hasPercent40(buf: Buffer, s: number, e: number): boolean {
  const p = buf.indexOf('%40', s, 'latin1');
  return p >= 0 && p < e;
}

/** `user%40domain` (URL-encoded address): rare, so it is decoded into a scratch buffer. */
export function percentEncoded(plan: ScanPlan, acc: ScanAccumulator, buf: Buffer, s: number, e: number, span: AddressSpan): { found: number; org: boolean } {
  let p = buf.indexOf('%40', s, 'latin1');
  if (p < 0 || p >= e) return { found: 0, org: false };
  let found = 0;
  let org = false;
  while (p >= 0 && p < e) {
    const line = Buffer.from(buf.toString('latin1', s, e).replace(/%40/gi, '@'), 'latin1');
    const at = p - s;
    if (line[at] === AT && addressAt(line, at, 0, line.length, span)) {
      found++;
      if (plan.countAddress(acc, line, span)) org = true;
    }
    p = buf.indexOf('%40', p + 3, 'latin1');
    if (p >= e) break;
  }
  return { found, org };
}

/** A line without an address: a user:pass record, a stealer-log field, or rejected with a reason. */
export function classifyAddressless(acc: ScanAccumulator, buf: Buffer, s: number, e: number): void {
  let separator = false;
  let control = 0;
  let printable = 0;
  for (let i = s; i < e; i++) {
    const c = buf[i]!;
    if (c < 32 && c !== 9) control++;
    else {
      printable++;
      if (c === 58 || c === 59 || c === 124 || c === 9 || c === 44) separator = true;
    }
  }
  if (control > 0 && control * 8 > e - s) {
    acc.reject('binary');
    return;
  }
  if (printable > 0 && STEALER_KEYS.test(buf.toString('latin1', s, Math.min(e, s + 24)))) {
    acc.skip('stealer-field');
    return;
  }
  if (!separator) {
    acc.reject('no-separator');
    return;
  }
  acc.records++;
  acc.skip('user-pass-records');
}

/**
 * Organisation-only scan: search the raw bytes for each domain literal (Buffer.indexOf, a
 * Boyer–Moore–Horspool search in C++) and decode only the lines that hit.
 */
export function domainChunk(plan: ScanPlan, acc: ScanAccumulator, view: ChunkView): void {
  const { buf, end, limit } = view;
  const maxLine = plan.settings.maxLineBytes;
  acc.bytes += view.end - view.begin;
  const first = firstLineStart(view);
  if (first < 0) return;
  plan.chooseLiterals(buf.subarray(view.begin, Math.min(view.end, view.begin + 65536)));
  let hits: number[] | undefined;
  for (const literal of plan.literals) {
    let p = buf.indexOf(literal, first);
    while (p >= 0 && p < limit) {
      (hits ??= []).push(p);
      p = buf.indexOf(literal, p + literal.length);
    }
  }
  if (!hits) return;
  hits.sort((a, b) => a - b);
  const span: AddressSpan = { start: 0, atStart: 0, domainStart: 0, end: 0 };
  let lastLine = -1;
  for (const hit of hits) {
    const s = hit === 0 ? 0 : buf.lastIndexOf(NL, hit - 1) + 1;
    if (s <= lastLine) continue;
    // A hit on a line begun before this chunk belongs to the previous chunk; past `end`, to the next.
    if (s < first || s >= end) continue;
    lastLine = s;
    let nl = buf.indexOf(NL, hit);
    if (nl < 0 || nl >= limit) {
      if (!view.atInputEnd || limit - s > maxLine) {
        acc.reject('line-too-long');
        continue;
      }
      nl = limit;
    }
    let e = nl;
    if (e > s && buf[e - 1] === CR) e--;
    if (e - s > maxLine) {
      acc.reject('line-too-long');
      continue;
    }
    // Cheap byte check before decoding: is there an address of ours on the line at all?
    let ours = false;
    for (let at = buf.indexOf(AT, s); at >= 0 && at < e; at = buf.indexOf(AT, at + 1)) {
      if (addressAt(buf, at, s, e, span) && plan.org.match(lowerAscii(buf, span.domainStart, span.end))) {
        ours = true;
        acc.org.add(`${lowerAscii(buf, span.start, span.atStart)}@${lowerAscii(buf, span.domainStart, span.end)}`);
      }
    }
    if (!ours && hasPercent40(buf, s, e)) ours = percentEncoded(plan, acc, buf, s, e, span).org;
    if (!ours) continue;
    acc.records += plan.recordLine(acc, view, s, e);
  }
}

// DOMAIN is re-exported for tests that build hostile domains byte by byte.
export { DOMAIN };
