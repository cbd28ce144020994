/**
 * probeTls: what an endpoint's TLS looks like from outside — versions, suites per version, the
 * server's preference, the certificate chain, trust, hostname and OCSP stapling. Many short
 * handshakes run concurrently (a small limit per endpoint) so a full scan takes a fraction of a
 * second on a near network; every handshake and the whole probe are bounded in time.
 */
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { createSecureContext, rootCertificates, type SecureContext, type SecureVersion } from 'node:tls';
import { mappedEndpoint, type ProbeContext } from '../context.js';
import { assertAddressInScope } from '../scope.js';
import { certificateEvidence } from './certificate.js';
import { type CipherMeta, cipherMeta, offerableSuites, toCipherSuite } from './ciphers.js';
import { type AttemptOutcome, attemptHandshake } from './handshake.js';
import { createLimiter } from './limit.js';
import { RAW_VERSIONS, type RawOutcome, rawHello } from './raw-hello.js';
import type { StartTlsProtocol, TlsEvidence, TlsVersion, VersionCiphers, VersionSupport } from './types.js';

export interface ProbeTlsOptions {
  /** SNI and the name the certificate must match (default: host). */
  servername?: string | undefined;
  starttls?: StartTlsProtocol | undefined;
  /** Handshakes in flight at once (default 8, 4 with STARTTLS so mail servers are not hammered). */
  concurrency?: number | undefined;
  /** Whole-probe time limit (default 4 × connectTimeoutMs, at least 5 s). */
  budgetMs?: number | undefined;
  /** Enumerate suites per version (default true). */
  ciphers?: boolean | undefined;
}

type Testable = 'TLSv1' | 'TLSv1.1' | 'TLSv1.2' | 'TLSv1.3';
const TESTABLE: readonly Testable[] = ['TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'];

const trustContexts = new Map<string, SecureContext>();

/** The context for the verifying handshake: system roots + extra CAs, everything offered. Cached per CA set. */
function trustContext(extraCaPem: readonly string[], ciphers: string): SecureContext {
  const key = `${ciphers}\n${extraCaPem.join('\n')}`;
  let context = trustContexts.get(key);
  if (!context) {
    context = createSecureContext({ ca: [...rootCertificates, ...extraCaPem], ciphers, minVersion: 'TLSv1', maxVersion: 'TLSv1.3' });
    if (trustContexts.size > 16) trustContexts.clear();
    trustContexts.set(key, context);
  }
  return context;
}

/** Resolve a name once so the dozens of handshakes do not each ask the resolver. */
async function resolveOnce(host: string, timeoutMs: number): Promise<string> {
  if (isIP(host) !== 0) return host;
  let timer: NodeJS.Timeout | undefined;
  try {
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`resolving ${host} timed out after ${timeoutMs} ms`)), timeoutMs);
    });
    return (await Promise.race([lookup(host), timeout])).address;
  } finally {
    clearTimeout(timer);
  }
}

function cipherString(suites: readonly CipherMeta[]): string {
  // TLS 1.3 names go to SSL_CTX_set_ciphersuites, the rest to set_cipher_list; with only 1.3 names
  // the 1.2 list needs something valid, and it is never offered because the version is pinned.
  const tls13 = suites.some((s) => s.minVersion === 'TLSv1.3');
  return `${suites.map((s) => s.name).join(':')}${tls13 ? ':ALL' : ''}:@SECLEVEL=0`;
}

function candidatesFor(version: Testable, offerable: readonly CipherMeta[]): CipherMeta[] {
  if (version === 'TLSv1.3') return offerable.filter((s) => s.minVersion === 'TLSv1.3');
  if (version === 'TLSv1.2') return offerable.filter((s) => s.minVersion !== 'TLSv1.3');
  return offerable.filter((s) => s.minVersion === 'SSLv3' || s.minVersion === 'TLSv1');
}

function support(outcome: AttemptOutcome): VersionSupport {
  if (outcome.kind === 'accepted') return 'accepted';
  if (outcome.kind === 'rejected') return 'rejected';
  if (outcome.kind === 'local') return 'not-testable';
  return 'error';
}

