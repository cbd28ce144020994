/**
 * A small loopback HTTP + HTTPS fixture for the web probe tests: one plain and one TLS server on
 * ephemeral ports of 127.0.0.1, a self-made CA and leaf certificate, per-URL responses, and the
 * hostile behaviours (stall before headers, stall after headers, endless body, slow drip, reset).
 * `fixture.ctx` and `fixture.resolve` wire the probe to it exactly as the lab does: names resolve
 * to 127.0.0.1, and the port map sends 127.0.0.1:80/443 to the fixture's ports.
 */
import { webcrypto } from 'node:crypto';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import type * as X509 from '@peculiar/x509';
import { DEFAULT_PROBE_CONTEXT, type ProbeContext } from '../../src/probes/context.js';

/**
 * @peculiar/x509 loads tsyringe, which demands a Reflect metadata API; these four functions are
 * all it uses. Installed before the library is imported (dynamically, below).
 */
function installReflectMetadata(): void {
  const reflect = Reflect as unknown as Record<string, unknown>;
  if (typeof reflect.getMetadata === 'function') return;
  const store = new WeakMap<object, Map<unknown, Map<unknown, unknown>>>();
  const table = (target: object, property: unknown, create: boolean): Map<unknown, unknown> | undefined => {
    let byProperty = store.get(target);
    if (!byProperty && create) store.set(target, (byProperty = new Map()));
    let entries = byProperty?.get(property);
    if (!entries && create && byProperty) byProperty.set(property, (entries = new Map()));
    return entries;
  };
  const getMetadata = (key: unknown, target: object, property?: unknown): unknown => {
    for (let current: object | null = target; current; current = Object.getPrototypeOf(current) as object | null) {
      const entries = table(current, property, false);
      if (entries?.has(key)) return entries.get(key);
    }
    return undefined;
  };
  reflect.defineMetadata = (key: unknown, value: unknown, target: object, property?: unknown) => void table(target, property, true)!.set(key, value);
  reflect.getOwnMetadata = (key: unknown, target: object, property?: unknown) => table(target, property, false)?.get(key);
  reflect.getMetadata = getMetadata;
  reflect.hasMetadata = (key: unknown, target: object, property?: unknown) => getMetadata(key, target, property) !== undefined;
}

let x509Module: Promise<typeof X509> | undefined;
function loadX509(): Promise<typeof X509> {
  x509Module ??= (async () => {
    installReflectMetadata();
    const x509 = await import('@peculiar/x509');
    x509.cryptoProvider.set(webcrypto as never);
    return x509;
  })();
  return x509Module;
}

export interface FixtureResponse {
  status?: number;
  headers?: Record<string, string | string[]>;
  body?: string | Buffer;
  /**
   * - stall-headers: never answer; - stall-body: headers and a first chunk, then silence;
   * - endless: an endless body as fast as the client reads; - drip: one byte every 50 ms forever;
   * - reset: destroy the connection.
   */
  behaviour?: 'stall-headers' | 'stall-body' | 'endless' | 'drip' | 'reset';
}

export interface FixtureRequest {
  scheme: 'http' | 'https';
  host: string;
  path: string;
  headers: IncomingMessage['headers'];
}

export type FixtureRoute = FixtureResponse | ((request: FixtureRequest) => FixtureResponse);

export interface FixtureOptions {
  /**
   * Keys, most specific first: `https://host/path`, `host/path` (either scheme), `/path` (any host).
   * The query string is ignored unless the key has one.
   */
  routes: Record<string, FixtureRoute>;
  /** Answer for unmatched URLs (default: 404 "Not Found"). */
  notFound?: FixtureRoute;
  /** Names the fixture resolver knows (others fail like NXDOMAIN); default: all names resolve. */
  names?: string[];
  /** Names the certificate covers (default: `names`, else `*.vigil.test` + `vigil.test`). */
  certNames?: string[];
  /** Serve an expired certificate. */
  expired?: boolean;
}

export interface RunningFixture {
  httpPort: number;
  httpsPort: number;
  caPem: string;
  /** A probe context trusting the fixture CA and mapping 127.0.0.1:80/443 to the fixture. */
  ctx: ProbeContext;
  resolve: (host: string) => Promise<string[]>;
  /** Every request served, in order. */
  requests: FixtureRequest[];
  setRoutes(routes: Record<string, FixtureRoute>, notFound?: FixtureRoute): void;
  close(): Promise<void>;
}

const ALG = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
let caPromise: Promise<{ cert: X509.X509Certificate; keys: webcrypto.CryptoKeyPair }> | undefined;

function testCa(): Promise<{ cert: X509.X509Certificate; keys: webcrypto.CryptoKeyPair }> {
  caPromise ??= (async () => {
    const x509 = await loadX509();
    const keys = (await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
    const cert = await x509.X509CertificateGenerator.createSelfSigned({
      serialNumber: '01',
      name: 'CN=vigil web fixture CA',
      notBefore: new Date(Date.now() - 86_400_000),
      notAfter: new Date(Date.now() + 30 * 86_400_000),
      keys,
      signingAlgorithm: ALG,
      extensions: [
        new x509.BasicConstraintsExtension(true, 0, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
        await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
      ],
    });
    return { cert, keys };
  })();
  return caPromise;
}

async function leafCertificate(names: string[], expired: boolean): Promise<{ certPem: string; keyPem: string; caPem: string }> {
  const x509 = await loadX509();
  const ca = await testCa();
  const keys = (await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const day = 86_400_000;
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: Date.now().toString(16),
    subject: `CN=${names[0] ?? 'localhost'}`,
    issuer: ca.cert.subject,
    notBefore: new Date(Date.now() - (expired ? 10 * day : day)),
    notAfter: new Date(Date.now() + (expired ? -day : 10 * day)),
    signingKey: ca.keys.privateKey,
    publicKey: keys.publicKey,
    signingAlgorithm: ALG,
    extensions: [
      new x509.SubjectAlternativeNameExtension(names.map((value) => ({ type: 'dns' as const, value }))),
      new x509.BasicConstraintsExtension(false),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      await x509.AuthorityKeyIdentifierExtension.create(ca.keys.publicKey),
    ],
  });
  const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey)).toString('base64');
  const keyPem = `-----BEGIN PRIVATE KEY-----\n${pkcs8.match(/.{1,64}/g)!.join('\n')}\n-----END PRIVATE KEY-----\n`;
  return { certPem: cert.toString('pem'), keyPem, caPem: ca.cert.toString('pem') };
}

