/**
 * Byte-level address recognition. The scan never decodes a line just to find an address: it
 * walks raw bytes from an `@` outwards with lookup tables (hand-written because a regex over a
 * decoded string is ~10× slower, see docs/leaks.md), and decodes only the lines that matter.
 */

/** Bytes allowed in a local part (RFC 5322 atext and `.`), minus quotes, `/` and the combolist separators. */
export const LOCAL = new Uint8Array(256);
/** Bytes allowed in a domain name. */
export const DOMAIN = new Uint8Array(256);
/** ASCII lower-case map. */
export const LOWER = new Uint8Array(256);
for (let c = 0; c < 256; c++) LOWER[c] = c >= 65 && c <= 90 ? c + 32 : c;
for (const c of 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789') {
  LOCAL[c.charCodeAt(0)] = 1;
  DOMAIN[c.charCodeAt(0)] = 1;
}
for (const c of '.!#$%&*+-=?^_`{}~') LOCAL[c.charCodeAt(0)] = 1;
DOMAIN['-'.charCodeAt(0)] = 1;
DOMAIN['.'.charCodeAt(0)] = 1;
// '_' appears in real mail domains of some intranets; keep it out: the public DNS forbids it in host names.

export const AT = 64;
export const NL = 10;
export const CR = 13;

/** Where an address sits in a buffer: [start, end), the local part ends at `atStart`, the domain starts at `domainStart`. */
export interface AddressSpan {
  start: number;
  atStart: number;
  domainStart: number;
  end: number;
}

/**
 * The address around the `@` at `at`, within [lineStart, lineEnd), or null when the bytes there
 * are not an address (no dot, bad top-level label, URL user-info such as `android://…@pkg`).
 * `@@` is accepted as one `@`.
 */
export function addressAt(buf: Uint8Array, at: number, lineStart: number, lineEnd: number, out: AddressSpan): boolean {
  // Local part, leftwards.
  let start = at;
  while (start > lineStart && LOCAL[buf[start - 1]!] === 1) start--;
  // `%40` handled elsewhere; `user@@domain`: the second @ was our `at`, step over the first.
  if (start === at && at > lineStart && buf[at - 1] === AT) return false;
  while (start < at && buf[start] === 46) start++; // leading dots are separators' debris
  if (start === at || at - start > 64) return false;
  // `scheme://user@host` is URL user-info (android://hash@package), not an address.
  if (start > lineStart && buf[start - 1] === 47) return false;
  let domainStart = at + 1;
  while (domainStart < lineEnd && buf[domainStart] === AT) domainStart++;
  let end = domainStart;
  while (end < lineEnd && DOMAIN[buf[end]!] === 1) end++;
  // Trailing dots/hyphens belong to the sentence, not the domain.
  while (end > domainStart && (buf[end - 1] === 46 || buf[end - 1] === 45)) end--;
  const length = end - domainStart;
  if (length < 4 || length > 253) return false;
  // At least one dot, and a top-level label of 2+ letters.
  let lastDot = -1;
  for (let i = end - 1; i >= domainStart; i--) {
    if (buf[i] === 46) {
      lastDot = i;
      break;
    }
  }
  if (lastDot <= domainStart || end - lastDot - 1 < 2) return false;
  for (let i = lastDot + 1; i < end; i++) {
    const c = buf[i]! | 32;
    if (c < 97 || c > 122) return false;
  }
  if (buf[domainStart] === 46 || buf[domainStart] === 45) return false;
  out.start = start;
  out.atStart = at;
  out.domainStart = domainStart;
  out.end = end;
  return true;
}

/** Lower-case bytes [from, to) as a string (addresses are ASCII by the tables above). */
export function lowerAscii(buf: Buffer, from: number, to: number): string {
  return buf.toString('latin1', from, to).toLowerCase();
}

/** Does the domain [domainStart, end) equal `suffix` (lower-case ASCII bytes) or end with `.suffix`? */
export function domainEndsWith(buf: Uint8Array, domainStart: number, end: number, suffix: Uint8Array): boolean {
  const n = suffix.length;
  const len = end - domainStart;
  if (len < n) return false;
  const base = end - n;
  for (let i = 0; i < n; i++) if (LOWER[buf[base + i]!] !== suffix[i]) return false;
  return len === n || buf[base - 1] === 46;
}

/** Seeds and multipliers of the two 32-bit lanes of the address hash (FNV-1a and a murmur-style lane). */
export const HASH_SEED1 = 0x811c9dc5;
export const HASH_SEED2 = 0x9747b28c;
export const HASH_MUL1 = 0x01000193;
export const HASH_MUL2 = 0x5bd1e995;

