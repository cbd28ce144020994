/**
 * One bounded HTTP(S) client per assessment: undici with a custom connector that
 * - resolves names through vigil's resolver choice (never the system resolver when `ctx.resolver` is set),
 * - honours the lab's port map (connect to the mapped port, keep Host header and SNI of the URL),
 * - trusts the system roots plus `ctx.extraCaPem`, but does not refuse untrusted certificates:
 *   a scanner must still read the headers of a site with a broken certificate, so each TLS
 *   connection's verdict (authorized / authorizationError) is recorded and attached to the answer.
 * Every request is bounded: connect, headers, idle body, total time, and body size.
 */
import { promises as dnsPromises } from 'node:dns';
import { isIP } from 'node:net';
import { rootCertificates, type TLSSocket } from 'node:tls';
import type { Transform } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate, constants as zlibConstants } from 'node:zlib';
import { Agent, buildConnector, request } from 'undici';
import { mappedEndpoint, type ProbeContext } from '../context.js';
import { assertAddressInScope, OUT_OF_SCOPE_CODE } from '../scope.js';
import { DnsClient } from '../dns/index.js';
import type { HttpExchange, HttpTlsFacts, ProbeFailure } from './types.js';

export type ResolveHost = (host: string) => Promise<string[]>;

export interface HttpClientOptions {
  /** Connect + response headers, per request. */
  requestTimeoutMs: number;
  /** Longest silence while reading a body. */
  bodyIdleTimeoutMs: number;
  /** Whole request including the body (a slow-drip endless body ends here). */
  totalTimeoutMs: number;
  /** Resolve a host name to addresses. Default: `ctx.resolver` through a dedicated resolver, else the system's. */
  resolve?: ResolveHost;
  userAgent: string;
  /** Parallel connections per origin. */
  connectionsPerOrigin: number;
}

export interface FetchOptions {
  method?: string;
  headers?: Record<string, string>;
  /** Decide after the headers how many body bytes to read (0 = drop the body). */
  bodyLimit: (status: number, headers: Record<string, string>) => number;
  /** Extra abort (e.g. the exposure-path budget). */
  signal?: AbortSignal;
}

export interface FetchResult {
  exchange: HttpExchange;
  /** The body, decoded from Content-Encoding when possible, at most the limit. */
  body?: Buffer;
  truncated: boolean;
  bodyError?: ProbeFailure;
}

const MAX_HEADER_VALUE = 8_192;
const DRAIN_LIMIT = 16 * 1024;

/**
 * The default resolver: when the context names one (`--resolver HOST:PORT`), vigil's own DNS
 * client pointed at it (src/probes/dns: bounded time, typed outcomes) — never the system's;
 * otherwise the system's lookup (which also honours /etc/hosts), as the user asked.
 */
export function defaultResolver(ctx: ProbeContext): ResolveHost {
  if (ctx.resolver) {
    const client = DnsClient.fromContext(ctx);
    return async (host) => {
      const v4 = await client.query(host, 'A', { dnssec: false });
      const addresses = v4.records.filter((r) => r.type === 'A').map((r) => String(r.data));
      if (addresses.length > 0) return addresses;
      if (v4.outcome !== 'answer' && v4.outcome !== 'nodata') throw new Error(`${v4.outcome}${v4.reason ? ` (${v4.reason})` : ''} from ${v4.server}`);
      const v6 = await client.query(host, 'AAAA', { dnssec: false });
      const v6Addresses = v6.records.filter((r) => r.type === 'AAAA').map((r) => String(r.data));
      if (v6Addresses.length > 0) return v6Addresses;
      throw new Error(`no A/AAAA record (${v6.outcome}) from ${v6.server}`);
    };
  }
  return async (host) => (await dnsPromises.lookup(host, { all: true })).map((entry) => entry.address);
}

export class HttpClient {
  private readonly agent: Agent;
  private readonly resolved = new Map<string, Promise<string>>();
  /** TLS verdict of the latest connection per `host:port` of the URL. */
  private readonly tlsFacts = new Map<string, HttpTlsFacts>();
  /** Real address connected to per `host:port` of the URL. */
  private readonly connectedTo = new Map<string, string>();
  private readonly resolveHost: ResolveHost;