export async function probeTls(host: string, port: number, ctx: ProbeContext, options: ProbeTlsOptions = {}): Promise<TlsEvidence> {
  const started = performance.now();
  const target = mappedEndpoint(ctx, host, port);
  const budgetMs = options.budgetMs ?? Math.max(ctx.connectTimeoutMs * 4, 5_000);
  const signal = AbortSignal.any([AbortSignal.timeout(budgetMs), ...(ctx.signal ? [ctx.signal] : [])]);
  const limit = createLimiter(options.concurrency ?? (options.starttls ? 4 : 8));
  const servername = options.servername ?? host;
  let handshakes = 0;

  let address = target.host;
  const attempt = (min: SecureVersion, max: SecureVersion, ciphers: string, details?: { secureContext: SecureContext }) =>
    limit(() => {
      handshakes++;
      return attemptHandshake({
        host: address,
        port: target.port,
        servername,
        starttls: options.starttls,
        minVersion: min,
        maxVersion: max,
        ciphers,
        timeoutMs: ctx.connectTimeoutMs,
        signal,
        details,
      });
    });

  const { offerable, untested } = offerableSuites();
  const everything = cipherString(offerable);
  const protocols: Record<TlsVersion, VersionSupport> = {
    SSLv2: 'not-testable',
    SSLv3: 'not-testable',
    TLSv1: 'error',
    'TLSv1.1': 'error',
    'TLSv1.2': 'error',
    'TLSv1.3': 'error',
  };
  const evidence: TlsEvidence = {
    host,
    port,
    connectedTo: target,
    servername: options.servername,
    starttls: options.starttls,
    reachable: false,
    protocols,
    ciphers: [],
    untestedSuites: untested.map((s) => s.name),
    handshakes: 0,
    durationMs: 0,
  };
  const done = () => {
    evidence.handshakes = handshakes;
    evidence.durationMs = Math.round(performance.now() - started);
    return evidence;
  };

  try {
    address = await resolveOnce(target.host, ctx.connectTimeoutMs);
    assertAddressInScope(ctx.scope, address, host);
    evidence.connectedTo = { host: address, port: target.port };
  } catch (error) {
    evidence.error = (error as Error).message;
    return done();
  }

  // 1. One full handshake: everything offered, chain verified, OCSP requested.
  const base = await attempt('TLSv1', 'TLSv1.3', everything, { secureContext: trustContext(ctx.extraCaPem, everything) });
  if (base.kind === 'error' || base.kind === 'local') {
    evidence.error = base.reason;
    return done();
  }
  if (base.kind === 'accepted') {
    evidence.reachable = true;
    evidence.negotiated = { protocol: base.protocol, cipher: base.standardName, keyExchangeGroup: base.keyExchangeGroup };
    evidence.certificate = certificateEvidence(base.chain, base.authorizationError, servername, base.ocsp);
  } else {
    evidence.error = `no handshake with everything offered: ${base.reason}`;
  }

  // 2. Each version alone.
  const versionOutcomes = await Promise.all(TESTABLE.map((v) => attempt(v, v, cipherString(candidatesFor(v, offerable)))));
  TESTABLE.forEach((v, i) => {
    protocols[v] = support(versionOutcomes[i]!);
  });
  if (versionOutcomes.some((o) => o.kind === 'accepted')) evidence.reachable = true;
  if (options.ciphers === false) return done();

  // 3. Suites per accepted version: offer a family (same key exchange + authentication), note the
  //    server's pick, remove it, repeat until refused. Families run concurrently.
  const accepted = TESTABLE.filter((v) => protocols[v] === 'accepted');
  evidence.ciphers = await Promise.all(accepted.map((v) => enumerateVersion(v, offerable, attempt)));

  // 4. What OpenSSL cannot offer (SSLv3; 3DES/RC4/DES/export/IDEA/SEED suites), asked with
  //    hand-built ClientHellos that stop at the ServerHello.
  const raw = (version: number, suites: readonly CipherMeta[]) =>
    limit(() => {
      handshakes++;
      return rawHello({
        host: address,
        port: target.port,
        servername,
        starttls: options.starttls,
        version,
        ciphers: suites.map((s) => Number.parseInt(s.code, 16)),
        timeoutMs: ctx.connectTimeoutMs,
        signal,
      });
    });
  const legacy = untested.filter((s) => s.minVersion !== 'TLSv1.3');
  const sslv3Suites = [...offerable, ...untested].filter((s) => s.minVersion === 'SSLv3');
  const rawVersions = ['SSLv3', 'TLSv1', 'TLSv1.1', 'TLSv1.2'] as const;
  const rawResults = await Promise.all(rawVersions.map((v) => rawEliminate(RAW_VERSIONS[v], v === 'SSLv3' ? sslv3Suites : legacy, raw)));
  let legacyComplete = true;
  rawVersions.forEach((v, i) => {
    const result = rawResults[i]!;
    if (result.error) legacyComplete = false;
    if (v === 'SSLv3') protocols.SSLv3 = result.accepted.length > 0 ? 'accepted' : result.error ? 'error' : 'rejected';
    if (result.accepted.length === 0) return;
    protocols[v] = 'accepted';
    evidence.reachable = true;
    let entry = evidence.ciphers.find((c) => c.version === v);
    if (!entry) {
      entry = { version: v, suites: [], incomplete: v === 'SSLv3' ? undefined : true };
      evidence.ciphers.push(entry);
    }
    entry.suites.push(...result.accepted.map(toCipherSuite));
  });
  evidence.ciphers.sort((a, b) => TLS_VERSION_ORDER.indexOf(a.version) - TLS_VERSION_ORDER.indexOf(b.version));
  evidence.untestedSuites = (legacyComplete ? untested.filter((s) => s.minVersion === 'TLSv1.3') : untested).map((s) => s.name);
  return done();
}

