import { z } from 'zod';
import { CERT_VARIANTS } from '../ca.js';

/**
 * The lab's world file (YAML): the fictional agency's hosts, DNS zones and the services each host
 * runs. Strict objects, so a typo is an error with its line and column (load.ts). The documented
 * example is src/lab/worlds/default.yaml; the format is described in docs/lab.md.
 */

const loopbackIp = z.ipv4().refine((ip) => ip.startsWith('127.'), 'lab addresses must be in 127.0.0.0/8');
const hostName = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^([a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9])?\.)*[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/, 'not a host name');
/** A certificate name: a host name, or a wildcard `*.zone`. */
const certName = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^(\*\.)?([a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9])?\.)*[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/, 'not a host name or *.wildcard');
const port = z.number().int().min(1).max(65535);
const tlsVersion = z.enum(['TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3']);

export const certSchema = z.strictObject({
  variant: z.enum(CERT_VARIANTS).default('good'),
  /** Key type of the leaf: EC P-256 (default) or RSA 2048. `weak-key` is always RSA 1024. */
  key: z.enum(['ec', 'rsa']).default('ec'),
  /** Names in the certificate; default: the host's names. */
  names: z.array(certName).optional(),
});

export const tlsSchema = z.strictObject({
  cert: certSchema.default({ variant: 'good', key: 'ec' }),
  minVersion: tlsVersion.default('TLSv1.2'),
  maxVersion: tlsVersion.default('TLSv1.3'),
  /** OpenSSL cipher string; legacy TLS 1.0/1.1 needs 'DEFAULT:@SECLEVEL=0'. */
  ciphers: z.string().optional(),
});

const recordType = z.enum(['A', 'AAAA', 'MX', 'TXT', 'SPF', 'CNAME', 'NS', 'SOA', 'CAA', 'TLSA', 'PTR']);

export const recordSchema = z.strictObject({
  /** Relative to the zone ('@' = the zone apex) or absolute with a trailing dot. */
  name: z.string().min(1),
  type: recordType,
  ttl: z.number().int().min(0).optional(),
  /**
   * dns-packet data shapes (see src/lab/dns/types.ts). A TLSA record may give
   * `certificate: "auto:HOSTNAME"` to use the SPKI SHA-256 of the certificate the lab issued
   * for that name (DANE 3 1 1 that matches).
   */
  data: z.unknown(),
});

export const zoneSchema = z.strictObject({
  name: hostName,
  /** Served as DNSSEC-signed (answers to DO queries carry AD). */
  signed: z.boolean().default(false),
  /** Zone transfer (AXFR) allowed to anyone. */
  axfr: z.boolean().default(false),
  /** Adds a SOA and NS for the zone when the records do not give them. */
  records: z.array(recordSchema).default([]),
});

export const misbehaviourSchema = z.strictObject({
  name: hostName,
  mode: z.enum(['timeout', 'servfail', 'refused', 'malformed', 'truncate', 'truncated-garbage']),
});

const portMode = z.enum(['normal', 'stall']);

export const smtpSchema = z.strictObject({
  port: port.default(25),
  /** Text after "220 <hostname> ESMTP". */
  banner: z.string().default(''),
  /** Host name in the greeting and EHLO; default: the host's first name. */
  hostname: hostName.optional(),
  starttls: z.boolean().default(true),
  /** Implicit TLS (port 465). */
  implicitTls: z.boolean().default(false),
  tls: tlsSchema.optional(),
  /** Offer AUTH before STARTTLS (plaintext authentication). */
  authBeforeTls: z.boolean().default(false),
  /** Offer AUTH at all (submission ports). */
  auth: z.boolean().default(false),
  /** Accept RCPT TO any outside domain from anyone. */
  openRelay: z.boolean().default(false),
  /** Domains this server accepts mail for; default: every zone whose MX names this host. */
  localDomains: z.array(hostName).optional(),
  /** stall = accept TCP, never send the banner (hostile peer). */
  mode: portMode.default('normal'),
});

export const mailboxSchema = z.strictObject({
  port,
  /** Implicit TLS (993/995). */
  implicitTls: z.boolean().default(false),
  /** Advertise STARTTLS/STLS and perform it. */
  starttls: z.boolean().default(true),
  tls: tlsSchema.optional(),
  mode: portMode.default('normal'),
});

const hostileMode = z.enum(['redirect-loop', 'endless-body', 'stall-after-headers', 'stall', 'slow-body']);

export const pathSchema = z.strictObject({
  status: z.number().int().min(100).max(599).default(200),
  headers: z.record(z.string(), z.string()).default({}),
  /** Raw Set-Cookie values. */
  cookies: z.array(z.string()).default([]),
  body: z.string().optional(),
  /** Redirect to this location (status 302 unless given). */
  redirect: z.string().optional(),
  /** Serve an Apache-style directory listing of these entries. */
  listing: z.array(z.string()).optional(),
  hostile: hostileMode.optional(),
  contentType: z.string().optional(),
});

