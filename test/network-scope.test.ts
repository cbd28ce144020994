import { describe, expect, it } from 'vitest';
import { buildProbeContext } from '../src/config/probe-context.js';
import { configSchema } from '../src/config/schema.js';
import { assertAddressInScope, assertHostsInScope, NetworkScope, parseScopeEntry } from '../src/probes/scope.js';

/** NetworkScope is pure: which names and addresses monitors and assessments may reach. */
describe('NetworkScope', () => {
  it('a domain covers itself and its subdomains, not look-alikes', () => {
    const scope = NetworkScope.of(['so-demo.gov.vn']);
    expect(scope.allowsHost('so-demo.gov.vn')).toBe(true);
    expect(scope.allowsHost('mail.so-demo.gov.vn')).toBe(true);
    expect(scope.allowsHost('a.b.so-demo.gov.vn')).toBe(true);
    expect(scope.allowsHost('evil-so-demo.gov.vn')).toBe(false);
    expect(scope.allowsHost('so-demo.gov.vn.evil.com')).toBe(false);
    expect(scope.allowsHost('gov.vn')).toBe(false);
  });

  it('names match whatever their case, trailing dot or Unicode form', () => {
    const scope = NetworkScope.of(['Sở-TT.Gov.VN.', '*.cổng.vn']);
    expect(scope.allowsHost('xn--s-tt-0z5a.gov.vn')).toBe(true);
    expect(scope.allowsHost('WWW.SỞ-TT.GOV.VN.')).toBe(true);
    expect(scope.allowsHost('portal.xn--cng-qmz.vn')).toBe(true);
    expect(scope.allowsHost('xn--cng-qmz.vn')).toBe(true);
    expect(scope.allowsHost('so-tt.gov.vn')).toBe(false);
    expect(scope.allowsHost('not a host')).toBe(false);
  });

  it('IPv4 and IPv6 CIDRs and single addresses', () => {
    const scope = NetworkScope.of(['10.20.0.0/16', '2001:db8:5::/48', '192.168.1.7']);
    expect(scope.allowsAddress('10.20.3.4')).toBe(true);
    expect(scope.allowsAddress('10.21.0.1')).toBe(false);
    expect(scope.allowsAddress('2001:db8:5:1::9')).toBe(true);
    expect(scope.allowsAddress('2001:db8:6::1')).toBe(false);
    expect(scope.allowsAddress('192.168.1.7')).toBe(true);
    expect(scope.allowsAddress('192.168.1.8')).toBe(false);
    // An IPv4-mapped IPv6 address is the IPv4 address it carries.
    expect(scope.allowsAddress('::ffff:10.20.0.1')).toBe(true);
    expect(scope.allowsAddress('::ffff:192.168.1.8')).toBe(false);
    // By name, an IP literal must be listed; a public one is not in scope just for being public.
    expect(scope.allowsHost('10.20.9.9')).toBe(true);
    expect(scope.allowsHost('[2001:db8:5::1]')).toBe(true);
    expect(scope.allowsHost('8.8.8.8')).toBe(false);
  });

  it('at connect time public unicast passes; private, loopback and shared ranges must be listed', () => {
    const scope = NetworkScope.of(['so-demo.gov.vn']);
    expect(scope.allowsAddress('203.119.8.10')).toBe(true);
    expect(scope.allowsAddress('2404:6800:4005::1')).toBe(true);
    for (const inside of ['10.0.0.1', '172.16.5.5', '192.168.0.1', '127.0.0.1', '::1', '100.64.0.1', 'fc00::1', '0.0.0.0', '::', '224.0.0.1'])
      expect(scope.allowsAddress(inside), inside).toBe(false);
    expect(scope.allowsAddress('not-an-ip')).toBe(false);
    // inet_aton forms are not addresses here (a "0x7f.1" must not slip past as something else).
    expect(scope.allowsAddress('0x7f.1')).toBe(false);
  });

  it('cloud metadata and link-local addresses only when listed by an entry inside those ranges', () => {
    const broad = NetworkScope.of(['0.0.0.0/0', '::/0']);
    expect(broad.allowsAddress('169.254.169.254')).toBe(false);
    expect(broad.allowsAddress('169.254.1.1')).toBe(false);
    expect(broad.allowsAddress('fd00:ec2::254')).toBe(false);
    expect(broad.allowsAddress('fe80::1')).toBe(false);
    expect(broad.allowsAddress('10.1.1.1')).toBe(true);
    expect(NetworkScope.of(['fd00::/8']).allowsAddress('fd00:ec2::254')).toBe(false);
    expect(NetworkScope.of(['fd00::/8']).allowsAddress('fd00:ec2::253')).toBe(true);
    expect(NetworkScope.of(['169.254.169.254']).allowsAddress('169.254.169.254')).toBe(true);
    expect(NetworkScope.of(['169.254.169.254']).allowsAddress('169.254.169.253')).toBe(false);
    expect(NetworkScope.of(['169.254.0.0/16']).allowsAddress('169.254.3.3')).toBe(true);
    expect(NetworkScope.of(['fd00:ec2::254']).allowsAddress('fd00:ec2::254')).toBe(true);
    expect(NetworkScope.of(['::ffff:169.254.169.254']).allowsAddress('169.254.169.254')).toBe(true);
  });

  it('rejects entries that are neither a domain, an address nor a CIDR', () => {
    for (const bad of ['10.0.0.0/33', '2001:db8::/129', 'http://x/', 'a b', '10.0.0.0/x', ''])
      expect(() => parseScopeEntry(bad), bad).toThrow(expect.objectContaining({ id: 'network.bad-target' }));
    expect(() => NetworkScope.of(['10.0.0.0/8', 'oops!'])).toThrow(/oops/);
  });

  it('the errors are network.out-of-scope with a hint naming network.targets', () => {
    const scope = NetworkScope.of(['so-demo.gov.vn']);
    expect(() => assertHostsInScope(scope, ['portal.so-demo.gov.vn', 'intranet.local'])).toThrow(
      expect.objectContaining({ id: 'network.out-of-scope', status: 403, hint: expect.stringContaining('network.targets') }),
    );
    expect(() => assertAddressInScope(scope, '10.0.0.5', 'portal.so-demo.gov.vn')).toThrow(/out-of-scope: portal\.so-demo\.gov\.vn → 10\.0\.0\.5/);
    expect(() => assertAddressInScope(undefined, '10.0.0.5')).not.toThrow();
  });
});

