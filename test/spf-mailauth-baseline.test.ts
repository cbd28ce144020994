/**
 * Baseline measurement: the same RFC 7208 suite through mailauth's SPF (v4), fed by vigil's DNS
 * client and lab server, so only mailauth's evaluation logic differs from vigil's. The figure
 * goes to docs/spf.md; the test counts vigil's checkHost on the same cases and pins both figures.
 */
import { spf } from 'mailauth/lib/spf/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkHost } from '../src/checks/mail/auth/spf/check-host.js';
import { loadSpfSuite } from '../src/lab/dns/rfc7208-suite.js';
import { startDnsServer } from '../src/lab/dns/server.js';
import type { RunningDnsServer } from '../src/lab/dns/types.js';
import { DnsClient } from '../src/probes/dns/client.js';
import type { DnsQueryType } from '../src/probes/dns/types.js';

const ERROR_CODES: Record<string, string> = {
  nxdomain: 'ENOTFOUND',
  nodata: 'ENODATA',
  timeout: 'ETIMEOUT',
  servfail: 'ESERVFAIL',
  refused: 'EREFUSED',
  malformed: 'EBADRESP',
  error: 'EBADNAME',
};

/** dns.promises.resolve's contract, on top of vigil's client. */
function nodeStyleResolver(dns: DnsClient) {
  return async (name: string, type: string): Promise<unknown[]> => {
    const result = await dns.query(name, type as DnsQueryType);
    if (result.outcome !== 'answer') throw Object.assign(new Error(`${type} ${name}: ${result.outcome}`), { code: ERROR_CODES[result.outcome] });
    return result.records.map((r) => {
      if (type === 'MX') {
        const d = r.data as { preference: number; exchange: string };
        return { priority: d.preference, exchange: d.exchange };
      }
      return r.data;
    });
  };
}

const scenarios = loadSpfSuite(new URL('./fixtures/spf/rfc7208-tests.yml', import.meta.url).pathname);
const failures: string[] = [];
let passed = 0;
const vigilFailures: string[] = [];
let vigilPassed = 0;

describe('mailauth baseline on the RFC 7208 suite', () => {
  const servers: RunningDnsServer[] = [];
  beforeAll(async () => {
    for (const scenario of scenarios)
      servers.push(await startDnsServer({ host: '127.0.0.1', port: 0, records: scenario.records, misbehave: scenario.misbehave }));
  });
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.stop()));
  });

  it('passes fewer cases than vigil (measured figure in docs/spf.md)', async () => {
    for (const [index, scenario] of scenarios.entries()) {
      for (const testCase of scenario.cases) {
        // vigil on the very same case, server and DNS client settings (a fresh client each: no cache
        // carried between cases), so the two counts differ only by the evaluation logic
        const vigilDns = new DnsClient({ server: { host: '127.0.0.1', port: servers[index]!.port }, timeoutMs: 1500, retries: 0 });
        const evaluation = await checkHost({ ip: testCase.host, sender: testCase.mailfrom, helo: testCase.helo }, vigilDns);
        if (testCase.results.includes(evaluation.result)) vigilPassed++;
        else vigilFailures.push(`${testCase.name}: ${evaluation.result} (expected ${testCase.results.join('/')})`);
        const dns = new DnsClient({ server: { host: '127.0.0.1', port: servers[index]!.port }, timeoutMs: 1500, retries: 0 });
        const outcome = (await spf({
          sender: testCase.mailfrom,
          ip: testCase.host,
          helo: testCase.helo,
          mta: 'mx.vigil.test',
          resolver: nodeStyleResolver(dns) as never,
        })) as {
          status: { result: string };
        };
        if (testCase.results.includes(outcome.status.result)) passed++;
        else failures.push(`${testCase.name}: ${outcome.status.result} (expected ${testCase.results.join('/')})`);
      }
    }
    process.stderr.write(
      `mailauth: ${passed}/203 RFC 7208 cases through vigil's DNS layer, vigil: ${vigilPassed}/203; mailauth failing: ${failures.join('; ')}\n`,
    );
    expect(passed + failures.length).toBe(203);
    expect(vigilPassed + vigilFailures.length).toBe(203);
    expect(vigilFailures).toEqual([]);
    // the comparison the name claims, and the figures docs/spf.md publishes
    expect(passed).toBeLessThan(vigilPassed);
    expect({ vigil: vigilPassed, mailauth: passed }).toEqual({ vigil: 203, mailauth: 194 });
  }, 120_000); // 406 evaluations over loopback DNS: 18 s seen on a loaded machine
});
