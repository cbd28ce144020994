/**
 * `collectWebEvidence`: everything the web checks judge, for one site, in one bounded run.
 *
 * Order: the target chain and the four pshtt endpoints (http/https × apex/www) in parallel; then,
 * on the site's origin, the soft-404 baseline and sensitive paths, CORS, the error page and
 * security.txt in parallel. Every request is bounded (connect+headers, body idle, total, size) and
 * the whole run has a budget too, so a stalled or looping server yields evidence with errors,
 * never a hang.
 */
import { getDomain } from 'tldts';
import type { ExposurePathEntry } from '../../checks/web/exposure-paths.js';
import type { ProbeContext } from '../context.js';
import { followChain, type ChainResult } from './chain.js';
import { HttpClient, type FetchResult, type ResolveHost } from './client.js';
import { collectCookies } from './cookies.js';
import { probeExposure, siteNames } from './exposure.js';
import { probeCors, probeErrorPage, probeSecurityTxt, scanErrorText } from './extras.js';
import { parsePage } from './page.js';
import type { FinalPage, RedirectChain, WebEvidence } from './types.js';

export interface CollectWebOptions {
  /** Resolve host names (wire vigil's DNS client here). Default: `ctx.resolver` via a dedicated resolver, else the system's. */
  resolve?: ResolveHost;
  /** Cap on the final page's body (reading stops there). Default 2 MiB. */
  maxBodyBytes?: number;
  /** Cap on each sensitive path's body. Default 64 KiB. */
  maxPathBodyBytes?: number;
  /** Redirect hops per chain. Default 10. */
  maxRedirects?: number;
  /** Connect + headers per request. Default `ctx.connectTimeoutMs`. */
  requestTimeoutMs?: number;
  /** Longest silence while reading a body. Default = requestTimeoutMs. */
  bodyIdleTimeoutMs?: number;
  /** One request including its body. Default 2 × requestTimeoutMs. */
  totalRequestTimeoutMs?: number;
  /** Sensitive paths in flight at once. Default 8. */
  pathConcurrency?: number;
  /** Time for the whole sensitive-path phase. Default 45 s. */
  pathBudgetMs?: number;
  /** The whole collection. Default 90 s (below the assessment's 120 s per-target limit, so partial evidence comes back). */
  runBudgetMs?: number;
  /** Probe the www/apex sibling endpoints too (pshtt). Default true. */
  includeWww?: boolean;
  /** Request the sensitive paths. Default true. */
  exposure?: boolean;
  /** Replace the documented path list (tests, vigil.yaml extensions). */
  exposurePaths?: ExposurePathEntry[];
  userAgent?: string;
  now?: () => Date;
}

const DEFAULT_USER_AGENT = 'Mozilla/5.0 (compatible; vigil/0.1; +security assessment)';

/** Parse what the user typed: `example.vn`, `https://example.vn/portal`, `http://[::1]:8080/`. */
export function normaliseTarget(input: string): URL {
  const trimmed = input.trim();
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed) ? trimmed : `https://${trimmed}`;
  const url = new URL(withScheme);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`not an http(s) URL: ${input}`);
  url.hash = '';
  return url;
}

function endpointStarts(host: string, isIpHost: boolean, includeWww: boolean): { label: RedirectChain['label']; url: string }[] {
  const hostPart = host.includes(':') ? `[${host}]` : host;
  if (isIpHost || !includeWww) {
    return [
      { label: 'http-apex', url: `http://${hostPart}/` },
      { label: 'https-apex', url: `https://${hostPart}/` },
    ];
  }
  const apex = host.replace(/^www\./i, '');
  return [
    { label: 'http-apex', url: `http://${apex}/` },
    { label: 'https-apex', url: `https://${apex}/` },
    { label: 'http-www', url: `http://www.${apex}/` },
    { label: 'https-www', url: `https://www.${apex}/` },
  ];
}

function looksLikeLogin(url: string, page: FinalPage): boolean {
  if (page.status === 401) return true;
  if (page.html?.loginForm) return true;
  try {
    const { pathname, search } = new URL(url);
    return /(^|\/|[_-])(login|log-in|signin|sign-in|logon|auth|sso|cas|oauth2?|adfs|dang-?nhap|account\/login)([/._?-]|$)/i.test(pathname + search);
  } catch {
    return false;
  }
}

