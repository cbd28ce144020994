import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeError, VigilError } from '../src/errors.js';
import { ERROR_CATALOGUE, type ErrorId } from '../src/errors/catalogue.js';
import { errorReference } from '../src/errors/reference.js';

const root = join(import.meta.dirname, '..');
const ids = Object.keys(ERROR_CATALOGUE) as ErrorId[];

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return /\.tsx?$/.test(name) && !/\.test\.tsx?$/.test(name) ? [path] : [];
  });
}

/** Source of src/ without the catalogue itself (which lists every id, so it proves nothing about use). */
const code = sources(join(root, 'src'))
  .filter((file) => !relative(root, file).startsWith(join('src', 'errors')))
  .map((file) => ({ file: relative(root, file), text: readFileSync(file, 'utf8') }));

/** The first argument of every `VigilError(…)` / `errorJson(…)` call: a quoted id or a template such as `${area}.bad-json`. */
function thrownIds(): { file: string; literal?: string; pattern?: RegExp; source: string }[] {
  const found: { file: string; literal?: string; pattern?: RegExp; source: string }[] = [];
  for (const { file, text } of code) {
    for (const m of text.matchAll(/\b(?:VigilError|errorJson)\(\s*(?:'([^']+)'|`([^`]+)`|(\w+))/g)) {
      if (m[1]) found.push({ file, literal: m[1], source: m[0] });
      else if (m[2]) {
        const pattern = new RegExp(
          `^${m[2]
            .split(/\$\{[^}]+\}/)
            .map((part) => part.replace(/[.*+?^$()|[\]\\-]/g, '\\$&'))
            .join('[a-z-]+')}$`,
        );
        found.push({ file, pattern, source: m[0] });
      } else found.push({ file, source: m[0] });
    }
  }
  return found;
}

describe('the error catalogue', () => {
  it('has every id thrown in src/ (literal ids, and templated ones match at least one entry)', () => {
    const sites = thrownIds();
    expect(sites.length).toBeGreaterThan(100);
    const unknown = sites.filter((s) => (s.literal ? !(s.literal in ERROR_CATALOGUE) : s.pattern ? !ids.some((id) => s.pattern?.test(id)) : false));
    expect(unknown.map((s) => `${s.file}: ${s.source}`)).toEqual([]);
  });

  it('has no dead entry: each id is written in src/ or produced by a templated throw', () => {
    const patterns = thrownIds().flatMap((s) => (s.pattern ? [s.pattern] : []));
    const all = code.map((c) => c.text).join('\n');
    const dead = ids.filter((id) => !all.includes(`'${id}'`) && !patterns.some((p) => p.test(id)));
    expect(dead).toEqual([]);
  });

  it('uses one prefix per capability (assessment, never assess)', () => {
    expect(ids.filter((id) => id.startsWith('assess.'))).toEqual([]);
    for (const id of ids) expect(id).toMatch(/^[a-z0-9]+(\.[a-z0-9-]+)?$/);
  });

  it('gives every entry a status, an exit code, a meaning and a hint in both languages', () => {
    for (const id of ids) {
      const entry = ERROR_CATALOGUE[id] as { status: number; exitCode?: number; summary: string; hint: { vi: string; en: string } };
      expect(entry.status, id).toBeGreaterThanOrEqual(400);
      expect(entry.status, id).toBeLessThan(600);
      expect(entry.exitCode ?? 2, id).not.toBe(0);
      expect(entry.summary.length, id).toBeGreaterThan(10);
      expect(entry.hint.vi.length, id).toBeGreaterThan(3);
      expect(entry.hint.en.length, id).toBeGreaterThan(3);
    }
  });

  it('is what docs/errors.md says (regenerate with npm run docs:errors)', () => {
    const committed = readFileSync(join(root, 'docs', 'errors.md'), 'utf8');
    expect(committed).toBe(errorReference());
    for (const id of ids) expect(committed).toContain(`\`${id}\``);
  });
});

describe('VigilError', () => {
  it('takes status, exit code and hint from the catalogue unless the throw site says otherwise', () => {
    const plain = new VigilError('auth.last-admin', 'this is the last enabled admin');
    expect(plain.status).toBe(409);
    expect(plain.exitCode).toBe(2);
    expect(plain.hint).toBe(`${ERROR_CATALOGUE['auth.last-admin'].hint.vi} / ${ERROR_CATALOGUE['auth.last-admin'].hint.en}`);
    expect(plain.toJSON()).toEqual({ error: 'auth.last-admin', message: 'this is the last enabled admin', hint: plain.hint });
    expect(describeError(plain)).toContain('→ tạo hoặc bật một quản trị viên khác trước');

    const specific = new VigilError('auth.no-user', 'the signed-in user no longer exists', { status: 401, hint: 'sign in again' });
    expect(specific.status).toBe(401);
    expect(specific.hint).toBe('sign in again');
  });

  it('refuses an id that is not in the catalogue at compile time', () => {
    // @ts-expect-error: 'assess.bad-option' was unified to 'assessment.bad-option'; tsc (npm run typecheck) fails if this compiles
    const error = new VigilError('assess.bad-option', 'x');
    // At run time (a cast, plain JS) an unknown id still makes a usable error with the old defaults.
    expect(error.status).toBe(400);
    expect(error.exitCode).toBe(2);
    expect(error.hint).toBeUndefined();
  });
});
