import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import type { PasswordKind, Severity } from './formats/password.js';
import type { Category } from './scan/domains.js';

/**
 * Seeded generator of leak dumps with a ground truth: which of the organisation's addresses
 * appear, with what (strongest password kind and severity), and the census counts. Same seed,
 * same bytes. Used by the tests (every format, quirks and hostile lines) and the benchmark (one
 * large combolist).
 *
 * The truth is what the generator planted, never what the scanner makes of it: the canonical
 * (lower-case) address it chose before writing a variant of it (upper case, `%40`, `mailto:`,
 * `@@`), the census categories it gave each domain in its own lists, the password kind it wrote.
 * Nothing here imports the scanner's normalisation or classification, so the census tests compare
 * two independent answers.
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
/** Vietnamese mail domains, each with the census categories the generator means it to count in. */
const VN_DOMAINS: [string, Category[]][] = [
  ['vnn.vn', ['vn']],
  ['fpt.vn', ['vn']],
  ['viettel.vn', ['vn']],
  ['hn.vnn.vn', ['vn']],
  ['yahoo.com.vn', ['vn']],
  ['hanoi.gov.vn', ['vn', 'gov.vn']],
  ['mic.gov.vn', ['vn', 'gov.vn']],
  ['hcm.edu.vn', ['vn', 'edu.vn']],
  ['hcmus.edu.vn', ['vn', 'edu.vn']],
  ['vnu.edu.vn', ['vn', 'edu.vn']],
  ['fpt.com.vn', ['vn']],
  ['vietcombank.com.vn', ['vn', 'bank']],
  ['mail.bidv.com.vn', ['vn', 'bank']],
  ['techcombank.com.vn', ['vn', 'bank']],
  ['kienlongbank.com', ['bank']],
];
const VN = VN_DOMAINS.map(([domain]) => domain);
/** Banks among them (an organisation domain under one of these is a bank's too). */
const BANK_DOMAINS = ['vietcombank.com.vn', 'bidv.com.vn', 'techcombank.com.vn', 'kienlongbank.com'];
/** Look-alikes that count in no category (`hanoi.gov.vn.evil.com` is not under gov.vn). */
const LOOKALIKE = ['hanoi.gov.vn.evil.com', 'vietcombank.com.vn.phish.net', 'gov.vnn.com'];
/** Second names of `given.name` passwords: none starts a FAMILY name, so no such password is part of an address. */
const PW_NAMES = ['anh', 'thu', 'mai', 'tam', 'xuan', 'huong', 'khoa'];
const PW_WORDS = ['matkhau', 'abc', 'hoasen', 'Abc', 'iloveyou', 'admin', 'Vietnam'];
const SITES = [
  'https://www.facebook.com/login.php',
  'https://accounts.google.com/signin',
  'http://portal.example.vn:8080/login',
  'android://AbCdEf1234567890==@com.facebook.katana/',
  'https://dichvucong.gov.vn/p/home/dvc-dang-nhap.html',
];
const PW_CHARS = 'abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ0123456789!#$%&*+-=?_@:;| ';
const RANK: Record<Severity, number> = { address: 1, hashed: 2, plaintext: 3, stealer: 4 };