function buildFinalPage(url: string, result: FetchResult | undefined, error: RedirectChain['error']): FinalPage {
  const page: FinalPage = { url, headers: {}, bodyBytes: 0, truncated: false, loginPage: false };
  if (!result || result.exchange.error || error) {
    page.error = error ?? result?.exchange.error ?? { code: 'other', message: 'no answer' };
    return page;
  }
  const { exchange } = result;
  page.headers = exchange.headers;
  if (exchange.status !== undefined) page.status = exchange.status;
  if (exchange.headers['content-type']) page.contentType = exchange.headers['content-type'];
  page.bodyBytes = result.body?.length ?? 0;
  page.truncated = result.truncated;
  if (result.bodyError) page.error = result.bodyError;
  const body = result.body?.toString('utf8') ?? '';
  if (/html|xml/i.test(page.contentType ?? '') || /^\s*<(!doctype|html|head|body)/i.test(body.slice(0, 512))) {
    page.html = parsePage(body, url, exchange.headers);
  }
  page.loginPage = looksLikeLogin(url, page);
  return page;
}

export async function collectWebEvidence(url: string, ctx: ProbeContext, options: CollectWebOptions = {}): Promise<WebEvidence> {
  const started = performance.now();
  const evidence = await collect(url, ctx, options);
  evidence.durationMs = Math.round(performance.now() - started);
  return evidence;
}

