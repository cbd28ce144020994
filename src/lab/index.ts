import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { VigilConfig } from '../config/schema.js';
import { VigilError } from '../errors.js';
import { buildProbeContext } from '../config/probe-context.js';
import type { ProbeContext } from '../probes/context.js';
import { type CertVariant, createLabCa, type IssuedCert, type KeyKind } from './ca.js';
import { startDnsServer } from './dns/server.js';
import type { DnsRecord } from './dns/types.js';
import { createSiteServer, type LabSite } from './http.js';
import { type ManagedService, managedService, type ServiceKind } from './listener.js';
import { createMailboxServer } from './mailbox.js';
import { type LabMessage, MessageStore } from './messages.js';
import { buildOrganisationConfig, staffCsv } from './organisation.js';
import { createSmtpServer } from './smtp.js';
import { resolveWorld } from './world/load.js';
import { type ParsedWorld, tlsSchema, type World, type WorldTls } from './world/schema.js';
import { buildDnsRecords } from './zones.js';

export { generateWorld } from './generate.js';
export type { LabMessage } from './messages.js';
export type { ParsedWorld, World } from './world/schema.js';

export interface StartLabOptions {
  /** A world file path, a world object, or nothing for the built-in default world. */
  world?: string | World;
  /** Folder for ca.pem, ca-key.pem and staff.csv; default a new temp folder (removed at stop). */
  dir?: string;
  /** Listen on fixed ports portBase, portBase+1, … (DNS first) instead of free ports. */
  portBase?: number;
}

export interface LabService {
  kind: ServiceKind;
  /** The world's port (25, 443…). */
  standardPort: number;
  /** The port really listened on. */
  port: number;
}

export interface LabHost {
  ip: string;
  names: string[];
  services: LabService[];
}

export interface LabControl {
  /** Replace the home page of the site at this URL or host name with a defacement page. */
  deface(siteUrlOrHost: string): void;
  restore(siteUrlOrHost: string): void;
  /** Stop / start the service at this address and port (world port or real port). */
  stopService(ip: string, port: number): Promise<void>;
  startService(ip: string, port: number): Promise<void>;
  /** Replace every served record with the same name and type as one given (or all records with `replaceAll`). */
  setDnsRecords(records: DnsRecord[], options?: { replaceAll?: boolean }): void;
  /** The current DNS records. */
  dnsRecords(): DnsRecord[];
  /** Messages the lab's SMTP servers accepted, oldest first (bounded). */
  messages(): LabMessage[];
  clearMessages(): void;
}

export interface RunningLab {
  resolver: { host: string; port: number };
  caFile: string;
  caPem: string;
  dir: string;
  portMap: Record<string, number>;
  domains: string[];
  sites: string[];
  hosts: LabHost[];
  world: ParsedWorld;
  probeContext(): ProbeContext;
  organisationConfig(): VigilConfig;
  control: LabControl;
  stop(): Promise<void>;
}

const DEFAULT_TLS: WorldTls = tlsSchema.parse({});

function hostOf(siteUrlOrHost: string): string {
  if (siteUrlOrHost.includes('://')) return new URL(siteUrlOrHost).hostname.toLowerCase();
  return siteUrlOrHost.toLowerCase().replace(/\/.*$/, '');
}

/**
 * Start the lab organisation: CA, DNS, SMTP/IMAP/POP3 and HTTP(S) servers of every host of the
 * world, each on its own loopback address. Resolves once everything listens.
 */
