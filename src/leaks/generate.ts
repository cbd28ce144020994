import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { isHashed, type PasswordKind, SEVERITY_RANK, type Severity } from './formats/password.js';
import { normaliseAddress } from './scan/bytes.js';
import { Classifier, type Category } from './scan/domains.js';

/**
 * Seeded generator of leak dumps with a ground truth: which of the organisation's addresses
 * appear, with what (strongest password kind and severity), and the census counts. Same seed,
 * same bytes. Used by the tests (every format, quirks and hostile lines) and the benchmark (one
 * large combolist).
 */

export interface OrgTruth {
  severity: Severity;
  kinds: PasswordKind[];
}

export interface DumpTruth {
  lines: number;
  /** Normalised addresses per category (exact); absent when `trackAll` is off. */
  categories: Record<Category, Set<string>>;
  all: Set<string> | null;
  org: Map<string, OrgTruth>;
  /** Plaintext passwords written (tests check none reaches the store). */
  plaintexts: Set<string>;
}

export interface GenerateOptions {
  seed: number;
  /** Approximate size of the combolist in bytes. */
  bytes: number;
  orgDomains: string[];
  /** Addresses of the organisation to plant (default: generated from names). */
  orgAddresses?: string[];
  /** One org line per this many lines (default 2000). */
  orgEvery?: number;
  /** Keep the set of every address (tests); off for large benchmark dumps. */
  trackAll?: boolean;
}