/**
 * Hash of the lower-cased address bytes, folded right to left: the domain from its last byte,
 * then `@`, then the local part from its last byte. Right to left because the census (census.ts)
 * folds while it walks: the state after a domain's last labels is the hash of that suffix
 * (`vn`, `gov.vn`, a bank's domain), so category checks are lookups of states it has anyway,
 * and the local part is folded during the walk from `@` to its start. Two 32-bit lanes, each
 * finalised with fmix32; see hashParts53 for the 53-bit value.
 */
export function hashAddressLanes(buf: Uint8Array, span: AddressSpan): [number, number] {
  let h1 = HASH_SEED1;
  let h2 = HASH_SEED2;
  for (let i = span.end - 1; i >= span.domainStart; i--) {
    const c = LOWER[buf[i]!]!;
    h1 = Math.imul(h1 ^ c, HASH_MUL1);
    h2 = Math.imul(h2 ^ c, HASH_MUL2);
    h2 ^= h2 >>> 15;
  }
  h1 = Math.imul(h1 ^ 64, HASH_MUL1);
  h2 = Math.imul(h2 ^ 64, HASH_MUL2);
  h2 ^= h2 >>> 15;
  for (let i = span.atStart - 1; i >= span.start; i--) {
    const c = LOWER[buf[i]!]!;
    h1 = Math.imul(h1 ^ c, HASH_MUL1);
    h2 = Math.imul(h2 ^ c, HASH_MUL2);
    h2 ^= h2 >>> 15;
  }
  return [fmix32(h1), fmix32(h2 ^ 0x2545f491)];
}

/** The 53-bit value of two finalised lanes: all 32 bits of the first, the top 21 of the second. */
export function hashParts53(a: number, b: number): number {
  return (a >>> 0) * 2097152 + (b >>> 11);
}

/**
 * 53-bit hash of the lower-cased address bytes. Used for the exact unique set (collision odds
 * ~n²/2^54: below 1e-4 at ten million addresses) and HyperLogLog.
 */
export function hashAddress(buf: Uint8Array, span: AddressSpan): number {
  const [a, b] = hashAddressLanes(buf, span);
  return hashParts53(a, b);
}

export function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Lanes of the hash of a normalised address string (the census's values over the same address in a dump). */
export function hashAddressStringLanes(address: string): [number, number] {
  const buf = Buffer.from(address, 'latin1');
  const at = address.lastIndexOf('@');
  return hashAddressLanes(buf, { start: 0, atStart: at, domainStart: at + 1, end: buf.length });
}

/** Hash of a normalised address string (same value as hashAddress over its bytes). */
export function hashAddressString(address: string): number {
  const [a, b] = hashAddressStringLanes(address);
  return hashParts53(a, b);
}

const SPACE = /\s/;

/**
 * `raw` without leading `"`, `'`, `<` and white space and trailing `"`, `'`, `>` and white space —
 * what `replace(/^["'<\s]+|["'>\s]+$/g, '')` gives, by two loops: that regex's unanchored second
 * half rescans to the end from every inner run of those characters (64 KiB of spaces between two
 * letters took 4.4 s, a 1 MiB field minutes).
 */
export function stripQuotesAndSpaces(raw: string): string {
  let start = 0;
  let end = raw.length;
  for (; start < end; start++) {
    const c = raw[start]!;
    if (c !== '"' && c !== "'" && c !== '<' && !SPACE.test(c)) break;
  }
  for (; end > start; end--) {
    const c = raw[end - 1]!;
    if (c !== '"' && c !== "'" && c !== '>' && !SPACE.test(c)) break;
  }
  return raw.slice(start, end);
}

/**
 * Normalise an address written in a leak: trimmed, quotes and `mailto:` removed, `%40` → `@`,
 * `@@` → `@`, lower case. Returns null when what is left is not an address.
 */
export function normaliseAddress(raw: string): string | null {
  let s = stripQuotesAndSpaces(raw);
  if (/^mailto:/i.test(s)) s = s.slice(7);
  s = s.replace(/%40/gi, '@').replace(/@@+/g, '@');
  const buf = Buffer.from(s, 'latin1');
  const at = s.indexOf('@');
  if (at < 0) return null;
  const span: AddressSpan = { start: 0, atStart: 0, domainStart: 0, end: 0 };
  if (!addressAt(buf, at, 0, buf.length, span)) return null;
  if (span.start !== 0 || span.end !== buf.length) return null;
  return s.toLowerCase();
}