async function collect(url: string, ctx: ProbeContext, options: CollectWebOptions): Promise<WebEvidence> {
  const startedAt = (options.now ?? (() => new Date()))();
  const target = normaliseTarget(url);
  const host = target.hostname.replace(/^\[|\]$/g, '');
  const isIpHost = /^[\d.]+$/.test(host) || host.includes(':');
  const requestTimeoutMs = options.requestTimeoutMs ?? ctx.connectTimeoutMs;
  const limits = {
    maxBodyBytes: options.maxBodyBytes ?? 2 * 1024 * 1024,
    maxPathBodyBytes: options.maxPathBodyBytes ?? 64 * 1024,
    maxRedirects: options.maxRedirects ?? 10,
    requestTimeoutMs,
    pathBudgetMs: options.pathBudgetMs ?? 45_000,
    pathConcurrency: options.pathConcurrency ?? 8,
  };
  const runBudget = AbortSignal.timeout(options.runBudgetMs ?? 90_000);
  const client = new HttpClient(ctx, {
    requestTimeoutMs,
    bodyIdleTimeoutMs: options.bodyIdleTimeoutMs ?? requestTimeoutMs,
    totalTimeoutMs: options.totalRequestTimeoutMs ?? requestTimeoutMs * 2,
    connectionsPerOrigin: limits.pathConcurrency,
    userAgent: options.userAgent ?? DEFAULT_USER_AGENT,
    ...(options.resolve ? { resolve: options.resolve } : {}),
  });
  const notes: string[] = [];
  try {
    const chainOptions = { maxRedirects: limits.maxRedirects, signal: runBudget };
    const starts = endpointStarts(host, isIpHost, options.includeWww ?? true);
    const targetRun = followChain(client, 'target', target.href, { ...chainOptions, readFinalBody: limits.maxBodyBytes });
    const endpointRuns = starts.map((start) =>
      start.url === target.href
        ? targetRun.then((result): ChainResult => ({ chain: { ...result.chain, label: start.label } }))
        : followChain(client, start.label, start.url, { ...chainOptions, readFinalBody: 0 }),
    );
    const [targetResult, ...endpointResults] = await Promise.all([targetRun, ...endpointRuns]);
    const chain = targetResult!.chain;
    const endpoints = endpointResults.map((r) => r.chain);

    let finalUrl = chain.finalUrl ?? target.href;
    let finalFetch = targetResult!.final;
    let finalError = chain.outcome === 'ok' ? undefined : chain.error;
    if (chain.outcome === 'error') {
      // The scheme asked for does not answer (typical: a bare name, https assumed, on an http-only
      // site): judge the page the other scheme of the same host serves, and say so.
      const otherScheme = target.protocol === 'https:' ? 'http:' : 'https:';
      const sibling = endpoints.find((e) => e.outcome === 'ok' && new URL(e.start).protocol === otherScheme && new URL(e.start).hostname === target.hostname);
      if (sibling?.finalUrl) {
        const refetch = await client.fetch(sibling.finalUrl, { bodyLimit: () => limits.maxBodyBytes, signal: runBudget });
        if (!refetch.exchange.error) {
          notes.push(`${target.href} did not answer (${chain.error?.message}); the page judged is ${sibling.finalUrl}`);
          finalUrl = sibling.finalUrl;
          finalFetch = refetch;
          finalError = undefined;
        }
      }
    }
    const finalPage = buildFinalPage(finalUrl, finalFetch, finalError);
    const cookieSources = chain.steps.map((step) => ({ url: step.url, setCookies: step.setCookies }));
    if (finalFetch && finalUrl !== chain.finalUrl) cookieSources.push({ url: finalUrl, setCookies: finalFetch.exchange.setCookies });
    const cookies = collectCookies(cookieSources);

    // The site lives where the target lands when that is the same host or its www/apex sibling;
    // a landing elsewhere (a single sign-on server, another portal) is not the site assessed: then
    // the target's own origin, https when it answers.
    const finalHost = new URL(finalUrl).hostname;
    const bare = (name: string): string => name.toLowerCase().replace(/^www\./, '');
    const sameSite = bare(finalHost) === bare(target.hostname);
    const httpsOfTarget = endpoints.find((e) => e.label.startsWith('https') && new URL(e.start).hostname === target.hostname && e.outcome !== 'error');
    const siteOrigin = sameSite && !finalPage.error ? new URL(finalUrl).origin : httpsOfTarget ? new URL(httpsOfTarget.start).origin : target.origin;
    if (!sameSite) notes.push(`the target ends on another site (${finalHost}); sensitive paths were probed on ${siteOrigin}`);

    const evidence: WebEvidence = {
      target: target.href,
      host,
      apexHost: host.replace(/^www\./i, ''),
      startedAt: startedAt.toISOString(),
      durationMs: 0,
      chain,
      endpoints,
      siteOrigin,
      finalPage,
      cookies,
      paths: [],
      limits,
      notes,
    };

    // Any HTTP answer from the site's origin (even a redirect loop at its root) means its paths can
    // still be probed: a looping home page does not hide an exposed /.git/HEAD.
    const siteReachable =
      !finalPage.error || [chain, ...endpoints].some((e) => new URL(e.start).origin === siteOrigin && e.steps.some((step) => step.status !== undefined));
    if (runBudget.aborted) {
      notes.push('the run budget ran out: sensitive paths, CORS, error page and security.txt were not probed');
      return evidence;
    }
    if (!siteReachable) {
      notes.push('the site did not answer: sensitive paths, CORS, error page and security.txt were not probed');
      return evidence;
    }
    const httpsOrigin = siteOrigin.startsWith('https:') ? siteOrigin : httpsOfTarget && sameSite ? new URL(httpsOfTarget.start).origin : siteOrigin;
    const corsUrl = sameSite && !finalPage.error ? finalUrl : `${siteOrigin}/`;
    const [exposure, cors, errorPage, securityTxt] = await Promise.all([
      options.exposure === false
        ? Promise.resolve(undefined)
        : probeExposure(client, siteOrigin, siteNames(host, getDomain(host)), {
            concurrency: limits.pathConcurrency,
            budgetMs: limits.pathBudgetMs,
            bodyLimit: limits.maxPathBodyBytes,
            signal: runBudget,
            ...(options.exposurePaths ? { entries: options.exposurePaths } : {}),
          }),
      probeCors(client, corsUrl, runBudget),
      probeErrorPage(client, siteOrigin, limits.maxPathBodyBytes, runBudget),
      probeSecurityTxt(client, httpsOrigin, startedAt, runBudget),
    ]);
    if (exposure) {
      evidence.baseline = exposure.baseline;
      evidence.paths = exposure.paths;
    } else {
      notes.push('sensitive paths not probed (turned off)');
    }
    evidence.cors = cors;
    evidence.errorPages = errorPage.evidence;
    for (const sample of exposure?.bodies ?? []) scanErrorText(sample.url, sample.body, errorPage.evidence);
    if (finalFetch?.body && !finalPage.error) scanErrorText(finalUrl, finalFetch.body.toString('utf8'), errorPage.evidence);
    evidence.securityTxt = securityTxt;
    if (evidence.paths.some((p) => p.error?.code === 'budget'))
      notes.push(`the sensitive-path budget (${limits.pathBudgetMs} ms) ran out; unchecked paths are reported as errors`);
    return evidence;
  } finally {
    await client.close();
  }
}