/** mulberry32: small, fast, good enough for test data. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const GIVEN = [
  'an',
  'binh',
  'chi',
  'dung',
  'giang',
  'hanh',
  'hoa',
  'hung',
  'khanh',
  'lan',
  'linh',
  'minh',
  'nam',
  'ngoc',
  'phuong',
  'quang',
  'son',
  'thao',
  'trang',
  'tuan',
  'viet',
  'yen',
  'john',
  'mary',
  'alex',
  'kim',
];
const FAMILY = ['nguyen', 'tran', 'le', 'pham', 'hoang', 'phan', 'vu', 'vo', 'dang', 'bui', 'do', 'ho', 'ngo', 'duong', 'ly', 'smith'];
const COMMON = [
  'gmail.com',
  'yahoo.com',
  'hotmail.com',
  'outlook.com',
  'mail.ru',
  'yandex.ru',
  'qq.com',
  '163.com',
  'aol.com',
  'icloud.com',
  'live.com',
  'gmx.de',
  'web.de',
  'orange.fr',
];
const VN = [
  'vnn.vn',
  'fpt.vn',
  'viettel.vn',
  'hn.vnn.vn',
  'yahoo.com.vn',
  'hanoi.gov.vn',
  'mic.gov.vn',
  'hcm.edu.vn',
  'hcmus.edu.vn',
  'vnu.edu.vn',
  'fpt.com.vn',
  'vietcombank.com.vn',
  'mail.bidv.com.vn',
  'techcombank.com.vn',
  'kienlongbank.com',
];
const LOOKALIKE = ['hanoi.gov.vn.evil.com', 'vietcombank.com.vn.phish.net', 'gov.vnn.com'];
const SITES = [
  'https://www.facebook.com/login.php',
  'https://accounts.google.com/signin',
  'http://portal.example.vn:8080/login',
  'android://AbCdEf1234567890==@com.facebook.katana/',
  'https://dichvucong.gov.vn/p/home/dvc-dang-nhap.html',
];
const PW_CHARS = 'abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ0123456789!#$%&*+-=?_@:;| ';

export class DumpWriter {
  private readonly pieces: string[] = [];
  private pending = 0;
  written = 0;
  constructor(private readonly fd: number) {}
  line(text: string): void {
    this.pieces.push(text, '\n');
    this.pending += text.length + 1;
    if (this.pending > 4 * 1024 * 1024) this.flush();
  }
  flush(): void {
    if (!this.pieces.length) return;
    const buf = Buffer.from(this.pieces.join(''), 'utf8');
    writeSync(this.fd, buf);
    this.written += buf.length;
    this.pieces.length = 0;
    this.pending = 0;
  }
}

export class LeakFactory {
  readonly random: () => number;
  readonly classifier: Classifier;
  readonly truth: DumpTruth;
  readonly orgAddresses: string[];

  constructor(readonly options: GenerateOptions) {
    this.random = rng(options.seed);
    this.classifier = new Classifier(options.orgDomains);
    this.truth = {
      lines: 0,
      categories: { vn: new Set(), 'gov.vn': new Set(), 'edu.vn': new Set(), bank: new Set(), org: new Set() },
      all: options.trackAll === false ? null : new Set(),
      org: new Map(),
      plaintexts: new Set(),
    };
    this.orgAddresses =
      options.orgAddresses ??
      Array.from(
        { length: 40 },
        (_, i) =>
          `${this.pick(GIVEN)}.${this.pick(FAMILY)}${i}@${i % 5 === 4 && options.orgDomains[0] ? `mail.${options.orgDomains[0]}` : this.pick(options.orgDomains)}`,
      );
  }

  pick<T>(list: readonly T[]): T {
    return list[Math.floor(this.random() * list.length)]!;
  }

  int(n: number): number {
    return Math.floor(this.random() * n);
  }

  private lastWasOrg = false;

  /** A random address; ~1 in `orgEvery` is one of the organisation's. */
  address(): string {
    this.lastWasOrg = false;
    if (this.orgAddresses.length && this.int(this.options.orgEvery ?? 2000) === 0) {
      this.lastWasOrg = true;
      return this.pick(this.orgAddresses);
    }
    const r = this.random();
    // About 1 % Vietnamese addresses (the 2017 dump had 0.03 %), a few look-alikes.
    const domain = r < 0.985 ? this.pick(COMMON) : r < 0.999 ? this.pick(VN) : this.pick(LOOKALIKE);
    return `${this.pick(GIVEN)}${this.int(3) === 0 ? '.' : ''}${this.pick(FAMILY)}${this.int(100000)}@${domain}`;
  }

  /** Write an address the way dumps do: upper case, %40, mailto:, quotes, @@ (truth keeps it normalised). */
  quirky(address: string): string {
    const q = this.int(40);
    if (q === 0) return address.toUpperCase();
    if (q === 1) return address.replace('@', '%40');
    if (q === 2) return `mailto:${address}`;
    if (q === 3) return address.replace('@', '@@');
    if (q === 4) return address[0]!.toUpperCase() + address.slice(1);
    return address;
  }

  password(): string {
    const n = 6 + this.int(10);
    let s = '';
    for (let i = 0; i < n; i++) s += PW_CHARS[this.int(PW_CHARS.length)];
    // No leading/trailing space, no `.` (a password must never look like an address).
    return s.trim() || 'x1';
  }

  hash(kind: 'md5' | 'sha1' | 'sha256' | 'ntlm' | 'bcrypt', plain: string): string {
    if (kind === 'bcrypt') {
      const alphabet = './ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
      let s = '$2y$10$';
      for (let i = 0; i < 53; i++) s += alphabet[this.int(alphabet.length)];
      return s;
    }
    // OpenSSL 3 may lack MD4: an NTLM-shaped value (32 upper-case hex digits) is all a dump needs.
    const h = kind === 'ntlm' ? createHash('md5').update(`ntlm:${plain}`).digest('hex') : createHash(kind).update(plain).digest('hex');
    return kind === 'ntlm' ? h.toUpperCase() : h;
  }

  /** Record a written address in the truth. */
  saw(raw: string, kind: PasswordKind, stealer = false, plaintext?: string): void {
    // Large benchmark dumps track only the organisation's addresses (normalising every line is slow).
    if (!this.truth.all && !this.lastWasOrg) return;
    const address = normaliseAddress(raw);
    if (!address) throw new Error(`generator wrote a non-address ${raw}`);
    this.truth.all?.add(address);
    const domain = address.slice(address.indexOf('@') + 1);
    for (const c of this.classifier.categories(domain)) this.truth.categories[c].add(address);
    if (plaintext !== undefined && kind === 'plaintext') this.truth.plaintexts.add(plaintext);
    if (this.classifier.org.match(domain)) {
      const severity: Severity = stealer ? 'stealer' : kind === 'none' ? 'address' : isHashed(kind) ? 'hashed' : 'plaintext';
      const prev = this.truth.org.get(address);
      if (!prev) this.truth.org.set(address, { severity, kinds: [kind] });
      else {
        if (SEVERITY_RANK[severity] > SEVERITY_RANK[prev.severity]) prev.severity = severity;
        if (!prev.kinds.includes(kind)) prev.kinds.push(kind);
      }
    }
  }
}

