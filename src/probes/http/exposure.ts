/**
 * Sensitive paths with a soft-404 baseline (the false-positive trap of naive scanners):
 * 1. request two random paths to learn what "not found" looks like here (status, length,
 *    redirect target, and a word-set fingerprint of the body);
 * 2. request every path of the documented list (src/checks/web/exposure-paths.ts) with bounded
 *    concurrency inside one time budget;
 * 3. a path is `found` only when its content signature matches AND the answer is not like the
 *    baseline (same redirect target, or a body ≥ 85 % similar to a random path's).
 */
import { randomBytes } from 'node:crypto';
import { EXPOSURE_PATHS, type ExposurePathEntry, isHtml, maskSecrets, type SiteNames } from '../../checks/web/exposure-paths.js';
import type { HttpClient } from './client.js';
import { isRedirect } from './chain.js';
import type { NotFoundBaseline, PathProbe, ProbeFailure } from './types.js';

export const SIMILARITY_THRESHOLD = 0.85;

/** A body's words (digits and the requested path removed: soft-404 pages often echo them). */
export function fingerprint(body: string, path: string): Set<string> {
  let text = body.toLowerCase();
  const variants = [path, encodeURI(path), path.replace(/^\//, '')].map((v) => v.toLowerCase()).filter((v) => v.length > 1);
  for (const variant of variants) text = text.split(variant).join(' ');
  text = text.replace(/vigil-[0-9a-f]{8,}/g, ' ').replace(/\d+/g, '0');
  return new Set(text.split(/[^\p{L}\p{N}_]+/u).filter((word) => word.length >= 2));
}

export function similarity(a: Set<string>, b: Set<string>): number {
  if (a.size === 0 && b.size === 0) return 1;
  let shared = 0;
  for (const word of a) if (b.has(word)) shared++;
  return shared / (a.size + b.size - shared);
}

interface BaselineSample {
  status?: number;
  location?: string;
  words: Set<string>;
  length: number;
}

export interface Baseline {
  evidence: NotFoundBaseline;
  /** The random paths' bodies (for the error-page scan), capped like every path body. */
  bodies: { url: string; body: string }[];
  samples: BaselineSample[];
  randomToken: string;
}

/** Origin + path of a redirect target, the requested path replaced by `*` (query and fragment dropped). */
function normaliseLocation(location: string | undefined, requestedPath: string): string | undefined {
  if (!location) return undefined;
  try {
    const url = new URL(location);
    const bare = requestedPath.replace(/\/$/, '');
    return url.origin + (bare.length > 1 ? url.pathname.split(bare).join('*') : url.pathname);
  } catch {
    return location;
  }
}

export async function learnBaseline(client: HttpClient, origin: string, limit: number, signal: AbortSignal): Promise<Baseline> {
  const token = randomBytes(8).toString('hex');
  const paths = [`/vigil-${token}.txt`, `/vigil-${token}/`];
  const evidence: NotFoundBaseline = { samples: [], soft404: false };
  const samples: BaselineSample[] = [];
  const bodies: Baseline['bodies'] = [];
  await Promise.all(
    paths.map(async (path) => {
      const result = await client.fetch(origin + path, { bodyLimit: (status) => (isRedirect(status) ? 0 : limit), signal });
      const body = result.body?.toString('utf8') ?? '';
      const sample: NotFoundBaseline['samples'][number] = { path, length: result.body?.length ?? 0 };
      if (result.exchange.status !== undefined) sample.status = result.exchange.status;
      if (result.exchange.headers['content-type']) sample.contentType = result.exchange.headers['content-type'];
      if (result.exchange.location) sample.location = result.exchange.location;
      if (result.exchange.error) sample.error = result.exchange.error;
      evidence.samples.push(sample);
      if (body) bodies.push({ url: origin + path, body });
      if (!result.exchange.error) {
        const location = normaliseLocation(result.exchange.location, path);
        samples.push({
          ...(result.exchange.status !== undefined ? { status: result.exchange.status } : {}),
          ...(location ? { location } : {}),
          words: fingerprint(body, path),
          length: body.length,
        });
      }
    }),
  );
  evidence.soft404 = samples.some((s) => s.status !== undefined && ((s.status >= 200 && s.status < 300) || isRedirect(s.status)));
  return { evidence, samples, bodies, randomToken: token };
}

/**
 * The answer looks like the site's answer for a random path: a redirect to the same fixed place,
 * or a body of the same status that is nearly the same page.
 */
function likeBaseline(baseline: Baseline, path: string, answer: { status?: number; body?: string; location?: string }): boolean {
  for (const sample of baseline.samples) {
    if (answer.location !== undefined) {
      // Every unknown path redirects to one fixed place (home, a login page): the same redirect proves nothing.
      if (sample.location && !sample.location.includes('*') && normaliseLocation(answer.location, path) === sample.location) return true;
      continue;
    }
    if (sample.status !== answer.status || sample.location) continue;
    const body = answer.body ?? '';
    const words = fingerprint(body, path);
    if (similarity(words, sample.words) >= SIMILARITY_THRESHOLD) return true;
    // Near-identical small bodies (e.g. an empty 200) match on length.
    if (words.size < 5 && Math.abs(sample.length - body.length) <= Math.max(16, sample.length * 0.05)) return true;
  }
  return false;
}

export function siteNames(host: string, registrable: string | null | undefined): SiteNames {
  const bare = host.replace(/^www\./i, '');
  const names: SiteNames = { host: bare, first: bare.split('.')[0] ?? bare };
  const org = registrable?.split('.')[0];
  if (org && org !== names.first) names.org = org;
  return names;
}

export function expandPaths(entries: ExposurePathEntry[], names: SiteNames): { entry: ExposurePathEntry; path: string }[] {
  const out: { entry: ExposurePathEntry; path: string }[] = [];
  const seen = new Set<string>();
  for (const entry of entries) {
    const paths = typeof entry.paths === 'function' ? entry.paths(names) : entry.paths;
    for (const path of paths) {
      if (seen.has(path)) continue;
      seen.add(path);
      out.push({ entry, path });
    }
  }
  return out;
}

async function probePath(
  client: HttpClient,
  origin: string,
  entry: ExposurePathEntry,
  path: string,
  baseline: Baseline,
  limit: number,
  signal: AbortSignal,
): Promise<PathProbe> {
  const probe: PathProbe = { path, category: entry.category, entry: entry.id, verdict: 'absent' };
  const statuses = entry.statuses ?? [200];
  let url = origin + path;
  let firstLocation: string | undefined;
  for (let hop = 0; ; hop++) {
    if (signal.aborted) {
      probe.verdict = 'error';
      probe.error = { code: 'budget', message: 'time budget for sensitive paths ran out before this path' };
      return probe;
    }
    const result = await client.fetch(url, { bodyLimit: (status) => (statuses.includes(status) ? limit : 0), signal });
    const { exchange } = result;
    if (exchange.error) {
      probe.verdict = 'error';
      probe.error = exchange.error;
      return probe;
    }
    if (exchange.status !== undefined) probe.status = exchange.status;
    if (exchange.headers['content-type']) probe.contentType = exchange.headers['content-type'];
    if (isRedirect(exchange.status) && exchange.location) {
      probe.location = exchange.location;
      firstLocation ??= exchange.location;
      const sameOrigin = safeOrigin(exchange.location) === origin;
      if (hop < (entry.followRedirects ?? 0) && sameOrigin) {
        if (likeBaseline(baseline, path, { location: exchange.location })) {
          probe.verdict = 'soft-404';
          return probe;
        }
        url = exchange.location;
        continue;
      }
      return probe;
    }
    if (exchange.status === undefined || !statuses.includes(exchange.status) || !result.body) return probe;
    const binary = result.body.toString('latin1');
    probe.length = result.body.length;
    if (entry.notHtml && isHtml(binary, exchange.headers['content-type'])) return probe;
    if (!entry.match.every((re) => re.test(binary))) return probe;
    const text = result.body.toString('utf8');
    if (
      likeBaseline(baseline, path, { status: exchange.status, body: text }) ||
      (firstLocation !== undefined && likeBaseline(baseline, path, { location: firstLocation }))
    ) {
      probe.verdict = 'soft-404';
      return probe;
    }
    probe.verdict = 'found';
    probe.signature = entry.signature;
    if (entry.excerpt !== 'none') {
      const head = text
        .replace(/<[^>]+>/g, ' ')
        .replace(/[ \t]+/g, ' ')
        .split('\n')
        .map((l) => l.trim())
        .filter(Boolean)
        .slice(0, 3)
        .join('\n')
        .slice(0, 200);
      probe.excerpt = entry.excerpt === 'masked' ? maskSecrets(head) : head;
    }
    return probe;
  }
}

function safeOrigin(url: string): string | undefined {
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
}

/** Run tasks with at most `concurrency` in flight. */
export async function runPool<T>(tasks: (() => Promise<T>)[], concurrency: number): Promise<T[]> {
  const results: T[] = new Array(tasks.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < tasks.length) {
      const index = next++;
      results[index] = await tasks[index]!();
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, tasks.length)) }, worker));
  return results;
}

