import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { importCycles } from '../scripts/import-cycles.js';

describe('import graph of src/', () => {
  it('has no import cycle (static, type-only and dynamic imports alike)', () => {
    // On failure the message lists each cycle's modules: break it by moving the shared types to a
    // third module, or by inverting the dependency.
    expect(importCycles(resolve(import.meta.dirname, '../src'))).toEqual([]);
  });

  const dir = mkdtempSync(join(tmpdir(), 'vigil-cycles-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('finds a cycle through a type-only import, a multi-line import and a dynamic import', () => {
    mkdirSync(join(dir, 'a'));
    writeFileSync(join(dir, 'a/one.ts'), "import type { Two } from './two.js';\nexport type One = Two;\n");
    writeFileSync(join(dir, 'a/two.ts'), "import {\n  type Three,\n} from '../three.js';\nexport type Two = Three;\n");
    writeFileSync(join(dir, 'three.ts'), "export type Three = string;\nexport const load = () => import('./a/one.js');\n");
    writeFileSync(join(dir, 'apart.ts'), "import { load } from './three.js';\nimport 'node:fs';\nexport const x = load;\n");
    // Tests may import what they test in any direction: they are not part of the graph.
    writeFileSync(join(dir, 'apart.test.ts'), "import './apart.js';\n");
    expect(importCycles(dir)).toEqual([['a/one.ts', 'a/two.ts', 'three.ts']]);
  });
});

describe('Role', () => {
  it('is defined once, in src/services/auth/roles.ts; the server and the dashboard import it', () => {
    const root = resolve(import.meta.dirname, '..');
    const files = execFileSync('git', ['ls-files', 'src', 'web/src'], { cwd: root, encoding: 'utf8' })
      .split('\n')
      .filter((f) => /\.tsx?$/.test(f));
    const definitions = files.filter((f) =>
      /^export type Role\s*=|^type Role\s*=|role: 'admin' \| 'analyst' \| 'viewer'/m.test(readFileSync(join(root, f), 'utf8')),
    );
    expect(definitions).toEqual(['src/services/auth/roles.ts']);
  });
});