/** Separators of email:pass lines, as seen in the wild. */
const SEPS = [':', ':', ':', ';', '|', '\t', ','];

/** One combolist line of a random variety; returns the text and records the truth. */
export function comboLine(f: LeakFactory): string {
  const address = f.address();
  const written = f.quirky(address);
  const r = f.int(100);
  const pw = f.password();
  if (r < 60) {
    f.saw(written, 'plaintext', false, pw);
    return `${written}${f.pick(SEPS)}${pw}`;
  }
  if (r < 68) {
    // reversed pass:email (password without the separator so the split is unambiguous)
    const p = pw.replace(/[:;|, \t]/g, 'x');
    f.saw(written, 'plaintext', false, p);
    return `${p}:${written}`;
  }
  if (r < 78) {
    f.saw(written, 'plaintext', false, pw);
    return `${f.pick(SITES)}:${written}:${pw}`;
  }
  if (r < 86) {
    const kind = f.pick(['md5', 'sha1', 'sha256', 'ntlm', 'bcrypt'] as const);
    f.saw(written, kind);
    return `${written}:${f.hash(kind, pw)}`;
  }
  if (r < 89) {
    f.saw(written, 'none');
    return ` ${written} `;
  }
  if (r < 91) {
    const hex = Buffer.from(`${pw}:x`, 'utf8').toString('hex');
    f.saw(written, 'plaintext', false, `${pw}:x`);
    return `${written}:$HEX[${hex}]`;
  }
  if (r < 94) {
    f.saw(written, 'plaintext', false, pw);
    return `"${written}","${pw.replace(/"/g, '')}"`;
  }
  if (r < 97) return `${f.pick(GIVEN)}${f.int(1000)}:${pw.replace(/@/g, 'a')}`; // user:pass, no address
  if (r < 99) {
    f.saw(written, 'plaintext', false, pw);
    return `${written}:${pw} trailing junk`;
  }
  return '';
}

/** Write a combolist of about `bytes` bytes to `path`. */
export function generateCombolist(path: string, options: GenerateOptions): DumpTruth {
  const f = new LeakFactory(options);
  const fd = openSync(path, 'w');
  const w = new DumpWriter(fd);
  try {
    while (w.written + 4 * 1024 * 1024 < options.bytes || (w.written === 0 && (w as unknown as { pending: number }).pending < options.bytes)) {
      w.line(comboLine(f));
      f.truth.lines++;
      if ((f.truth.lines & 0xffff) === 0) w.flush();
    }
    w.flush();
  } finally {
    closeSync(fd);
  }
  return f.truth;
}

/**
 * A folder with one file per format (combolist, stealer log, CSV, TSV, NDJSON, SQL, PHP-serialised,
 * UTF-16, cp1252, CRLF) sharing one truth. Compressed and archived copies are made by the tests with the
 * system tools, so the generator stays free of compressors.
 */
