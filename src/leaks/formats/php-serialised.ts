import { addressOfValue } from './address.js';
import { EMAIL_KEY, PASSWORD_KEY, type ParsedRecord, URL_KEY } from './fields.js';

/**
 * PHP `serialize()` rows, as found in dumps of PHP sites (session tables, WordPress/Joomla user
 * meta, cache tables):
 *
 *   a:3:{s:5:"email";s:13:"an@lab.gov.vn";s:8:"password";s:9:"Secret123";s:3:"url";N;}
 *   O:4:"User":2:{s:5:"email";s:13:"an@lab.gov.vn";s:4:"pass";s:32:"5f4d…";}
 *
 * Hand-written rather than a library: the few PHP-unserialize packages build whole object graphs
 * and recurse; here a flat scan with an explicit stack collects, per array/object, the address,
 * password and URL fields, and every limit is fixed (depth, values, text length), so a hostile
 * row costs at most one pass over a bounded prefix of the line and never recurses.
 */

/** A line that starts like a serialised array or object. */
export const PHP_SERIALISED_START = /^(?:a:\d{1,9}:\{|O:\d{1,4}:"[^"]{1,255}":\d{1,9}:\{)/;

const MAX_TEXT = 8 * 1024 * 1024;
const MAX_DEPTH = 32;
const MAX_VALUES = 100_000;
const MAX_RECORDS = 10_000;

interface Frame {
  expectKey: boolean;
  key: string | null;
  email: string | null;
  password: string | null;
  passwordKey: string;
  url: string | null;
  /** First value anywhere in the frame that is an address, for rows without an address-named key. */
  anyAddress: string | null;
}

const newFrame = (): Frame => ({ expectKey: true, key: null, email: null, password: null, passwordKey: '', url: null, anyAddress: null });

/** UTF-8 byte length of one UTF-16 code unit run starting at `i` (a surrogate pair counts 4 on its first half). */
function utf8Units(code: number): number {
  if (code < 0x80) return 1;
  if (code < 0x800) return 2;
  if (code >= 0xd800 && code <= 0xdbff) return 4;
  if (code >= 0xdc00 && code <= 0xdfff) return 0;
  return 3;
}

/**
 * UTF-8 byte offsets of a row: `at(k)` is the byte length of its first k code units. Built on the
 * first string read, so each `s:N:"` finds where N bytes end by binary search: counting them
 * one by one cost O(N) per string, and a row of `s:999999999:"";` tokens made that quadratic
 * (64 KB took 0.8 s, 1 MB would take minutes).
 */
export class ByteOffsets {
  private offsets: Uint32Array | null = null;
  constructor(private readonly text: string) {}
  private table(): Uint32Array {
    if (!this.offsets) {
      const offsets = new Uint32Array(this.text.length + 1);
      for (let k = 0; k < this.text.length; k++) offsets[k + 1] = offsets[k]! + utf8Units(this.text.charCodeAt(k));
      this.offsets = offsets;
    }
    return this.offsets;
  }
  /**
   * Where counting `declared` bytes from `start` stops, and the bytes counted: the first k with at
   * least `declared` bytes in [start, k), or the end of the text (as the one-by-one count stopped).
   */
  advance(start: number, declared: number): { end: number; bytes: number } {
    const offsets = this.table();
    const target = offsets[start]! + declared;
    let lo = start;
    let hi = this.text.length;
    if (offsets[hi]! < target) return { end: hi, bytes: offsets[hi]! - offsets[start]! };
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (offsets[mid]! >= target) hi = mid;
      else lo = mid + 1;
    }
    return { end: lo, bytes: offsets[lo]! - offsets[start]! };
  }
}

/**
 * The string of `s:N:"…";` whose body starts at `start`. N counts bytes in PHP; the line may have
 * been decoded as UTF-8 (count bytes) or cp1252 (count characters), or have lost NUL bytes of
 * protected property names — then the next `";` ends it. Returns the text and where `;` ends.
 */
