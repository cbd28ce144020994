import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderDocs } from '../scripts/docs.js';
import { CATALOGUE } from '../src/checks/catalogue.js';

const ROOT = resolve(import.meta.dirname, '..');
const read = (path: string) => readFileSync(resolve(ROOT, path), 'utf8');

describe('generated documentation', () => {
  it.each([...renderDocs()])('%s is current (run `npm run docs` after changing the check catalogue)', (path, rendered) => {
    expect(read(path)).toBe(rendered);
  });

  it('lists every catalogue id with its title, category and points in docs/checks.md', () => {
    const doc = read('docs/checks.md');
    for (const e of CATALOGUE) {
      const row = doc.split('\n').find((line) => line.startsWith(`| \`${e.id}\` |`));
      expect(row, e.id).toBeDefined();
      expect(row).toContain(`| ${e.category} | ${e.points ?? '–'} | ${e.title.en} | ${e.title.vi} |`);
    }
  });

  it('notices a hand-edited table and refuses a file that lost its markers', () => {
    const stale = (path: string) => read(path).replace('| MX records | Bản ghi MX |', '| MX | Bản ghi MX |');
    expect(renderDocs(stale).get('docs/checks.md')).toBe(read('docs/checks.md'));
    expect(stale('docs/checks.md')).not.toBe(read('docs/checks.md'));
    const unmarked = (path: string) => read(path).replace('<!-- /generated:checks.web -->', '');
    expect(() => renderDocs(unmarked)).toThrow(/checks\.web/);
  });
});