function pick(routes: Record<string, FixtureRoute>, request: FixtureRequest, url: URL): FixtureRoute | undefined {
  const full = url.pathname + url.search;
  const keys = [
    `${request.scheme}://${request.host}${full}`,
    `${request.scheme}://${request.host}${url.pathname}`,
    `${request.host}${full}`,
    `${request.host}${url.pathname}`,
    full,
    url.pathname,
  ];
  for (const key of keys) if (routes[key] !== undefined) return routes[key];
  return undefined;
}

export async function startFixture(options: FixtureOptions): Promise<RunningFixture> {
  let routes = options.routes;
  let notFound: FixtureRoute = options.notFound ?? {
    status: 404,
    headers: { 'content-type': 'text/html' },
    body: '<html><body><h1>Not Found</h1></body></html>',
  };
  const requests: FixtureRequest[] = [];
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();

  const handler = (scheme: 'http' | 'https') => (req: IncomingMessage, res: ServerResponse) => {
    const host = (req.headers.host ?? '').replace(/:\d+$/, '');
    const url = new URL(req.url ?? '/', `${scheme}://${host || 'localhost'}`);
    const request: FixtureRequest = { scheme, host, path: url.pathname + url.search, headers: req.headers };
    requests.push(request);
    const route = pick(routes, request, url) ?? notFound;
    const response = typeof route === 'function' ? route(request) : route;
    serve(response, res, timers);
  };

  const certNames = options.certNames ?? options.names ?? ['vigil.test', '*.vigil.test'];
  const { certPem, keyPem, caPem } = await leafCertificate(certNames, options.expired ?? false);
  const plain = http.createServer(handler('http'));
  const secure = https.createServer({ cert: certPem, key: keyPem }, handler('https'));
  for (const server of [plain, secure]) {
    server.on('connection', (socket: Socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    });
    server.on('secureConnection', (socket: Socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    });
    server.on('clientError', (_error, socket) => socket.destroy());
  }
  await Promise.all([plain, secure].map((server) => new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))));
  const httpPort = (plain.address() as AddressInfo).port;
  const httpsPort = (secure.address() as AddressInfo).port;
  const names = options.names ? new Set(options.names.map((n) => n.toLowerCase())) : undefined;
  const resolve = async (name: string): Promise<string[]> => {
    if (names && !names.has(name.toLowerCase())) {
      const error = new Error(`queryA ENOTFOUND ${name}`) as Error & { code: string };
      error.code = 'ENOTFOUND';
      throw error;
    }
    return ['127.0.0.1'];
  };
  const ctx: ProbeContext = {
    ...DEFAULT_PROBE_CONTEXT,
    connectTimeoutMs: 2_000,
    extraCaPem: [caPem],
    portMap: { '127.0.0.1:80': httpPort, '127.0.0.1:443': httpsPort },
  };
  return {
    httpPort,
    httpsPort,
    caPem,
    ctx,
    resolve,
    requests,
    setRoutes(next, nextNotFound) {
      routes = next;
      if (nextNotFound) notFound = nextNotFound;
    },
    async close() {
      for (const timer of timers) clearInterval(timer);
      for (const socket of sockets) socket.destroy();
      await Promise.all([plain, secure].map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
    },
  };
}

function serve(response: FixtureResponse, res: ServerResponse, timers: Set<NodeJS.Timeout>): void {
  const headers = { ...(response.headers ?? {}) };
  switch (response.behaviour) {
    case 'stall-headers':
      return;
    case 'reset':
      res.socket?.destroy();
      return;
    case 'stall-body':
      res.writeHead(response.status ?? 200, { 'content-type': 'text/html', ...headers });
      res.write('<html><head><title>stalled</title>');
      return;
    case 'endless': {
      res.writeHead(response.status ?? 200, { 'content-type': 'text/html', ...headers });
      const chunk = Buffer.alloc(64 * 1024, '<p>more and more</p>\n');
      const pump = (): void => {
        while (!res.destroyed && res.write(chunk)) {
          // keep writing while the socket accepts; then wait for drain (bounded server memory too)
        }
        if (!res.destroyed) res.once('drain', pump);
      };
      res.write('<html><head><title>endless</title></head><body>');
      pump();
      return;
    }
    case 'drip': {
      res.writeHead(response.status ?? 200, { 'content-type': 'text/html', ...headers });
      const timer = setInterval(() => {
        if (res.destroyed) {
          clearInterval(timer);
          timers.delete(timer);
          return;
        }
        res.write('.');
      }, 50);
      timers.add(timer);
      return;
    }
    default: {
      const body = response.body ?? '';
      res.writeHead(response.status ?? 200, headers);
      res.end(body);
    }
  }
}

/** A minimal HTML page. */
export function page(title: string, inner = ''): string {
  return `<!doctype html><html><head><title>${title}</title></head><body>${inner}</body></html>`;
}
