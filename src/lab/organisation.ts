import { configSchema, type VigilConfig } from '../config/schema.js';
import { COMMON_DKIM_SELECTORS } from '../probes/mail-dns.js';
import type { LabSite } from './http.js';
import type { ParsedWorld } from './world/schema.js';

function csvField(value: string): string {
  return /[",\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/** The staff directory as vigil.yaml's `staff.directory` expects: name, email, unit, phone, aliases. */
export function staffCsv(world: ParsedWorld): string {
  const lines = ['full_name,email,unit,phone,aliases'];
  for (const person of world.staff) {
    lines.push([person.name, person.email, person.unit, person.phone, person.aliases.join(';')].map(csvField).join(','));
  }
  return `${lines.join('\n')}\n`;
}

/**
 * DKIM selectors published in the world's mail-domain zones that vigil would not guess (not in
 * COMMON_DKIM_SELECTORS): a real agency lists those in vigil.yaml, so the lab's config does too.
 */
export function worldDkimSelectors(world: ParsedWorld): string[] {
  const mailDomains = new Set(world.mailDomains.map((d) => d.toLowerCase()));
  const common = new Set<string>(COMMON_DKIM_SELECTORS);
  const selectors = new Set<string>();
  for (const zone of world.dns.zones) {
    const zoneName = zone.name.toLowerCase().replace(/\.$/, '');
    if (!mailDomains.has(zoneName)) continue;
    for (const record of zone.records) {
      if (record.type !== 'TXT') continue;
      // relative ("mail2024._domainkey") or absolute ("mail2024._domainkey.zone.") owner names
      const owner = record.name
        .toLowerCase()
        .replace(/\.$/, '')
        .replace(new RegExp(`\\.${zoneName.replaceAll('.', '\\.')}$`), '');
      const match = /^([a-z0-9_-]+(?:\.[a-z0-9_-]+)*)\._domainkey$/.exec(owner);
      if (match && !common.has(match[1]!)) selectors.add(match[1]!);
    }
  }
  return [...selectors].sort();
}

/**
 * The vigil.yaml that describes the lab agency: its organisation, mail domains, websites (portals
 * marked), staff directory, notification mail server (the lab's, by address and real port, since a
 * mail client does not use the port map), on-call people and monitors of its sites and services.
 */
export function buildOrganisationConfig(world: ParsedWorld, lab: { staffFile: string; portMap: Record<string, number>; sites: LabSite[] }): VigilConfig {
  const onCall = world.staff.filter((p) => p.onCall);
  const websites: NonNullable<VigilConfig['websites']> = [];
  const monitors: Record<string, unknown>[] = [];
  for (const site of lab.sites) {
    // hostile peers, redirect-only names and helper hosts (CDN, MTA-STS policy) are not websites
    // the agency would list; titled sites are
    if (site.spec.hostile || site.spec.redirectAll || !site.spec.title) continue;
    const name = site.names[0];
    if (!name) continue;
    const scheme = site.spec.https ? 'https' : 'http';
    const port = site.spec.https ? site.spec.https.port : site.spec.http ? site.spec.http.port : 80;
    const url = `${scheme}://${name}${(scheme === 'https' && port === 443) || (scheme === 'http' && port === 80) ? '' : `:${port}`}/`;
    websites.push({ url, name: site.spec.title ?? name, portal: site.spec.portal });
    monitors.push({ name: site.spec.title ?? name, type: 'http', url, interval: '60s', defacement: site.spec.portal });
  }
  for (const host of world.hosts) {
    for (const smtp of host.smtp) {
      if (smtp.mode === 'stall') continue;
      // the watch connects by address: its SMTP client does not use the lab's DNS or port map
      const port = lab.portMap[`${host.ip}:${smtp.port}`] ?? smtp.port;
      monitors.push({
        name: `SMTP ${host.names[0] ?? host.ip}:${smtp.port}`,
        type: 'smtp',
        host: host.ip,
        port,
        starttls: smtp.starttls && !smtp.implicitTls,
        interval: '60s',
      });
    }
  }
  for (const domain of world.mailDomains) {
    monitors.push({ name: `MX ${domain}`, type: 'dns', host: domain, recordType: 'MX', interval: '300s' });
  }

  const config: Record<string, unknown> = {
    organisation: { ...world.organisation },
    mail: { domains: world.mailDomains, dkimSelectors: worldDkimSelectors(world), outboundIps: [] },
    websites,
    staff: { directory: lab.staffFile },
    onCall: { people: onCall.map((p) => ({ name: p.name, email: p.email, ...(p.phone ? { phone: p.phone } : {}) })) },
    monitors,
  };
  if (world.notifySmtp) {
    const host = world.hosts.find((h) => h.names.includes(world.notifySmtp!.host));
    const ip = host?.ip ?? world.notifySmtp.host;
    const port = lab.portMap[`${ip}:${world.notifySmtp.port}`] ?? world.notifySmtp.port;
    config.notifications = {
      smtp: { host: ip, port, secure: false, from: world.notifySmtp.from },
      channels: onCall.length ? [{ name: 'Trực ban / on duty', type: 'email', to: onCall.map((p) => p.email) }] : [],
    };
  }
  // parsed by vigil.yaml's own schema: defaults filled in, and a lab world that produced an
  // invalid configuration fails here rather than in the capability that reads it
  return configSchema.parse(config);
}
