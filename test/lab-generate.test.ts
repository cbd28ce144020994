import { Resolver } from 'node:dns/promises';
import { type PeerCertificate, checkServerIdentity, connect as tlsConnect } from 'node:tls';
import { afterAll, describe, expect, it } from 'vitest';
import { generateWorld, type RunningLab, startLab } from '../src/lab/index.js';

describe('generated benchmark world', () => {
  let lab: RunningLab | undefined;
  afterAll(async () => {
    await lab?.stop();
  });

  it('is the same for the same seed and different for another', () => {
    const a = generateWorld({ domains: 20, sites: 20, seed: 3 });
    expect(generateWorld({ domains: 20, sites: 20, seed: 3 })).toEqual(a);
    expect(generateWorld({ domains: 20, sites: 20, seed: 4 })).not.toEqual(a);
  });

  it('starts 200 domains and 200 sites with a bounded number of sockets, and serves them', { timeout: 60_000 }, async () => {
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    lab = await startLab({ world: generateWorld({ domains: 200, sites: 200, seed: 7 }) });
    const cpu = process.cpuUsage(cpu0);
    const startMs = performance.now() - t0;
    const startCpuMs = (cpu.user + cpu.system) / 1_000;
    expect(lab.domains.filter((d) => d.startsWith('don-vi-'))).toHaveLength(200);
    expect(lab.sites).toHaveLength(200);
    // each TCP service is one listening socket, plus DNS over UDP and TCP
    const sockets = Object.keys(lab.portMap).length + 1;
    expect(sockets).toBeLessThan(1_500);
    // CPU time, not wall time: the 2-core machine may be busy with other test files
    expect(startCpuMs).toBeLessThan(15_000);
    process.stdout.write(`generated world: ${sockets} sockets, started in ${Math.round(startMs)} ms (${Math.round(startCpuMs)} ms CPU)\n`);

    const resolver = new Resolver({ timeout: 2_000, tries: 2 });
    resolver.setServers([`${lab.resolver.host}:${lab.resolver.port}`]);
    const mx = await resolver.resolveMx('don-vi-150.tinh-bench.gov.vn.test');
    expect(mx[0]?.exchange).toMatch(/^mx\d\.mail-bench\.gov\.vn\.test$/);
    const [address] = await resolver.resolve4('site-123.tinh-bench.gov.vn.test');
    const port = lab.portMap[`${address}:443`]!;
    const servername = 'site-123.tinh-bench.gov.vn.test';
    // Full verification as a client would do it: the chain up to the lab CA and the name (Node's
    // default checkServerIdentity), nothing relaxed.
    const handshake = (ca: string[] | undefined) =>
      new Promise<{ authorized: boolean; peer: PeerCertificate }>((resolve, reject) => {
        const socket = tlsConnect({ host: address, port, servername, ca }, () => {
          const peer = socket.getPeerCertificate();
          socket.end();
          resolve({ authorized: socket.authorized, peer });
        });
        socket.once('error', reject);
      });
    const verified = await handshake([lab.caPem]);
    expect(verified.authorized).toBe(true);
    // the certificate names this site (the world issues one wildcard per province) and no other zone
    expect(checkServerIdentity(servername, verified.peer)).toBeUndefined();
    expect(checkServerIdentity('site-123.other-bench.gov.vn.test', verified.peer)).toBeInstanceOf(Error);
    expect(verified.peer.issuer.O).toBe('Vigil Lab');
    // and the same certificate is refused without the lab CA: the chain, not luck, made it pass
    await expect(handshake(undefined)).rejects.toMatchObject({ code: expect.stringMatching(/CERT|SIGNATURE|ISSUER/) });
  });
});
