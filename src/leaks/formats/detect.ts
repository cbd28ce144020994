import { splitDelimited, type FileFormat } from './parse-line.js';
import { PHP_SERIALISED_START } from './php-serialised.js';

export type Container = 'plain' | 'gzip' | 'zip' | 'zstd' | 'bzip2' | 'xz' | 'tar';
export type TextEncoding = 'utf8' | 'utf16le' | 'utf16be';

/** Archive and compression formats recognised by their magic bytes but not read (no maintained package here). */
const UNSUPPORTED: { name: string; magic: number[]; offset?: number }[] = [
  { name: '7z', magic: [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c] },
  { name: 'RAR', magic: [0x52, 0x61, 0x72, 0x21, 0x1a, 0x07] },
  { name: 'LZ4', magic: [0x04, 0x22, 0x4d, 0x18] },
  { name: 'LZMA', magic: [0x5d, 0x00, 0x00] },
  { name: 'Brotli-framed', magic: [0xce, 0xb2, 0xcf, 0x81] },
  { name: 'Unix compress (.Z)', magic: [0x1f, 0x9d] },
];

function startsWith(head: Uint8Array, magic: number[], offset = 0): boolean {
  if (head.length < offset + magic.length) return false;
  return magic.every((b, i) => head[offset + i] === b);
}

/** The container of a file by its first bytes; `{ unsupported: name }` for a known format vigil cannot read. */
export function detectContainer(head: Uint8Array): Container | { unsupported: string } {
  if (startsWith(head, [0x1f, 0x8b])) return 'gzip';
  if (startsWith(head, [0x50, 0x4b, 0x03, 0x04]) || startsWith(head, [0x50, 0x4b, 0x05, 0x06])) return 'zip';
  if (startsWith(head, [0x28, 0xb5, 0x2f, 0xfd])) return 'zstd';
  if (startsWith(head, [0x42, 0x5a, 0x68])) return 'bzip2';
  if (startsWith(head, [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00])) return 'xz';
  if (startsWith(head, [0x75, 0x73, 0x74, 0x61, 0x72], 257)) return 'tar';
  for (const u of UNSUPPORTED) if (startsWith(head, u.magic, u.offset)) return { unsupported: u.name };
  return 'plain';
}

export function detectEncoding(head: Uint8Array): { encoding: TextEncoding; bom: number } {
  if (startsWith(head, [0xff, 0xfe])) return { encoding: 'utf16le', bom: 2 };
  if (startsWith(head, [0xfe, 0xff])) return { encoding: 'utf16be', bom: 2 };
  if (startsWith(head, [0xef, 0xbb, 0xbf])) return { encoding: 'utf8', bom: 3 };
  // UTF-16 without BOM: every other byte NUL in ASCII text.
  if (head.length >= 64) {
    let evenNul = 0;
    let oddNul = 0;
    for (let i = 0; i < 64; i++) if (head[i] === 0) i % 2 === 0 ? evenNul++ : oddNul++;
    if (oddNul > 28 && evenNul < 4) return { encoding: 'utf16le', bom: 0 };
    if (evenNul > 28 && oddNul < 4) return { encoding: 'utf16be', bom: 0 };
  }
  return { encoding: 'utf8', bom: 0 };
}

const EMAIL_HEADER = /^(e-?mail|mail|email_address|login|username|user|account)$/i;
const PASSWORD_HEADER = /^(pass(word)?|pwd|passwd|pw|hash|password_hash|pass_hash|ntlm|nt_hash|md5|sha1|sha256|bcrypt)$/i;
const URL_HEADER = /^(url|host|site|domain|origin)$/i;

/** A CSV/TSV header row (a line naming an email column, without an address in it) decides the columns. */
export function detectLineFormat(head: Buffer): FileFormat {
  const nl = head.indexOf(10);
  const first = head
    .toString('utf8', 0, nl < 0 ? Math.min(head.length, 4096) : nl)
    .replace(/^\uFEFF/, '')
    .replace(/\r$/, '');
  if (first.includes('@') || first.length > 4096) return { kind: 'lines' };
  // PHP-serialised rows (`a:3:{s:5:"email";…`) carry their own field names on every line.
  if (PHP_SERIALISED_START.test(first.trimStart())) return { kind: 'lines' };
  for (const delimiter of [',', '\t', ';', '|']) {
    if (!first.includes(delimiter)) continue;
    const columns = splitDelimited(first, delimiter).map((c) => c.trim());
    const emailColumn = columns.findIndex((c) => EMAIL_HEADER.test(c));
    if (emailColumn < 0) continue;
    const passwordColumn = columns.findIndex((c) => PASSWORD_HEADER.test(c));
    const urlColumn = columns.findIndex((c) => URL_HEADER.test(c));
    return {
      kind: 'csv',
      delimiter,
      columns,
      emailColumn,
      ...(passwordColumn >= 0 ? { passwordColumn } : {}),
      ...(urlColumn >= 0 ? { urlColumn } : {}),
      header: true,
    };
  }
  return { kind: 'lines' };
}
