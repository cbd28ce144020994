import { execFileSync } from 'node:child_process';
import { closeSync, copyFileSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DumpTruth, generateCombolist, generateFormats } from '../src/leaks/generate.js';
import { SEVERITY_RANK, type Severity } from '../src/leaks/formats/password.js';
import { type ScanResult, scanPaths } from '../src/leaks/scan/engine.js';

const ORG = ['lab.gov.vn'];
let dir: string;
let formats: string;
let truth: DumpTruth;

function strongest(result: ScanResult): Map<string, Severity> {
  const found = new Map<string, Severity>();
  for (const m of result.matches) {
    const prev = found.get(m.email);
    if (!prev || SEVERITY_RANK[m.severity] > SEVERITY_RANK[prev]) found.set(m.email, m.severity);
  }
  return found;
}

function expectOrgTruth(result: ScanResult, t: DumpTruth): void {
  const found = strongest(result);
  expect([...found.keys()].sort()).toEqual([...t.org.keys()].sort());
  for (const [email, want] of t.org) expect({ email, severity: found.get(email) }).toEqual({ email, severity: want.severity });
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'vigil-leaks-scan-'));
  formats = join(dir, 'formats');
  truth = generateFormats(formats, { seed: 11, bytes: 1_500_000, orgDomains: ORG, orgEvery: 40 });
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('leak scan over every format', () => {
  it('census equals the generated truth exactly (all addresses, .vn, gov.vn, edu.vn, banks, ours)', async () => {
    const result = await scanPaths([formats], { orgDomains: ORG, census: true, workers: 0 });
    expect(result.uniqueAddressesEstimated).toBe(false);
    expect(result.uniqueAddresses).toBe(truth.all!.size);
    expect(result.categories).toEqual({
      vn: truth.categories.vn.size,
      'gov.vn': truth.categories['gov.vn'].size,
      'edu.vn': truth.categories['edu.vn'].size,
      bank: truth.categories.bank.size,
      org: truth.categories.org.size,
    });
    expect(truth.categories['gov.vn'].size).toBeGreaterThan(10);
    expect([...truth.categories['gov.vn']].some((a) => a.endsWith('.evil.com'))).toBe(false);
    expect(result.lines).toBe(truth.lines);
    expectOrgTruth(result, truth);
    // Passwords never leave the scan: only masks.
    const plain = [...truth.plaintexts].filter((p) => p.length >= 6);
    const serialised = JSON.stringify(result);
    expect(plain.filter((p) => serialised.includes(p))).toEqual([]);
  });

  it('the domain fast path finds the same accounts with the same severities', async () => {
    const result = await scanPaths([formats], { orgDomains: ORG, census: false, workers: 0 });
    expect(result.categories.org).toBe(truth.org.size);
    expect(result.categories.vn).toBeNull();
    expectOrgTruth(result, truth);
  });

  it('worker threads over small chunks give the same census as one thread', async () => {
    const file = join(dir, 'combo-big.txt');
    const t = generateCombolist(file, { seed: 5, bytes: 3_000_000, orgDomains: ORG, orgEvery: 300 });
    const single = await scanPaths([file], { orgDomains: ORG, census: true, workers: 0 });
    const threaded = await scanPaths([file], { orgDomains: ORG, census: true, workers: 2, chunkBytes: 256 * 1024 });
    for (const r of [single, threaded]) {
      expect(r.uniqueAddresses).toBe(t.all!.size);
      expect(r.categories['gov.vn']).toBe(t.categories['gov.vn'].size);
      expect(r.lines).toBe(t.lines);
      expectOrgTruth(r, t);
    }
    const fast = await scanPaths([file], { orgDomains: ORG, census: false, workers: 2, chunkBytes: 256 * 1024 });
    expectOrgTruth(fast, t);
  });
});

