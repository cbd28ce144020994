/**
 * The small extra probes: CORS with a hostile Origin, an error page that may leak a stack trace,
 * and /.well-known/security.txt (RFC 9116). Each costs one or two bounded requests.
 */
import { randomBytes } from 'node:crypto';
import type { HttpClient } from './client.js';
import { isRedirect } from './chain.js';
import type { CorsEvidence, ErrorPageEvidence, SecurityTxtEvidence } from './types.js';

export const EVIL_ORIGIN = 'https://evil.example';

export async function probeCors(client: HttpClient, url: string, signal?: AbortSignal): Promise<CorsEvidence> {
  const result = await client.fetch(url, { headers: { origin: EVIL_ORIGIN }, bodyLimit: () => 0, ...(signal ? { signal } : {}) });
  const evidence: CorsEvidence = { url, origin: EVIL_ORIGIN };
  const { exchange } = result;
  if (exchange.error) evidence.error = exchange.error;
  if (exchange.status !== undefined) evidence.status = exchange.status;
  const acao = exchange.headers['access-control-allow-origin'];
  if (acao !== undefined) evidence.allowOrigin = acao;
  const acac = exchange.headers['access-control-allow-credentials'];
  if (acac !== undefined) evidence.allowCredentials = acac;
  if (exchange.headers.vary !== undefined) evidence.vary = exchange.headers.vary;
  return evidence;
}

/** Markers of a stack trace or a debug page (framework → text that only its debug output contains). */
export const STACK_TRACE_MARKERS: { name: string; pattern: RegExp }[] = [
  { name: 'Python traceback', pattern: /Traceback \(most recent call last\)/ },
  { name: 'Java stack trace', pattern: /\bat [\w$.]+\([\w$]+\.java:\d+\)|Exception in thread "/ },
  { name: 'ASP.NET yellow screen', pattern: /Server Error in '[^']*' Application|\[\w+Exception: .*\]\s*\n?\s*\w|Stack Trace:\s*<\/b>/ },
  { name: '.NET exception', pattern: /\bat System\.[\w.]+\(|System\.(NullReference|InvalidOperation|Data\.SqlClient\.Sql)Exception/ },
  {
    name: 'PHP error with path',
    pattern: /(Fatal error|Warning|Parse error|Notice)<\/b>:.* in <b>[/\\\w.-]+<\/b> on line|PHP Stack trace:|Stack trace:\s*(<br \/>)?\s*#0 /,
  },
  { name: 'Laravel/Symfony debug page', pattern: /Whoops! There was an error|Symfony\\Component\\|Illuminate\\/ },
  { name: 'Django debug page', pattern: /You're seeing this error because you have <code>DEBUG = True<\/code>|Django Version:/ },
  { name: 'Spring Whitelabel page', pattern: /Whitelabel Error Page/ },
  { name: 'Rails exception page', pattern: /Action Controller: Exception caught|ActionController::RoutingError/ },
  { name: 'Node.js stack trace', pattern: /at [\w.<>]+ \((\/|[A-Z]:\\)[^)]*node_modules[^)]*:\d+:\d+\)/ },
  { name: 'Go panic', pattern: /goroutine \d+ \[running\]/ },
  {
    name: 'SQL error',
    pattern: /You have an error in your SQL syntax|SQLSTATE\[\w+\]|ORA-\d{5}|Microsoft OLE DB Provider|Unclosed quotation mark after the character string/,
  },
];

/** Product/version strings in default error pages (Apache "Server at", Tomcat footer, IIS detailed errors). */
export const VERSION_STRINGS =
  /(Apache\/\d+\.\d+[\w.]*(?: \([^)]+\))?|nginx\/\d+\.\d+[\w.]*|Microsoft-IIS\/\d+\.\d+|Apache Tomcat\/\d+[\w.]*|PHP\/\d+\.\d+[\w.]*|ASP\.NET Version:\s*[\d.]+|Microsoft \.NET Framework Version:\s*[\d.]+|openresty\/\d+[\w.]*|Jetty\(\d[\w.]*\)|LiteSpeed\/\d[\w.]*)/g;

export function scanErrorText(url: string, body: string, into: ErrorPageEvidence): void {
  for (const marker of STACK_TRACE_MARKERS) {
    if (marker.pattern.test(body) && !into.stackTraceMarkers.some((m) => m.marker === marker.name)) into.stackTraceMarkers.push({ url, marker: marker.name });
  }
  for (const match of body.matchAll(VERSION_STRINGS)) {
    const text = match[0].slice(0, 120);
    if (!into.versionStrings.some((v) => v.text === text) && into.versionStrings.length < 20) into.versionStrings.push({ url, text });
  }
}

/**
 * One request that commonly provokes a framework error: an invalid UTF-8 path segment and an
 * array where a scalar is expected with a stray quote (PHP, ASP.NET, Tomcat answer 400/500 and,
 * when misconfigured, print a stack trace and their version).
 */
export async function probeErrorPage(client: HttpClient, origin: string, limit: number, signal?: AbortSignal): Promise<{ evidence: ErrorPageEvidence }> {
  const token = randomBytes(6).toString('hex');
  const url = `${origin}/vigil-${token}/%ff%fe.aspx?id%5B%5D=%27%22&vigil=%3C`;
  const evidence: ErrorPageEvidence = { probes: [], stackTraceMarkers: [], versionStrings: [] };
  const result = await client.fetch(url, { bodyLimit: (status) => (isRedirect(status) ? 0 : limit), ...(signal ? { signal } : {}) });
  const probe: ErrorPageEvidence['probes'][number] = { url };
  if (result.exchange.status !== undefined) probe.status = result.exchange.status;
  if (result.exchange.error) probe.error = result.exchange.error;
  evidence.probes.push(probe);
  if (result.body) scanErrorText(url, result.body.toString('utf8'), evidence);
  return { evidence };
}

