/** `vigil spf` end to end: the real executable (tsx) against vigil's DNS server on loopback. */
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDnsServer } from '../src/lab/dns/server.js';
import type { RunningDnsServer } from '../src/lab/dns/types.js';

let server: RunningDnsServer;

beforeAll(async () => {
  server = await startDnsServer({
    host: '127.0.0.1',
    port: 0,
    records: [
      { name: 'agency.gov.vn.test', type: 'TXT', data: 'v=spf1 mx ip4:192.0.2.0/24 -all' },
      { name: 'agency.gov.vn.test', type: 'MX', data: { preference: 10, exchange: 'mx.agency.gov.vn.test' } },
      { name: 'mx.agency.gov.vn.test', type: 'A', data: '198.51.100.25' },
      { name: 'mx.agency.gov.vn.test', type: 'TXT', data: 'v=spf1 a ~all' },
      { name: 'broken.gov.vn.test', type: 'TXT', data: 'v=spf1 ip4:192.0.2.300 -all' },
      { name: 'neutral.gov.vn.test', type: 'TXT', data: 'v=spf1 ?all' },
    ],
    misbehave: [{ name: 'slow.gov.vn.test', mode: 'timeout' }],
  });
});

afterAll(async () => {
  await server.stop();
});

function vigil(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn('npx', ['tsx', 'src/cli/main.ts', ...args], { cwd: new URL('..', import.meta.url).pathname, env: { ...process.env, NO_COLOR: '1' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const resolver = () => ['--resolver', `127.0.0.1:${server.port}`, '--dns-timeout', '1000'];

type Run = Awaited<ReturnType<typeof vigil>>;
const runs: Record<string, Run & { ms: number }> = {};

describe('vigil spf', () => {
  // Each spawn loads the whole CLI through tsx (seconds on a busy machine): start them all at once.
  beforeAll(async () => {
    const invocations: Record<string, string[]> = {
      pass: ['spf', '--ip', '198.51.100.25', '--sender', 'cv@agency.gov.vn.test', '--helo', 'mx.agency.gov.vn.test', ...resolver(), '--json'],
      fail: ['spf', '--ip', '203.0.113.9', '--sender', 'cv@agency.gov.vn.test', '--helo', 'x.example', ...resolver()],
      temp: ['spf', '--ip', '192.0.2.1', '--sender', 'a@slow.gov.vn.test', '--helo', 'h.example', ...resolver(), '--json'],
    };
    await Promise.all(
      Object.entries(invocations).map(async ([key, args]) => {
        const started = Date.now();
        const run = await vigil(args);
        runs[key] = { ...run, ms: Date.now() - started };
      }),
    );
  }, 120_000);

  it('passes an authorised IP (exit 0) and prints the JSON contract', () => {
    const run = runs.pass!;
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const body = JSON.parse(run.stdout);
    expect(Object.keys(body)).toEqual(['result', 'explanation', 'lookups', 'voidLookups', 'trace']);
    expect(body).toMatchObject({ result: 'pass', explanation: null, lookups: 1, voidLookups: 0 });
    expect(body.trace[0].message).toBe('DNS TXT agency.gov.vn.test → answer (1)');
  });

  it('fails an unauthorised IP (exit 1), in human form', () => {
    expect(runs.fail!.code).toBe(1);
    expect(runs.fail!.stdout).toMatch(/SPF agency\.gov\.vn\.test \(cv@agency\.gov\.vn\.test\): fail/);
  });

  it('exits 2 with temperror when the resolver never answers', () => {
    expect(runs.temp!.code).toBe(2);
    const temp = JSON.parse(runs.temp!.stdout);
    expect(temp.result).toBe('temperror');
    expect(temp.trace.at(-1).message).toMatch(/temperror: DNS timeout/);
  });
});

/** The remaining paths run the same program in-process (spawning is the slow part, not the code). */
async function inProcess(args: string[]): Promise<{ code: number; stdout: string }> {
  const { main } = await import('../src/cli/program.js');
  let stdout = '';
  const write = process.stdout.write.bind(process.stdout);
  const writeErr = process.stderr.write.bind(process.stderr);
  process.stdout.write = ((chunk: string) => {
    stdout += chunk;
    return true;
  }) as typeof process.stdout.write;
  process.stderr.write = (() => true) as typeof process.stderr.write;
  const previousExitCode = process.exitCode;
  try {
    process.exitCode = undefined;
    const code = await main(['node', 'vigil', ...args]);
    return { code, stdout };
  } finally {
    process.stdout.write = write;
    process.stderr.write = writeErr;
    process.exitCode = previousExitCode;
  }
}

describe('vigil spf (in-process)', () => {
  it('checks the HELO identity when the sender is empty, and an explicit DOMAIN', async () => {
    const helo = await inProcess(['spf', '--ip', '198.51.100.25', '--sender', '', '--helo', 'mx.agency.gov.vn.test', ...resolver(), '--json']);
    expect(helo.code).toBe(0);
    expect(JSON.parse(helo.stdout).trace[0].domain).toBe('mx.agency.gov.vn.test');
    const explicit = await inProcess([
      'spf',
      'neutral.gov.vn.test',
      '--ip',
      '198.51.100.25',
      '--sender',
      'a@agency.gov.vn.test',
      '--helo',
      'h.example',
      ...resolver(),
      '--json',
    ]);
    expect(explicit.code).toBe(1);
    expect(JSON.parse(explicit.stdout).result).toBe('neutral');
  }, 30_000);

  it('exits 2 on permerror and on bad usage', async () => {
    const perm = await inProcess(['spf', '--ip', '192.0.2.1', '--sender', 'a@broken.gov.vn.test', '--helo', 'h.example', ...resolver(), '--json']);
    expect(perm.code).toBe(2);
    expect(JSON.parse(perm.stdout).result).toBe('permerror');
    const usage = await inProcess(['spf', '--ip', 'not-an-ip', '--helo', 'h.example', '--json']);
    expect(usage.code).toBe(2);
    expect(JSON.parse(usage.stdout).error).toBe('spf.bad-ip');
  }, 30_000);
});
