import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { createSecureContext, type SecureContext } from 'node:tls';
import type { IssuedCert } from './ca.js';
import { secureOptions } from './tls.js';
import type { HostileMode, WorldPath, WorldSite, WorldTls } from './world/schema.js';

/** A site as served: its names, spec and the run-time state the control API changes. */
export interface LabSite {
  names: string[];
  spec: WorldSite;
  /** Standard ports, for redirects (http → https keeps the standard port in the URL). */
  httpsPort: number | undefined;
  defaced: boolean;
}

export interface HttpEndpoint {
  scheme: 'http' | 'https';
  sites: LabSite[];
  /** For https: the listener's TLS settings and the certificate per site. */
  tls?: WorldTls;
  certs?: Map<LabSite, IssuedCert>;
}

const DEFACED_PAGE =
  '<!doctype html><html><head><meta charset="utf-8"><title>HACKED</title></head><body style="background:#000;color:#0f0">' +
  '<h1>Hacked by Lab Team</h1><p>Your security is zero. Greetz to all.</p></body></html>';
const NOT_FOUND_PAGE =
  '<!doctype html><html><head><title>404 Not Found</title></head><body><h1>Not Found</h1><p>The requested URL was not found on this server.</p></body></html>';
const CHUNK = Buffer.alloc(16 * 1024, 'vigil-lab-endless-body ');

function homePage(site: LabSite, host: string): string {
  const title = site.spec.title ?? host;
  return `<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>${title}</title></head><body><h1>${title}</h1><p>Cổng thông tin điện tử — ${host}</p></body></html>`;
}

function directoryListing(path: string, entries: string[]): string {
  const rows = entries.map((entry) => `<tr><td><a href="${entry}">${entry}</a></td><td align="right">2024-03-01 10:12</td><td align="right">4.0K</td></tr>`);
  return `<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 3.2 Final//EN"><html><head><title>Index of ${path}</title></head><body><h1>Index of ${path}</h1><table><tr><th>Name</th><th>Last modified</th><th>Size</th></tr><tr><td><a href="../">Parent Directory</a></td></tr>${rows.join('')}</table></body></html>`;
}

function pickSite(sites: LabSite[], hostHeader: string | undefined): LabSite {
  const host = (hostHeader ?? '').replace(/:\d+$/, '').replace(/\.$/, '').toLowerCase();
  return sites.find((site) => site.names.includes(host)) ?? sites[0]!;
}

/** Hostile behaviours: a peer that never finishes, loops or floods (bounded only by the client). */
function misbehave(mode: HostileMode, req: IncomingMessage, res: ServerResponse, path: string): void {
  switch (mode) {
    case 'redirect-loop': {
      const next = path === '/loop/a' ? '/loop/b' : '/loop/a';
      res.writeHead(302, { location: next, 'content-length': '0' }).end();
      return;
    }
    case 'endless-body': {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      const pump = () => {
        while (!res.destroyed && res.write(CHUNK)) {
          // keep writing until the socket buffer is full
        }
        if (!res.destroyed) res.once('drain', pump);
      };
      pump();
      return;
    }
    case 'slow-body': {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      const timer = setInterval(() => (res.destroyed ? clearInterval(timer) : res.write('.')), 1_000);
      res.on('close', () => clearInterval(timer));
      return;
    }
    case 'stall-after-headers':
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.flushHeaders();
      return;
    case 'stall':
      // read the request, never answer
      req.resume();
      return;
  }
}

/**
 * Body placeholders: `{{host}}` → the requested host; `{{days-ahead:N}}` → an RFC 3339 date N days
 * from today (UTC midnight), so dated files such as security.txt's Expires never age in the world file.
 */
function expandPlaceholders(body: string, host: string): string {
  return body.replaceAll('{{host}}', host).replace(/\{\{days-ahead:(\d{1,5})\}\}/g, (_, days: string) => {
    const today = new Date();
    const date = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate() + Number(days)));
    return date.toISOString().replace('.000Z', 'Z');
  });
}