/** `domain` is `parent` or a subdomain of it (whole labels). */
function under(domain: string, parent: string): boolean {
  return domain === parent || domain.endsWith(`.${parent}`);
}

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
  readonly truth: DumpTruth;
  readonly orgAddresses: string[];
  private readonly orgDomains: string[];
  /** The census categories of every domain the generator writes addresses in. */
  private readonly domainCategories = new Map<string, Category[]>();

  constructor(readonly options: GenerateOptions) {
    this.random = rng(options.seed);
    this.orgDomains = options.orgDomains.map((d) => d.toLowerCase().replace(/\.$/, ''));
    this.truth = {
      lines: 0,
      categories: { vn: new Set(), 'gov.vn': new Set(), 'edu.vn': new Set(), bank: new Set(), org: new Set() },
      all: options.trackAll === false ? null : new Set(),
      org: new Map(),
      plaintexts: new Set(),
    };
    this.orgAddresses =
      options.orgAddresses?.map((a) => a.toLowerCase()) ??
      Array.from(
        { length: 40 },
        (_, i) =>
          `${this.pick(GIVEN)}.${this.pick(FAMILY)}${i}@${i % 5 === 4 && this.orgDomains[0] ? `mail.${this.orgDomains[0]}` : this.pick(this.orgDomains)}`,
      );
    for (const domain of [...COMMON, ...LOOKALIKE]) this.domainCategories.set(domain, []);
    for (const [domain, categories] of VN_DOMAINS) this.domainCategories.set(domain, categories);
    // The organisation's domains come from the caller: their categories by the census's rules.
    for (const address of this.orgAddresses) {
      const domain = address.slice(address.lastIndexOf('@') + 1);
      if (this.domainCategories.has(domain)) continue;
      const categories: Category[] = [];
      if (under(domain, 'vn')) categories.push('vn', ...(under(domain, 'gov.vn') ? ['gov.vn' as const] : under(domain, 'edu.vn') ? ['edu.vn' as const] : []));
      if (BANK_DOMAINS.some((bank) => under(domain, bank))) categories.push('bank');
      this.domainCategories.set(domain, categories);
    }
  }

  /** The organisation's domain that `domain` is or sits under. */
  private orgDomainOf(domain: string): string | undefined {
    return this.orgDomains.find((org) => under(domain, org));
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

  /** Write an address the way dumps do: upper case, %40, mailto:, @@ (the truth keeps the canonical address it came from). */
  quirky(address: string): string {
    const q = this.int(40);
    if (q === 0) return address.toUpperCase();
    if (q === 1) return address.replace('@', '%40');
    if (q === 2) return `mailto:${address}`;
    if (q === 3) return address.replace('@', '@@');
    if (q === 4) return address[0]!.toUpperCase() + address.slice(1);
    return address;
  }

  /**
   * A password as people write them before the address (`pass:login`), shaped like things a
   * careless parser takes for a URL: dates, `given.name`, words with `/` and `.`, `Abc@123`,
   * host-like words with and without `www.`. None holds an address or a line separator.
   */
  passwordFirst(): string {
    const two = (n: number) => String(n).padStart(2, '0');
    const day = two(1 + this.int(28));
    const month = two(1 + this.int(12));
    const year = 1960 + this.int(46);
    switch (this.int(9)) {
      case 0:
        return `${day}/${month}/${year}`;
      case 1:
        return `${year}-${month}-${day}`;
      case 2:
        return `${day}.${month}.${year}`;
      case 3:
        return `${this.pick(GIVEN)}.${this.pick(PW_NAMES)}`;
      case 4:
        return `${this.pick(GIVEN)}.${this.pick(PW_NAMES)}/${year}`;
      case 5:
        return `${this.pick(PW_WORDS)}@${this.int(1000)}`;
      case 6:
        return `${this.pick(PW_WORDS).toLowerCase()}${this.int(1000)}.${this.pick(['vn', 'com', 'com.vn', 'gov.vn', 'net'])}`;
      case 7:
        return `www.${this.pick(PW_WORDS).toLowerCase()}${this.int(1000)}.vn`;
      default:
        return `${this.pick(PW_WORDS).toLowerCase()}${this.int(1000)}.vn/${year}`;
    }
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

  /**
   * Record a planted address in the truth: `address` is the canonical form the generator chose
   * (from address()), whatever variant of it the line holds; `kind` is what it wrote beside it.
   */
  saw(address: string, kind: PasswordKind, stealer = false, plaintext?: string): void {
    // Large benchmark dumps track only the organisation's addresses.
    if (!this.truth.all && !this.lastWasOrg) return;
    this.truth.all?.add(address);
    const domain = address.slice(address.lastIndexOf('@') + 1);
    const categories = this.domainCategories.get(domain);
    if (!categories) throw new Error(`generator planted ${address} in a domain it has no categories for`);
    for (const c of categories) this.truth.categories[c].add(address);
    if (plaintext !== undefined && kind === 'plaintext') this.truth.plaintexts.add(plaintext);
    if (this.orgDomainOf(domain) !== undefined) {
      this.truth.categories.org.add(address);
      const severity: Severity = stealer ? 'stealer' : kind === 'none' ? 'address' : kind === 'plaintext' ? 'plaintext' : 'hashed';
      const prev = this.truth.org.get(address);
      if (!prev) this.truth.org.set(address, { severity, kinds: [kind] });
      else {
        if (RANK[severity] > RANK[prev.severity]) prev.severity = severity;
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
    f.saw(address, 'plaintext', false, pw);
    return `${written}${f.pick(SEPS)}${pw}`;
  }
  if (r < 64) {
    // reversed pass:email (password without the separator so the split is unambiguous)
    const p = pw.replace(/[:;|, \t]/g, 'x');
    f.saw(address, 'plaintext', false, p);
    return `${p}:${written}`;
  }
  if (r < 68) {
    // pass:email with a password a parser may take for a URL (12/05/1990, ngoc.anh, matkhau.vn)
    const p = f.passwordFirst();
    f.saw(address, 'plaintext', false, p);
    return `${p}${f.pick([':', ':', ';', '|', '\t'])}${written}`;
  }
  if (r < 78) {
    f.saw(address, 'plaintext', false, pw);
    return `${f.pick(SITES)}:${written}:${pw}`;
  }
  if (r < 86) {
    const kind = f.pick(['md5', 'sha1', 'sha256', 'ntlm', 'bcrypt'] as const);
    f.saw(address, kind);
    return `${written}:${f.hash(kind, pw)}`;
  }
  if (r < 89) {
    f.saw(address, 'none');
    return ` ${written} `;
  }
  if (r < 91) {
    const hex = Buffer.from(`${pw}:x`, 'utf8').toString('hex');
    f.saw(address, 'plaintext', false, `${pw}:x`);
    return `${written}:$HEX[${hex}]`;
  }
  if (r < 94) {
    f.saw(address, 'plaintext', false, pw);
    return `"${written}","${pw.replace(/"/g, '')}"`;
  }
  if (r < 97) return `${f.pick(GIVEN)}${f.int(1000)}:${pw.replace(/@/g, 'a')}`; // user:pass, no address
  if (r < 99) {
    f.saw(address, 'plaintext', false, pw);
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
    f.saw(a, hashed ? 'md5' : 'plaintext', false, pw);
    const fields = [phpString('id'), `i:${i};`, phpString('user_email'), phpString(written), phpString('user_pass'), phpString(pw)];
    php.push(i % 7 === 0 ? `O:7:"WP_User":3:{${fields.join('')}s:4:"name";${phpString(f.pick(FAMILY))}}` : `a:3:{${fields.join('')}}`);
  }
  write('users-php.txt', php);
  return f.truth;
}
