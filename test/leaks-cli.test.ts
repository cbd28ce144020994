import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DumpTruth, generateFormats } from '../src/leaks/generate.js';
import { runVigil } from './support/cli.js';

let dir: string;
let formats: string;
let truth: DumpTruth;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'vigil-leaks-cli-'));
  formats = join(dir, 'formats');
  truth = generateFormats(formats, { seed: 11, bytes: 600_000, orgDomains: ['lab.gov.vn'], orgEvery: 40 });
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('vigil leaks scan (CLI)', () => {
  it('prints the census JSON shape and exports masked accounts to CSV and XLSX', async () => {
    const csv = join(dir, 'out.csv');
    const result = await runVigil(['leaks', 'scan', formats, '--domain', 'lab.gov.vn', '--census', '--json', '--out', csv, '--workers', '0']);
    expect(result.code).toBe(1); // our accounts were found
    const body = JSON.parse(result.stdout);
    for (const key of ['bytes', 'lines', 'records', 'rejected', 'uniqueAddresses', 'categories', 'domains', 'durationMs']) expect(body).toHaveProperty(key);
    expect(Object.keys(body.categories).sort()).toEqual(['bank', 'edu.vn', 'gov.vn', 'org', 'vn']);
    expect(body.categories.org).toBe(truth.org.size);
    const text = readFileSync(csv, 'utf8');
    expect(text).toContain('lab.gov.vn');
    expect(text).toMatch(/\*+.* \(\d+\)/);
    const plain = [...truth.plaintexts].filter((p) => p.length >= 6 && !/^\d+$/.test(p));
    expect(plain.filter((p) => text.includes(p))).toEqual([]);
    const xlsx = join(dir, 'out.xlsx');
    const fast = await runVigil(['leaks', 'scan', formats, '--domain', 'lab.gov.vn', '--json', '--out', xlsx]);
    const fastBody = JSON.parse(fast.stdout);
    expect(fastBody.categories.vn).toBeNull();
    expect(fastBody.categories.org).toBe(truth.org.size);
    expect(readFileSync(xlsx).subarray(0, 2).toString()).toBe('PK');
  }, 60_000);
});
