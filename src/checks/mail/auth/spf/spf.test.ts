import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDnsServer } from '../../../../lab/dns/server.js';
import type { RunningDnsServer } from '../../../../lab/dns/types.js';
import { DnsClient } from '../../../../probes/dns/client.js';
import { checkHost, parseClientIp } from './check-host.js';
import { expandMacroString, type MacroContext, parseDomainSpec, parseMacroString, SpfSyntaxError } from './macro.js';
import { parseSpfRecord } from './parse.js';

function context(ip: string): MacroContext {
  return {
    sender: 'strong-bad@email.example.com',
    localPart: 'strong-bad',
    senderDomain: 'email.example.com',
    domain: 'email.example.com',
    ip: parseClientIp(ip)!,
    helo: 'mx.example.org',
    receiver: 'mx.vigil.test',
    validatedName: async () => 'unknown',
    now: () => 1_700_000_000_000,
  };
}

describe('SPF macros (RFC 7208 §7.4 examples)', () => {
  const cases: [string, string][] = [
    ['%{s}', 'strong-bad@email.example.com'],
    ['%{o}', 'email.example.com'],
    ['%{d4}', 'email.example.com'],
    ['%{d2}', 'example.com'],
    ['%{d1}', 'com'],
    ['%{dr}', 'com.example.email'],
    ['%{d2r}', 'example.email'],
    ['%{l-}', 'strong.bad'],
    ['%{lr-}', 'bad.strong'],
    ['%{l1r-}', 'strong'],
    ['%{ir}.%{v}._spf.%{d2}', '3.2.0.192.in-addr._spf.example.com'],
    ['%{lr-}.lp._spf.%{d2}', 'bad.strong.lp._spf.example.com'],
    ['%{d}%%%_%-', 'email.example.com% %20'],
  ];
  it.each(cases)('%s → %s', async (macro, expected) => {
    expect(await expandMacroString(parseMacroString(macro), context('192.0.2.3'))).toBe(expected);
  });

  it('expands IPv6 as nibbles, URL-escapes upper-case macros, and keeps c/r/t for explanations', async () => {
    expect(await expandMacroString(parseMacroString('%{ir}.%{v}._spf.%{d2}'), context('2001:db8::cb01'))).toBe(
      '1.0.b.c.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6._spf.example.com',
    );
    expect(await expandMacroString(parseMacroString('%{S}'), context('192.0.2.3'))).toBe('strong-bad%40email.example.com');
    expect(await expandMacroString(parseMacroString('%{c} %{r} %{t}', { explanation: true }), context('2001:DB8::CB01'))).toBe(
      '2001:db8::cb01 mx.vigil.test 1700000000',
    );
    expect(() => parseMacroString('%{c}')).toThrow(SpfSyntaxError);
    expect(() => parseMacroString('%{d0}')).toThrow(/non-zero/);
    expect(() => parseMacroString('50%off')).toThrow(SpfSyntaxError);
  });

  it('requires a domain-spec to end in a macro or a valid top label', () => {
    expect(parseDomainSpec('_spf.example.com').source).toBe('_spf.example.com');
    expect(parseDomainSpec('%{d}').tokens).toHaveLength(1);
    expect(parseDomainSpec('foo.xn--zckzah.').source).toBe('foo.xn--zckzah.');
    for (const bad of ['foo-bar', 'abc.123', 'example.-com', 'museum.', 'example.com:8080', ''])
      expect(() => parseDomainSpec(bad), bad).toThrow(SpfSyntaxError);
  });
});