const TLS_VERSION_ORDER: readonly TlsVersion[] = ['SSLv2', 'SSLv3', 'TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'];

/** Elimination with raw hellos: accepted only when the server answers with exactly this version. */
async function rawEliminate(
  version: number,
  candidates: readonly CipherMeta[],
  raw: (version: number, suites: readonly CipherMeta[]) => Promise<RawOutcome>,
): Promise<{ accepted: CipherMeta[]; error?: string }> {
  let remaining = [...candidates];
  const accepted: CipherMeta[] = [];
  while (remaining.length > 0) {
    const outcome = await raw(version, remaining);
    if (outcome.kind === 'error') return { accepted, error: outcome.reason };
    if (outcome.kind === 'rejected' || outcome.version !== version) return { accepted };
    const chosen = remaining.find((s) => Number.parseInt(s.code, 16) === outcome.cipher);
    if (!chosen) return { accepted, error: `server chose 0x${outcome.cipher.toString(16)}, which was not offered` };
    accepted.push(chosen);
    remaining = remaining.filter((s) => s !== chosen);
  }
  return { accepted };
}

type Attempt = (min: SecureVersion, max: SecureVersion, ciphers: string) => Promise<AttemptOutcome>;

/** Offer `candidates`; the suite the server picks, or why none was. */
async function eliminateStep(version: Testable, candidates: CipherMeta[], attempt: Attempt): Promise<{ chosen?: CipherMeta; incomplete: boolean }> {
  const outcome = await attempt(version, version, cipherString(candidates));
  if (outcome.kind !== 'accepted') return { incomplete: outcome.kind === 'error' };
  const chosen = cipherMeta(outcome.cipher);
  // A server choosing something not offered would make elimination loop; stop and say so.
  if (!chosen || !candidates.includes(chosen)) return { incomplete: true };
  return { chosen, incomplete: false };
}

async function eliminate(version: Testable, candidates: CipherMeta[], attempt: Attempt): Promise<{ accepted: CipherMeta[]; incomplete: boolean }> {
  let remaining = candidates;
  const accepted: CipherMeta[] = [];
  while (remaining.length > 0) {
    const step = await eliminateStep(version, remaining, attempt);
    if (!step.chosen) return { accepted, incomplete: step.incomplete };
    accepted.push(step.chosen);
    remaining = remaining.filter((s) => s !== step.chosen);
  }
  return { accepted, incomplete: false };
}

/** Families (same key exchange + authentication) cut into small groups, so eliminations run side by side. */
const GROUP_SIZE = 6;

async function enumerateVersion(version: Testable, offerable: readonly CipherMeta[], attempt: Attempt): Promise<VersionCiphers> {
  const candidates = candidatesFor(version, offerable);
  const families = new Map<string, CipherMeta[]>();
  for (const suite of candidates) {
    const key = `${suite.keyExchange}/${suite.authentication}`;
    families.set(key, [...(families.get(key) ?? []), suite]);
  }
  // One handshake per family first: most families (ECDSA on an RSA-only server, DHE without
  // parameters, anonymous) are refused outright; the rest are cut into small groups and eliminated
  // side by side.
  const results = (
    await Promise.all(
      [...families.values()].map(async (family) => {
        const first = await eliminateStep(version, family, attempt);
        if (!first.chosen) return [{ accepted: [], incomplete: first.incomplete }];
        const rest = family.filter((s) => s !== first.chosen);
        const chunks: CipherMeta[][] = [];
        for (let i = 0; i < rest.length; i += GROUP_SIZE) chunks.push(rest.slice(i, i + GROUP_SIZE));
        return [{ accepted: [first.chosen], incomplete: false }, ...(await Promise.all(chunks.map((chunk) => eliminate(version, chunk, attempt))))];
      }),
    )
  ).flat();
  const found = new Set(results.flatMap((r) => r.accepted));
  const suites = candidates.filter((s) => found.has(s));
  const incomplete = results.some((r) => r.incomplete);
  let serverPreference: boolean | undefined;
  let preferred: string | undefined;

  if (suites.length >= 2) {
    // Offer the accepted suites forwards and backwards: the same pick both times = the server's
    // order. (The full order would take one sequential handshake per suite; the top pick is what matters.)
    const [forward, backward] = await Promise.all([
      attempt(version, version, cipherString(suites)),
      attempt(version, version, cipherString([...suites].reverse())),
    ]);
    if (forward.kind === 'accepted' && backward.kind === 'accepted') {
      serverPreference = forward.cipher === backward.cipher;
      if (serverPreference) preferred = cipherMeta(forward.cipher)?.name ?? forward.cipher;
    }
  } else if (suites.length === 1) {
    preferred = suites[0]!.name;
  }
  return { version, suites: suites.map(toCipherSuite), serverPreference, preferred, incomplete: incomplete || undefined };
}
