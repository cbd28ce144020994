import { setMaxListeners } from 'node:events';
import { isIP } from '../../net-address.js';
import type { CheckResult, ScoreCategory } from '../../checks/types.js';
import { hostOfUrl, webmailSignals } from '../../checks/mail/webmail.js';
import type { VigilConfig } from '../../config/schema.js';
import type { ProbeContext } from '../../probes/context.js';
import type { TlsEvidence } from '../../probes/tls/types.js';
import { CATALOGUE } from './catalogue.js';
import { scoreOrganisation, scoreResults, tlsFactsFromEvidence } from './scoring.js';
import { type AssessmentToolkit, daneValidatedHosts, loadToolkit } from './toolkit.js';
import type { OrganisationAssessment, TargetAssessment, TargetKind } from './types.js';

/** Check ids each stage produces; when a stage cannot run they are reported as `error`. */
const STAGE_IDS = {
  mailDns: CATALOGUE.filter((e) => e.kind === 'mail' && !['mail-transport'].includes(e.category))
    .map((e) => e.id)
    .concat(['mail.mx']),
  mailTransport: ['mail.starttls', 'mail.tls', 'mail.open-relay', 'mail.banner', 'mail.plaintext-auth'],
  dane: ['mail.dane'],
  web: CATALOGUE.filter((e) => e.kind === 'web' && !e.id.startsWith('web.tls.')).map((e) => e.id),
  webTls: ['web.tls.protocols', 'web.tls.ciphers', 'web.tls.certificate'],
} as const;

export const DEFAULT_TARGET_TIMEOUT_MS = 120_000;

export interface AssessOptions {
  toolkit?: AssessmentToolkit;
  /** Hard limit for this target; its unfinished stages become `error`. */
  timeoutMs?: number;
}

export interface AssessMailOptions extends AssessOptions {
  dkimSelectors?: string[];
  outboundIps?: string[];
}

/** Results for `ids` with status `error` and the reason, so a failed stage stays visible. */
export function errorResults(ids: readonly string[], reason: string, subject?: string): CheckResult[] {
  return [...new Set(ids)].map((id) => {
    const entry = CATALOGUE.find((e) => e.id === id);
    const category: ScoreCategory = entry?.category ?? 'exposure';
    return {
      id,
      status: 'error' as const,
      severity: 'info' as const,
      category,
      title: entry?.title ?? { vi: id, en: id },
      detail: { vi: `Không kiểm tra được: ${reason}`, en: `Could not be checked: ${reason}` },
      evidence: { error: reason },
      remediation: {
        vi: 'Kiểm tra kết nối tới đối tượng (DNS, tường lửa, máy chủ đang chạy) rồi chạy lại đánh giá.',
        en: 'Check that the target is reachable (DNS, firewall, server running) and run the assessment again.',
      },
      references: [],
      ...(subject ? { subject } : {}),
    };
  });
}

function reasonOf(error: unknown): string {
  if (error instanceof Error) return error.message.split('\n')[0] ?? error.name;
  return String(error);
}

/** A probe context whose signal fires on the caller's abort or after `timeoutMs`. */
function withDeadline(ctx: ProbeContext, timeoutMs: number): { ctx: ProbeContext; deadline: Promise<never>; dispose(): void } {
  const controller = new AbortController();
  // Every probe of the target listens on this signal; there are legitimately more than 10.
  setMaxListeners(0, controller.signal);
  let reject: (error: Error) => void = () => {};
  const deadline = new Promise<never>((_resolve, rejectDeadline) => {
    reject = rejectDeadline;
  });
  deadline.catch(() => {});
  controller.signal.addEventListener('abort', () => reject(controller.signal.reason instanceof Error ? controller.signal.reason : new Error('aborted')), {
    once: true,
  });
  const onAbort = () => controller.abort(ctx.signal?.reason instanceof Error ? ctx.signal.reason : new Error('the run was stopped (deadline or cancel)'));
  if (ctx.signal?.aborted) onAbort();
  else ctx.signal?.addEventListener('abort', onAbort, { once: true });
  const timer = setTimeout(() => controller.abort(new Error(`time limit of ${Math.round(timeoutMs / 1000)} s reached`)), timeoutMs);
  timer.unref?.();
  return {
    ctx: { ...ctx, signal: controller.signal },
    deadline,
    dispose: () => {
      clearTimeout(timer);
      ctx.signal?.removeEventListener('abort', onAbort);
    },
  };
}

/** Run one stage: its promise against the target deadline; a throw becomes error results. */
async function stage<T>(work: () => Promise<T>, deadline: Promise<never>): Promise<{ ok: true; value: T } | { ok: false; reason: string }> {
  try {
    return { ok: true, value: await Promise.race([work(), deadline]) };
  } catch (error) {
    return { ok: false, reason: reasonOf(error) };
  }
}

function runChecks(ids: readonly string[], check: () => CheckResult[]): CheckResult[] {
  try {
    return check();
  } catch (error) {
    return errorResults(ids, `check failed: ${reasonOf(error)}`);
  }
}

