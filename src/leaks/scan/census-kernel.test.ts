import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateCombolist, generateFormats, rng } from '../generate.js';
import { ScanAccumulator } from './accumulator.js';
import { censusChunk } from './census.js';
import { censusBlock, censusKernelStatus, censusRuns } from './census-kernel.js';
import { type ChunkView, ScanPlan } from './chunk.js';
import { type ScanOptions, type ScanResult, scanPaths } from './engine.js';
import { vnBanks } from './domains.js';

/**
 * The WebAssembly census (wasm/census/census.ts) against the JavaScript census (census.ts), the
 * reference: the same ScanResult, key order included, on generated dumps of every format and on
 * hostile bytes. Real files, real scans, both kernels in this process.
 */

const ORG = ['lab.gov.vn', 'example.com'];
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'vigil-census-kernel-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Both kernels over the same paths; each must have run the kernel it was asked for. */
async function scanBoth(paths: string[], options: Omit<ScanOptions, 'censusKernel'>): Promise<{ js: ScanResult; wasm: ScanResult }> {
  const before = { ...censusRuns };
  const js = await scanPaths(paths, { ...options, censusKernel: 'js' });
  const mid = { ...censusRuns };
  const wasm = await scanPaths(paths, { ...options, censusKernel: 'wasm' });
  if (!options.workers) {
    expect(mid.js).toBeGreaterThan(before.js);
    expect(mid.wasm).toBe(before.wasm);
    expect(censusRuns.wasm).toBeGreaterThan(mid.wasm);
    expect(censusRuns.js).toBe(mid.js);
  }
  return { js, wasm };
}

/** Equal in every field but the duration, and in the order of every key (the JSON the CLI prints). */
function expectSame(js: ScanResult, wasm: ScanResult): void {
  const strip = (r: ScanResult) => JSON.stringify({ ...r, durationMs: 0 });
  expect(strip(wasm)).toBe(strip(js));
}

/** Lines rich in what makes addresses hard (census.test.ts's pieces, plus `%40`, headers' words, NULs and CR). */
function hostileText(seed: number, count: number): Buffer {
  const r = rng(seed);
  const pick = <T>(xs: T[]) => xs[Math.floor(r() * xs.length)]!;
  const pieces = [
    'an',
    'B',
    '.',
    '..',
    '-',
    '@',
    '@@',
    '%40',
    '%40',
    ':',
    ';',
    '|',
    '\t',
    ',',
    '/',
    '://',
    'android://',
    ' ',
    '"',
    'x9',
    'gov.vn',
    'GOV.VN',
    'edu.vn',
    'vn',
    'lab.gov.vn',
    'Mail.LAB.gov.vn',
    'example.com',
    'vietcombank.com.vn',
    'hanoi.gov.vn.evil.com',
    'com',
    'c0m',
    'q',
    'Password: ',
    'URL: ',
    '=====',
    '\r',
    '_',
    '+',
    '!',
    '\x00',
    '\xff',
    '\xc3\xa9',
    '\xe2\x82',
  ];
  const lines: string[] = [];
  for (let i = 0; i < count; i++) {
    let line = '';
    const n = Math.floor(r() * 14);
    for (let k = 0; k < n; k++) line += pick(pieces);
    const roll = r();
    if (roll < 0.05) line = `${'a'.repeat(55 + Math.floor(r() * 15))}@x.${pick(['vn', 'gov.vn', 'com'])}`;
    else if (roll < 0.08) line = `${'z'.repeat(Math.floor(r() * 600))}${line}`;
    lines.push(line);
  }
  return Buffer.from(`${lines.join(r() < 0.5 ? '\n' : '\r\n')}\n`, 'latin1');
}

function randomBytes(seed: number, n: number): Buffer {
  const r = rng(seed);
  const out = Buffer.alloc(n);
  for (let i = 0; i < n; i++) {
    const x = r();
    // Mostly raw bytes, with newlines, `@` and dots often enough to make lines and candidates.
    out[i] = x < 0.04 ? 10 : x < 0.08 ? 64 : x < 0.12 ? 46 : Math.floor(r() * 256);
  }
  return out;
}