function respond(endpoint: HttpEndpoint, req: IncomingMessage, res: ServerResponse): void {
  const site = pickSite(endpoint.sites, req.headers.host);
  const spec = site.spec;
  const host = (req.headers.host ?? site.names[0] ?? '').replace(/:\d+$/, '').toLowerCase();
  const url = req.url ?? '/';
  const path = url.split('?')[0] || '/';
  if (spec.hostile) {
    misbehave(spec.hostile, req, res, path);
    return;
  }
  if (endpoint.scheme === 'http' && spec.http && spec.http.redirectToHttps) {
    const port = site.httpsPort && site.httpsPort !== 443 ? `:${site.httpsPort}` : '';
    res.writeHead(301, { location: `https://${host}${port}${url}`, 'content-length': '0', ...spec.headers }).end();
    return;
  }
  if (spec.redirectAll) {
    res.writeHead(301, { location: `${spec.redirectAll.replace(/\/$/, '')}${url}`, 'content-length': '0', ...spec.headers }).end();
    return;
  }
  const pathSpec: WorldPath | undefined = spec.paths[path];
  if (pathSpec?.hostile) {
    misbehave(pathSpec.hostile, req, res, path);
    return;
  }

  let status = 200;
  let body: string;
  const headers: Record<string, string | string[]> = { 'content-type': 'text/html; charset=utf-8', ...spec.headers };
  const home = spec.paths['/'];
  if (site.defaced && (path === '/' || (!pathSpec && spec.notFound === 'soft-404'))) {
    body = DEFACED_PAGE;
  } else if (pathSpec) {
    status = pathSpec.redirect && pathSpec.status === 200 ? 302 : pathSpec.status;
    Object.assign(headers, pathSpec.headers);
    if (pathSpec.contentType) headers['content-type'] = pathSpec.contentType;
    if (pathSpec.redirect) headers.location = pathSpec.redirect;
    if (pathSpec.cookies.length > 0) headers['set-cookie'] = pathSpec.cookies;
    body = pathSpec.body ?? (pathSpec.listing ? directoryListing(path, pathSpec.listing) : path === '/' ? homePage(site, host) : '');
  } else if (path === '/') {
    body = homePage(site, host);
  } else if (spec.notFound === 'soft-404') {
    body = home?.body ?? homePage(site, host);
  } else {
    status = 404;
    body = NOT_FOUND_PAGE;
  }
  const payload = Buffer.from(expandPlaceholders(body, host), 'utf8');
  headers['content-length'] = String(payload.length);
  res.writeHead(status, headers);
  res.end(req.method === 'HEAD' ? undefined : payload);
}

/**
 * Secure contexts by certificate and TLS settings: parsing keys is most of an HTTPS listener's
 * start-up cost, and a large world has many sites sharing a certificate.
 */
const contextCache = new WeakMap<IssuedCert, Map<string, SecureContext>>();
function sharedContext(tls: WorldTls, cert: IssuedCert): SecureContext {
  let byTls = contextCache.get(cert);
  if (!byTls) {
    byTls = new Map();
    contextCache.set(cert, byTls);
  }
  const key = `${tls.minVersion}|${tls.maxVersion}|${tls.ciphers ?? ''}`;
  let context = byTls.get(key);
  if (!context) {
    context = createSecureContext(secureOptions(tls, cert));
    byTls.set(key, context);
  }
  return context;
}

/** The HTTP or HTTPS server of one lab address and port, serving its sites by Host/SNI name. */
export function createSiteServer(endpoint: HttpEndpoint): Server {
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    res.on('error', () => undefined);
    try {
      respond(endpoint, req, res);
    } catch {
      if (!res.headersSent) res.writeHead(500).end();
    }
  };
  if (endpoint.scheme === 'http') return createHttpServer({ keepAliveTimeout: 5_000 }, handler);
  const tls = endpoint.tls!;
  const contexts = new Map<string, SecureContext>();
  let fallback: ReturnType<typeof secureOptions> | undefined;
  for (const site of endpoint.sites) {
    const cert = endpoint.certs!.get(site)!;
    const options = secureOptions(tls, cert);
    fallback ??= options;
    const context = sharedContext(tls, cert);
    for (const name of site.names) contexts.set(name, context);
  }
  return createHttpsServer(
    {
      ...fallback,
      keepAliveTimeout: 5_000,
      SNICallback: (servername, callback) => callback(null, contexts.get(servername.toLowerCase()) ?? undefined),
    },
    handler,
  );
}
