/**
 * The RFC 7208 test suite, every case, through vigil's SPF check_host and vigil's DNS client,
 * served by vigil's lab DNS server on loopback from the suite's own zone data.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkHost } from '../src/checks/mail/auth/spf/check-host.js';
import { loadSpfSuite } from '../src/lab/dns/rfc7208-suite.js';
import { startDnsServer } from '../src/lab/dns/server.js';
import type { RunningDnsServer } from '../src/lab/dns/types.js';
import { DnsClient } from '../src/probes/dns/client.js';

const scenarios = loadSpfSuite(new URL('./fixtures/spf/rfc7208-tests.yml', import.meta.url).pathname);
const allCases = scenarios.flatMap((s) => s.cases);

it('loads all 203 cases of the suite', () => {
  expect(scenarios).toHaveLength(16);
  expect(allCases).toHaveLength(203);
});

describe.each(scenarios.map((s) => [s.description, s] as const))('%s', (_description, scenario) => {
  let server: RunningDnsServer;
  beforeAll(async () => {
    server = await startDnsServer({ host: '127.0.0.1', port: 0, records: scenario.records, misbehave: scenario.misbehave });
  });
  afterAll(async () => {
    await server.stop();
  });

  it.each(scenario.cases.map((c) => [c.name, c] as const))('%s', async (_name, testCase) => {
    // A fresh client per case: its cache must not carry answers between cases.
    const dns = new DnsClient({ server: { host: '127.0.0.1', port: server.port }, timeoutMs: 1500, retries: 0 });
    const evaluation = await checkHost({ ip: testCase.host, sender: testCase.mailfrom, helo: testCase.helo }, dns);
    const context = `${testCase.name}: got ${evaluation.result} (${evaluation.reason ?? ''})\n${evaluation.trace.map((t) => `${'  '.repeat(t.depth)}${t.message}`).join('\n')}`;
    expect(testCase.results, context).toContain(evaluation.result);
    if (testCase.explanation !== undefined && evaluation.result === 'fail') {
      if (testCase.explanation === 'DEFAULT') expect(evaluation.explanation, context).toBeUndefined();
      // The suite writes %{i} nibbles of IPv6 in upper case; RFC 7208 §7.4 and every resolver
      // treat names case-insensitively, and vigil expands them in lower case (the RFC's own example).
      else expect(evaluation.explanation?.toLowerCase(), context).toBe(testCase.explanation.toLowerCase());
    }
  });
});
