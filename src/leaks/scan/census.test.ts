import { describe, expect, it } from 'vitest';
import { rng } from '../generate.js';
import { ScanAccumulator } from './accumulator.js';
import { AT, type AddressSpan, addressAt, hashAddress, hashAddressString, lowerAscii, NL } from './bytes.js';
import { censusChunk } from './census.js';
import { censusBlock, censusRuns } from './census-kernel.js';
import { type ChunkView, ScanPlan } from './chunk.js';
import { Classifier, vnBanks } from './domains.js';

const ORG = ['lab.gov.vn', 'example.com'];

/** Lines rich in what makes addresses hard: `@@`, dots, hyphens, URL user-info, case, look-alikes. */
function hostileLines(seed: number, count: number): string {
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
    ':',
    ';',
    '|',
    '/',
    '://',
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
    '\r',
    '_',
    '+',
    '!',
    '\x00',
    '\xff',
  ];
  const lines: string[] = [];
  for (let i = 0; i < count; i++) {
    let line = '';
    const n = 1 + Math.floor(r() * 12);
    for (let k = 0; k < n; k++) line += pick(pieces);
    if (r() < 0.1) line = `${'a'.repeat(60 + Math.floor(r() * 10))}@x.${pick(['vn', 'gov.vn', 'com'])}`;
    lines.push(line);
  }
  return `${lines.join('\n')}\n`;
}

/** The reference: addressAt at each `@` of each line (as the scan did before the fused census), hashed from strings. */
function reference(text: Buffer, classifier: Classifier): { hashes: Set<number>; categories: Record<string, Set<string>> } {
  const hashes = new Set<number>();
  const categories: Record<string, Set<string>> = { vn: new Set(), 'gov.vn': new Set(), 'edu.vn': new Set(), bank: new Set(), org: new Set() };
  const span: AddressSpan = { start: 0, atStart: 0, domainStart: 0, end: 0 };
  let s = 0;
  while (s < text.length) {
    let nl = text.indexOf(NL, s);
    if (nl < 0) nl = text.length;
    let e = nl;
    if (e > s && text[e - 1] === 13) e--;
    let at = text.indexOf(AT, s);
    while (at >= 0 && at < e) {
      if (addressAt(text, at, s, e, span)) {
        const address = `${lowerAscii(text, span.start, span.atStart)}@${lowerAscii(text, span.domainStart, span.end)}`;
        expect(hashAddressString(address)).toBe(hashAddress(text, span));
        hashes.add(hashAddressString(address));
        for (const c of classifier.categories(address.slice(address.lastIndexOf('@') + 1))) categories[c]!.add(address);
        at = text.indexOf(AT, span.end);
      } else at = text.indexOf(AT, at + 1);
    }
    s = nl + 1;
  }
  return { hashes, categories };
}

describe.each(['js', 'wasm'] as const)('fused census walk (%s kernel)', (kernel) => {
  it('finds, hashes and classifies exactly the addresses addressAt finds (hostile lines)', () => {
    const banks = vnBanks().map((b) => b.domain);
    const plan = new ScanPlan({ orgDomains: ORG, census: true, bankDomains: banks, exactLimit: 1e9, maxLineBytes: 1 << 20, censusKernel: kernel });
    const text = Buffer.from(hostileLines(42, 60000), 'latin1');
    const acc = new ScanAccumulator(1e9);
    const view: ChunkView = {
      buf: text,
      begin: 0,
      end: text.length,
      limit: text.length,
      atInputStart: true,
      atInputEnd: true,
      baseOffset: 0,
      file: 'hostile.txt',
      format: { header: false } as ChunkView['format'],
    };
    const runs = { ...censusRuns };
    (kernel === 'js' ? censusChunk : censusBlock)(plan, acc, view);
    if (kernel === 'wasm') expect(censusRuns).toEqual({ wasm: runs.wasm + 1, js: runs.js });
    const want = reference(text, new Classifier(ORG, banks));
    expect(want.hashes.size).toBeGreaterThan(500);
    expect(want.categories['gov.vn']!.size).toBeGreaterThan(10);
    expect(new Set(acc.exact!.toArray())).toEqual(want.hashes);
    const counts = acc.categoryCounts();
    for (const c of ['vn', 'gov.vn', 'edu.vn', 'bank', 'org'] as const) expect({ c, n: counts[c] }).toEqual({ c, n: want.categories[c]!.size });
    expect([...acc.org].sort()).toEqual([...want.categories.org!].sort());
  });

  it('hashes a normalised address string as the census hashes it in a dump', () => {
    const address = 'nguyen.van.a@lab.gov.vn';
    const text = Buffer.from(`x:..Nguyen.Van.A@@LAB.GOV.VN.:pw\n`, 'latin1');
    const acc = new ScanAccumulator(1e9);
    const plan = new ScanPlan({ orgDomains: ORG, census: true, bankDomains: [], exactLimit: 1e9, maxLineBytes: 1 << 20, censusKernel: kernel });
    (kernel === 'js' ? censusChunk : censusBlock)(plan, acc, {
      buf: text,
      begin: 0,
      end: text.length,
      limit: text.length,
      atInputStart: true,
      atInputEnd: true,
      baseOffset: 0,
      file: 'one.txt',
      format: { header: false } as ChunkView['format'],
    });
    expect([...acc.exact!.toArray()]).toEqual([hashAddressString(address)]);
    expect([...acc.org]).toEqual([address]);
  });
});
