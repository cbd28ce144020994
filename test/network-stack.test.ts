/**
 * One network stack: only src/probes (and the lab) touch the network; the watch's monitors are
 * thin wrappers over the probes and share their evidence types (the TLS monitor and the SMTP
 * monitor's STARTTLS give the assessment's `CertificateEvidence`); alert delivery posts through
 * src/probes/http/post.ts.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningLab, startLab } from '../src/lab/index.js';
import type { ProbeContext } from '../src/probes/context.js';
import { sendWebhook } from '../src/watch/alerts/channels/index.js';
import { smtpMonitorSchema, tlsMonitorSchema } from '../src/watch/config-schema.js';
import { probeSmtp } from '../src/watch/monitors/smtp.js';
import { probeTls } from '../src/watch/monitors/tls.js';
import { repoRoot } from './support/cli.js';

const NETWORK_MODULE = /(?:from\s+|import\s*\(\s*|require\s*\(\s*)['"](?:node:)?(?:net|tls|dns|dns\/promises|dgram|undici)['"]/;

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return /\.tsx?$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name) ? [path] : [];
  });
}

describe('the rule: network modules only in src/probes and src/lab', () => {
  it('no other source imports node:net, node:tls, node:dns, node:dgram or undici (not even a type)', () => {
    const all = sources(join(repoRoot, 'src')).map((file) => relative(repoRoot, file).split('\\').join('/'));
    // The scan must see the probes' own imports, or it would pass by reading nothing.
    expect(all.filter((file) => NETWORK_MODULE.test(readFileSync(join(repoRoot, file), 'utf8')))).toContain('src/probes/tls/handshake.ts');
    const offenders = all
      .filter((file) => !file.startsWith('src/probes/') && !file.startsWith('src/lab/'))
      .filter((file) => NETWORK_MODULE.test(readFileSync(join(repoRoot, file), 'utf8')));
    expect(offenders).toEqual([]);
  });
});

describe('the watch monitors on the probes (lab on loopback)', () => {
  let lab: RunningLab;
  let ctx: ProbeContext;
  beforeAll(async () => {
    lab = await startLab();
    ctx = lab.probeContext();
  }, 60_000);
  afterAll(async () => {
    await lab?.stop();
  });

  it('the TLS monitor reads the certificate chain, trust and name as the assessment does', async () => {
    const good = await probeTls(tlsMonitorSchema.parse({ name: 't', type: 'tls', host: 'www.so-demo.gov.vn.test', port: 443 }), ctx);
    expect(good.error).toBeUndefined();
    expect(good.certificate).toMatchObject({ trusted: true, hostnameMatches: true, checkedName: 'www.so-demo.gov.vn.test' });
    expect(good.certificate!.chain.length).toBeGreaterThanOrEqual(1);
    expect(good.certificate!.chain[0]!.subjectAltNames).toContain('DNS:www.so-demo.gov.vn.test');
    expect(Date.parse(good.certificate!.chain[0]!.notAfter)).toBeGreaterThan(Date.now());
    expect(good.negotiated?.protocol).toMatch(/^TLSv1\.[23]$/);

    const selfSigned = await probeTls(tlsMonitorSchema.parse({ name: 't', type: 'tls', host: 'www.truong-demo.edu.vn.test', port: 443 }), ctx);
    expect(selfSigned.certificate).toMatchObject({ trusted: false, trustError: 'DEPTH_ZERO_SELF_SIGNED_CERT' });
  });

  it('the SMTP monitor reads banner and EHLO, then the certificate through STARTTLS', async () => {
    const evidence = await probeSmtp(smtpMonitorSchema.parse({ name: 's', type: 'smtp', host: 'mx.so-demo.gov.vn.test', port: 25 }), ctx);
    expect(evidence.error).toBeUndefined();
    expect(evidence.banner).toBeTruthy();
    expect(evidence.extensions).toContain('STARTTLS');
    expect(evidence.tls?.certificate).toMatchObject({ trusted: true, hostnameMatches: true, checkedName: 'mx.so-demo.gov.vn.test' });
    expect(evidence.tls?.certificate?.chain[0]?.fingerprintSha256).toMatch(/^[0-9A-F:]+$/);
  });
});

describe('alert delivery through src/probes/http/post.ts', () => {
  let receiver: Server;
  let url: string;
  beforeAll(async () => {
    // A receiver that answers 500 and then never stops sending: the delivery must fail on the
    // status with the first bytes, not wait for the end of the body (or the 15 s timeout).
    receiver = createServer((_req, res) => {
      res.writeHead(500, { 'content-type': 'text/plain' });
      res.write('overloaded ');
      const timer = setInterval(() => res.write('x'.repeat(16_384)), 5);
      res.on('close', () => clearInterval(timer));
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
  });
  afterAll(() => {
    receiver.closeAllConnections();
    receiver.close();
  });

  it('a receiver with an endless error body fails the delivery with its status, without reading it all', async () => {
    const started = performance.now();
    await expect(sendWebhook(url, 'secret', { title: 't', text: 'x', items: [] }, 'key-1')).rejects.toThrow(/^HTTP 500: overloaded/);
    // Generous bound (a loaded machine): the old client read until its 15 s timeout.
    expect(performance.now() - started).toBeLessThan(10_000);
  });
});