export const siteSchema = z.strictObject({
  /** Host names this site answers for; default: the host's names. */
  names: z.array(hostName).optional(),
  title: z.string().optional(),
  /** A portal (cổng thông tin điện tử): watched for defacement in the lab's vigil config. */
  portal: z.boolean().default(false),
  /** Plain HTTP: port, and whether every request is redirected to HTTPS on the same host. */
  http: z
    .union([z.literal(false), z.strictObject({ port: port.default(80), redirectToHttps: z.boolean().default(false) })])
    .default({ port: 80, redirectToHttps: false }),
  /** HTTPS: port and TLS settings; false = no HTTPS. */
  https: z.union([z.literal(false), tlsSchema.extend({ port: port.default(443) })]).default(false),
  /** Send every request to this origin, keeping the path (apex → www). */
  redirectAll: z.string().optional(),
  /** Headers on every response of the site (Server, HSTS, CSP…). */
  headers: z.record(z.string(), z.string()).default({}),
  paths: z.record(z.string(), pathSchema).default({}),
  /** What an unknown path answers: a real 404, or 200 with the home page (soft 404). */
  notFound: z.enum(['404', 'soft-404']).default('404'),
  /** The whole site misbehaves (hostile peer). */
  hostile: hostileMode.optional(),
});

export const hostSchema = z.strictObject({
  id: z.string().min(1).optional(),
  ip: loopbackIp,
  /** Names with an A record to this address (their zone must be in dns.zones). */
  names: z.array(hostName).default([]),
  /** Publish a PTR for the address (reverse zone in-addr.arpa). */
  ptr: hostName.optional(),
  smtp: z.array(smtpSchema).default([]),
  imap: z.array(mailboxSchema).default([]),
  pop3: z.array(mailboxSchema).default([]),
  sites: z.array(siteSchema).default([]),
});

export const staffMemberSchema = z.strictObject({
  name: z.string().min(1),
  email: z.string().min(3),
  unit: z.string().default(''),
  phone: z.string().default(''),
  aliases: z.array(z.string()).default([]),
  onCall: z.boolean().default(false),
});

export const worldSchema = z
  .strictObject({
    organisation: z.strictObject({
      name: z.string().min(1),
      parent: z.string().optional(),
      address: z.string().optional(),
      phone: z.string().optional(),
      email: z.string().optional(),
      code: z.string().optional(),
    }),
    /** The agency's own mail domains (the vigil config's mail.domains). */
    mailDomains: z.array(hostName).default([]),
    /** The mail server vigil sends notifications through (host name and port in this world). */
    notifySmtp: z.strictObject({ host: hostName, port: port.default(25), from: z.string().min(3) }).optional(),
    dns: z.strictObject({
      ip: loopbackIp.default('127.0.10.53'),
      zones: z.array(zoneSchema).default([]),
      misbehave: z.array(misbehaviourSchema).default([]),
    }),
    hosts: z.array(hostSchema).default([]),
    staff: z.array(staffMemberSchema).default([]),
    /** How many accepted messages the lab keeps in memory (oldest dropped first). */
    keepMessages: z.number().int().min(1).max(10_000).default(200),
  })
  .superRefine((world, ctx) => {
    // Each address:port is one listener and one port-map key: two services cannot share it (the
    // sites of one host share its http or https listener), and the sites sharing an HTTPS
    // listener must agree on its TLS versions and ciphers.
    const taken = new Map<string, string>();
    const claim = (key: string, owner: string, shareable: boolean, path: (string | number)[]) => {
      const previous = taken.get(key);
      if (previous !== undefined && !(shareable && previous === owner)) {
        ctx.addIssue({ code: 'custom', path, message: `${key} is already used by ${previous}` });
      }
      taken.set(key, owner);
    };
    world.hosts.forEach((host, h) => {
      for (const kind of ['smtp', 'imap', 'pop3'] as const) {
        host[kind].forEach((service, i) => {
          claim(`${host.ip}:${service.port}`, `hosts.${h}.${kind}.${i}`, false, ['hosts', h, kind, i, 'port']);
        });
      }
      const tlsByPort = new Map<number, string>();
      host.sites.forEach((site, i) => {
        if (site.http) claim(`${host.ip}:${site.http.port}`, `hosts.${h} http`, true, ['hosts', h, 'sites', i, 'http']);
        if (site.https) {
          claim(`${host.ip}:${site.https.port}`, `hosts.${h} https`, true, ['hosts', h, 'sites', i, 'https']);
          const settings = `${site.https.minVersion} ${site.https.maxVersion} ${site.https.ciphers ?? ''}`;
          const first = tlsByPort.get(site.https.port);
          if (first !== undefined && first !== settings) {
            ctx.addIssue({
              code: 'custom',
              path: ['hosts', h, 'sites', i, 'https'],
              message: `sites on port ${site.https.port} of ${host.ip} must share TLS versions and ciphers (${first.trim()})`,
            });
          }
          tlsByPort.set(site.https.port, settings);
        }
      });
    });
    if (world.notifySmtp && !world.hosts.some((host) => host.names.includes(world.notifySmtp!.host))) {
      ctx.addIssue({ code: 'custom', path: ['notifySmtp', 'host'], message: `no host is named ${world.notifySmtp.host}` });
    }
  });

export type World = z.input<typeof worldSchema>;
export type ParsedWorld = z.output<typeof worldSchema>;
export type WorldHost = ParsedWorld['hosts'][number];
export type WorldSite = WorldHost['sites'][number];
export type WorldSmtp = WorldHost['smtp'][number];
export type WorldMailbox = WorldHost['imap'][number];
export type WorldTls = z.output<typeof tlsSchema>;
export type WorldPath = z.output<typeof pathSchema>;
export type HostileMode = z.output<typeof hostileMode>;
