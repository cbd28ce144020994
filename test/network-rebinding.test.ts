import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningLab, startLab } from '../src/lab/index.js';
import { parseHostPort, type ProbeContext } from '../src/probes/context.js';
import { followChain } from '../src/probes/http/chain.js';
import { HttpClient } from '../src/probes/http/client.js';
import { NetworkScope } from '../src/probes/scope.js';
import { smtpSession } from '../src/probes/smtp/probe.js';
import { probeTls } from '../src/probes/tls/probe.js';
import { httpMonitorSchema, tcpMonitorSchema } from '../src/watch/config-schema.js';
import { closeHttpAgent, probeHttp } from '../src/watch/monitors/http.js';
import { probeTcp } from '../src/watch/monitors/tcp.js';

/**
 * The scope is checked on the address a connector is about to dial, not only on the name: a name
 * inside the scope that the lab's DNS server points at an out-of-scope loopback address (DNS
 * rebinding, or a redirect to such a name) must never reach the listener there.
 */
const TRAP = '127.0.99.7'; // out of scope: a listener that must see no connection
const HOP = '127.0.99.8'; // in scope: answers with a redirect to a name that resolves to TRAP

let lab: RunningLab;
let trap: Server;
let hop: Server;
let trapPort: number;
let hopPort: number;
let trapConnections = 0;
let domain: string;
let scoped: ProbeContext;
let open: ProbeContext;

function listen(server: Server, host: string): Promise<number> {
  return new Promise((resolve) => server.listen(0, host, () => resolve((server.address() as AddressInfo).port)));
}

function client(ctx: ProbeContext): HttpClient {
  return new HttpClient(ctx, {
    requestTimeoutMs: 5_000,
    bodyIdleTimeoutMs: 5_000,
    totalTimeoutMs: 10_000,
    userAgent: 'vigil-test',
    connectionsPerOrigin: 1,
  });
}

beforeAll(async () => {
  lab = await startLab();
  domain = lab.domains.find((d) => d.startsWith('so-demo')) ?? lab.domains[0]!;
  trap = createServer((_req, res) => res.end('trap'));
  trap.on('connection', () => trapConnections++);
  trapPort = await listen(trap, TRAP);
  hop = createServer((_req, res) => res.writeHead(302, { location: `http://rebind.${domain}:${trapPort}/` }).end());
  hopPort = await listen(hop, HOP);
  lab.control.setDnsRecords([
    { name: `rebind.${domain}`, type: 'A', data: TRAP },
    { name: `hop.${domain}`, type: 'A', data: HOP },
    { name: `flip.${domain}`, type: 'A', data: HOP },
  ]);
  // Only specific loopback addresses: the lab's services and HOP, not the whole of 127.0.0.0/8.
  const labAddresses = Object.keys(lab.portMap).map((key) => parseHostPort(key, 0).host);
  const entries = [...lab.domains, ...labAddresses, HOP];
  scoped = { ...lab.probeContext(), scope: NetworkScope.of(entries) };
  // The control: the same context with TRAP listed, so the listener is reachable when allowed.
  open = { ...lab.probeContext(), scope: NetworkScope.of([...entries, TRAP]) };
}, 60_000);

afterAll(async () => {
  await closeHttpAgent(scoped);
  await closeHttpAgent(open);
  trap?.close();
  hop?.close();
  await lab?.stop();
});

describe('connect-time scope check (DNS rebinding)', () => {
  it('the assessment HTTP client refuses a name in scope that resolves out of scope', async () => {
    expect(scoped.scope!.allowsHost(`rebind.${domain}`)).toBe(true);
    const before = trapConnections;
    const http = client(scoped);
    const refused = await http.fetch(`http://rebind.${domain}:${trapPort}/`, { bodyLimit: () => 100 });
    await http.close();
    expect(refused.exchange.error).toMatchObject({ code: 'out-of-scope', message: expect.stringContaining(TRAP) });
    expect(trapConnections).toBe(before);

    const control = client(open);
    const allowed = await control.fetch(`http://rebind.${domain}:${trapPort}/`, { bodyLimit: () => 100 });
    await control.close();
    expect(allowed.exchange.status).toBe(200);
    expect(trapConnections).toBeGreaterThan(before);
  }, 30_000);

  it('a redirect to such a name is refused at connect time too', async () => {
    const before = trapConnections;
    const http = client(scoped);
    const { chain } = await followChain(http, 'target', `http://hop.${domain}:${hopPort}/`, { maxRedirects: 5, readFinalBody: 0 });
    await http.close();
    expect(chain.steps[0]?.status).toBe(302);
    expect(chain.outcome).toBe('error');
    expect(chain.error?.code).toBe('out-of-scope');
    expect(trapConnections).toBe(before);
  }, 30_000);

  it('the TLS and SMTP probes refuse the out-of-scope address', async () => {
    const before = trapConnections;
    const tls = await probeTls(TRAP, trapPort, scoped);
    expect(tls.reachable).toBe(false);
    expect(tls.error).toContain('out-of-scope');
    expect(tls.handshakes).toBe(0);
    const smtp = await smtpSession(`rebind.${domain}`, TRAP, { ...scoped, portMap: { [`${TRAP}:25`]: trapPort } });
    expect(smtp.connected).toBe(false);
    expect(smtp.error).toContain('out-of-scope');
    expect(trapConnections).toBe(before);
  }, 30_000);

  it('a watch monitor whose name is re-pointed after it was up stops connecting', async () => {
    const monitor = tcpMonitorSchema.parse({ name: 'flip', type: 'tcp', host: `flip.${domain}`, port: hopPort });
    const up = await probeTcp(monitor, scoped);
    expect(up.error).toBeUndefined();
    expect(up.address).toBe(`${HOP}:${hopPort}`);

    const before = trapConnections;
    lab.control.setDnsRecords([{ name: `flip.${domain}`, type: 'A', data: TRAP }]);
    const rebound = await probeTcp({ ...monitor, port: trapPort }, scoped);
    expect(rebound.error).toContain('out-of-scope');
    expect(trapConnections).toBe(before);
    // The control: allowed, the same check reaches the listener.
    const reached = await probeTcp({ ...monitor, port: trapPort }, open);
    expect(reached.error).toBeUndefined();
    expect(trapConnections).toBe(before + 1);
  }, 30_000);

  it('the watch http monitor refuses a redirect into the out-of-scope address', async () => {
    const before = trapConnections;
    const monitor = httpMonitorSchema.parse({ name: 'hop', type: 'http', url: `http://hop.${domain}:${hopPort}/` });
    const evidence = await probeHttp(monitor, scoped);
    expect(JSON.stringify(evidence)).toContain('out-of-scope');
    expect(trapConnections).toBe(before);
  }, 30_000);
});