describe('census kernel (WebAssembly)', () => {
  it('is built and loads, and is not older than its sources', () => {
    const status = censusKernelStatus();
    expect(status, 'run `npm run build` (or `npm run build:wasm`): the census kernel is missing').toMatchObject({ available: true });
    const sources = fileURLToPath(new URL('../../../wasm/census/', import.meta.url));
    const newest = Math.max(...readdirSync(sources).map((name) => statSync(join(sources, name)).mtimeMs));
    expect(statSync(status.path).mtimeMs, 'build/wasm/census.wasm is older than wasm/census/: run `npm run build:wasm`').toBeGreaterThanOrEqual(newest);
  });

  it('gives the JavaScript census on generated dumps of every format (plain, CRLF, CSV, JSON, SQL, stealer logs, UTF-16, cp1252, gzip)', async () => {
    const formats = join(dir, 'formats');
    const truth = generateFormats(formats, { seed: 23, bytes: 1_200_000, orgDomains: ORG, orgEvery: 30 });
    execFileSync('sh', ['-c', `gzip -c ${join(formats, 'combo.txt')} > ${join(formats, 'combo-copy.txt.gz')}`]);
    const { js, wasm } = await scanBoth([formats], { orgDomains: ORG, census: true, workers: 0 });
    expect(js.matches.length).toBeGreaterThan(50);
    expect(js.categories['gov.vn']).toBeGreaterThan(10);
    expect(js.uniqueAddressesEstimated).toBe(false);
    expectSame(js, wasm);
    // And both equal the generator's truth (the gzip copy repeats combo.txt's addresses).
    expect(wasm.uniqueAddresses).toBe(truth.all!.size);
    for (const c of ['vn', 'gov.vn', 'edu.vn', 'bank', 'org'] as const) expect({ c, n: wasm.categories[c] }).toEqual({ c, n: truth.categories[c].size });
  });

  it('gives the JavaScript census on a combolist over many blocks, with the exact set growing and then past its bound', async () => {
    const file = join(dir, 'combo.txt');
    generateCombolist(file, { seed: 9, bytes: 8_000_000, orgDomains: ORG, orgEvery: 500, trackAll: false });
    const exact = await scanBoth([file], { orgDomains: ORG, census: true, workers: 0 });
    expect(exact.js.uniqueAddressesEstimated).toBe(false);
    expect(exact.js.uniqueAddresses).toBeGreaterThan(70_000);
    expectSame(exact.js, exact.wasm);
    const bounded = await scanBoth([file], { orgDomains: ORG, census: true, workers: 0, exactLimit: 50_000 });
    expect(bounded.js.uniqueAddressesEstimated).toBe(true);
    expectSame(bounded.js, bounded.wasm);
    // Worker threads each run their own kernel (none falls back to JS); the merged census is the single thread's.
    const before = { ...censusRuns };
    const threaded = await scanPaths([file], { orgDomains: ORG, census: true, workers: 2, chunkBytes: 512 * 1024, censusKernel: 'wasm' });
    expect(censusRuns.js).toBe(before.js);
    expect(censusRuns.wasm - before.wasm).toBeGreaterThanOrEqual(Math.ceil(statSync(file).size / (56 * 1024)));
    expect({ ...threaded, matches: [], durationMs: 0 }).toEqual({ ...exact.js, matches: [], durationMs: 0 });
    expect(new Set(threaded.matches.map((m) => `${m.email} ${m.offset}`))).toEqual(new Set(exact.js.matches.map((m) => `${m.email} ${m.offset}`)));
  });

  it('gives the JavaScript census on hostile bytes: random bytes, NULs, invalid UTF-8, CRLF, `@@`, `%40`, look-alikes, over-long lines', async () => {
    const h = join(dir, 'hostile');
    mkdirSync(h);
    writeFileSync(join(h, 'lines.txt'), hostileText(1, 40_000));
    writeFileSync(join(h, 'random.bin.txt'), randomBytes(2, 400_000));
    writeFileSync(join(h, 'crlf-header.csv'), `email,password\r\n${hostileText(3, 5_000).toString('latin1').replace(/\n/g, '\r\n')}`, 'latin1');
    // Lines that cross block boundaries (56 KiB) and outrun the 4 KiB look-ahead; the last without a newline.
    // Few of them are the organisation's: parseLine takes ~0.1 s on an 8 KB line (recordLine decodes those).
    const longs: string[] = [];
    const r = rng(4);
    for (let i = 0; i < 400; i++) {
      longs.push(`${'k'.repeat(Math.floor(r() * 9000))}:${i}.user@${i % 40 === 0 ? 'Lab.Gov.VN' : 'HaNoi.gov.vn'}:pw${i};x${i}@vietcombank.com.vn`);
    }
    writeFileSync(join(h, 'long-lines.txt'), longs.join('\n'));
    // classifyAddressless's edges: stealer-log keys (case, `\s` prefixes, `\b`, the 24-byte cut) and the binary ratio.
    const edges: string[] = [];
    const keys = ['url', 'host', 'hostname', 'password', 'pass', 'soft', 'software', 'application', 'browser', 'profile', 'storage', 'filename'];
    for (const key of [...keys, 'passw', 'hostnam', 'urls', '=====', '====', '-----', '*****', '**** *', '======']) {
      for (const prefix of ['', ' ', '\t', '\xa0', '\x0b', '\x85', ' \xa0 ', '\x00']) {
        for (const suffix of ['', ':', ': x', 'x', '_', '9', ' ', '\xe9', '-', '|y']) {
          edges.push(prefix + key + suffix, prefix + key.toUpperCase() + suffix);
          const pad = 24 - prefix.length - key.length;
          if (pad >= 0) edges.push(prefix + ' '.repeat(pad) + key + suffix, prefix + '\t'.repeat(pad) + key.toUpperCase() + suffix);
        }
      }
    }
    for (let n = 8; n < 40; n++) for (let c = 0; c < 6; c++) edges.push(`a:b${'\x01'.repeat(c)}${'z'.repeat(Math.max(0, n - 3 - c))}`);
    writeFileSync(join(h, 'edges.txt'), `${edges.join('\n')}\n`, 'latin1');
    for (const maxLineBytes of [1 << 20, 700, 5000]) {
      const { js, wasm } = await scanBoth([h], { orgDomains: ORG, census: true, workers: 0, maxLineBytes });
      if (maxLineBytes === 700) expect(js.rejectedByReason['line-too-long']).toBeGreaterThan(100);
      expect(js.rejectedByReason.binary).toBeGreaterThan(0);
      expect(js.skipped.empty).toBeGreaterThan(0);
      expect(js.skipped['stealer-field']).toBeGreaterThan(1000);
      expectSame(js, wasm);
    }
  });

  it('hands a line back to JavaScript when its special addresses outgrow the event queue, and resumes a block after a full queue', async () => {
    const file = join(dir, 'specials.txt');
    // One line with 4,000 .vn addresses (28,000 queue slots, more than the queue), then 20,000 short special lines.
    const wide = Array.from({ length: 4000 }, (_, i) => `u${i}@s${i % 50}.gov.vn`).join(';');
    const short = Array.from({ length: 20_000 }, (_, i) => `p${i}@lab.gov.vn:x\n${i % 7 === 0 ? '\n' : ''}`).join('');
    writeFileSync(file, `${wide}\n${short}${wide}:tail\n`);
    const { js, wasm } = await scanBoth([file], { orgDomains: ORG, census: true, workers: 0 });
    expect(js.categories.org).toBe(20_000);
    expect(js.categories['gov.vn']).toBe(24_000);
    expectSame(js, wasm);
  });

  it('keeps the exact set exactly (log compactions, growth, duplicates) and drops it just past its bound, as the JS set does', () => {
    const r = rng(8);
    const lanes = new Int32Array(2 * 2_300_000);
    for (let i = 0; i < lanes.length; i += 2) {
      // One in four repeats an earlier address.
      const from = i > 0 && r() < 0.25 ? 2 * Math.floor((r() * i) / 2) : -1;
      lanes[i] = from >= 0 ? lanes[from]! : (r() * 2 ** 32) | 0;
      lanes[i + 1] = from >= 0 ? lanes[from + 1]! : (r() * 2 ** 32) | 0;
    }
    for (const exactLimit of [1e9, 1_500_000]) {
      const accs = ['js', 'wasm'].map((kernel) => {
        const plan = new ScanPlan({ orgDomains: ORG, census: true, bankDomains: [], exactLimit, maxLineBytes: 1 << 20, censusKernel: kernel as 'js' | 'wasm' });
        const acc = new ScanAccumulator(exactLimit);
        const line = Buffer.from('someone@example.org:pw\n');
        const view = {
          buf: line,
          begin: 0,
          end: line.length,
          limit: line.length,
          atInputStart: true,
          atInputEnd: true,
          baseOffset: 0,
          file: 'x',
          format: { header: false } as ChunkView['format'],
        };
        censusBlock(plan, acc, view);
        // Through the accumulator: with the kernel attached these go to it (as `%40` addresses do).
        for (let i = 0; i < lanes.length; i += 2) acc.addLanes(lanes[i]! >>> 0, lanes[i + 1]! >>> 0);
        return acc;
      });
      const [js, wasm] = accs as [ScanAccumulator, ScanAccumulator];
      expect(wasm.hll.registers).toEqual(js.hll.registers);
      expect({ exactLimit, size: wasm.exact?.size ?? null }).toEqual({ exactLimit, size: js.exact?.size ?? null });
      if (js.exact) expect(Float64Array.from(wasm.exact!.toArray()).sort()).toEqual(Float64Array.from(js.exact.toArray()).sort());
    }
  }, 180_000); // 2.3 million hashes through both censuses: ~20 s on a loaded 2-core machine, 42 s seen under heavy load

  it('counts the same set of hashes as the JavaScript census, chunk by chunk (feeder views with bytes past the limit, no look-ahead)', () => {
    const banks = vnBanks().map((b) => b.domain);
    const text = Buffer.concat([hostileText(5, 30_000), Buffer.from('tail.without@newline.vn')]);
    const padded = Buffer.concat([text, Buffer.from('\nstale@bytes.vn:after the limit\n')]);
    const results = ['js', 'wasm'].map((kernel) => {
      const plan = new ScanPlan({
        orgDomains: ORG,
        census: true,
        bankDomains: banks,
        exactLimit: 1e9,
        maxLineBytes: 1 << 20,
        censusKernel: kernel as 'js' | 'wasm',
      });
      const acc = new ScanAccumulator(1e9);
      const cut = text.lastIndexOf(10, text.length >> 1) + 1;
      const views: ChunkView[] = [
        {
          buf: padded,
          begin: 0,
          end: cut,
          limit: cut,
          atInputStart: true,
          atInputEnd: false,
          baseOffset: 0,
          file: 'a',
          format: { header: false } as ChunkView['format'],
        },
        {
          buf: padded,
          begin: cut,
          end: text.length,
          limit: text.length,
          atInputStart: false,
          atInputEnd: true,
          baseOffset: 0,
          file: 'a',
          format: { header: false } as ChunkView['format'],
        },
      ];
      for (const view of views) (kernel === 'js' ? censusChunk : censusBlock)(plan, acc, view);
      return { acc, hashes: [...acc.exact!.toArray()].sort((x, y) => x - y) };
    });
    const [js, wasm] = results as [(typeof results)[0], (typeof results)[0]];
    expect(js.hashes.length).toBeGreaterThan(500);
    expect(wasm.hashes).toEqual(js.hashes);
    expect(wasm.acc.hll.registers).toEqual(js.acc.hll.registers);
    expect(wasm.acc.categoryCounts()).toEqual(js.acc.categoryCounts());
    expect([...wasm.acc.org].sort()).toEqual([...js.acc.org].sort());
    for (const k of ['lines', 'records', 'bytes', 'rejected', 'skipped', 'matches'] as const) expect(wasm.acc[k]).toEqual(js.acc[k]);
  });
});
