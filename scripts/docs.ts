/**
 * Regenerates the parts of docs/ that are derived from code (`npm run docs`): the check tables of
 * docs/checks.md and the category table of docs/scoring.md from the check catalogue
 * (src/checks/catalogue.ts). Each generated part sits between `<!-- generated:NAME -->` and
 * `<!-- /generated:NAME -->`; the prose around it stays hand-written. test/docs-current.test.ts
 * fails when a committed file differs from what this renders. docs/cli.md is written by
 * scripts/cli-reference.ts, which `npm run docs` runs too.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { CATALOGUE, CATEGORY_INFO, type CatalogueEntry } from '../src/checks/catalogue.js';

const ROOT = resolve(import.meta.dirname, '..');

/** A table cell: a `|` inside would end it. */
const cell = (text: string): string => text.replaceAll('|', '\\|');

function checkTable(kind: CatalogueEntry['kind']): string {
  const rows = CATALOGUE.filter((e) => e.kind === kind).map((e) =>
    [`\`${e.id}\``, e.category, e.points ?? '–', e.title.en, e.title.vi, e.verifies.en, e.verifies.vi, e.anchors].map((c) => cell(String(c))).join(' | '),
  );
  return ['| id | category | points | title | tên | verifies | kiểm tra | anchors |', '|---|---|---|---|---|---|---|---|', ...rows.map((r) => `| ${r} |`)].join(
    '\n',
  );
}

/** `mail.spf.*` for a family of three-part ids, each two-part id by itself. */
function idsOf(entries: CatalogueEntry[]): string {
  const shown: string[] = [];
  for (const { id } of entries) {
    const parts = id.split('.');
    const family = parts.length > 2 ? `${parts.slice(0, -1).join('.')}.*` : null;
    const members = family ? entries.filter((e) => e.id.startsWith(family.slice(0, -1))).length : 0;
    const label = family && members > 1 ? family : id;
    if (!shown.includes(label)) shown.push(label);
  }
  return shown.map((id) => `\`${id}\``).join(', ');
}

function categoryTable(): string {
  const rows = CATEGORY_INFO.map((c) => {
    const name = c.title.vi.toLowerCase() === c.id ? `\`${c.id}\`` : `\`${c.id}\` — ${c.title.vi} / ${c.title.en}`;
    return `| ${name} | ${idsOf(CATALOGUE.filter((e) => e.category === c.id))} | ${c.model} |`;
  });
  return ['| category | checks | model |', '|---|---|---|', ...rows].join('\n');
}

/** The generated parts of each file, by marker name. */
const PARTS: Record<string, Record<string, () => string>> = {
  'docs/checks.md': { 'checks.mail': () => checkTable('mail'), 'checks.web': () => checkTable('web') },
  'docs/scoring.md': { categories: categoryTable },
};

/** Puts each part between its markers; a file that lost a marker is an error, not silently left as is. */
export function renderDocs(read: (path: string) => string = (path) => readFileSync(resolve(ROOT, path), 'utf8')): Map<string, string> {
  const out = new Map<string, string>();
  for (const [path, parts] of Object.entries(PARTS)) {
    let text = read(path);
    for (const [name, render] of Object.entries(parts)) {
      const open = `<!-- generated:${name} (npm run docs) -->\n`;
      const close = `\n<!-- /generated:${name} -->`;
      const start = text.indexOf(open);
      const end = text.indexOf(close, start);
      if (start < 0 || end < 0) throw new Error(`${path}: the markers of the generated part "${name}" are missing`);
      text = text.slice(0, start + open.length) + render() + text.slice(end);
    }
    out.set(path, text);
  }
  return out;
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  for (const [path, text] of renderDocs()) {
    writeFileSync(resolve(ROOT, path), text);
    console.log(`wrote ${path}`);
  }
}
