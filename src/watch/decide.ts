/**
 * Pure decisions: a monitor's measurements → its verdict. No network, no clock reads (the time is
 * passed in), so every rule here is tested on plain values.
 */
import type { DnsMonitorConfig, HeartbeatMonitorConfig, HttpMonitorConfig, SmtpMonitorConfig, TcpMonitorConfig, TlsMonitorConfig } from './config-schema.js';
import type { DnsEvidence } from './monitors/dns.js';
import type { HttpEvidence } from './monitors/http.js';
import type { SmtpEvidence } from './monitors/smtp.js';
import type { TcpEvidence } from './monitors/tcp.js';
import type { TlsEvidence } from './monitors/tls.js';
import type { MonitorStatus, Verdict } from './types.js';
import { userPatternTest } from './user-pattern.js';

const DAY_MS = 86_400_000;

export function decideHttp(config: HttpMonitorConfig, evidence: HttpEvidence): Verdict {
  const responseMs = evidence.responseMs;
  if (evidence.error || evidence.status === undefined) return { status: 'down', detail: evidence.error ?? 'no response', responseMs };
  const accepted = config.expectStatus ? config.expectStatus.includes(evidence.status) : evidence.status >= 200 && evidence.status < 400;
  if (!accepted)
    return { status: 'down', detail: `HTTP ${evidence.status}${config.expectStatus ? ` (expected ${config.expectStatus.join('/')})` : ''}`, responseMs };
  if (config.keyword !== undefined) {
    const present = evidence.body.includes(config.keyword);
    if (present === config.absent) {
      return { status: 'down', detail: config.absent ? `forbidden text "${config.keyword}" is present` : `text "${config.keyword}" not found`, responseMs };
    }
  }
  if (config.regex !== undefined) {
    let matches: boolean;
    try {
      matches = userPatternTest(config.regex, evidence.body);
    } catch (error) {
      return { status: 'down', detail: `pattern /${config.regex}/ could not be run: ${(error as Error).message}`, responseMs };
    }
    if (matches === config.absent) {
      return { status: 'down', detail: config.absent ? `forbidden pattern /${config.regex}/ matches` : `pattern /${config.regex}/ does not match`, responseMs };
    }
  }
  if (config.json) {
    const outcome = evaluateJsonCondition(evidence.body, config.json);
    if (!outcome.ok) return { status: 'down', detail: outcome.detail, responseMs };
  }
  if (config.degradedAfter !== undefined && responseMs > config.degradedAfter) {
    return { status: 'degraded', detail: `HTTP ${evidence.status} in ${responseMs} ms (slower than ${config.degradedAfter} ms)`, responseMs };
  }
  return { status: 'up', detail: `HTTP ${evidence.status} in ${responseMs} ms${evidence.bodyTruncated ? ' (body capped)' : ''}`, responseMs };
}

/** `a.b[2].c` over a JSON body, compared with op/value. */
export function evaluateJsonCondition(body: string, condition: NonNullable<HttpMonitorConfig['json']>): { ok: boolean; detail: string } {
  let document: unknown;
  try {
    document = JSON.parse(body);
  } catch {
    return { ok: false, detail: 'body is not JSON' };
  }
  const found = jsonPath(document, condition.path);
  if (condition.op === 'exists') return found.exists ? { ok: true, detail: '' } : { ok: false, detail: `${condition.path} is missing` };
  if (!found.exists) return { ok: false, detail: `${condition.path} is missing` };
  const actual = found.value;
  const expected = condition.value;
  let ok: boolean;
  switch (condition.op) {
    case '==':
      ok = looseEqual(actual, expected);
      break;
    case '!=':
      ok = !looseEqual(actual, expected);
      break;
    default: {
      const a = Number(actual);
      const b = Number(expected);
      ok = Number.isFinite(a) && Number.isFinite(b) && (condition.op === '<' ? a < b : condition.op === '<=' ? a <= b : condition.op === '>' ? a > b : a >= b);
    }
  }
  return ok ? { ok, detail: '' } : { ok, detail: `${condition.path} = ${JSON.stringify(actual)}, expected ${condition.op} ${JSON.stringify(expected)}` };
}

