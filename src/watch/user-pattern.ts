import { createRequire } from 'node:module';
import type { RE2 } from 're2-wasm';
import { VigilError } from '../errors.js';

/**
 * Regular expressions written by users (an HTTP monitor's `regex`, an SMTP monitor's `banner`,
 * defacement ignore `patterns`) run under RE2, never under V8's backtracking engine: RE2 matches in
 * time linear in the text, so a catastrophic pattern such as `(a+)+$` cannot freeze the API and the
 * watch. RE2 has no backreferences and no lookaround; such patterns are refused when the monitor
 * is validated (vigil.yaml or the API), with the reason.
 *
 * re2-wasm runs in a fixed 16 MiB WebAssembly heap that JavaScript's garbage collector does not
 * free, so this module owns every compiled pattern: a bounded cache whose evicted entries are
 * deleted explicitly, and a bound on the text handed to the heap. Compiled objects never leave
 * the module (all use is synchronous here), so deleting an evicted one is safe.
 */

/** Longest pattern accepted (a pattern is a config value, not a document). */
export const MAX_PATTERN_LENGTH = 1_000;
/** Characters of text a pattern is run on; beyond this the text is cut (the default body cap is 2 MB). */
export const MAX_SUBJECT_CHARS = 2_000_000;
/** Replacements at most per call (each costs a pass over the text in re2-wasm). */
export const MAX_REPLACEMENTS = 1_000;
const CACHE_SIZE = 256;

type Flags = 'u' | 'iu' | 'giu';

/** Internals of re2-wasm's RE2 that we need to free wasm memory (present at runtime, private in its types). */
interface Owned {
  wrapper?: { delete?: () => void };
}

const cache = new Map<string, RE2>();
let RE2Class: typeof RE2 | undefined;

/** re2-wasm instantiates its WebAssembly module when loaded: only on the first pattern, not at CLI start-up. */
function engine(): typeof RE2 {
  RE2Class ??= (createRequire(import.meta.url)('re2-wasm') as { RE2: typeof RE2 }).RE2;
  return RE2Class;
}

function key(source: string, flags: Flags): string {
  return `${flags}/${source}`;
}

/**
 * Why `source` cannot be a user pattern, or undefined when it can. Cheap checks first so that
 * the common refusals never reach the wasm heap (a pattern RE2 rejects leaks a little there).
 */
export function userPatternProblem(source: string): string | undefined {
  if (source.length > MAX_PATTERN_LENGTH) return `the pattern is longer than ${MAX_PATTERN_LENGTH} characters`;
  const unsupported = unsupportedConstruct(source);
  if (unsupported) return unsupported;
  try {
    // Parsing only (no matching): a pattern JavaScript cannot read is refused before RE2 sees it.
    new RegExp(source, 'u');
  } catch (error) {
    return `not a regular expression: ${(error as Error).message}`;
  }
  try {
    compiled(source, 'u');
  } catch (error) {
    if (error instanceof VigilError) return error.message;
    throw error;
  }
  return undefined;
}

/** Backreferences and lookaround, outside character classes and escapes: what RE2 refuses most often. */
function unsupportedConstruct(source: string): string | undefined {
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const char = source[i];
    if (char === '\\') {
      const next = source[i + 1] ?? '';
      if (!inClass && (/[1-9]/.test(next) || next === 'k')) return 'backreferences (\\1, \\k<name>) are not supported (patterns run under RE2)';
      i++;
    } else if (inClass) {
      if (char === ']') inClass = false;
    } else if (char === '[') {
      inClass = true;
    } else if (char === '(' && /^\(\?<?[=!]/.test(source.slice(i, i + 4))) {
      return 'lookahead and lookbehind ((?=, (?!, (?<=, (?<!) are not supported (patterns run under RE2)';
    }
  }
  return undefined;
}

/** Throws `watch.pattern-invalid` when `source` cannot be a user pattern. */
export function assertUserPattern(source: string): void {
  const problem = userPatternProblem(source);
  if (problem) throw invalid(source, problem);
}

function invalid(source: string, problem: string): VigilError {
  return new VigilError('watch.pattern-invalid', `pattern /${source.slice(0, 100)}/: ${problem}`, {
    hint: 'biểu thức chính quy chạy bằng RE2: bỏ tham chiếu ngược và lookaround / patterns run under RE2: drop backreferences and lookaround (https://github.com/google/re2/wiki/Syntax)',
  });
}

function compiled(source: string, flags: Flags): RE2 {
  const k = key(source, flags);
  const hit = cache.get(k);
  if (hit) {
    // Map order is insertion order: re-insert so the least recently used is first.
    cache.delete(k);
    cache.set(k, hit);
    return hit;
  }
  let pattern: RE2;
  try {
    pattern = new (engine())(source, flags);
  } catch (error) {
    if (error instanceof SyntaxError) throw invalid(source, error.message.replace(/^Invalid regular expression: \/.*\/\w*: /s, ''));
    throw failed(error);
  }
  cache.set(k, pattern);
  if (cache.size > CACHE_SIZE) {
    const [oldestKey, oldest] = cache.entries().next().value as [string, RE2];
    cache.delete(oldestKey);
    (oldest as unknown as Owned).wrapper?.delete?.();
  }
  return pattern;
}

function failed(error: unknown): VigilError {
  return new VigilError('watch.pattern-failed', `the pattern could not be run: ${error instanceof Error ? error.message.slice(0, 200) : String(error)}`, {
    hint: 'a simpler pattern or a smaller text (body cap) / dùng biểu thức đơn giản hơn hoặc giảm giới hạn nội dung',
  });
}

function subject(text: string): string {
  return text.length > MAX_SUBJECT_CHARS ? text.slice(0, MAX_SUBJECT_CHARS) : text;
}

/** Does `source` match somewhere in `text`? Throws `watch.pattern-invalid` / `watch.pattern-failed`. */
export function userPatternTest(source: string, text: string, options: { ignoreCase?: boolean } = {}): boolean {
  const pattern = compiled(source, options.ignoreCase ? 'iu' : 'u');
  try {
    pattern.lastIndex = 0;
    return pattern.test(subject(text));
  } catch (error) {
    throw failed(error);
  }
}

/**
 * Every match of `source` (case-insensitive) in `text` replaced by `replacement` (taken literally).
 * Our own loop over RE2 rather than re2-wasm's global replace, which never advances past an empty
 * match (`x*` would loop forever) and re-reads the whole text per match: here an empty match
 * steps one character on, and at most MAX_REPLACEMENTS are made.
 */
export function userPatternReplaceAll(source: string, text: string, replacement: string): string {
  const pattern = compiled(source, 'giu');
  const input = subject(text);
  let out = '';
  let from = 0;
  try {
    for (let count = 0; count < MAX_REPLACEMENTS && from <= input.length; count++) {
      pattern.lastIndex = from;
      const match = pattern.exec(input);
      if (!match) break;
      const found = match[0] ?? '';
      out += input.slice(from, match.index) + replacement;
      let next = match.index + found.length;
      if (found.length === 0) {
        // Step over one whole code point, keeping it.
        const codePoint = input.codePointAt(next);
        const width = codePoint !== undefined && codePoint > 0xffff ? 2 : 1;
        out += input.slice(next, next + width);
        next += width;
      }
      from = next;
    }
  } catch (error) {
    throw failed(error);
  } finally {
    pattern.lastIndex = 0;
  }
  return out + input.slice(from) + (text.length > input.length ? text.slice(input.length) : '');
}
