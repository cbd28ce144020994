import { normaliseAddress } from '../scan/bytes.js';

/**
 * normaliseAddress (scan/bytes.ts) for a field of a hostile row, with the same result in linear
 * time. normaliseAddress strips quotes and spaces with `/^["'<\s]+|["'>\s]+$/g`, whose unanchored
 * second branch rescans to the end of every run of those characters inside the value: a CSV, SQL,
 * JSON or PHP field of `a` + 1 MB of spaces + `b@x.vn` took minutes. What that regex keeps (the
 * "core" below) becomes the address unchanged except for `mailto:`, `%40` and `@@`, and an address
 * is made only of local-part, domain and `@` bytes (after latin1 encoding); so a core holding a
 * quote, `<`, `>` or a space whose latin1 byte is none of those can never be one: answer null
 * without calling it. The one space that encodes to an address byte (U+205F → `_`, a local-part
 * byte) can occur at most 64 times (the local part's limit). Otherwise the core has no long run
 * for the regex to rescan, and normaliseAddress itself is linear.
 */
const LEADING = /^["'<\s]*/;
const TRAILING_CHAR = /["'>\s]/;
/** `\s` minus U+205F, plus the quotes and brackets: no address byte in latin1. */
const NEVER_IN_ADDRESS = /["'<>\t-\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u3000\ufeff]/;
const MEDIUM_MATHEMATICAL_SPACE = '\u205f';
const MAX_LOCAL = 64;

export function addressOfValue(raw: string): string | null {
  const trimmed = raw.trim();
  const start = LEADING.exec(trimmed)![0].length;
  let end = trimmed.length;
  while (end > start && TRAILING_CHAR.test(trimmed[end - 1]!)) end--;
  const core = trimmed.slice(start, end);
  if (NEVER_IN_ADDRESS.test(core)) return null;
  let spaces = 0;
  for (let i = core.indexOf(MEDIUM_MATHEMATICAL_SPACE); i >= 0; i = core.indexOf(MEDIUM_MATHEMATICAL_SPACE, i + 1)) {
    if (++spaces > MAX_LOCAL) return null;
  }
  return normaliseAddress(raw);
}