export async function startLab(options: StartLabOptions = {}): Promise<RunningLab> {
  const world = await resolveWorld(options.world);
  const ownDir = options.dir === undefined;
  const dir = options.dir ?? (await mkdtemp(join(tmpdir(), 'vigil-lab-')));
  const ca = await createLabCa(dir, 'Vigil Lab');
  const messages = new MessageStore(world.keepMessages);

  const certCache = new Map<string, Promise<IssuedCert>>();
  const issue = (variant: CertVariant, names: string[], key: KeyKind) => {
    const cacheKey = `${variant}|${key}|${names.join(',')}`;
    let cert = certCache.get(cacheKey);
    if (!cert) {
      cert = ca.issue(variant, names, key);
      certCache.set(cacheKey, cert);
    }
    return cert;
  };
  const certFor = (tls: WorldTls, names: string[]) => issue(tls.cert.variant, tls.cert.names ?? names, tls.cert.key);
  /** name → certificate of its mail service, for TLSA "auto:" records. */
  const mailCertByName = new Map<string, IssuedCert>();

  let nextPort = options.portBase;
  const portFor = () => (nextPort === undefined ? 0 : nextPort++);
  const dnsPort = portFor();

  const services: ManagedService[] = [];
  const labSites: LabSite[] = [];
  const zoneNames = world.dns.zones.map((z) => z.name);

  for (const host of world.hosts) {
    const hostname = host.names[0] ?? host.ip;
    const localDomains = world.dns.zones
      .filter((zone) =>
        zone.records.some((r) => {
          if (r.type !== 'MX') return false;
          const exchange = String((r.data as { exchange?: string } | undefined)?.exchange ?? '').replace(/\.$/, '');
          return host.names.includes(exchange.toLowerCase());
        }),
      )
      .map((zone) => zone.name);
    for (const smtp of host.smtp) {
      const name = smtp.hostname ?? hostname;
      const tls = smtp.tls ?? DEFAULT_TLS;
      const wantsTls = smtp.implicitTls || smtp.starttls;
      const cert = wantsTls ? await certFor(tls, [name, ...host.names.filter((n) => n !== name)]) : undefined;
      if (cert) for (const n of [name, ...host.names]) if (!mailCertByName.has(n)) mailCertByName.set(n, cert);
      const endpoint = {
        ip: host.ip,
        hostname: name,
        spec: { ...smtp, tls },
        cert,
        localDomains: smtp.localDomains ?? localDomains,
        messages,
      };
      services.push(managedService('smtp', host.ip, smtp.port, portFor(), () => createSmtpServer(endpoint)));
    }
    for (const protocol of ['imap', 'pop3'] as const) {
      for (const mailbox of host[protocol]) {
        const tls = mailbox.tls ?? DEFAULT_TLS;
        const cert = mailbox.implicitTls || mailbox.starttls ? await certFor(tls, host.names.length ? host.names : [host.ip]) : undefined;
        const endpoint = { protocol, hostname, spec: { ...mailbox, tls }, cert };
        services.push(managedService(protocol, host.ip, mailbox.port, portFor(), () => createMailboxServer(endpoint)));
      }
    }
    // sites grouped by listener: one HTTP(S) server per address and port, sites chosen by Host/SNI
    const httpGroups = new Map<number, LabSite[]>();
    const httpsGroups = new Map<number, { tls: WorldTls; sites: LabSite[] }>();
    for (const spec of host.sites) {
      const site: LabSite = { names: spec.names ?? host.names, spec, httpsPort: spec.https ? spec.https.port : undefined, defaced: false };
      labSites.push(site);
      if (spec.http) httpGroups.set(spec.http.port, [...(httpGroups.get(spec.http.port) ?? []), site]);
      if (spec.https) {
        const group = httpsGroups.get(spec.https.port);
        if (group) group.sites.push(site);
        else httpsGroups.set(spec.https.port, { tls: spec.https, sites: [site] });
      }
    }
    for (const [port, sites] of httpGroups) {
      services.push(managedService('http', host.ip, port, portFor(), () => createSiteServer({ scheme: 'http', sites })));
    }
    for (const [port, group] of httpsGroups) {
      const certs = new Map<LabSite, IssuedCert>();
      for (const site of group.sites) {
        const tls = site.spec.https || group.tls;
        certs.set(site, await certFor(tls, site.names));
      }
      services.push(managedService('https', host.ip, port, portFor(), () => createSiteServer({ scheme: 'https', sites: group.sites, tls: group.tls, certs })));
    }
  }

  let records = buildDnsRecords(world, mailCertByName);
  const dnsServer = await startDnsServer({
    host: world.dns.ip,
    port: dnsPort,
    records,
    misbehave: world.dns.misbehave,
    axfrAllowed: world.dns.zones.filter((z) => z.axfr).map((z) => z.name),
    signedZones: world.dns.zones.filter((z) => z.signed).map((z) => z.name),
  });

  try {
    await Promise.all(services.map((s) => s.start()));
  } catch (error) {
    await Promise.all(services.map((s) => s.stop()));
    await dnsServer.stop();
    throw new VigilError('lab.listen', `a lab service could not listen: ${(error as Error).message}`, {
      hint: options.portBase === undefined ? 'another process may hold the address' : 'choose another --port-base, or omit it for free ports',
      cause: error,
    });
  }

  const staffFile = join(dir, 'staff.csv');
  await writeFile(staffFile, staffCsv(world), 'utf8');

  const portMap: Record<string, number> = { [`${world.dns.ip}:53`]: dnsServer.port };
  for (const s of services) portMap[`${s.ip}:${s.standardPort}`] = s.port;

  const hosts: LabHost[] = world.hosts.map((host) => ({
    ip: host.ip,
    names: host.names,
    services: services.filter((s) => s.ip === host.ip).map((s) => ({ kind: s.kind, standardPort: s.standardPort, port: s.port })),
  }));

  const sites: string[] = [];
  for (const site of labSites) {
    const scheme = site.spec.https ? 'https' : 'http';
    const standard = site.spec.https ? site.spec.https.port : site.spec.http ? site.spec.http.port : 80;
    const port = (scheme === 'https' && standard === 443) || (scheme === 'http' && standard === 80) ? '' : `:${standard}`;
    for (const name of site.names) sites.push(`${scheme}://${name}${port}/`);
  }

  const findSites = (siteUrlOrHost: string) => {
    const host = hostOf(siteUrlOrHost);
    const found = labSites.filter((s) => s.names.includes(host));
    if (found.length === 0) throw new VigilError('lab.no-such-site', `the lab serves no site named ${host}`, { hint: `one of: ${sites.join(', ')}` });
    return found;
  };
  const findService = (ip: string, port: number) => {
    const service = services.find((s) => s.ip === ip && s.standardPort === port) ?? services.find((s) => s.ip === ip && s.port === port);
    if (!service) throw new VigilError('lab.no-such-service', `the lab runs no service at ${ip}:${port}`, { hint: 'see the port map' });
    return service;
  };

  const resolver = { host: dnsServer.host, port: dnsServer.port };
  const caPem = ca.caPem;
  let stopped = false;

  return {
    resolver,
    caFile: ca.caFile,
    caPem,
    dir,
    portMap,
    domains: zoneNames.filter((z) => !z.endsWith('.arpa')),
    sites,
    hosts,
    world,
    // The one probe-settings builder, with the lab as the network (loopback in scope while it runs).
    probeContext: () => buildProbeContext({ lab: { resolver, caPem, portMap, domains: zoneNames.filter((z) => !z.endsWith('.arpa')) } }),
    organisationConfig: () => buildOrganisationConfig(world, { staffFile, portMap, sites: labSites }),
    control: {
      deface: (target) => {
        for (const site of findSites(target)) site.defaced = true;
      },
      restore: (target) => {
        for (const site of findSites(target)) site.defaced = false;
      },
      stopService: (ip, port) => findService(ip, port).stop(),
      startService: (ip, port) => findService(ip, port).start(),
      setDnsRecords: (changes, opts = {}) => {
        if (opts.replaceAll) records = [...changes];
        else {
          const replaced = new Set(changes.map((r) => `${r.name.toLowerCase().replace(/\.$/, '')}|${r.type}`));
          records = [...records.filter((r) => !replaced.has(`${r.name.toLowerCase().replace(/\.$/, '')}|${r.type}`)), ...changes];
        }
        dnsServer.setRecords(records);
      },
      dnsRecords: () => [...records],
      messages: () => messages.list(),
      clearMessages: () => messages.clear(),
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await Promise.all([...services.map((s) => s.stop()), dnsServer.stop()]);
      if (ownDir) await rm(dir, { recursive: true, force: true });
    },
  };
}