function finish(
  kind: TargetKind,
  target: string,
  started: number,
  startedAt: string,
  checks: CheckResult[],
  errors: string[],
  tlsEvidence?: TlsEvidence,
): TargetAssessment {
  let tlsFacts: ReturnType<typeof tlsFactsFromEvidence> | undefined;
  if (tlsEvidence?.reachable) {
    const hsts = checks.find((c) => c.id === 'web.hsts')?.evidence?.maxAge;
    tlsFacts = tlsFactsFromEvidence(tlsEvidence, typeof hsts === 'number' ? hsts : undefined);
  }
  const score = scoreResults(checks, tlsFacts ? { tlsFacts } : {});
  // A target not assessed must say why even when every stage ran and its checks found the
  // target silent (host down): the first check's reason, so the run's errors are never empty.
  const reason = checks.find((c) => c.status === 'error')?.detail.en;
  const why = !score.assessed && errors.length === 0 && reason ? [reason] : errors;
  return {
    target,
    kind,
    startedAt,
    durationMs: Date.now() - started,
    checks,
    score,
    errors: why,
  };
}

/** Mail domain: DNS evidence → MX hosts → SMTP transport evidence (+ DANE against the MX certificates) → checks. */
export async function assessMail(domain: string, ctx: ProbeContext, options: AssessMailOptions = {}): Promise<TargetAssessment> {
  const started = Date.now();
  const startedAt = new Date(started).toISOString();
  const toolkit = options.toolkit ?? (await loadToolkit());
  const limit = withDeadline(ctx, options.timeoutMs ?? DEFAULT_TARGET_TIMEOUT_MS);
  const checks: CheckResult[] = [];
  const errors: string[] = [];
  try {
    const dns = await stage(
      () => toolkit.collectMailDnsEvidence(domain, limit.ctx, { dkimSelectors: options.dkimSelectors ?? [], outboundIps: options.outboundIps ?? [] }),
      limit.deadline,
    );
    if (!dns.ok) {
      errors.push(`DNS: ${dns.reason}`);
      checks.push(...errorResults([...STAGE_IDS.mailDns, ...STAGE_IDS.mailTransport, ...STAGE_IDS.dane], `DNS: ${dns.reason}`));
      return finish('mail', domain, started, startedAt, checks, errors);
    }
    checks.push(...runChecks(STAGE_IDS.mailDns, () => toolkit.checkMailDns(dns.value)));
    const mxHosts = toolkit.mxHostsOf(dns.value);
    if (mxHosts.length === 0) return finish('mail', domain, started, startedAt, checks, errors); // mail.mx says why
    const transport = await stage(() => toolkit.collectMailTransportEvidence(mxHosts, limit.ctx), limit.deadline);
    if (!transport.ok) {
      errors.push(`SMTP: ${transport.reason}`);
      checks.push(...errorResults([...STAGE_IDS.mailTransport, ...STAGE_IDS.dane], `SMTP: ${transport.reason}`));
      return finish('mail', domain, started, startedAt, checks, errors);
    }
    // DANE first: an MX certificate that TLSA validates is trusted for mail.tls (internet.nl's rule).
    const dane = runChecks(STAGE_IDS.dane, () => toolkit.checkDane(dns.value, transport.value));
    const daneValidatedMx = daneValidatedHosts(dane);
    checks.push(...runChecks(STAGE_IDS.mailTransport, () => toolkit.checkMailTransport({ ...transport.value, daneValidatedMx })));
    checks.push(...dane);
    return finish('mail', domain, started, startedAt, checks, errors);
  } finally {
    limit.dispose();
  }
}

/** The https endpoint whose TLS is assessed for a site URL. */
export function httpsEndpointOf(url: string): { host: string; port: number } {
  const parsed = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(url) ? url : `https://${url}`);
  const host = parsed.hostname.replace(/^\[|\]$/g, '');
  const port = parsed.protocol === 'https:' && parsed.port ? Number(parsed.port) : 443;
  return { host, port };
}