export function readString(text: string, offsets: ByteOffsets, start: number, declared: number): { value: string; next: number } | null {
  const { end: i, bytes } = offsets.advance(start, declared);
  if (bytes === declared && text.startsWith('";', i)) return { value: text.slice(start, i), next: i + 2 };
  if (text.startsWith('";', start + declared)) return { value: text.slice(start, start + declared), next: start + declared + 2 };
  const end = text.indexOf('";', start);
  return end < 0 ? null : { value: text.slice(start, end), next: end + 2 };
}

/** A key as written by PHP for protected (`\0*\0name`) and private (`\0Class\0name`) properties, NULs already gone. */
function plainKey(key: string): string {
  return key.replace(/^\*/, '');
}

function takeValue(frame: Frame, value: string | null): void {
  const key = frame.key === null ? '' : plainKey(frame.key);
  if (value !== null && value !== '') {
    if (frame.email === null && EMAIL_KEY.test(key)) frame.email = addressOfValue(value);
    else if (frame.password === null && PASSWORD_KEY.test(key)) {
      frame.password = value;
      frame.passwordKey = key;
    } else if (frame.url === null && URL_KEY.test(key)) frame.url = value;
    if (frame.anyAddress === null && value.includes('@')) frame.anyAddress = addressOfValue(value);
  }
  frame.key = null;
  frame.expectKey = true;
}

/** Credentials of one serialised row: one record per array/object holding an address. */
export function parsePhpSerialised(line: string): ParsedRecord[] {
  const text = line.length > MAX_TEXT ? line.slice(0, MAX_TEXT) : line;
  const records: ParsedRecord[] = [];
  const stack: Frame[] = [];
  const offsets = new ByteOffsets(text);
  let i = 0;
  let values = 0;
  const emit = (frame: Frame) => {
    const email = frame.email ?? frame.anyAddress;
    if (email && records.length < MAX_RECORDS) {
      records.push({ email, password: frame.password, url: frame.url, form: 'php', passwordHint: frame.passwordKey });
    }
  };
  // One token per turn; any surprise (truncated row, junk) ends the scan with what was found.
  while (i < text.length && values++ < MAX_VALUES) {
    const top = stack[stack.length - 1];
    const c = text[i];
    if (c === '}') {
      const done = stack.pop();
      if (!done) break;
      emit(done);
      i++;
      if (stack.length === 0) break;
      continue;
    }
    const open = /^(?:a:\d{1,9}:\{|O:\d{1,4}:"[^"]{0,255}":\d{1,9}:\{)/.exec(text.slice(i, i + 300));
    if (open) {
      if (top) {
        if (top.expectKey) break; // an array is never a key
        top.key = null;
        top.expectKey = true;
      } else if (i !== 0) break;
      if (stack.length >= MAX_DEPTH) break;
      stack.push(newFrame());
      i += open[0].length;
      continue;
    }
    if (!top) break;
    if (c === 's') {
      const head = /^s:(\d{1,9}):"/.exec(text.slice(i, i + 16));
      if (!head) break;
      const read = readString(text, offsets, i + head[0].length, Number(head[1]));
      if (!read) break;
      if (top.expectKey) {
        top.key = read.value;
        top.expectKey = false;
      } else takeValue(top, read.value);
      i = read.next;
      continue;
    }
    const scalar = /^(?:i:-?\d{1,20}|d:[-+0-9.eEINAF]{1,40}|b:[01]|N);/.exec(text.slice(i, i + 48));
    if (!scalar) break;
    if (top.expectKey) {
      top.key = scalar[0].slice(2, -1);
      top.expectKey = false;
    } else takeValue(top, null);
    i += scalar[0].length;
  }
  // A truncated row still yields the address it had reached (innermost first).
  while (stack.length) emit(stack.pop()!);
  return records;
}
