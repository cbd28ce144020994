import { normaliseAddress } from '../scan/bytes.js';
import { addressOfValue } from './address.js';
import { EMAIL_KEY, PASSWORD_KEY, type ParsedRecord, type RecordForm, URL_KEY } from './fields.js';
import { PHP_SERIALISED_START, parsePhpSerialised } from './php-serialised.js';
import { siteShape } from './site.js';

export type { ParsedRecord, RecordForm };

/** How a file's lines are laid out, decided once per file from its first bytes (detect.ts). */
export interface FileFormat {
  kind: 'lines' | 'csv';
  /** csv: the delimiter and the column positions from the header row. */
  delimiter?: string;
  columns?: string[];
  emailColumn?: number;
  passwordColumn?: number;
  urlColumn?: number;
  /** The file starts with a header row to skip. */
  header?: boolean;
}

const SEPARATORS = new Set([':', ';', '|', '\t', ',', ' ']);
/** A run of the bytes a local part may hold (an address can only start at the start of one). */
const LOCAL_RUN = /[A-Za-z0-9.!#$%&*+=?^_`{}~-]+/g;
/*
 * An address is what the regex ADDRESS_PATTERN matches (the reference in parse-line.test.ts):
 *   [A-Za-z0-9.!#$%&*+=?^_`{}~-]+(?:@|%40)+[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}
 * found here without running it (see addressAtRun).
 */
/** The domain part of ADDRESS_PATTERN, sticky at lastIndex. */
const DOMAIN_AT = /[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/y;

/** Where the chain of `@` and `%40` starting at `at` ends. */
function separatorsEnd(line: string, at: number): number {
  let i = at;
  for (;;) {
    if (line.charCodeAt(i) === 64) i++;
    else if (line.startsWith('%40', i)) i += 3;
    else return i;
  }
}

/**
 * The match of ADDRESS_PATTERN sticky at `runStart`, whose local-part run ends at `runEnd`, found
 * without the regex's backtracking: on a run of `%40%40…` the regex gives the local part back one
 * byte at a time and at every `%40` re-reads all the `%40`s after it (1 MB took minutes). The same
 * answer by hand: the regex's local part ends at the rightmost `%40` inside the run (or at `runEnd`
 * before an `@`) from which its separators and a domain follow; the separators are always the whole
 * chain of `@`/`%40` (a shorter chain leaves `@` or `%` where the domain must start), so every
 * split point in one chain shares the chain's end and the domain found there, tried once.
 */
function addressAtRun(line: string, run: string, runStart: number): { text: string; index: number } | null {
  const runEnd = runStart + run.length;
  // Split points, right to left: the `@` after the run, then each `%40` inside it (they never
  // overlap), searched in the run alone so a run without one costs nothing.
  const splits: number[] = [];
  if (line.charCodeAt(runEnd) === 64) splits.push(runEnd);
  for (let p = run.lastIndexOf('%40'); p > 0; p = p >= 3 ? run.lastIndexOf('%40', p - 3) : -1) splits.push(runStart + p);
  let chainStart = -1;
  let chainEnd = -1;
  let domainEnd = -1;
  for (const p of splits) {
    if (p <= runStart) break; // the local part needs one byte
    // `p` continues the chain of the split just tried when its `%40` ends where that one starts.
    if (!(chainStart >= 0 && p + 3 === chainStart)) {
      chainEnd = separatorsEnd(line, p);
      DOMAIN_AT.lastIndex = chainEnd;
      const domain = DOMAIN_AT.exec(line);
      domainEnd = domain ? chainEnd + domain[0].length : -1;
    }
    chainStart = p;
    if (domainEnd >= 0) return { text: line.slice(runStart, domainEnd), index: runStart };
  }
  return null;
}

/**
 * The addresses in a line, leftmost first, as an unanchored /g search of ADDRESS_PATTERN would
 * find them — but tried only where a run of local-part bytes starts. The unanchored search restarts
 * at every byte of a long run with no address after it, each time scanning to the run's end: a
 * 16 KB line of such junk took 0.3 s and a 1 MB line (the line cap) would take minutes. A run's
 * later bytes cannot start a match its first byte could not (the local part's class holds them
 * all), so this finds the same matches in time linear in the line.
 */
export function* addressesInText(line: string): Generator<{ text: string; index: number }> {
  LOCAL_RUN.lastIndex = 0;
  let run: RegExpExecArray | null;
  while ((run = LOCAL_RUN.exec(line))) {
    const runEnd = run.index + run[0].length;
    // Without an `@` right after the run or a `%40` inside it, nothing can match from here.
    if (line.charCodeAt(runEnd) !== 64 && !run[0].includes('%40')) continue;
    const m = addressAtRun(line, run[0], run.index);
    if (!m) continue;
    yield m;
    LOCAL_RUN.lastIndex = m.index + m.text.length;
  }
}
export const STEALER_LOGIN = /^\s*(login|username|user|email|e-mail|mail)\s*[:=]\s*$/i;
export const STEALER_PASSWORD = /^\s*(password|pass)\s*[:=]\s?(.*)$/i;
export const STEALER_URL = /^\s*(url|host|hostname)\s*[:=]\s*(.*)$/i;

/** Split one CSV/TSV row honouring double quotes ("" inside quotes is a quote). */
export function splitDelimited(line: string, delimiter: string): string[] {
  const out: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quoted) {
      if (c === '"') {
        if (line[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else field += c;
    } else if (c === '"' && field === '') quoted = true;
    else if (c === delimiter) {
      out.push(field);
      field = '';
    } else field += c;
  }
  out.push(field);
  return out;
}

function emptyToNull(value: string | undefined | null): string | null {
  if (value === undefined || value === null) return null;
  const v = value.replace(/\r$/, '');
  return v === '' || v.toLowerCase() === 'null' ? null : v;
}

/** Records of one line. A line usually holds one record; an SQL INSERT holds many. */
export function parseLine(raw: string, format: FileFormat): ParsedRecord[] {
  const line = raw.replace(/\r$/, '').replace(/\0/g, '');
  if (format.kind === 'csv' && format.emailColumn !== undefined) {
    const cols = splitDelimited(line, format.delimiter ?? ',');
    const email = addressOfValue(cols[format.emailColumn] ?? '');
    if (email) {
      const hint = format.passwordColumn !== undefined ? (format.columns?.[format.passwordColumn] ?? '') : '';
      return [
        {
          email,
          password: format.passwordColumn !== undefined ? emptyToNull(cols[format.passwordColumn]) : null,
          url: format.urlColumn !== undefined ? emptyToNull(cols[format.urlColumn]) : null,
          form: 'csv',
          passwordHint: hint,
        },
      ];
    }
  }
  const trimmed = line.trimStart();
  if (trimmed.startsWith('{')) {
    const json = parseJsonRecord(trimmed);
    if (json) return [json];
  }
  if (/^insert\s+into\b/i.test(trimmed)) return parseSqlInsert(trimmed);
  if (PHP_SERIALISED_START.test(trimmed)) {
    const php = parsePhpSerialised(trimmed);
    if (php.length) return php;
  }
  const combo = parseCombo(line);
  return combo ? [combo] : [];
}

function parseJsonRecord(text: string): ParsedRecord | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) return null;
  const entries = Object.entries(value as Record<string, unknown>);
  let email: string | null = null;
  for (const [key, v] of entries) {
    if (typeof v === 'string' && EMAIL_KEY.test(key)) {
      email = addressOfValue(v);
      if (email) break;
    }
  }
  if (!email) {
    for (const [, v] of entries) {
      if (typeof v === 'string') {
        email = addressOfValue(v);
        if (email) break;
      }
    }
  }
  if (!email) return null;
  const pw = entries.find(([key, v]) => typeof v === 'string' && PASSWORD_KEY.test(key));
  const url = entries.find(([key, v]) => typeof v === 'string' && URL_KEY.test(key));
  return {
    email,
    password: emptyToNull(pw?.[1] as string | undefined),
    url: emptyToNull(url?.[1] as string | undefined),
    form: 'json',
    passwordHint: pw?.[0] ?? '',
  };
}

/** Values of `INSERT INTO t [(cols)] VALUES (…),(…);` — quotes with '' and \' escapes. */
export function parseSqlInsert(text: string): ParsedRecord[] {
  const head = /^insert\s+into\s+[`"[\]\w.]+\s*(\(([^)]*)\))?\s*values\s*/i.exec(text);
  if (!head) return [];
  const columns = head[2] ? head[2].split(',').map((c) => c.trim().replace(/[`"[\]]/g, '')) : [];
  // Once per statement, not per tuple: 500k column names × 60k tuples was quadratic.
  const passwordColumn = columns.findIndex((c) => PASSWORD_KEY.test(c));
  const records: ParsedRecord[] = [];
  let i = head[0].length;
  while (i < text.length) {
    while (i < text.length && text[i] !== '(') i++;
    if (i >= text.length) break;
    i++;
    const values: string[] = [];
    let field = '';
    let quote = '';
    let done = false;
    while (i < text.length && !done) {
      const c = text[i]!;
      if (quote) {
        if (c === '\\' && i + 1 < text.length) {
          field += text[i + 1];
          i += 2;
          continue;
        }
        if (c === quote) {
          if (text[i + 1] === quote) {
            field += quote;
            i += 2;
            continue;
          }
          quote = '';
        } else field += c;
      } else if (c === "'" || c === '"') quote = c;
      else if (c === ',') {
        values.push(field.trim());
        field = '';
      } else if (c === ')') {
        values.push(field.trim());
        done = true;
      } else field += c;
      i++;
    }
    let email: string | null = null;
    let emailIndex = 0;
    for (; emailIndex < values.length && email === null; emailIndex++) email = addressOfValue(values[emailIndex]!);
    if (email === null) continue;
    emailIndex--;
    const passwordIndex = passwordColumn >= 0 ? passwordColumn : emailIndex + 1;
    records.push({
      email,
      password: emptyToNull(values[passwordIndex]),
      url: null,
      form: 'sql',
      passwordHint: columns[passwordIndex] ?? '',
    });
  }
  return records;
}

function unquote(s: string): string {
  return s.length >= 2 && (s[0] === '"' || s[0] === "'") && s[s.length - 1] === s[0] ? s.slice(1, -1) : s;
}

/**
 * email:pass and its variants. The password is everything after the first separator following
 * the address (a password may contain the separator); an address at the end of the line is the
 * reversed pass:email form; a URL before the address is the URL:login:pass form.
 */
export function parseCombo(line: string): ParsedRecord | null {
  let email: string | null = null;
  let start = 0;
  let end = 0;
  for (const m of addressesInText(line)) {
    if (m.index > 0 && line[m.index - 1] === '/') continue; // URL user-info
    email = normaliseAddress(m.text);
    if (email) {
      start = m.index;
      end = m.index + m.text.length;
      break;
    }
  }
  if (!email) {
    // By code unit: the separators are ASCII, and the index slices the same string (a code-point
    // index put the split late after an emoji).
    let sep = -1;
    for (let i = 0; i < line.length && sep < 0; i++) if (line[i] !== ' ' && SEPARATORS.has(line[i]!)) sep = i;
    const at = sep >= 0 ? sep : line.indexOf(' ');
    if (at <= 0) return null;
    return { email: null, password: emptyToNull(line.slice(at + 1)), url: null, form: 'user-pass', passwordHint: '' };
  }
  let prefix = line.slice(0, start);
  let suffix = line.slice(end);
  prefix = prefix.replace(/mailto:$/i, '');
  if (prefix.endsWith('"') || prefix.endsWith("'")) {
    const q = prefix[prefix.length - 1];
    prefix = prefix.slice(0, -1);
    if (suffix.startsWith(q!)) suffix = suffix.slice(1);
  }
  if (STEALER_LOGIN.test(prefix)) return { email, password: null, url: null, form: 'stealer', passwordHint: '' };
  let password: string | null = null;
  if (suffix.length > 0 && SEPARATORS.has(suffix[0]!)) password = emptyToNull(unquote(suffix.slice(1).trim() === '' ? '' : suffix.slice(1)));
  const before = prefix.length > 0 && SEPARATORS.has(prefix[prefix.length - 1]!) ? prefix.slice(0, -1) : prefix;
  const site = before.trim();
  if (site === '') return { email, password, url: null, form: 'combo', passwordHint: '' };
  // The text before the address is a site only when it is shaped like one (site.ts). A URL with a
  // scheme is one wherever it stands; a bare host (`portal.example.vn`, also a plausible password
  // like `abc.com`) only when a third field follows the address (`host:login:pass`, even with the
  // password empty): in `X:login` X is the password. When in doubt it is a password, which is
  // masked and fingerprinted; a site taken for a password costs a stricter rating, the other way
  // round a password was kept in clear.
  const third = suffix.length > 0 && SEPARATORS.has(suffix[0]!) && suffix.trim() !== '';
  const shape = siteShape(site);
  if (shape === 'scheme' || (shape === 'host' && third)) return { email, password, url: site, form: 'url', passwordHint: '' };
  if (password === null) return { email, password: emptyToNull(unquote(before)), url: null, form: 'reversed', passwordHint: '' };
  return { email, password, url: null, form: 'combo', passwordHint: '' };
}
