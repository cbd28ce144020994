import { describe, expect, it } from 'vitest';
import type { CheckResult, CheckStatus, ScoreCategory } from '../src/checks/types.js';
import { DEFAULT_PROBE_CONTEXT } from '../src/probes/context.js';
import type { WebEvidence } from '../src/probes/http/types.js';
import type { TlsEvidence } from '../src/probes/tls/types.js';
import { anyFailed, renderOrganisation, renderTarget } from '../src/services/assessment/render.js';
import { assessMail, assessOrganisation, assessWeb, httpsEndpointOf, planTargets } from '../src/services/assessment/service.js';
import { type AssessmentToolkit, mxHostsFromDnsEvidence } from '../src/services/assessment/toolkit.js';

/**
 * Orchestration on fixture evidence: the toolkit's probes return recorded evidence (or fail, or
 * stall) so every path of the orchestration runs without the network. The real probes are
 * exercised against the lab in assess-lab.test.ts.
 */
function check(id: string, status: CheckStatus, category: ScoreCategory, evidence: Record<string, unknown> = {}, subject?: string): CheckResult {
  return {
    id,
    status,
    severity: 'high',
    category,
    title: { vi: `Tiêu đề ${id}`, en: `Title ${id}` },
    detail: { vi: `Chi tiết ${id}`, en: `Detail ${id}` },
    evidence,
    remediation: status === 'pass' ? { vi: '', en: '' } : { vi: `Sửa ${id}`, en: `Fix ${id}` },
    references: ['https://example.test/ref'],
    ...(subject ? { subject } : {}),
  };
}

const tlsFixture = {
  host: 'www.a.test',
  port: 443,
  connectedTo: { host: '127.0.0.1', port: 443 },
  reachable: true,
  protocols: { SSLv2: 'not-testable', SSLv3: 'not-testable', TLSv1: 'rejected', 'TLSv1.1': 'rejected', 'TLSv1.2': 'accepted', 'TLSv1.3': 'accepted' },
  ciphers: [],
  untestedSuites: [],
  certificate: {
    chain: [],
    trusted: false,
    checkedName: 'www.a.test',
    hostnameMatches: true,
    ocspStapled: false,
    observedAt: new Date().toISOString(),
  },
  handshakes: 3,
  durationMs: 5,
} as unknown as TlsEvidence;

interface FakeOptions {
  dnsFails?: Set<string>;
  stall?: Set<string>;
  transportFails?: boolean;
  onStart?: (target: string) => void;
  onEnd?: (target: string) => void;
}

function fakeToolkit(options: FakeOptions = {}): AssessmentToolkit {
  const slow = async <T>(target: string, ctx: { signal?: AbortSignal | undefined }, value: T, track = true): Promise<T> => {
    if (track) options.onStart?.(target);
    try {
      if (options.stall?.has(target)) {
        await new Promise((_resolve, reject) => ctx.signal?.addEventListener('abort', () => reject(new Error('aborted by deadline')), { once: true }));
      }
      await new Promise((r) => setTimeout(r, 10));
      return value;
    } finally {
      if (track) options.onEnd?.(target);
    }
  };
  return {
    collectMailDnsEvidence: async (domain, ctx) => {
      if (options.dnsFails?.has(domain)) throw new Error('resolver answered SERVFAIL');
      return slow(domain, ctx, { domain, mx: [{ exchange: `mx.${domain}`, preference: 10, addresses: ['127.0.0.9'] }] });
    },
    mxHostsOf: mxHostsFromDnsEvidence,
    checkMailDns: (evidence) => {
      const domain = (evidence as { domain: string }).domain;
      return [check('mail.spf.record', domain.startsWith('good') ? 'pass' : 'fail', 'mail-auth'), check('mail.mx', 'pass', 'mail-transport')];
    },
    collectMailTransportEvidence: async (mx) => {
      if (options.transportFails) throw new Error('connection refused');
      return { mx: mx.map((h) => ({ host: h.name, addresses: [], durationMs: 1 })), observedAt: new Date().toISOString(), durationMs: 1 };
    },
    checkMailTransport: (evidence) =>
      evidence.mx.map((h) => check('mail.starttls', 'pass', 'mail-transport', { daneValidated: evidence.daneValidatedMx ?? [] }, h.host)),
    checkDane: (_dns, transport) => transport.mx.map((h) => check('mail.dane', 'pass', 'mail-transport', {}, h.host)),
    collectWebEvidence: async (url, ctx) => slow(url, ctx, { target: url } as unknown as WebEvidence),
    checkWeb: (evidence) => [
      check('web.https', 'pass', 'web-tls', { observatoryModifier: 0 }),
      check('web.headers.csp', 'fail', 'web-headers', { observatoryModifier: -25 }),
      check('web.hsts', 'pass', 'web-tls', { observatoryModifier: 0, maxAge: 31_536_000, url: evidence.target }),
    ],
    resolveHost: async () => ['127.0.0.1'],
    probeTls: async (host, port, ctx) => slow(`${host}:${port}`, ctx, tlsFixture, false),
    checkTls: (_evidence, { idPrefix }) => [check(`${idPrefix}.protocols`, 'pass', 'web-tls'), check(`${idPrefix}.certificate`, 'fail', 'web-tls')],
  };
}

