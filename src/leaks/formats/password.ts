import { createHmac } from 'node:crypto';

/** What a leak says about a password. `none` = the address leaked alone. */
export type PasswordKind = 'none' | 'plaintext' | 'md5' | 'sha1' | 'sha256' | 'bcrypt' | 'ntlm' | 'hash';

const HEX = /^[0-9a-fA-F]+$/;
const BCRYPT = /^\$2[abxy]?\$\d\d\$[./A-Za-z0-9]{53}$/;

/** `$HEX[6d79…]` is how hashcat/combolists write passwords with separators or odd bytes. */
export function decodeHexPassword(value: string): string {
  const m = /^\$HEX\[([0-9a-fA-F]*)\]$/.exec(value);
  if (!m || m[1]!.length % 2 !== 0) return value;
  return Buffer.from(m[1]!, 'hex').toString('utf8');
}

/**
 * Guess the kind of a leaked password value. `hint` is a column name (csv/json/sql) when there
 * is one: 32 hex digits are MD5 unless the column or the upper-case pwdump habit says NTLM.
 */
export function passwordKind(value: string | null | undefined, hint = ''): PasswordKind {
  if (value === null || value === undefined || value === '') return 'none';
  if (BCRYPT.test(value)) return 'bcrypt';
  if (HEX.test(value)) {
    const ntlmHint = /ntlm|nthash|nt_hash|\bnt\b/i.test(hint);
    if (value.length === 32) return ntlmHint || (value === value.toUpperCase() && /[A-F]/.test(value)) ? 'ntlm' : 'md5';
    if (value.length === 40) return 'sha1';
    if (value.length === 64) return 'sha256';
  }
  if (/^\$(argon2|pbkdf2|scrypt|[156y]|[PH])\$/.test(value) || /hash/i.test(hint)) return 'hash';
  return 'plaintext';
}

export function isHashed(kind: PasswordKind): boolean {
  return kind !== 'none' && kind !== 'plaintext';
}

/** Stars a mask shows at most: the length is in the brackets, and a 1 MiB "password" gives no 1 MiB mask. */
const MAX_MASK_STARS = 32;

/**
 * `m*****3 (8)`: first and last character (code points), the length; never enough to recover the
 * password. Counted without an array of the password's characters (it may be megabytes).
 */
export function maskPassword(value: string | null | undefined): string | null {
  if (!value) return null;
  let n = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    // A low surrogate after a high one ends a code point counted at its high half.
    if (!(c >= 0xdc00 && c <= 0xdfff && i > 0 && value.charCodeAt(i - 1) >= 0xd800 && value.charCodeAt(i - 1) <= 0xdbff)) n++;
  }
  const stars = (k: number) => '*'.repeat(Math.min(k, MAX_MASK_STARS));
  if (n <= 2) return `${stars(n)} (${n})`;
  const first = String.fromCodePoint(value.codePointAt(0)!);
  if (n <= 4) return `${first}${stars(n - 1)} (${n})`;
  const lastUnit = value.charCodeAt(value.length - 1);
  const lastIsPair =
    lastUnit >= 0xdc00 &&
    lastUnit <= 0xdfff &&
    value.length > 1 &&
    value.charCodeAt(value.length - 2) >= 0xd800 &&
    value.charCodeAt(value.length - 2) <= 0xdbff;
  const last = value.slice(lastIsPair ? -2 : -1);
  return `${first}${stars(n - 2)}${last} (${n})`;
}

/**
 * HMAC-SHA-256 of the password under the installation secret: detects reuse across leaks and lets
 * a person's current password be compared later, without vigil ever holding the password.
 * Hashes are fingerprinted in lower case with their kind so `MD5(x)` from two leaks compare equal.
 */
export function passwordFingerprint(secret: Buffer, value: string, kind: PasswordKind): string {
  const material = isHashed(kind) ? `${kind}:${value.toLowerCase()}` : `plain:${value}`;
  return createHmac('sha256', secret).update(material).digest('hex');
}

/** Severity rank of what leaked: address only < hashed password < plaintext password < stealer log. */
export type Severity = 'address' | 'hashed' | 'plaintext' | 'stealer';
export const SEVERITY_RANK: Record<Severity, number> = { address: 1, hashed: 2, plaintext: 3, stealer: 4 };

export function severityOf(kind: PasswordKind, stealer: boolean): Severity {
  if (stealer) return 'stealer';
  if (kind === 'none') return 'address';
  return kind === 'plaintext' ? 'plaintext' : 'hashed';
}
