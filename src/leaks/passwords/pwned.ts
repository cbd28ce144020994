import { createHash } from 'node:crypto';
import { appendFileSync, createReadStream, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { VigilError } from '../../errors.js';

/**
 * A local Pwned Passwords corpus in HIBP's range format: one file per 5-hex-digit SHA-1 prefix,
 * lines `SUFFIX:COUNT`. Staff check a password by its prefix only (k-anonymity): the browser or
 * the CLI hashes, asks for the range, and matches the suffix itself.
 */
export function pwnedDir(dataDir: string): string {
  return join(dataDir, 'pwned-passwords');
}

const PREFIX = /^[0-9A-F]{5}$/;

export function isRangePrefix(value: string): boolean {
  return PREFIX.test(value.toUpperCase());
}

/** The `SUFFIX:COUNT` lines of one range (empty when the prefix has no file). */
export function readRange(dataDir: string, prefix: string): string[] {
  const p = prefix.toUpperCase();
  if (!PREFIX.test(p)) throw new VigilError('passwords.bad-prefix', `"${prefix}" is not 5 hexadecimal digits`, { status: 400 });
  const file = join(pwnedDir(dataDir), `${p}.txt`);
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split(/\r?\n/)
    .filter((l) => /^[0-9A-F]{35}:\d+$/i.test(l));
}

/** How many times the password appears in the loaded corpus (0 = not found). */
export function checkPassword(dataDir: string, password: string): { sha1Prefix: string; count: number; ranges: number } {
  const dir = pwnedDir(dataDir);
  const ranges = existsSync(dir) ? readdirSync(dir).filter((f) => /^[0-9A-F]{5}\.txt$/.test(f)).length : 0;
  if (ranges === 0) {
    throw new VigilError('passwords.not-loaded', 'no Pwned Passwords ranges are loaded in the data folder', {
      hint: 'load them with `vigil passwords load DIR` (HIBP range files PREFIX.txt, or one HASH:COUNT file)',
    });
  }
  const hash = createHash('sha1').update(password, 'utf8').digest('hex').toUpperCase();
  const suffix = hash.slice(5);
  for (const line of readRange(dataDir, hash.slice(0, 5))) {
    const [s, n] = line.split(':');
    if (s!.toUpperCase() === suffix) return { sha1Prefix: hash.slice(0, 5), count: Number(n), ranges };
  }
  return { sha1Prefix: hash.slice(0, 5), count: 0, ranges };
}

/**
 * Load range files (`PREFIX.txt` with `SUFFIX:COUNT`) or whole-hash files (`HASH:COUNT`, such as
 * the HIBP downloader's single file) into the data folder. Ranges are written whole (temp file
 * then rename) so a check never reads a half-written range.
 */
export async function loadPwned(dataDir: string, source: string): Promise<{ ranges: number; hashes: number }> {
  const out = pwnedDir(dataDir);
  mkdirSync(out, { recursive: true });
  const files = statSync(source).isDirectory() ? readdirSync(source).map((f) => join(source, f)) : [source];
  let ranges = 0;
  let hashes = 0;
  const pending = new Map<string, string[]>();
  const flush = () => {
    for (const [prefix, lines] of pending) appendFileSync(join(out, `${prefix}.txt.part`), `${lines.join('\n')}\n`);
    pending.clear();
  };
  const touched = new Set<string>();
  for (const file of files) {
    const base = file.split(/[\\/]/).pop()!;
    const rangeName = /^([0-9A-Fa-f]{5})(\.txt)?$/.exec(base);
    const rl = createInterface({ input: createReadStream(file), crlfDelay: Number.POSITIVE_INFINITY });
    let buffered = 0;
    for await (const raw of rl) {
      const line = raw.trim();
      if (rangeName) {
        const m = /^([0-9A-Fa-f]{35}):(\d+)$/.exec(line);
        if (!m) continue;
        const prefix = rangeName[1]!.toUpperCase();
        pending.set(prefix, [...(pending.get(prefix) ?? []), `${m[1]!.toUpperCase()}:${m[2]}`]);
        touched.add(prefix);
      } else {
        const m = /^([0-9A-Fa-f]{40}):(\d+)$/.exec(line);
        if (!m) continue;
        const hash = m[1]!.toUpperCase();
        const prefix = hash.slice(0, 5);
        let list = pending.get(prefix);
        if (!list) pending.set(prefix, (list = []));
        list.push(`${hash.slice(5)}:${m[2]}`);
        touched.add(prefix);
      }
      hashes++;
      if (++buffered >= 200_000) {
        flush();
        buffered = 0;
      }
    }
    flush();
  }
  for (const prefix of touched) {
    const part = join(out, `${prefix}.txt.part`);
    const lines = [...new Set(readFileSync(part, 'utf8').split('\n').filter(Boolean))].sort();
    writeFileSync(part, `${lines.join('\n')}\n`);
    renameSync(part, join(out, `${prefix}.txt`));
    ranges++;
  }
  return { ranges, hashes };
}
