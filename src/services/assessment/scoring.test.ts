import { describe, expect, it } from 'vitest';
import type { CheckResult, CheckStatus, ScoreCategory, Severity } from '../../checks/types.js';
import { gradeForScore, isAssessed, observatoryScore, pointsScore, scoreOrganisation, scoreResults, tlsFactsFromResults, tlsGradeCap } from './scoring.js';

function result(
  id: string,
  status: CheckStatus,
  severity: Severity,
  category: ScoreCategory,
  evidence: Record<string, unknown> = {},
  subject?: string,
): CheckResult {
  return {
    id,
    status,
    severity,
    category,
    title: { vi: id, en: id },
    detail: { vi: '', en: '' },
    evidence,
    remediation: { vi: '', en: '' },
    references: [],
    ...(subject ? { subject } : {}),
  };
}

describe('grade bands (Observatory)', () => {
  it.each([
    [135, 'A+'],
    [100, 'A+'],
    [99, 'A'],
    [90, 'A'],
    [85, 'A-'],
    [80, 'B+'],
    [70, 'B'],
    [65, 'B-'],
    [60, 'C+'],
    [50, 'C'],
    [45, 'C-'],
    [40, 'D+'],
    [30, 'D'],
    [25, 'D-'],
    [24, 'F'],
    [0, 'F'],
  ])('%d → %s', (score, grade) => {
    expect(gradeForScore(score)).toBe(grade);
  });
});

describe('points model (internet.nl)', () => {
  it('full/half/little points per check id, warn earns half, fail and error none, info not counted', () => {
    const points = pointsScore([
      result('mail.spf.record', 'pass', 'info', 'mail-auth'), // full
      result('mail.spf.lookups', 'fail', 'medium', 'mail-auth'), // half
      result('mail.tls-rpt', 'warn', 'low', 'mail-auth'), // little
      result('mail.dkim', 'info', 'info', 'mail-auth'), // not counted
      result('mail.dmarc.record', 'error', 'info', 'mail-auth'), // full, earns nothing
    ]);
    expect(points).toEqual({ earned: 10 + 1, max: 10 + 5 + 2 + 10, counted: 4 });
  });

  it('ids outside the table weigh by severity, at least half', () => {
    expect(pointsScore([result('x.new', 'fail', 'low', 'dns')])).toEqual({ earned: 0, max: 5, counted: 1 });
    expect(pointsScore([result('x.new', 'pass', 'critical', 'dns')])).toEqual({ earned: 10, max: 10, counted: 1 });
  });

  it('a check reported per MX counts once at its worst status', () => {
    const points = pointsScore([
      result('mail.starttls', 'pass', 'high', 'mail-transport', {}, 'mx1'),
      result('mail.starttls', 'fail', 'high', 'mail-transport', {}, 'mx2'),
    ]);
    expect(points).toEqual({ earned: 0, max: 10, counted: 1 });
  });

  it('category score = earned/max; overall = mean of categories', () => {
    const report = scoreResults([
      result('mail.spf.record', 'pass', 'high', 'mail-auth'),
      result('mail.dmarc.record', 'fail', 'high', 'mail-auth'),
      result('mail.starttls', 'pass', 'high', 'mail-transport'),
    ]);
    expect(report.categories.map((c) => [c.category, c.score])).toEqual([
      ['mail-auth', 50],
      ['mail-transport', 100],
    ]);
    expect(report.score).toBe(75);
    expect(report.grade).toBe('B');
  });

  it('only notes, no verdict → not assessed (no score, no grade)', () => {
    expect(scoreResults([result('dns.caa', 'info', 'info', 'dns')])).toEqual({ assessed: false, score: null, grade: null, categories: [] });
  });
});

describe('targets that could not be assessed', () => {
  it('every check error (DNS unreachable, host down) → not assessed, not F·0', () => {
    const report = scoreResults([
      result('mail.mx', 'error', 'info', 'mail-auth'),
      result('mail.spf.record', 'error', 'info', 'mail-auth'),
      result('mail.starttls', 'error', 'info', 'mail-transport'),
      result('dns.dnssec', 'error', 'info', 'dns'),
    ]);
    expect(report).toEqual({ assessed: false, score: null, grade: null, categories: [] });
    expect(isAssessed([result('mail.mx', 'error', 'info', 'mail-auth')])).toBe(false);
    expect(isAssessed([])).toBe(false);
  });

  it('some errors → keeps its grade; the errors earn nothing', () => {
    const report = scoreResults([
      result('mail.spf.record', 'pass', 'high', 'mail-auth'),
      result('mail.dmarc.record', 'error', 'info', 'mail-auth'),
      result('mail.starttls', 'error', 'info', 'mail-transport'),
    ]);
    expect(report.assessed).toBe(true);
    expect(report.categories.map((c) => [c.category, c.score])).toEqual([
      ['mail-auth', 50],
      ['mail-transport', 0],
    ]);
    expect(report.score).toBe(25);
    expect(report.grade).toBe('D-');
  });
});

