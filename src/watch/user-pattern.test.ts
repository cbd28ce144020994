import { describe, expect, it } from 'vitest';
import { isVigilError } from '../errors.js';
import { httpMonitorSchema, smtpMonitorSchema } from './config-schema.js';
import { decideHttp, decideSmtp } from './decide.js';
import { extractPage } from './defacement/extract.js';
import { assertUserPattern, MAX_REPLACEMENTS, userPatternProblem, userPatternReplaceAll, userPatternTest } from './user-pattern.js';

/** User regexes run under RE2: linear time, no backreferences or lookaround. */
describe('user patterns under RE2', () => {
  const evil = `${'a'.repeat(50_000)}b`;

  it('a catastrophic pattern returns (and is right) on 50,000 a’s followed by b', () => {
    const started = performance.now();
    expect(userPatternTest('(a+)+$', evil)).toBe(false);
    expect(userPatternTest('(a+)+$', 'a'.repeat(50_000))).toBe(true);
    expect(userPatternTest('(a+)+b$', evil)).toBe(true);
    // Generous: V8's backtracking takes longer than the age of the universe on this input.
    expect(performance.now() - started).toBeLessThan(5_000);
  });

  it('the HTTP monitor’s regex and the SMTP banner go through RE2 in decide', () => {
    const http = httpMonitorSchema.parse({ name: 'c', type: 'http', url: 'http://127.0.0.1/', regex: '(a+)+$' });
    const evidence = { status: 200, finalUrl: 'http://127.0.0.1/', redirects: [], body: evil, bodyTruncated: false, responseMs: 5 };
    expect(decideHttp(http, evidence)).toMatchObject({ status: 'down', detail: 'pattern /(a+)+$/ does not match' });
    expect(decideHttp({ ...http, absent: true }, evidence).status).toBe('up');
    const smtp = smtpMonitorSchema.parse({ name: 'm', type: 'smtp', host: '127.0.0.1', banner: '^MX\\.LAB', starttls: false });
    expect(decideSmtp(smtp, { banner: 'mx.lab ESMTP', extensions: [], responseMs: 1 }, 0).status).toBe('up');
    expect(decideSmtp(smtp, { banner: 'other ESMTP', extensions: [], responseMs: 1 }, 0).status).toBe('down');
  });

  it('refuses what only a backtracking engine could run: backreferences and lookaround', () => {
    // V8 accepts all of these; RE2 (and so this module) does not.
    for (const source of ['(a)\\1', '(?<n>a)\\k<n>', '(?=a)a', 'a(?!b)', '(?<=a)b', '(?<!a)b']) {
      expect(() => new RegExp(source, 'u')).not.toThrow();
      expect(userPatternProblem(source), source).toMatch(/not supported \(patterns run under RE2\)/);
    }
    // Past the cheap pre-check: RE2 itself refuses a repetition V8 takes.
    expect(() => /x{2,1001}/u).not.toThrow();
    expect(userPatternProblem('x{2,1001}')).toMatch(/invalid repetition size/);
    let error: unknown;
    try {
      assertUserPattern('(a)\\1');
    } catch (e) {
      error = e;
    }
    expect(isVigilError(error) && error.id).toBe('watch.pattern-invalid');
    expect(isVigilError(error) && error.hint).toMatch(/RE2/);
  });

  it('accepts ordinary patterns and what only looks like the refused constructs', () => {
    for (const source of ['Cổng thông tin', '^HTTP/\\d', '\\\\1', '[(?=]', 'Lượt truy cập: \\d+']) expect(userPatternProblem(source), source).toBeUndefined();
    expect(userPatternProblem('(')).toMatch(/not a regular expression/);
    expect(userPatternProblem('a'.repeat(1_001))).toMatch(/longer than/);
  });

  it('replaces all matches case-insensitively, steps over empty matches, and stops at the cap', () => {
    expect(userPatternReplaceAll('lượt truy cập: \\d+', 'Xin chào LƯỢT TRUY CẬP: 12 và Lượt truy cập: 7', '_')).toBe('Xin chào _ và _');
    // re2-wasm's own global replace never returns on this one.
    expect(userPatternReplaceAll('x*', 'abc', '-')).toBe('abc'.replace(/x*/gu, '-'));
    const many = 'a1'.repeat(MAX_REPLACEMENTS + 5);
    const out = userPatternReplaceAll('\\d', many, '#');
    expect(out.split('#').length - 1).toBe(MAX_REPLACEMENTS);
    expect(out.length).toBe(many.length);
  });

  it('defacement ignore patterns run through RE2 and a catastrophic one does not stall extraction', () => {
    const html = `<html><body><p>Lượt truy cập: 12345</p><p>${'a'.repeat(30_000)}b</p></body></html>`;
    const facts = extractPage(html, 'http://127.0.0.1/', { selectors: [], patterns: ['Lượt truy cập: \\d+', '(a+)+$'] });
    expect(facts.blocks).not.toContain('lượt truy cập: #');
    expect(facts.text).toContain('aaaa');
  });
});