/** Website: HTTP evidence and TLS evidence of its https endpoint, in parallel → web + TLS checks. */
export async function assessWeb(url: string, ctx: ProbeContext, options: AssessOptions = {}): Promise<TargetAssessment> {
  const started = Date.now();
  const startedAt = new Date(started).toISOString();
  const toolkit = options.toolkit ?? (await loadToolkit());
  const limit = withDeadline(ctx, options.timeoutMs ?? DEFAULT_TARGET_TIMEOUT_MS);
  const checks: CheckResult[] = [];
  const errors: string[] = [];
  try {
    const endpoint = httpsEndpointOf(url);
    const [web, tls] = await Promise.all([
      stage(() => toolkit.collectWebEvidence(url, limit.ctx), limit.deadline),
      stage(async () => {
        // The TLS probe connects to an address; resolve the name through the run's resolver.
        const address = isIP(endpoint.host) ? endpoint.host : (await toolkit.resolveHost(endpoint.host, limit.ctx))[0];
        if (!address) throw new Error(`${endpoint.host} has no address`);
        const evidence = await toolkit.probeTls(address, endpoint.port, limit.ctx, { servername: endpoint.host });
        return { ...evidence, host: endpoint.host };
      }, limit.deadline),
    ]);
    // mail.webmail is judged from the same web evidence, for sites that look like webmail; other
    // sites get no mail.webmail result.
    if (web.ok) {
      checks.push(...runChecks(STAGE_IDS.web, () => toolkit.checkWeb(web.value)));
      checks.push(...runChecks(['mail.webmail'], () => toolkit.checkWebmail?.(web.value) ?? []));
    } else {
      errors.push(`HTTP: ${web.reason}`);
      checks.push(...errorResults(STAGE_IDS.web, `HTTP: ${web.reason}`));
      if (webmailSignals(hostOfUrl(url)).length > 0) checks.push(...errorResults(['mail.webmail'], `HTTP: ${web.reason}`));
    }
    if (tls.ok) checks.push(...runChecks(STAGE_IDS.webTls, () => toolkit.checkTls(tls.value, { idPrefix: 'web.tls' })));
    else {
      errors.push(`TLS: ${tls.reason}`);
      checks.push(...errorResults(STAGE_IDS.webTls, `TLS: ${tls.reason}`));
    }
    return finish('web', url, started, startedAt, checks, errors, tls.ok ? tls.value : undefined);
  } finally {
    limit.dispose();
  }
}

export interface AssessOrganisationOptions {
  concurrency?: number;
  /** Limit for the whole run; targets not finished by then report `error`. */
  deadlineMs?: number;
  /** Limit per target. */
  targetTimeoutMs?: number;
  toolkit?: AssessmentToolkit;
  /** Called after each target (progress bars, job progress). */
  onTarget?: (done: number, total: number, target: TargetAssessment, index: number) => void;
}

export interface PlannedTarget {
  kind: TargetKind;
  target: string;
  name?: string;
}

/** Every mail domain and website of vigil.yaml, mail first. */
export function planTargets(config: VigilConfig): PlannedTarget[] {
  const mail = (config.mail?.domains ?? []).map((domain) => ({ kind: 'mail' as const, target: domain }));
  const web = (config.websites ?? []).map((site) => ({ kind: 'web' as const, target: site.url, ...(site.name ? { name: site.name } : {}) }));
  return [...mail, ...web];
}

/**
 * The whole organisation with bounded concurrency and a run deadline. One target's failure
 * never sinks the others: anything it throws becomes `error` results for its checks.
 */
export async function assessOrganisation(config: VigilConfig, ctx: ProbeContext, options: AssessOrganisationOptions = {}): Promise<OrganisationAssessment> {
  const started = Date.now();
  const startedAt = new Date(started).toISOString();
  const toolkit = options.toolkit ?? (await loadToolkit());
  const planned = planTargets(config);
  const concurrency = Math.max(1, Math.min(options.concurrency ?? 8, 256));
  const run = withDeadline(ctx, options.deadlineMs ?? 30 * 60_000);
  const results: TargetAssessment[] = new Array(planned.length);
  let next = 0;
  let done = 0;
  const targetTimeoutMs = options.targetTimeoutMs ?? DEFAULT_TARGET_TIMEOUT_MS;
  const assessOne = async (plan: PlannedTarget): Promise<TargetAssessment> => {
    const begun = Date.now();
    try {
      const assessed =
        plan.kind === 'mail'
          ? await assessMail(plan.target, run.ctx, {
              toolkit,
              timeoutMs: targetTimeoutMs,
              dkimSelectors: config.mail?.dkimSelectors ?? [],
              outboundIps: config.mail?.outboundIps ?? [],
            })
          : await assessWeb(plan.target, run.ctx, { toolkit, timeoutMs: targetTimeoutMs });
      return plan.name ? { ...assessed, name: plan.name } : assessed;
    } catch (error) {
      const reason = reasonOf(error);
      const ids = plan.kind === 'mail' ? [...STAGE_IDS.mailDns, ...STAGE_IDS.mailTransport, ...STAGE_IDS.dane] : [...STAGE_IDS.web, ...STAGE_IDS.webTls];
      const checks = errorResults(ids, reason);
      return {
        target: plan.target,
        kind: plan.kind,
        ...(plan.name ? { name: plan.name } : {}),
        startedAt: new Date(begun).toISOString(),
        durationMs: Date.now() - begun,
        checks,
        score: scoreResults(checks),
        errors: [reason],
      };
    }
  };
  const worker = async () => {
    while (next < planned.length) {
      const index = next++;
      const plan = planned[index]!;
      results[index] = await assessOne(plan);
      done++;
      options.onTarget?.(done, planned.length, results[index]!, index);
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(concurrency, planned.length) }, worker));
  } finally {
    run.dispose();
  }
  const org = scoreOrganisation(results.map((t) => ({ score: t.score.score, assessed: t.score.assessed })));
  return {
    organisation: config.organisation?.name ?? '',
    startedAt,
    durationMs: Date.now() - started,
    score: org.score,
    grade: org.grade,
    notAssessed: org.notAssessed,
    targets: results,
  };
}
