import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { generateCombolist } from './generate.js';

describe('leak generator ground truth', () => {
  it('takes no code from the scanner it is the truth for (types only)', () => {
    const source = readFileSync(fileURLToPath(new URL('./generate.ts', import.meta.url)), 'utf8');
    const imports = [...source.matchAll(/^import\s+(type\s+)?[^;]*?from\s+'([^']+)';/gms)].map((m) => ({ typeOnly: Boolean(m[1]), from: m[2]! }));
    expect(imports.length).toBeGreaterThan(0);
    // The scanner's normalisation and classification (scan/), and the parser (formats/), may lend types only.
    expect(imports.filter((i) => /^\.\/(scan|formats)\//.test(i.from) && !i.typeOnly)).toEqual([]);
  });

  it('records the canonical address it planted, found in the file in one of the variants it writes', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-generate-'));
    try {
      const file = join(dir, 'combo.txt');
      const truth = generateCombolist(file, { seed: 3, bytes: 600_000, orgDomains: ['lab.gov.vn', 'example.com'], orgEvery: 50 });
      const text = readFileSync(file, 'utf8');
      // Undo the variants the generator writes (upper case, %40, @@, mailto:, quotes) and cut at separators.
      const tokens = new Set(
        text
          .toLowerCase()
          .replace(/%40/g, '@')
          .replace(/@@/g, '@')
          .split(/[\s:;|,"]+/),
      );
      expect(truth.all!.size).toBeGreaterThan(1000);
      for (const address of truth.all!) {
        expect(address).toBe(address.toLowerCase());
        if (!tokens.has(address)) expect.fail(`${address} is in the truth but not in the file`);
      }
      // Categories are the generator's own: an org address on mail.lab.gov.vn is vn, gov.vn and ours; look-alikes count nowhere.
      const mailOrg = [...truth.org.keys()].find((a) => a.endsWith('@mail.lab.gov.vn'));
      expect(mailOrg).toBeDefined();
      for (const c of ['vn', 'gov.vn', 'org'] as const) expect(truth.categories[c].has(mailOrg!)).toBe(true);
      const lookalikes = [...truth.all!].filter((a) => a.endsWith('.evil.com') || a.endsWith('.phish.net') || a.endsWith('@gov.vnn.com'));
      expect(lookalikes.length).toBeGreaterThan(0);
      for (const a of lookalikes) expect(Object.values(truth.categories).some((set) => set.has(a))).toBe(false);
      // Password-first lines are planted and recorded as plaintext.
      expect([...truth.plaintexts].some((p) => /^\d\d\/\d\d\/\d{4}$/.test(p))).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