describe('compressed and archived inputs', () => {
  it('reads .gz, .zst, .bz2, .xz, .zip, .tar, .tar.gz and nested archives with the same result', async () => {
    const arch = join(dir, 'arch');
    mkdirSync(arch);
    const combo = join(formats, 'combo.txt');
    const users = join(formats, 'users.csv');
    const t = { org: new Map<string, unknown>() };
    const plain = await scanPaths([combo, users], { orgDomains: ORG, census: true, workers: 0 });
    for (const m of plain.matches) t.org.set(m.email, true);
    const run = (cmd: string, args: string[], cwd = arch) => execFileSync(cmd, args, { cwd, stdio: 'pipe' });
    copyFileSync(combo, join(arch, 'c.txt'));
    copyFileSync(users, join(arch, 'u.csv'));
    run('gzip', ['-k', 'c.txt']);
    run('zstd', ['-q', 'c.txt', '-o', 'c.txt.zst']);
    run('bzip2', ['-k', 'c.txt']);
    run('xz', ['-k', 'c.txt']);
    run('zip', ['-q', 'both.zip', 'c.txt', 'u.csv']);
    run('tar', ['-cf', 'both.tar', 'c.txt', 'u.csv']);
    run('tar', ['-czf', 'both.tar.gz', 'c.txt', 'u.csv']);
    run('tar', ['-czf', 'nested.tar.gz', 'both.zip']);
    const cases: [string[], number][] = [
      [['c.txt.gz', 'u.csv'], 1],
      [['c.txt.zst', 'u.csv'], 1],
      [['c.txt.bz2', 'u.csv'], 1],
      [['c.txt.xz', 'u.csv'], 1],
      [['both.zip'], 1],
      [['both.tar'], 1],
      [['both.tar.gz'], 1],
      [['nested.tar.gz'], 1],
    ];
    for (const [files] of cases) {
      const result = await scanPaths(
        files.map((f) => join(arch, f)),
        { orgDomains: ORG, census: true, workers: 0 },
      );
      expect({ files, errors: result.errors }).toEqual({ files, errors: [] });
      expect({ files, unique: result.uniqueAddresses, org: result.categories.org }).toEqual({
        files,
        unique: plain.uniqueAddresses,
        org: plain.categories.org,
      });
      expect(new Set(result.matches.map((m) => m.email))).toEqual(new Set(t.org.keys()));
    }
  });

  it('names an unsupported compression in a clear error', async () => {
    const file = join(dir, 'x.7z');
    writeFileSync(file, Buffer.from([0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c, 0, 4, 1, 2, 3]));
    await expect(scanPaths([file], { orgDomains: ORG, census: true, workers: 0 })).rejects.toMatchObject({
      id: 'leaks.unsupported-format',
      message: expect.stringContaining('7z'),
    });
  });
});

describe('hostile input', () => {
  it('survives binary garbage, invalid UTF-8, a 100 MB line, a truncated gzip, a zip bomb and a path-traversal entry', async () => {
    const h = join(dir, 'hostile');
    mkdirSync(h);
    // Garbage and invalid UTF-8 around good lines.
    const garbage = Buffer.alloc(200_000);
    let x = 7;
    for (let i = 0; i < garbage.length; i++) {
      x = (x * 1103515245 + 12345) >>> 0;
      garbage[i] = x >>> 24;
    }
    writeFileSync(
      join(h, 'garbage.txt'),
      Buffer.concat([
        Buffer.from('first.person@lab.gov.vn:pw1\n'),
        garbage,
        Buffer.from('\n\xff\xfe\xfd:\x80\x81\n\x00\x01\x02\x03\x04\x05\x06\n'),
        Buffer.from('second.person@lab.gov.vn:pw2\n'),
      ]),
    );
    // A 100 MB line between two good lines, written in pieces (the test itself stays small in memory).
    const long = join(h, 'long.txt');
    const fd = openSync(long, 'w');
    writeSync(fd, 'before.long@lab.gov.vn:pw\n');
    const block = Buffer.alloc(1024 * 1024, 'a');
    block.write('x@lab.gov.vn', 500);
    for (let i = 0; i < 100; i++) writeSync(fd, block);
    writeSync(fd, '\nafter.long@lab.gov.vn:pw\n');
    closeSync(fd);
    // A truncated gzip.
    writeFileSync(join(h, 'cut.txt'), 'cut.person@lab.gov.vn:secret\n'.repeat(20000));
    execFileSync('gzip', [join(h, 'cut.txt')]);
    const gz = readFileSync(join(h, 'cut.txt.gz'));
    writeFileSync(join(h, 'cut.txt.gz'), gz.subarray(0, Math.floor(gz.length / 2)));
    // A zip bomb (100 MiB of zeros in a ~100 KiB entry) and a path-traversal entry, next to a good entry.
    execFileSync('python3', [
      '-c',
      `import zipfile
z = zipfile.ZipFile(${JSON.stringify(join(h, 'evil.zip'))}, 'w', zipfile.ZIP_DEFLATED)
z.writestr('../../escape.txt', 'escaped.person@lab.gov.vn:pw\\n')
z.writestr('good.txt', 'zipped.person@lab.gov.vn:pw\\n')
z.writestr('bomb.txt', b'\\0' * (100 * 1024 * 1024))
z.close()`,
    ]);
    const rssBefore = process.memoryUsage().rss;
    for (const workers of [0, 2]) {
      const result = await scanPaths([h], { orgDomains: ORG, census: true, workers, chunkBytes: 4 * 1024 * 1024 });
      const emails = new Set(result.matches.map((m) => m.email));
      expect([...emails].sort()).toEqual([
        'after.long@lab.gov.vn',
        'before.long@lab.gov.vn',
        'cut.person@lab.gov.vn',
        'first.person@lab.gov.vn',
        'second.person@lab.gov.vn',
        'zipped.person@lab.gov.vn',
      ]);
      expect(result.rejectedByReason['line-too-long']).toBe(1);
      expect(result.rejectedByReason.binary).toBeGreaterThan(0);
      expect(result.rejectedByReason['truncated-input']).toBe(1);
      expect(result.rejectedByReason['zip-bomb']).toBe(1);
      expect(result.rejectedByReason['path-traversal']).toBe(1);
      expect(emails.has('escaped.person@lab.gov.vn')).toBe(false);
    }
    // Memory stays bounded: nothing near the 100 MB line or the 100 MiB bomb is held.
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(150 * 1024 * 1024);
  }, 60_000);
});