function looseEqual(actual: unknown, expected: unknown): boolean {
  if (actual === expected) return true;
  return actual !== null && typeof actual !== 'object' && String(actual) === String(expected);
}

export function jsonPath(document: unknown, path: string): { exists: boolean; value?: unknown } {
  const parts = path
    .replace(/^\$\.?/, '')
    .split(/\.|\[(\d+)\]/)
    .filter((p) => p !== undefined && p !== '');
  let current: unknown = document;
  for (const part of parts) {
    if (current === null || typeof current !== 'object') return { exists: false };
    if (!Object.hasOwn(current as object, part)) return { exists: false };
    current = (current as Record<string, unknown>)[part];
  }
  return { exists: true, value: current };
}

export function decideTcp(_config: TcpMonitorConfig, evidence: TcpEvidence): Verdict {
  if (evidence.error) return { status: 'down', detail: evidence.error, responseMs: evidence.connectMs };
  return { status: 'up', detail: `port open (${evidence.connectMs} ms)`, responseMs: evidence.connectMs };
}

/**
 * DNS: expected values must all be present; any change against the last answer seen is an event
 * (a hijacked MX or NS is the quiet prelude to mail theft), even if the status stays up.
 */
export function decideDns(config: DnsMonitorConfig, evidence: DnsEvidence, memory: { values?: string[] } | undefined): Verdict {
  const responseMs = evidence.responseMs;
  if (evidence.error) return { status: 'down', detail: `DNS query failed: ${evidence.error}`, responseMs, memory };
  const values = evidence.values;
  const nextMemory = { values };
  let event: Verdict['event'];
  const previous = memory?.values;
  if (config.alertOnChange && previous && !sameValues(previous, values)) {
    const added = values.filter((v) => !previous.includes(v));
    const removed = previous.filter((v) => !values.includes(v));
    event = {
      kind: 'dns-change',
      summary: `${config.recordType} ${config.host} changed: ${added.length ? `+${added.join(', +')}` : ''}${added.length && removed.length ? ' ' : ''}${removed.length ? `-${removed.join(', -')}` : ''}`,
      detail: { before: previous, after: values, added, removed },
    };
  }
  if (config.expected) {
    const expected = config.expected.map((v) => v.trim().replace(/\.$/, '').toLowerCase());
    const missing = expected.filter((v) => !values.map((x) => x.toLowerCase()).includes(v));
    if (missing.length)
      return {
        status: 'down',
        detail: `${config.recordType} ${config.host}: missing ${missing.join(', ')} (got ${values.join(', ') || 'nothing'})`,
        responseMs,
        memory: nextMemory,
        event,
      };
  } else if (values.length === 0) {
    return { status: 'down', detail: `${config.recordType} ${config.host}: no records`, responseMs, memory: nextMemory, event };
  }
  return { status: 'up', detail: `${config.recordType} ${config.host}: ${values.join(', ')}`, responseMs, memory: nextMemory, event };
}