  constructor(
    private readonly ctx: ProbeContext,
    private readonly options: HttpClientOptions,
  ) {
    this.resolveHost = options.resolve ?? defaultResolver(ctx);
    const baseConnect = buildConnector({
      ca: [...rootCertificates, ...ctx.extraCaPem],
      rejectUnauthorized: false,
      timeout: options.requestTimeoutMs,
      maxCachedSessions: 0,
    });
    this.agent = new Agent({
      headersTimeout: options.requestTimeoutMs,
      bodyTimeout: options.bodyIdleTimeoutMs,
      connections: options.connectionsPerOrigin,
      pipelining: 1,
      maxHeaderSize: 64 * 1024,
      connect: (connectOptions, callback) => {
        const hostname = connectOptions.hostname.replace(/^\[|\]$/g, '');
        const port = Number(connectOptions.port) || (connectOptions.protocol === 'https:' ? 443 : 80);
        const key = `${hostname}:${port}`;
        this.address(hostname).then(
          (address) => {
            // Checked on the address about to be dialled, for every hop (redirects included).
            try {
              assertAddressInScope(this.ctx.scope, address, hostname);
            } catch (error) {
              callback(error as Error, null);
              return;
            }
            const byName = this.ctx.portMap[`${hostname}:${port}`];
            const mapped = byName !== undefined ? { host: address, port: byName } : mappedEndpoint(this.ctx, address, port);
            this.connectedTo.set(key, address.includes(':') ? `[${address}]:${mapped.port}` : `${address}:${mapped.port}`);
            baseConnect(
              {
                ...connectOptions,
                hostname: mapped.host,
                port: String(mapped.port),
                servername: isIP(hostname) ? undefined : hostname,
              } as typeof connectOptions,
              (error, socket) => {
                if (error || !socket) {
                  callback(error ?? new Error('connect failed'), null);
                  return;
                }
                if (connectOptions.protocol === 'https:') {
                  const tlsSocket = socket as TLSSocket;
                  const facts: HttpTlsFacts = { authorized: tlsSocket.authorized };
                  if (!tlsSocket.authorized && tlsSocket.authorizationError) facts.authorizationError = String(tlsSocket.authorizationError);
                  const protocol = tlsSocket.getProtocol();
                  if (protocol) facts.protocol = protocol;
                  const cipher = tlsSocket.getCipher()?.name;
                  if (cipher) facts.cipher = cipher;
                  this.tlsFacts.set(key, facts);
                }
                callback(null, socket);
              },
            );
          },
          (error: unknown) => {
            const failure = new Error(`cannot resolve ${hostname}: ${(error as Error)?.message ?? String(error)}`) as Error & { code: string };
            failure.code = 'VIGIL_DNS';
            callback(failure, null);
          },
        );
      },
    });
  }

  private address(hostname: string): Promise<string> {
    if (isIP(hostname)) return Promise.resolve(hostname);
    let pending = this.resolved.get(hostname);
    if (!pending) {
      pending = this.resolveHost(hostname).then((addresses) => {
        const first = addresses[0];
        if (!first) throw new Error('no address (A/AAAA) for the name');
        return first;
      });
      // A failed lookup is cached too: one answer per name per run keeps the run bounded.
      this.resolved.set(hostname, pending);
    }
    return pending;
  }

  async fetch(url: string, options: FetchOptions): Promise<FetchResult> {
    const started = performance.now();
    const method = options.method ?? 'GET';
    const exchange: HttpExchange = { url, method, headers: {}, setCookies: [], durationMs: 0 };
    const total = AbortSignal.timeout(this.options.totalTimeoutMs);
    const signals = [total, ...(options.signal ? [options.signal] : []), ...(this.ctx.signal ? [this.ctx.signal] : [])];
    const signal = AbortSignal.any(signals);
    const parsed = new URL(url);
    const key = `${parsed.hostname.replace(/^\[|\]$/g, '')}:${parsed.port || (parsed.protocol === 'https:' ? '443' : '80')}`;
    const finish = (): void => {
      exchange.durationMs = Math.round(performance.now() - started);
      const tls = this.tlsFacts.get(key);
      if (tls && parsed.protocol === 'https:') exchange.tls = tls;
      const connected = this.connectedTo.get(key);
      if (connected) exchange.connectedTo = connected;
    };
    let response: Awaited<ReturnType<typeof request>>;
    try {
      response = await request(url, {
        dispatcher: this.agent,
        method: method as 'GET',
        headers: { 'user-agent': this.options.userAgent, accept: '*/*', 'accept-encoding': 'gzip, deflate, br', ...options.headers },
        signal,
      });
    } catch (error) {
      exchange.error = classifyFailure(error, signal, total, options.signal);
      finish();
      return { exchange, truncated: false };
    }
    exchange.status = response.statusCode;
    for (const [name, value] of Object.entries(response.headers)) {
      if (value === undefined) continue;
      const lower = name.toLowerCase();
      if (lower === 'set-cookie') {
        // Cookie values can be live session ids: evidence keeps names and attributes only.
        exchange.setCookies = (Array.isArray(value) ? value : [value]).slice(0, 100).map((cookie) => redactCookieValue(cookie.slice(0, MAX_HEADER_VALUE)));
      } else {
        exchange.headers[lower] = (Array.isArray(value) ? value.join(', ') : value).slice(0, MAX_HEADER_VALUE);
      }
    }
    const location = exchange.headers.location;
    if (location && response.statusCode >= 300 && response.statusCode < 400) {
      try {
        exchange.location = new URL(location, url).href;
      } catch {
        exchange.location = location;
      }
    }
    // Destroying an unfinished body makes undici emit an abort error: expected here, not a crash.
    response.body.on('error', () => {});
    const limit = options.bodyLimit(response.statusCode, exchange.headers);
    let body: Buffer | undefined;
    let truncated = false;
    let bodyError: ProbeFailure | undefined;
    if (limit <= 0 || method === 'HEAD') {
      // Drain a small unwanted body (a 404 page, a redirect) so the connection is reused — most
      // sensitive paths answer 404, and a new TLS handshake per path would dominate the run.
      // Bigger (or stalled) bodies are dropped, which closes the connection.
      await response.body.dump({ limit: DRAIN_LIMIT, signal }).catch(() => undefined);
    } else {
      const chunks: Buffer[] = [];
      let size = 0;
      try {
        for await (const chunk of response.body as AsyncIterable<Buffer>) {
          const room = limit - size;
          if (chunk.length >= room) {
            chunks.push(chunk.subarray(0, room));
            size += room;
            truncated = chunk.length > room || !response.body.readableEnded;
            break;
          }
          chunks.push(chunk);
          size += chunk.length;
        }
      } catch (error) {
        bodyError = classifyFailure(error, signal, total, options.signal, true);
      } finally {
        response.body.destroy();
      }
      body = await decodeContent(Buffer.concat(chunks, size), exchange.headers['content-encoding'], limit);
    }
    finish();
    return bodyError ? { exchange, body, truncated, bodyError } : { exchange, body, truncated };
  }