const ctx = { ...DEFAULT_PROBE_CONTEXT };

describe('assessMail', () => {
  it('composes DNS, transport and DANE checks and scores them', async () => {
    const result = await assessMail('good.test', ctx, { toolkit: fakeToolkit() });
    expect(result.kind).toBe('mail');
    expect(result.checks.map((c) => c.id).sort()).toEqual(['mail.dane', 'mail.mx', 'mail.spf.record', 'mail.starttls']);
    expect(result.checks.find((c) => c.id === 'mail.starttls')?.subject).toBe('mx.good.test');
    // DANE-validated MX hosts are handed to the transport checks (an untrusted cert is then fine)
    expect(result.checks.find((c) => c.id === 'mail.starttls')?.evidence.daneValidated).toEqual(['mx.good.test']);
    expect(result.score.score).toBe(100);
    expect(result.score.grade).toBe('A+');
    expect(result.errors).toEqual([]);
  });

  it('a DNS failure turns every mail check into error with the reason', async () => {
    const result = await assessMail('broken.test', ctx, { toolkit: fakeToolkit({ dnsFails: new Set(['broken.test']) }) });
    expect(result.checks.length).toBeGreaterThan(10);
    expect(result.checks.every((c) => c.status === 'error')).toBe(true);
    expect(result.checks[0]!.detail.en).toContain('SERVFAIL');
    expect(result.errors[0]).toContain('SERVFAIL');
    // nothing was judged: not assessed, no grade (it was F·0)
    expect(result.score).toMatchObject({ assessed: false, score: null, grade: null });
  });

  it('a transport failure keeps the DNS checks and reports transport checks as error', async () => {
    const result = await assessMail('good.test', ctx, { toolkit: fakeToolkit({ transportFails: true }) });
    expect(result.checks.find((c) => c.id === 'mail.spf.record')?.status).toBe('pass');
    expect(result.checks.find((c) => c.id === 'mail.starttls')?.status).toBe('error');
    expect(result.checks.find((c) => c.id === 'mail.dane')?.status).toBe('error');
  });

  it('a stalled probe is cut at the target time limit', async () => {
    const begun = Date.now();
    const result = await assessMail('slow.test', ctx, { toolkit: fakeToolkit({ stall: new Set(['slow.test']) }), timeoutMs: 300 });
    // the fake probe never returns: finishing at all is the limit's doing; the bound is generous for a loaded machine
    expect(Date.now() - begun).toBeLessThan(10_000);
    expect(result.errors[0]).toMatch(/time limit|aborted/);
    expect(result.checks.every((c) => c.status === 'error')).toBe(true);
  });
});

describe('assessWeb', () => {
  it('runs web and TLS (idPrefix web.tls) and caps the TLS grade from the TLS evidence', async () => {
    const result = await assessWeb('https://www.a.test/', ctx, { toolkit: fakeToolkit() });
    expect(result.checks.map((c) => c.id)).toEqual(['web.https', 'web.headers.csp', 'web.hsts', 'web.tls.protocols', 'web.tls.certificate']);
    const tls = result.score.categories.find((c) => c.category === 'web-tls')!;
    expect(tls.cap?.sslLabs).toBe('T'); // untrusted certificate in the TLS evidence
    expect(result.score.grade).toBe('F');
    const headers = result.score.categories.find((c) => c.category === 'web-headers')!;
    expect(headers.score).toBe(75);
  });

  it('the https endpoint of a URL', () => {
    expect(httpsEndpointOf('http://portal.test/x')).toEqual({ host: 'portal.test', port: 443 });
    expect(httpsEndpointOf('https://portal.test:8443/')).toEqual({ host: 'portal.test', port: 8443 });
    expect(httpsEndpointOf('portal.test')).toEqual({ host: 'portal.test', port: 443 });
  });
});