const KNOWN_FIELDS = new Set(['contact', 'expires', 'encryption', 'acknowledgments', 'preferred-languages', 'canonical', 'policy', 'hiring', 'csaf']);

/**
 * RFC 9116 validation, pure: Contact required (URI), Expires required exactly once, in the future,
 * recommended less than a year ahead; served over HTTPS as text/plain; a PGP signature optional.
 */
export function analyseSecurityTxt(
  text: string,
  meta: { url: string; contentType?: string; now: Date },
): Pick<SecurityTxtEvidence, 'fields' | 'signed' | 'problems' | 'expires' | 'found'> {
  const signed = text.includes('-----BEGIN PGP SIGNED MESSAGE-----');
  const fields: Record<string, string[]> = {};
  let count = 0;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith('#') || line.startsWith('-----') || line.startsWith('Hash:')) continue;
    const m = /^([A-Za-z][A-Za-z0-9-]*):\s*(.*)$/.exec(line);
    if (!m) continue;
    const name = m[1]!.toLowerCase();
    if (!KNOWN_FIELDS.has(name) && count === 0 && !signed) continue;
    (fields[name] ??= []).push(m[2]!.slice(0, 500));
    count++;
    if (count > 200) break;
  }
  const found = (fields.contact?.length ?? 0) > 0 || (fields.expires?.length ?? 0) > 0;
  const problems: string[] = [];
  if (!found) return { fields, signed, problems: ['no Contact or Expires field: this is not a security.txt file'], found: false };
  if (!meta.url.startsWith('https://')) problems.push('not served over HTTPS (RFC 9116 §3)');
  if (meta.contentType && !/^text\/plain/i.test(meta.contentType)) problems.push(`Content-Type is ${meta.contentType}, RFC 9116 requires text/plain`);
  const contacts = fields.contact ?? [];
  if (contacts.length === 0) problems.push('no Contact field (required)');
  for (const contact of contacts) {
    if (!/^(mailto:|https:\/\/|tel:)/i.test(contact)) problems.push(`Contact "${contact}" is not a mailto:, tel: or https:// URI`);
  }
  const expiresValues = fields.expires ?? [];
  let expires: string | undefined;
  if (expiresValues.length === 0) problems.push('no Expires field (required)');
  else if (expiresValues.length > 1) problems.push('Expires appears more than once');
  if (expiresValues[0]) {
    expires = expiresValues[0];
    const when = Date.parse(expires);
    if (Number.isNaN(when)) problems.push(`Expires "${expires}" is not an RFC 3339 date`);
    else if (when <= meta.now.getTime()) problems.push(`Expires ${expires} is in the past: the file is stale`);
    else if (when - meta.now.getTime() > 366 * 24 * 3600 * 1000) problems.push(`Expires ${expires} is more than a year ahead (RFC 9116 recommends less)`);
  }
  for (const url of fields.canonical ?? []) {
    if (!url.startsWith('https://')) problems.push(`Canonical "${url}" is not an https:// URI`);
  }
  return expires ? { fields, signed, problems, expires, found } : { fields, signed, problems, found };
}

export async function probeSecurityTxt(client: HttpClient, origin: string, now: Date, signal?: AbortSignal): Promise<SecurityTxtEvidence> {
  const limit = 32 * 1024;
  let evidence: SecurityTxtEvidence | undefined;
  for (const path of ['/.well-known/security.txt', '/security.txt']) {
    const url = origin + path;
    // Follow at most one redirect (RFC 9116 allows redirecting the legacy location to /.well-known/).
    let result = await client.fetch(url, { bodyLimit: (status) => (isRedirect(status) ? 0 : limit), ...(signal ? { signal } : {}) });
    let finalUrl = url;
    if (isRedirect(result.exchange.status) && result.exchange.location?.startsWith('http')) {
      finalUrl = result.exchange.location;
      result = await client.fetch(finalUrl, { bodyLimit: (status) => (isRedirect(status) ? 0 : limit), ...(signal ? { signal } : {}) });
    }
    const current: SecurityTxtEvidence = { url: finalUrl, found: false, fields: {}, signed: false, problems: [] };
    if (result.exchange.status !== undefined) current.status = result.exchange.status;
    if (result.exchange.headers['content-type']) current.contentType = result.exchange.headers['content-type'];
    if (result.exchange.error) current.error = result.exchange.error;
    if (result.exchange.status === 200 && result.body && !/html/i.test(current.contentType ?? '')) {
      const analysed = analyseSecurityTxt(result.body.toString('utf8'), {
        url: finalUrl,
        ...(current.contentType ? { contentType: current.contentType } : {}),
        now,
      });
      Object.assign(current, analysed);
      if (current.found && path === '/security.txt')
        current.problems.push('served only at the legacy /security.txt; RFC 9116 requires /.well-known/security.txt');
    }
    evidence ??= current;
    if (current.found) return current;
    if (current.error && path.startsWith('/.well-known')) return current;
  }
  return evidence!;
}
