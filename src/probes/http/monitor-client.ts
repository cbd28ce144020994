/**
 * The watch's HTTP client: one keep-alive undici pool per probe context (so 10,000 HTTP monitors
 * reuse sockets) whose connector goes through the probes' `connectTarget` (resolver, scope check on
 * the address, port map). `src/watch/monitors/http.ts` is the thin monitor over it.
 */
import { Agent, buildConnector, type Dispatcher, request } from 'undici';
import { connectTarget, errorText, isHostName, trustedCas } from '../connect.js';
import type { ProbeContext } from '../context.js';

/** What one monitor check asks for (the fields of the watch's http monitor that reach the wire). */
export interface MonitorRequest {
  url: string;
  method: 'GET' | 'HEAD' | 'POST';
  headers: Record<string, string>;
  body?: string | undefined;
  /** Whole-check limit in ms. */
  timeout: number;
  followRedirects: boolean;
  maxRedirects: number;
  maxBodyBytes: number;
}

/** What one HTTP check measured (probe output; the verdict is decided in decide.ts). */
export interface HttpEvidence {
  error?: string;
  status?: number;
  finalUrl: string;
  redirects: string[];
  contentType?: string;
  body: string;
  bodyTruncated: boolean;
  responseMs: number;
}

const agents = new WeakMap<ProbeContext, Agent>();

/**
 * One keep-alive connection pool per probe context: 10,000 monitors reuse sockets instead of
 * opening one per check. Its connector resolves names through the context's resolver and applies
 * the lab's port map, so lab names (portal.lab…) reach the lab's loopback servers.
 */
export function httpAgent(context: ProbeContext): Agent {
  let agent = agents.get(context);
  if (agent) return agent;
  const ca = trustedCas(context);
  const connector = buildConnector({ timeout: context.connectTimeoutMs, ...(ca ? { ca } : {}) });
  agent = new Agent({
    connections: 64,
    pipelining: 1,
    keepAliveTimeout: 65_000,
    keepAliveMaxTimeout: 120_000,
    connect: (options, callback) => {
      const port = Number(options.port) || (options.protocol === 'https:' ? 443 : 80);
      connectTarget(context, options.hostname, port).then(
        (target) =>
          connector(
            {
              ...options,
              hostname: target.address,
              port: String(target.port),
              servername: options.servername ?? (isHostName(options.hostname) ? options.hostname : undefined),
            },
            callback,
          ),
        (error: Error) => callback(error, null),
      );
    },
  });
  agents.set(context, agent);
  return agent;
}

export async function closeHttpAgent(context: ProbeContext): Promise<void> {
  const agent = agents.get(context);
  agents.delete(context);
  await agent?.close();
}

export async function monitorRequest(config: MonitorRequest, context: ProbeContext, dispatcher?: Dispatcher): Promise<HttpEvidence> {
  const started = performance.now();
  const redirects: string[] = [];
  // Userinfo never reaches the evidence (finalUrl, redirects) nor the wire as part of a URL.
  let url = withoutUserinfo(config.url);
  let method: string = config.method;
  const credentials = monitorCredentials(config);
  // Once a redirect has left the monitor's origin the custom headers stay behind for good (as
  // fetch does with Authorization): a portal that redirects to a third party must not hand it
  // the agency's tokens or cookies, and that party cannot send us back with them either.
  let ownOrigin = true;
  const signal = context.signal ? AbortSignal.any([context.signal, AbortSignal.timeout(config.timeout)]) : AbortSignal.timeout(config.timeout);
  try {
    for (let hop = 0; ; hop++) {
      ownOrigin &&= sameOrigin(url, credentials.origin);
      const response = await request(withoutUserinfo(url), {
        method: method as 'GET',
        headers: { 'user-agent': USER_AGENT, ...(ownOrigin ? credentials.headers : {}) },
        body: method === 'POST' ? (config.body ?? '') : null,
        dispatcher: dispatcher ?? httpAgent(context),
        signal,
        headersTimeout: config.timeout,
        bodyTimeout: config.timeout,
      });
      const location = response.headers.location;
      if (config.followRedirects && response.statusCode >= 300 && response.statusCode < 400 && typeof location === 'string') {
        await response.body.dump();
        if (hop >= config.maxRedirects) {
          return {
            error: `more than ${config.maxRedirects} redirects`,
            finalUrl: url,
            redirects,
            body: '',
            bodyTruncated: false,
            responseMs: elapsed(started),
          };
        }
        url = new URL(location, url).toString();
        redirects.push(url);
        if (response.statusCode === 303) method = 'GET';
        continue;
      }
      const { text, truncated } = await readCapped(response.body, config.maxBodyBytes);
      const contentType = response.headers['content-type'];
      return {
        status: response.statusCode,
        finalUrl: url,
        redirects,
        ...(typeof contentType === 'string' ? { contentType } : {}),
        body: text,
        bodyTruncated: truncated,
        responseMs: elapsed(started),
      };
    }
  } catch (error) {
    const timedOut = signal.aborted && !context.signal?.aborted;
    return {
      error: timedOut ? `timeout after ${config.timeout} ms` : errorText(error),
      finalUrl: url,
      redirects,
      body: '',
      bodyTruncated: false,
      responseMs: elapsed(started),
    };
  }
}