describe('assessOrganisation', () => {
  const config = {
    organisation: { name: 'Sở Thông tin và Truyền thông Thử nghiệm' },
    mail: { domains: ['good.test', 'bad.test', 'broken.test', 'slow.test'], dkimSelectors: [], outboundIps: [] },
    websites: [
      { url: 'https://www.a.test/', name: 'Cổng thông tin', portal: true },
      { url: 'https://b.test/', portal: false },
    ],
  };

  it('plans every domain and site', () => {
    expect(planTargets(config).map((t) => `${t.kind}:${t.target}`)).toEqual([
      'mail:good.test',
      'mail:bad.test',
      'mail:broken.test',
      'mail:slow.test',
      'web:https://www.a.test/',
      'web:https://b.test/',
    ]);
  });

  it('bounded concurrency, per-target isolation, and a per-target limit', async () => {
    let running = 0;
    let peak = 0;
    const toolkit = fakeToolkit({
      dnsFails: new Set(['broken.test']),
      stall: new Set(['slow.test']),
      onStart: () => {
        running++;
        peak = Math.max(peak, running);
      },
      onEnd: () => running--,
    });
    const progress: number[] = [];
    const run = await assessOrganisation(config, ctx, { toolkit, concurrency: 2, targetTimeoutMs: 400, onTarget: (done) => progress.push(done) });
    expect(peak).toBeLessThanOrEqual(2);
    expect(progress).toEqual([1, 2, 3, 4, 5, 6]);
    expect(run.organisation).toBe('Sở Thông tin và Truyền thông Thử nghiệm');
    expect(run.targets.map((t) => t.target)).toEqual(planTargets(config).map((t) => t.target));
    const byTarget = Object.fromEntries(run.targets.map((t) => [t.target, t]));
    expect(byTarget['good.test']!.score.grade).toBe('A+');
    expect(byTarget['bad.test']!.checks.find((c) => c.id === 'mail.spf.record')?.status).toBe('fail');
    expect(byTarget['broken.test']!.checks.every((c) => c.status === 'error')).toBe(true);
    expect(byTarget['slow.test']!.errors[0]).toMatch(/time limit|aborted/);
    expect(byTarget['https://www.a.test/']!.name).toBe('Cổng thông tin');
    // broken.test and slow.test could not be assessed: no grade, and out of the organisation's mean
    expect(byTarget['broken.test']!.score).toMatchObject({ assessed: false, score: null, grade: null });
    expect(byTarget['slow.test']!.score.assessed).toBe(false);
    expect(run.notAssessed).toBe(2);
    const assessed = run.targets.filter((t) => t.score.assessed);
    expect(assessed).toHaveLength(run.targets.length - 2);
    expect(run.score).toBe(Math.round(assessed.reduce((s, t) => s + (t.score.score ?? 0), 0) / assessed.length));
  });

  it('the run deadline ends the run; unfinished targets report error', async () => {
    const begun = Date.now();
    const run = await assessOrganisation({ mail: { domains: ['slow.test', 'good.test'], dkimSelectors: [], outboundIps: [] } }, ctx, {
      toolkit: fakeToolkit({ stall: new Set(['slow.test']) }),
      concurrency: 1,
      deadlineMs: 300,
    });
    // the fake probe never returns: finishing at all is the deadline's doing; the bound is generous for a loaded machine
    expect(Date.now() - begun).toBeLessThan(10_000);
    expect(run.targets.every((t) => t.checks.every((c) => c.status === 'error'))).toBe(true);
  });

  it('renders the issue JSON shape in Vietnamese by default and English on request', async () => {
    const run = await assessOrganisation(config, ctx, { toolkit: fakeToolkit(), concurrency: 4 });
    const vi = renderOrganisation(run, 'vi');
    expect(Object.keys(vi)).toEqual(expect.arrayContaining(['organisation', 'targets']));
    const target = vi.targets[0]!;
    expect(Object.keys(target)).toEqual(expect.arrayContaining(['target', 'kind', 'score', 'grade', 'startedAt', 'durationMs', 'checks']));
    expect(Object.keys(target.checks[0]!)).toEqual(
      expect.arrayContaining(['id', 'status', 'severity', 'title', 'detail', 'evidence', 'remediation', 'references']),
    );
    expect(target.checks[0]!.title).toMatch(/^Tiêu đề/);
    expect(renderTarget(run.targets[0]!, 'en').checks[0]!.title).toMatch(/^Title/);
    expect(anyFailed(vi.targets)).toBe(true);
  });
});

describe('mxHostsFromDnsEvidence', () => {
  it('orders by preference, drops null MX and duplicates, merges address lists', () => {
    expect(
      mxHostsFromDnsEvidence({
        mx: [
          { exchange: 'mx2.a.test.', preference: 20, a: ['127.0.0.2'], aaaa: ['::1'] },
          { exchange: 'mx1.a.test', preference: 10, addresses: ['127.0.0.1'] },
          { exchange: '.', preference: 0 },
          { exchange: 'mx1.a.test', preference: 30, addresses: ['127.0.0.1'] },
        ],
      }),
    ).toEqual([
      { name: 'mx1.a.test', addresses: ['127.0.0.1'] },
      { name: 'mx2.a.test', addresses: ['127.0.0.2', '::1'] },
    ]);
    expect(mxHostsFromDnsEvidence(undefined)).toEqual([]);
  });
});

describe('published catalogue', () => {
  it('docs/checks.md lists every catalogue id', async () => {
    const { readFileSync } = await import('node:fs');
    const { CATALOGUE } = await import('../src/services/assessment/catalogue.js');
    const doc = readFileSync(new URL('../docs/checks.md', import.meta.url), 'utf8');
    const missing = CATALOGUE.filter((e) => !doc.includes(`\`${e.id}\``)).map((e) => e.id);
    expect(missing).toEqual([]);
  });
});
