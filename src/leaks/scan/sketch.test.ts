import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generateCombolist } from '../generate.js';
import { ScanAccumulator } from './accumulator.js';
import { scanPaths } from './engine.js';

const ORG = 'lab.gov.vn';
const dir = mkdtempSync(join(tmpdir(), 'vigil-sketch-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('ScanResult.sketch', () => {
  it('merges per-file sketches into the census of the files scanned together (a union, not a sum)', async () => {
    const first = join(dir, 'first.txt');
    const truth = generateCombolist(first, { seed: 11, bytes: 400_000, orgDomains: [ORG], orgEvery: 50 });
    // The second file repeats half of the first one's lines and adds lines of its own.
    const extra = join(dir, 'extra.txt');
    generateCombolist(extra, { seed: 12, bytes: 200_000, orgDomains: [ORG], orgEvery: 50 });
    const lines = readFileSync(first, 'utf8').split('\n');
    const second = join(dir, 'second.txt');
    writeFileSync(second, `${lines.slice(0, lines.length >> 1).join('\n')}\n${readFileSync(extra, 'utf8')}`);

    const options = { orgDomains: [ORG], census: true, workers: 0, sketch: true };
    const a = await scanPaths([first], options);
    const b = await scanPaths([second], options);
    const together = await scanPaths([first, second], { ...options, sketch: false });
    expect(together.sketch).toBeUndefined();
    expect(a.uniqueAddresses).toBe(truth.all!.size);

    const union = new ScanAccumulator(10_000_000);
    for (const r of [a, b]) union.merge({ bytes: 0, lines: 0, records: 0, rejected: {}, skipped: {}, org: [], matches: [], ...r.sketch! });
    expect(union.exact!.size).toBe(together.uniqueAddresses);
    expect(union.exact!.size).toBeLessThan(a.uniqueAddresses! + b.uniqueAddresses!);
    expect(union.categoryCounts()).toEqual(together.categories);
    expect(Object.fromEntries([...union.domainCounts()].filter(([d]) => d in together.domains))).toEqual(together.domains);
  });

  it('is left out of a scan without a census', async () => {
    const file = join(dir, 'plain.txt');
    generateCombolist(file, { seed: 13, bytes: 50_000, orgDomains: [ORG] });
    const result = await scanPaths([file], { orgDomains: [ORG], census: false, workers: 0, sketch: true });
    expect(result.sketch).toBeUndefined();
  });
});