export async function probeExposure(
  client: HttpClient,
  origin: string,
  names: SiteNames,
  options: { concurrency: number; budgetMs: number; bodyLimit: number; entries?: ExposurePathEntry[]; signal?: AbortSignal },
): Promise<{ baseline: NotFoundBaseline; paths: PathProbe[]; bodies: Baseline['bodies'] }> {
  const budget = AbortSignal.timeout(options.budgetMs);
  const signal = options.signal ? AbortSignal.any([budget, options.signal]) : budget;
  const baseline = await learnBaseline(client, origin, options.bodyLimit, signal);
  const list = expandPaths(options.entries ?? EXPOSURE_PATHS, names);
  const baselineFailed = baseline.evidence.samples.every((s) => s.error);
  if (baselineFailed) {
    // Without a baseline nothing can be told apart from a soft-404: report every path as unchecked.
    const reason: ProbeFailure = {
      code: baseline.evidence.samples[0]?.error?.code ?? 'other',
      message: `no baseline (random path requests failed: ${baseline.evidence.samples[0]?.error?.message ?? 'unknown'})`,
    };
    return {
      baseline: baseline.evidence,
      bodies: [],
      paths: list.map(({ entry, path }) => ({ path, category: entry.category, entry: entry.id, verdict: 'error', error: reason })),
    };
  }
  const paths = await runPool(
    list.map(
      ({ entry, path }) =>
        () =>
          probePath(client, origin, entry, path, baseline, options.bodyLimit, signal),
    ),
    options.concurrency,
  );
  return { baseline: baseline.evidence, paths, bodies: baseline.bodies };
}