describe('network.targets in vigil.yaml and the default scope', () => {
  const config = configSchema.parse({
    network: { targets: ['10.50.0.0/16', 'noi-bo.so-demo.gov.vn'] },
    mail: { domains: ['so-demo.gov.vn'] },
    websites: [{ url: 'https://congdichvu.gov.vn/' }],
    monitors: [
      { name: 'Máy chủ thư', type: 'tcp', host: '192.168.10.25', port: 25 },
      { name: 'DNS', type: 'dns', host: 'so-demo.gov.vn', recordType: 'MX', resolver: '192.168.10.53:53' },
    ],
  });
  const ctx = buildProbeContext({ config: { file: undefined, baseDir: process.cwd(), config } });

  it('the scope is the declared targets plus network.targets; loopback only with the lab', () => {
    const scope = ctx.scope!;
    expect(scope.allowsHost('www.so-demo.gov.vn')).toBe(true);
    expect(scope.allowsHost('congdichvu.gov.vn')).toBe(true);
    expect(scope.allowsHost('192.168.10.25')).toBe(true);
    expect(scope.allowsAddress('192.168.10.53')).toBe(true);
    expect(scope.allowsAddress('10.50.3.3')).toBe(true);
    expect(scope.allowsHost('example.com')).toBe(false);
    expect(scope.allowsAddress('192.168.10.26')).toBe(false);
    expect(scope.allowsAddress('127.0.0.1')).toBe(false);
    const withLab = buildProbeContext({
      config: { file: undefined, baseDir: process.cwd(), config },
      lab: { resolver: { host: '127.0.0.53', port: 5353 }, caPem: '', portMap: {}, domains: ['lab.test'] },
    });
    expect(withLab.scope!.allowsAddress('127.0.10.80')).toBe(true);
    expect(withLab.scope!.allowsHost('portal.lab.test')).toBe(true);
  });

  it('the port map’s addresses are in scope (whoever wrote it chose them)', () => {
    const mapped = buildProbeContext({ flags: { portMap: '{"127.0.10.25:25": 30025, "[::1]:443": 30443}' } });
    expect(mapped.scope!.allowsAddress('127.0.10.25')).toBe(true);
    expect(mapped.scope!.allowsAddress('::1')).toBe(true);
    expect(mapped.scope!.allowsAddress('127.0.10.26')).toBe(false);
  });

  it('a bad entry is a config error at its line', () => {
    const parsed = configSchema.safeParse({ network: { targets: ['10.0.0.0/40'] } });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]).toMatchObject({ path: ['network', 'targets', 0], message: expect.stringContaining('not a CIDR range') });
  });
});