const USER_AGENT = 'vigil-watch/0.1 (+holiday watch)';

/**
 * The headers sent to the monitor's own origin only: its custom headers, plus HTTP Basic from
 * userinfo in its URL (https://user:pass@host/…) unless an Authorization header is given.
 */
export function monitorCredentials(config: Pick<MonitorRequest, 'url' | 'headers'>): { origin: string; headers: Record<string, string> } {
  const url = new URL(config.url);
  const headers: Record<string, string> = { ...config.headers };
  const hasAuthorization = Object.keys(headers).some((name) => name.toLowerCase() === 'authorization');
  if ((url.username || url.password) && !hasAuthorization) {
    const basic = `${decodeUserinfo(url.username)}:${decodeUserinfo(url.password)}`;
    headers.authorization = `Basic ${Buffer.from(basic, 'utf8').toString('base64')}`;
  }
  return { origin: url.origin, headers };
}

function decodeUserinfo(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part; // a stray % is taken as written
  }
}

/** Same origin as URL origins (scheme, host, port with default ports folded), never as string prefixes. */
export function sameOrigin(url: string, origin: string): boolean {
  try {
    return new URL(url).origin === origin;
  } catch {
    return false;
  }
}

/** Userinfo is never put on the wire in the URL (it went into Authorization for the own origin only). */
function withoutUserinfo(url: string): string {
  const parsed = new URL(url);
  if (!parsed.username && !parsed.password) return url;
  parsed.username = '';
  parsed.password = '';
  return parsed.toString();
}

/** Read at most `max` bytes of the body, then drop the rest (a hostile server may never stop). */
async function readCapped(body: Dispatcher.ResponseData['body'], max: number): Promise<{ text: string; truncated: boolean }> {
  const { bytes, truncated } = await readCappedBytes(body, max);
  return { text: bytes.toString('utf8'), truncated };
}

async function readCappedBytes(body: Dispatcher.ResponseData['body'], max: number): Promise<{ bytes: Buffer; truncated: boolean }> {
  const chunks: Buffer[] = [];
  let size = 0;
  let truncated = false;
  for await (const chunk of body) {
    const buffer = chunk as Buffer;
    if (size + buffer.length > max) {
      chunks.push(buffer.subarray(0, max - size));
      truncated = true;
      body.destroy();
      break;
    }
    chunks.push(buffer);
    size += buffer.length;
  }
  return { bytes: Buffer.concat(chunks), truncated };
}

/**
 * One asset of a page for its screenshot (the Screenshotter has checked its origin): no custom
 * headers, no redirect followed (Chromium asks again for the target, which is checked again),
 * at most `maxBytes` read — beyond that the transfer is cut and the asset marked too large.
 */
export async function fetchPageAsset(
  context: ProbeContext,
  url: string,
  options: { maxBytes: number; timeoutMs?: number },
): Promise<{ status: number; contentType?: string; body: Buffer; tooLarge: boolean }> {
  const response = await request(withoutUserinfo(url), {
    dispatcher: httpAgent(context),
    headers: { 'user-agent': USER_AGENT },
    signal: AbortSignal.timeout(options.timeoutMs ?? 5_000),
  });
  const declared = Number(response.headers['content-length']);
  if (Number.isFinite(declared) && declared > options.maxBytes) {
    response.body.destroy();
    return { status: response.statusCode, body: Buffer.alloc(0), tooLarge: true };
  }
  const { bytes, truncated } = await readCappedBytes(response.body, options.maxBytes);
  const contentType = response.headers['content-type'];
  return { status: response.statusCode, body: bytes, tooLarge: truncated, ...(typeof contentType === 'string' ? { contentType } : {}) };
}

function elapsed(started: number): number {
  return Math.round(performance.now() - started);
}