  async close(): Promise<void> {
    // destroy, not close: a stalled peer must not keep the run waiting.
    await this.agent.destroy();
  }
}

/** `name=value; attrs` → `name=…; attrs`. */
export function redactCookieValue(header: string): string {
  return header.replace(/^([^=;]*=)[^;]*/, (_all, name: string) => `${name}…`);
}

/**
 * Decompress a (possibly cut) body, streaming and stopping at the limit (a decompression bomb
 * yields at most `limit` bytes); unknown or broken encodings are returned as read.
 */
function decodeContent(raw: Buffer, encoding: string | undefined, limit: number): Promise<Buffer> {
  const coding = encoding?.trim().toLowerCase();
  if (!coding || coding === 'identity' || raw.length === 0) return Promise.resolve(raw);
  let decoder: Transform;
  if (coding === 'gzip' || coding === 'x-gzip') decoder = createGunzip({ finishFlush: zlibConstants.Z_SYNC_FLUSH });
  else if (coding === 'deflate') decoder = createInflate({ finishFlush: zlibConstants.Z_SYNC_FLUSH });
  else if (coding === 'br') decoder = createBrotliDecompress({ finishFlush: zlibConstants.BROTLI_OPERATION_FLUSH });
  else return Promise.resolve(raw);
  return new Promise((resolve) => {
    const out: Buffer[] = [];
    let size = 0;
    let settled = false;
    const settle = (value: Buffer): void => {
      if (settled) return;
      settled = true;
      decoder.destroy();
      resolve(value);
    };
    decoder.on('data', (chunk: Buffer) => {
      const room = limit - size;
      out.push(chunk.length > room ? chunk.subarray(0, room) : chunk);
      size += Math.min(chunk.length, room);
      if (size >= limit) settle(Buffer.concat(out, size));
    });
    decoder.on('end', () => settle(Buffer.concat(out, size)));
    decoder.on('error', () => settle(size > 0 ? Buffer.concat(out, size) : raw));
    decoder.end(raw);
  });
}

function classifyFailure(error: unknown, signal: AbortSignal, total: AbortSignal, extra: AbortSignal | undefined, inBody = false): ProbeFailure {
  const err = error as { code?: string; message?: string; name?: string; cause?: { code?: string; message?: string } };
  const message = (err?.message ?? String(error)).slice(0, 300);
  if (signal.aborted) {
    if (total.aborted) {
      return inBody
        ? { code: 'timeout-total', message: 'the body took longer than the request time limit' }
        : { code: 'timeout-headers', message: 'no response headers within the request time limit' };
    }
    if (extra?.aborted) return { code: 'budget', message: 'time budget for this part of the assessment ran out' };
    return { code: 'aborted', message: 'assessment aborted' };
  }
  const code = err?.code ?? err?.cause?.code ?? '';
  if (code === 'VIGIL_DNS') return { code: 'dns', message };
  if (code === OUT_OF_SCOPE_CODE) return { code: 'out-of-scope', message };
  if (code === 'UND_ERR_HEADERS_TIMEOUT') return { code: 'timeout-headers', message: 'no response headers in time' };
  if (code === 'UND_ERR_BODY_TIMEOUT') return { code: 'timeout-body', message: 'the body stalled' };
  if (code === 'UND_ERR_CONNECT_TIMEOUT') return { code: 'connect', message: 'connection timed out' };
  if (['ECONNREFUSED', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED'].includes(code))
    return { code: 'connect', message: `${code}: ${message}` };
  if (code.startsWith('ERR_SSL') || code.startsWith('ERR_TLS') || /ssl|tls|certificate/i.test(message)) return { code: 'tls', message: `${code}: ${message}` };
  if (code.startsWith('HPE_') || code === 'UND_ERR_INFO' || code === 'UND_ERR_RES_CONTENT_LENGTH_MISMATCH')
    return { code: 'protocol', message: `${code}: ${message}` };
  return { code: 'other', message: code ? `${code}: ${message}` : message };
}