function sameValues(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/**
 * TLS expiry: below the smallest threshold (default 7 days) or expired/untrusted → down; below
 * another threshold (14, 21) → degraded. Crossing a threshold is an event once per threshold.
 */
export function decideTls(config: TlsMonitorConfig, evidence: TlsEvidence, now: number, memory?: { threshold?: number }): Verdict {
  return tlsVerdict(config.expiryDays, evidence, now, memory, `${config.host}:${config.port}`);
}

export function tlsVerdict(expiryDays: number[], evidence: TlsEvidence, now: number, memory: { threshold?: number } | undefined, subject: string): Verdict {
  const responseMs = evidence.responseMs;
  if (evidence.error) return { status: 'down', detail: `TLS failed: ${evidence.error}`, responseMs };
  const certificate = evidence.certificate;
  const validTo = certificate?.chain[0]?.notAfter;
  if (!certificate || !validTo) return { status: 'down', detail: 'no certificate', responseMs };
  const daysLeft = Math.floor((Date.parse(validTo) - now) / DAY_MS);
  if (daysLeft < 0) return { status: 'down', detail: `certificate of ${subject} expired ${-daysLeft} day(s) ago (${validTo})`, responseMs };
  if (!certificate.trusted || !certificate.hostnameMatches) {
    const reason = certificate.trusted
      ? `ERR_TLS_CERT_ALTNAME_INVALID: ${certificate.hostnameError ?? certificate.checkedName}`
      : (certificate.trustError ?? 'unknown reason');
    return { status: 'down', detail: `certificate of ${subject} is not trusted: ${reason}`, responseMs };
  }
  const thresholds = [...expiryDays].sort((a, b) => a - b);
  const crossed = thresholds.find((days) => daysLeft <= days);
  const nextMemory = crossed === undefined ? {} : { threshold: crossed };
  const event =
    crossed !== undefined && memory?.threshold !== crossed
      ? {
          kind: 'cert-expiry',
          summary: `certificate of ${subject} expires in ${daysLeft} day(s) (threshold ${crossed})`,
          detail: { daysLeft, validTo },
        }
      : undefined;
  const detail = `certificate valid ${daysLeft} more day(s), until ${validTo.slice(0, 10)}`;
  if (crossed === undefined) return { status: 'up', detail, responseMs, memory: nextMemory };
  const status: MonitorStatus = crossed === thresholds[0] ? 'down' : 'degraded';
  return { status, detail: `${detail} — below the ${crossed}-day threshold`, responseMs, memory: nextMemory, event };
}

export function decideSmtp(config: SmtpMonitorConfig, evidence: SmtpEvidence, now: number): Verdict {
  const responseMs = evidence.responseMs;
  if (evidence.error) return { status: 'down', detail: evidence.error, responseMs };
  if (config.banner) {
    let matches: boolean;
    try {
      matches = userPatternTest(config.banner, evidence.banner ?? '', { ignoreCase: true });
    } catch (error) {
      return { status: 'down', detail: `banner pattern /${config.banner}/ could not be run: ${(error as Error).message}`, responseMs };
    }
    if (!matches) return { status: 'down', detail: `banner "${evidence.banner}" does not match /${config.banner}/`, responseMs };
  }
  if (config.starttls) {
    if (!evidence.starttlsOffered) return { status: 'down', detail: 'STARTTLS is not offered', responseMs };
    if (!evidence.tls || evidence.tls.error) return { status: 'down', detail: `STARTTLS failed: ${evidence.tls?.error ?? 'no handshake'}`, responseMs };
    // Monitored by address (the lab, or a server without a name): no name to match, so only the
    // chain and the dates count.
    const byAddress = /^[\d.]+$|:/.test(config.host);
    const tls = byAddress && evidence.tls.certificate ? { ...evidence.tls, certificate: { ...evidence.tls.certificate, hostnameMatches: true } } : evidence.tls;
    const cert = tlsVerdict([14, 7], tls, now, undefined, config.host);
    if (cert.status !== 'up') return { ...cert, event: undefined, memory: undefined };
  }
  return { status: 'up', detail: `220 ${evidence.banner ?? ''}${config.starttls ? ' · STARTTLS ok' : ''}`.slice(0, 300), responseMs };
}

/**
 * Dead-man's switch: the job must call within period + grace of its last call (or of the
 * monitor's creation when it has never called).
 */
export function decideHeartbeat(config: HeartbeatMonitorConfig, lastCallAt: number | undefined, createdAt: number, now: number): Verdict {
  const reference = lastCallAt ?? createdAt;
  const deadline = reference + config.period + config.grace;
  if (now > deadline) {
    const lateMin = Math.round((now - deadline) / 60_000);
    return {
      status: 'down',
      detail: lastCallAt
        ? `no call since ${new Date(lastCallAt).toISOString()} — late by ${lateMin} min`
        : `never called (expected within ${Math.round((config.period + config.grace) / 60_000)} min)`,
    };
  }
  return { status: 'up', detail: lastCallAt ? `last call ${new Date(lastCallAt).toISOString()}` : 'waiting for the first call' };
}