describe('SPF record grammar', () => {
  it('parses mechanisms, qualifiers, CIDRs and modifiers', () => {
    const record = parseSpfRecord(
      'v=spf1 a mx:mail.example.com/24//64 -ip4:192.0.2.0/24 ip6:2001:db8::/32 ~include:_spf.example.net ?exists:%{i}.bl.example.org ptr redirect=_spf.example.com exp=why.%{d} x-vendor=1',
    );
    expect(record.mechanisms.map((m) => `${m.qualifier}${m.kind}`)).toEqual(['+a', '+mx', '-ip4', '+ip6', '~include', '?exists', '+ptr']);
    expect(record.mechanisms[1]).toMatchObject({ cidr4: 24, cidr6: 64 });
    expect(record.redirect?.source).toBe('_spf.example.com');
    expect(record.exp?.source).toBe('why.%{d}');
    expect(record.unknownModifiers).toEqual([{ name: 'x-vendor', value: '1' }]);
  });

  it('records terms after "all" and rejects grammar errors', () => {
    expect(parseSpfRecord('v=spf1 -all include:late.example.com').termsAfterAll).toEqual(['include:late.example.com']);
    for (const bad of [
      'v=spf1 ip4:192.0.2.1/33',
      'v=spf1 ip4:01.2.3.4',
      'v=spf1 ip6',
      'v=spf1 a/24/64',
      'v=spf1 -all.',
      'v=spf1 redirect:x.example.com',
      'v=spf1 exp= -all',
      'v=spf1 a\tmx',
      'v=spf1 exp=a.example.com exp=b.example.com',
      'v=spf1 moo',
    ]) {
      expect(() => parseSpfRecord(bad), bad).toThrow(SpfSyntaxError);
    }
  });
});

describe('check_host against a live zone', () => {
  let server: RunningDnsServer;
  beforeAll(async () => {
    server = await startDnsServer({
      host: '127.0.0.1',
      port: 0,
      records: [
        { name: 'example.test', type: 'TXT', data: 'v=spf1 include:loop-a.example.test -all' },
        { name: 'loop-a.example.test', type: 'TXT', data: 'v=spf1 include:loop-b.example.test' },
        { name: 'loop-b.example.test', type: 'TXT', data: 'v=spf1 include:loop-a.example.test' },
        { name: 'mail.example.test', type: 'TXT', data: 'v=spf1 mx a:gone1.example.test a:gone2.example.test ~all' },
        { name: 'mail.example.test', type: 'MX', data: { preference: 10, exchange: 'mx.mail.example.test' } },
        { name: 'mx.mail.example.test', type: 'A', data: '192.0.2.25' },
        { name: 'helo.example.test', type: 'TXT', data: 'v=spf1 a -all' },
        { name: 'helo.example.test', type: 'A', data: '192.0.2.7' },
        { name: 'slow.example.test', type: 'TXT', data: 'v=spf1 exists:slow.bl.example.test -all' },
      ],
      misbehave: [{ name: 'bl.example.test', mode: 'timeout' }],
    });
  });
  afterAll(async () => {
    await server.stop();
  });
  const dns = () => new DnsClient({ server: { host: '127.0.0.1', port: server.port }, timeoutMs: 1000, retries: 0 });

  it('detects an include loop as permerror, naming the loop', async () => {
    const result = await checkHost({ ip: '192.0.2.1', sender: 'a@example.test', helo: 'x.example.test' }, dns());
    expect(result.result).toBe('permerror');
    expect(result.reason).toMatch(/include loop: example\.test → loop-a\.example\.test → loop-b\.example\.test → loop-a\.example\.test/);
    expect(result.record).toBe('v=spf1 include:loop-a.example.test -all');
  });

  it('counts lookups and void lookups, and traces each step', async () => {
    const pass = await checkHost({ ip: '192.0.2.25', sender: 'a@mail.example.test', helo: 'x' }, dns());
    expect(pass).toMatchObject({ result: 'pass', lookups: 1, voidLookups: 0 });
    const softfail = await checkHost({ ip: '192.0.2.99', sender: 'a@mail.example.test', helo: 'x' }, dns());
    expect(softfail).toMatchObject({ result: 'softfail', lookups: 3, voidLookups: 2 });
    expect(softfail.trace.map((t) => t.message)).toContain('a:gone2.example.test → no match');
  });

  it('checks the HELO identity when the sender is empty (postmaster@helo)', async () => {
    const result = await checkHost({ ip: '192.0.2.7', sender: '', helo: 'helo.example.test' }, dns());
    expect(result).toMatchObject({ result: 'pass', domain: 'helo.example.test', sender: 'postmaster@helo.example.test' });
  });

  it('turns a resolver that never answers into temperror', async () => {
    const result = await checkHost({ ip: '192.0.2.7', sender: 'a@slow.example.test', helo: 'x' }, dns());
    expect(result.result).toBe('temperror');
    expect(result.reason).toMatch(/timeout/);
  });
});