export function generateFormats(dir: string, options: GenerateOptions): DumpTruth {
  mkdirSync(dir, { recursive: true });
  const f = new LeakFactory(options);
  const perFile = Math.max(200, Math.floor(options.bytes / 9 / 40));
  const write = (name: string, lines: string[], encoding: 'utf8' | 'utf16le' | 'latin1' = 'utf8', eol = '\n') => {
    const body = lines.join(eol) + eol;
    const fd = openSync(join(dir, name), 'w');
    if (encoding === 'utf16le') writeSync(fd, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(body, 'utf16le')]));
    else writeSync(fd, Buffer.from(body, encoding));
    closeSync(fd);
    f.truth.lines += lines.length;
  };
  write(
    'combo.txt',
    Array.from({ length: perFile }, () => comboLine(f)),
  );
  write(
    'combo-crlf.txt',
    Array.from({ length: perFile }, () => comboLine(f)),
    'utf8',
    '\r\n',
  );
  write(
    'combo-utf16.txt',
    Array.from({ length: perFile }, () => comboLine(f)),
    'utf16le',
  );
  // cp1252/latin-1: passwords with accented letters; addresses stay ASCII.
  write(
    'combo-latin1.txt',
    Array.from({ length: perFile }, () => {
      const a = f.address();
      const pw = `pässwörd${f.int(1000)}`;
      f.saw(a, 'plaintext', false, pw);
      return `${a}:${pw}`;
    }),
    'latin1',
  );
  const stealer: string[] = [];
  for (let i = 0; i < perFile / 5; i++) {
    const a = f.address();
    const pw = f.password();
    f.saw(a, 'plaintext', true, pw);
    stealer.push(`URL: ${f.pick(SITES)}`, `Username: ${a}`, `Password: ${pw}`, 'Application: Google Chrome_[Profile 1]', '===============');
  }
  mkdirSync(join(dir, 'stealer'), { recursive: true });
  write('stealer/passwords.txt', stealer);
  const csv = ['id,name,email,password_hash,created'];
  for (let i = 0; i < perFile; i++) {
    const a = f.address();
    const kind = f.pick(['md5', 'sha1', 'bcrypt'] as const);
    f.saw(a, kind);
    csv.push(`${i},"${f.pick(FAMILY)}, ${f.pick(GIVEN)}","${a}",${f.hash(kind, f.password())},2019-0${1 + f.int(9)}-1${f.int(9)}`);
  }
  write('users.csv', csv);
  const tsv = ['email\tpassword\turl'];
  for (let i = 0; i < perFile; i++) {
    const a = f.address();
    const pw = f.password().replace(/\t/g, '_').replace(/^"/, '_');
    f.saw(a, 'plaintext', false, pw);
    tsv.push(`${a}\t${pw}\t${f.pick(SITES)}`);
  }
  write('export.tsv', tsv);
  const ndjson: string[] = [];
  for (let i = 0; i < perFile; i++) {
    const a = f.address();
    const pw = f.password();
    f.saw(a, 'plaintext', false, pw);
    ndjson.push(JSON.stringify({ id: i, email: a, password: pw, name: `${f.pick(FAMILY)} ${f.pick(GIVEN)}` }));
  }
  write('dump.ndjson', ndjson);
  const sql: string[] = ['-- MySQL dump', 'CREATE TABLE `users` (`id` int, `email` varchar(255), `password` varchar(64));'];
  for (let i = 0; i < perFile / 10; i++) {
    const tuples: string[] = [];
    for (let k = 0; k < 10; k++) {
      const a = f.address();
      const h = f.hash('md5', f.password());
      f.saw(a, 'md5');
      tuples.push(`(${i * 10 + k},'${a}','${h}')`);
    }
    sql.push(`INSERT INTO \`users\` (\`id\`,\`email\`,\`password\`) VALUES ${tuples.join(',')};`);
  }
  write('dump.sql', sql);
  // PHP serialize() rows (a PHP site's user/session table): lengths in bytes, so a password may hold `";`.
  const php: string[] = [];
  const phpString = (value: string) => `s:${Buffer.byteLength(value)}:"${value}";`;
  for (let i = 0; i < perFile; i++) {
    const a = f.address();
    const written = f.quirky(a);
    const hashed = f.int(4) === 0;
    const pw = hashed ? f.hash('md5', f.password()) : `${f.password()}";`;
    f.saw(written, hashed ? 'md5' : 'plaintext', false, pw);
    const fields = [phpString('id'), `i:${i};`, phpString('user_email'), phpString(written), phpString('user_pass'), phpString(pw)];
    php.push(i % 7 === 0 ? `O:7:"WP_User":3:{${fields.join('')}s:4:"name";${phpString(f.pick(FAMILY))}}` : `a:3:{${fields.join('')}}`);
  }
  write('users-php.txt', php);
  return f.truth;
}
