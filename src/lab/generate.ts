import type { World } from './world/schema.js';

/** Small seeded PRNG (mulberry32): the same seed gives the same world. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** The i-th address of a /16 block inside 127/8, skipping .0 and .255. */
function address(block: number, index: number): string {
  return `127.${block}.${Math.floor(index / 254)}.${(index % 254) + 1}`;
}

export interface GenerateWorldOptions {
  domains: number;
  sites: number;
  seed?: number;
}

/**
 * A large synthetic agency for benchmarks: N mail domains (a seeded mix of good and bad SPF,
 * DMARC, CAA, signed zones) sharing a handful of MX hosts, and N sites each on its own address
 * (HTTP + HTTPS listeners: 2 sockets per site) with a seeded mix of certificate variants and
 * headers. 200 domains + 200 sites start in about a second with ~420 listening sockets.
 */
export function generateWorld(options: GenerateWorldOptions): World {
  const random = prng(options.seed ?? 1);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const mailZone = 'mail-bench.gov.vn.test';
  const mxCount = Math.max(1, Math.min(8, options.domains));
  const domainNames = Array.from({ length: Math.max(1, options.domains) }, (_, i) => `don-vi-${i + 1}.tinh-bench.gov.vn.test`);
  const hosts: NonNullable<World['hosts']> = [];
  const zones: NonNullable<NonNullable<World['dns']>['zones']> = [];

  const mailHostNames: string[] = [];
  for (let m = 0; m < mxCount; m++) {
    const name = `mx${m + 1}.${mailZone}`;
    mailHostNames.push(name);
    const weak = m % 2 === 1;
    hosts.push({
      ip: address(40, m),
      names: [name],
      smtp: [
        {
          port: 25,
          banner: weak ? 'Postfix 2.10.1 (Ubuntu)' : '',
          starttls: !weak || m % 4 === 1,
          openRelay: m % 4 === 3,
          authBeforeTls: weak,
          auth: weak,
          localDomains: domainNames,
        },
      ],
    });
  }
  zones.push({ name: mailZone, records: [] });

  domainNames.forEach((domain, i) => {
    const mx = mailHostNames[i % mxCount]!;
    const spf = pick(['v=spf1 mx -all', 'v=spf1 mx ~all', 'v=spf1 +all', 'v=spf1 mx', 'v=spf1 a mx ip4:127.40.0.1 -all']);
    const dmarc = pick(['v=DMARC1; p=reject; rua=mailto:dmarc@' + domain, 'v=DMARC1; p=none', 'v=DMARC1; p=quarantine; pct=50', undefined]);
    const records: NonNullable<NonNullable<World['dns']>['zones']>[number]['records'] = [
      { name: '@', type: 'MX', data: { preference: 10, exchange: mx } },
      { name: '@', type: 'TXT', data: spf },
    ];
    if (dmarc) records.push({ name: '_dmarc', type: 'TXT', data: dmarc });
    if (random() < 0.5) records.push({ name: '@', type: 'CAA', data: { flags: 0, tag: 'issue', value: 'ca.lab.test' } });
    zones.push({ name: domain, signed: random() < 0.3, axfr: random() < 0.1, records });
  });

  // Sites share one zone so that a wildcard certificate per variant serves them all: issuing and
  // loading a certificate per site would be most of the start-up time.
  const siteZone = 'tinh-bench.gov.vn.test';
  zones.push({ name: siteZone, records: [] });
  const variants = ['good', 'good', 'good', 'expired', 'self-signed', 'wrong-name', 'weak-key', 'chain'] as const;
  for (let s = 0; s < options.sites; s++) {
    const name = `site-${s + 1}.${siteZone}`;
    const strong = random() < 0.5;
    hosts.push({
      ip: address(50, s),
      names: [name],
      sites: [
        {
          title: `Cổng thông tin ${s + 1}`,
          portal: s % 3 === 0,
          http: { port: 80, redirectToHttps: strong },
          https: { port: 443, cert: { variant: pick(variants), names: [`*.${siteZone}`] } },
          headers: strong
            ? {
                'strict-transport-security': 'max-age=31536000; includeSubDomains',
                'content-security-policy': "default-src 'self'",
                'x-content-type-options': 'nosniff',
                'x-frame-options': 'DENY',
                'referrer-policy': 'strict-origin-when-cross-origin',
              }
            : { server: 'Apache/2.4.6 (CentOS) PHP/5.4.16', 'x-powered-by': 'PHP/5.4.16' },
          paths: random() < 0.2 ? { '/.git/HEAD': { body: 'ref: refs/heads/master\n', contentType: 'text/plain' } } : {},
        },
      ],
    });
  }

  return {
    organisation: { name: 'Tỉnh Bench (tổng hợp / synthetic)', code: 'BENCH' },
    mailDomains: domainNames,
    dns: { ip: '127.0.10.53', zones },
    hosts,
    staff: [],
  };
}