describe('Observatory model (web headers)', () => {
  it('starts at 100 and adds penalties', () => {
    const score = observatoryScore([
      result('web.headers.csp', 'fail', 'high', 'web-headers', { observatoryModifier: -25 }),
      result('web.headers.x-content-type-options', 'fail', 'low', 'web-headers', { observatoryModifier: -5 }),
    ]);
    expect(score).toMatchObject({ penaltyScore: 70, rawScore: 70, bonus: 0 });
  });

  it('bonuses count only when the penalty-only score is ≥ 90', () => {
    const withBonus = observatoryScore([
      result('web.headers.x-content-type-options', 'fail', 'low', 'web-headers', { observatoryModifier: -5 }),
      result('web.headers.referrer-policy', 'pass', 'low', 'web-headers', { observatoryModifier: 5 }),
      result('web.headers.csp', 'pass', 'high', 'web-headers', { observatoryModifier: 10 }),
    ]);
    expect(withBonus).toMatchObject({ penaltyScore: 95, bonus: 15, rawScore: 110 });
    const without = observatoryScore([
      result('web.headers.x-frame-options', 'fail', 'medium', 'web-headers', { observatoryModifier: -20 }),
      result('web.headers.referrer-policy', 'pass', 'low', 'web-headers', { observatoryModifier: 5 }),
    ]);
    expect(without).toMatchObject({ penaltyScore: 80, bonus: 0, rawScore: 80 });
  });

  it('the same header check on apex and www counts once, at its worst modifier', () => {
    const score = observatoryScore([
      result('web.hsts', 'pass', 'high', 'web-tls', { observatoryModifier: 0 }, 'https://a/'),
      result('web.hsts', 'fail', 'high', 'web-tls', { observatoryModifier: -20 }, 'https://www.a/'),
    ]);
    expect(score.penaltyScore).toBe(80);
  });

  it('header checks that could not run do not earn A+', () => {
    const report = scoreResults([
      result('web.headers.csp', 'error', 'high', 'web-headers', { observatoryModifier: 0 }),
      result('web.headers.x-frame-options', 'error', 'medium', 'web-headers'),
      // one verdict elsewhere, so the target counts as assessed
      result('web.https', 'pass', 'high', 'web-tls'),
    ]);
    expect(report.categories.find((c) => c.category === 'web-headers')).toMatchObject({ category: 'web-headers', score: 0, grade: 'F' });
  });

  it('web-headers category uses the Observatory score, clamped to 100, graded on the raw score', () => {
    const report = scoreResults([result('web.headers.csp', 'pass', 'high', 'web-headers', { observatoryModifier: 10 })]);
    expect(report.categories[0]).toMatchObject({ category: 'web-headers', score: 100, grade: 'A+' });
  });
});

describe('TLS caps (SSL Labs)', () => {
  it.each([
    [{ protocols: { SSLv2: true } }, 'F', 'F'],
    [{ weakCiphers: true }, 'F', 'F'],
    [{ certificate: { signatureHash: 'md5' } }, 'F', 'F'],
    [{ certificate: { trusted: false } }, 'F', 'T'],
    [{ certificate: { expired: true } }, 'F', 'T'],
    [{ certificate: { signatureHash: 'sha1' } }, 'F', 'T'],
    [{ certificate: { hostnameMatch: false } }, 'F', 'M'],
    [{ protocols: { 'TLSv1.2': false, 'TLSv1.3': false, TLSv1: true } }, 'C', 'C'],
    [{ protocols: { TLSv1: true, 'TLSv1.2': true } }, 'B', 'B'],
    [{ forwardSecrecy: false }, 'B', 'B'],
    [{ aead: false }, 'B', 'B'],
    [{ certificate: { keyType: 'rsa', keyBits: 1024 } }, 'B', 'B'],
    [{ hstsMaxAge: 100 }, 'A', 'A'],
  ] as const)('%j caps at %s (%s)', (facts, grade, sslLabs) => {
    expect(tlsGradeCap(facts)).toMatchObject({ grade, sslLabs });
  });

  it('a TLS 1.3-only endpoint is not capped at C', () => {
    expect(tlsGradeCap({ protocols: { 'TLSv1.2': false, 'TLSv1.3': true }, hstsMaxAge: 31_536_000 })).toBeUndefined();
  });

  it('no cap with long HSTS and no warnings', () => {
    expect(tlsGradeCap({ protocols: { 'TLSv1.2': true, 'TLSv1.3': true }, hstsMaxAge: 31_536_000 })).toBeUndefined();
  });

  it('the worst rule wins and the overall grade is capped too', () => {
    const results = [
      result('web.tls.protocols', 'warn', 'medium', 'web-tls', { protocols: ['TLSv1', 'TLSv1.2'] }),
      result('web.tls.certificate', 'pass', 'high', 'web-tls', { certificate: { trusted: false } }),
      result('web.tls.ciphers', 'pass', 'high', 'web-tls', {}),
      result('web.hsts', 'pass', 'high', 'web-tls', { maxAge: 31_536_000 }),
    ];
    const facts = tlsFactsFromResults(results);
    expect(facts.protocols).toMatchObject({ TLSv1: true, 'TLSv1.2': true, 'TLSv1.3': false });
    const report = scoreResults(results);
    const tls = report.categories.find((c) => c.category === 'web-tls')!;
    expect(tls.score).toBeGreaterThan(80);
    expect(tls.grade).toBe('F');
    expect(tls.cap?.sslLabs).toBe('T');
    expect(report.grade).toBe('F');
  });
});

describe('organisation', () => {
  it('mean of target scores', () => {
    expect(scoreOrganisation([{ score: 100 }, { score: 50 }])).toEqual({ score: 75, grade: 'B', assessed: 2, notAssessed: 0 });
    expect(scoreOrganisation([])).toEqual({ score: null, grade: null, assessed: 0, notAssessed: 0 });
  });

  it('targets not assessed stay out of the mean and are counted', () => {
    expect(
      scoreOrganisation([
        { score: 100, assessed: true },
        { score: null, assessed: false },
        { score: 50, assessed: true },
      ]),
    ).toEqual({ score: 75, grade: 'B', assessed: 2, notAssessed: 1 });
    expect(scoreOrganisation([{ score: null, assessed: false }])).toEqual({ score: null, grade: null, assessed: 0, notAssessed: 1 });
  });
});
