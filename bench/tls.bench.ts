/**
 * TLS assessment of one loopback HTTPS endpoint: vigil (probeTls + checkTls) vs testssl.sh on the
 * same endpoint in the same run. The endpoint runs in a child process (as a real server would, so
 * it does not share vigil's event loop) with a test-CA certificate and a deliberately mixed config
 * (TLS 1.0–1.3, CBC and non-FS suites). testssl is asked the same questions vigil answers:
 * protocols (-p), ciphers per protocol (-E), server defaults + certificate (-S), forward secrecy (-f),
 * with no DNS (`--nodns none`, an IP target) and the test CA added (`--add-ca`).
 * Prints both verdicts for protocols and certificate, flags every disagreement, and the times.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { checkTls } from '../src/checks/tls/index.js';
import { DEFAULT_PROBE_CONTEXT } from '../src/probes/context.js';
import { probeTls } from '../src/probes/tls/index.js';
import type { TlsEvidence, TlsVersion } from '../src/probes/tls/types.js';
import { createTestCa } from '../test/support/test-ca.js';

const SERVER = `
import { createServer } from 'node:tls';
const server = createServer({ key: process.env.KEY, cert: process.env.CERT, minVersion: 'TLSv1', ciphers: 'HIGH:!aNULL:@SECLEVEL=0' }, (socket) => {
  socket.on('error', () => {});
  socket.end('HTTP/1.1 200 OK\\r\\ncontent-length: 2\\r\\nconnection: close\\r\\n\\r\\nok');
});
server.on('tlsClientError', () => {});
server.listen(0, '127.0.0.1', () => console.log(server.address().port));
`;

interface TestsslFinding {
  id: string;
  severity: string;
  finding: string;
}

async function startEndpoint(keyPem: string, certPem: string): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, ['--input-type=module', '-e', SERVER], {
    env: { ...process.env, KEY: keyPem, CERT: certPem },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`endpoint exited (${code})`)));
  });
  return { child, port: Number(line) };
}

function runTestssl(port: number, caFile: string, dir: string): Promise<{ findings: TestsslFinding[]; ms: number; error?: string }> {
  const jsonFile = join(dir, 'testssl.json');
  const args = [
    '--quiet',
    '--color',
    '0',
    '--warnings',
    'off',
    '--nodns',
    'none',
    '--add-ca',
    caFile,
    '--jsonfile',
    jsonFile,
    '-p',
    '-E',
    '-S',
    '-f',
    `127.0.0.1:${port}`,
  ];
  const started = performance.now();
  return new Promise((resolve) => {
    execFile('testssl', args, { cwd: dir, maxBuffer: 64 * 1024 * 1024, timeout: 20 * 60_000 }, async (error) => {
      const ms = performance.now() - started;
      try {
        resolve({ findings: JSON.parse(await readFile(jsonFile, 'utf8')) as TestsslFinding[], ms });
      } catch (readError) {
        resolve({ findings: [], ms, error: `${error?.message ?? ''} ${(readError as Error).message}`.trim() });
      }
    });
  });
}

const TESTSSL_PROTOCOL_IDS: Record<TlsVersion, string> = {
  SSLv2: 'SSLv2',
  SSLv3: 'SSLv3',
  TLSv1: 'TLS1',
  'TLSv1.1': 'TLS1_1',
  'TLSv1.2': 'TLS1_2',
  'TLSv1.3': 'TLS1_3',
};

function compare(evidence: TlsEvidence, findings: TestsslFinding[]): { rows: [string, string, string, boolean][]; disagreements: number } {
  const get = (id: string) => findings.find((f) => f.id === id)?.finding ?? '(absent)';
  const rows: [string, string, string, boolean][] = [];
  for (const [version, id] of Object.entries(TESTSSL_PROTOCOL_IDS) as [TlsVersion, string][]) {
    const theirs = get(id);
    const theirVerdict = /not offered/i.test(theirs) ? 'rejected' : /offered/i.test(theirs) ? 'accepted' : theirs;
    const ours = evidence.protocols[version];
    // vigil cannot offer SSLv2/SSLv3 (Node's OpenSSL); that agrees with "not offered" only if testssl says so — shown, not counted as agreement.
    const agree = ours === 'not-testable' ? theirVerdict === 'rejected' : ours === theirVerdict;
    rows.push([`protocol ${version}`, ours, `${theirVerdict} (${theirs})`, agree]);
  }
  const cert = evidence.certificate;
  const leaf = cert?.chain[0];
  const trustTheirs = get('cert_chain_of_trust');
  rows.push(['chain trusted', String(cert?.trusted), trustTheirs, cert?.trusted === /^passed/i.test(trustTheirs)]);
  const nameTheirs = get('cert_trust');
  rows.push(['hostname match', String(cert?.hostnameMatches), nameTheirs, cert?.hostnameMatches === /^Ok/i.test(nameTheirs)]);
  const notAfterTheirs = get('cert_notAfter');
  rows.push(['not after', leaf?.notAfter.slice(0, 16).replace('T', ' ') ?? '-', notAfterTheirs, leaf?.notAfter.slice(0, 10) === notAfterTheirs.slice(0, 10)]);
  const keyTheirs = get('cert_keySize');
  rows.push(['key', `${leaf?.keyType.toUpperCase()} ${leaf?.keyBits}`, keyTheirs, keyTheirs.startsWith(`${leaf?.keyType.toUpperCase()} ${leaf?.keyBits} `)]);
  const sigTheirs = get('cert_signatureAlgorithm');
  rows.push([
    'signature hash',
    leaf?.signatureHash ?? '-',
    sigTheirs,
    sigTheirs
      .toLowerCase()
      .replace(/-/g, '')
      .includes(leaf?.signatureHash ?? '?'),
  ]);
  const fpTheirs = get('cert_fingerprintSHA256');
  rows.push([
    'SHA-256 fingerprint',
    leaf?.fingerprintSha256.replace(/:/g, '').slice(0, 16) ?? '-',
    fpTheirs.slice(0, 16),
    leaf?.fingerprintSha256.replace(/:/g, '') === fpTheirs,
  ]);
  const ocspTheirs = get('OCSP_stapling');
  rows.push(['OCSP stapled', String(cert?.ocspStapled), ocspTheirs, cert?.ocspStapled === !/not offered/i.test(ocspTheirs)]);
  // Suites per version (beyond the verdicts asked for, as a cross-check of the enumeration).
  for (const v of evidence.ciphers) {
    const prefix = `cipher-${TESTSSL_PROTOCOL_IDS[v.version].toLowerCase()}_x`;
    const theirs = new Set(findings.filter((f) => f.id.startsWith(prefix)).map((f) => f.finding.trim().split(/\s+/)[3]!));
    const ours = new Set(v.suites.map((s) => s.name));
    const same = theirs.size === ours.size && [...ours].every((s) => theirs.has(s));
    rows.push([
      `suites ${v.version}`,
      String(ours.size),
      `${theirs.size}${
        same
          ? ''
          : ` (differ: ${[...ours]
              .filter((s) => !theirs.has(s))
              .concat([...theirs].filter((s) => !ours.has(s)))
              .join(' ')})`
      }`,
      same,
    ]);
  }
  return { rows, disagreements: rows.filter((r) => !r[3]).length };
}

export default async function tlsBench(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'vigil-tls-bench-'));
  const ca = await createTestCa('vigil bench CA');
  const cert = await ca.issue({ names: ['localhost'], ips: ['127.0.0.1'] });
  const caFile = join(dir, 'ca.pem');
  await writeFile(caFile, ca.caPem);
  const { child, port } = await startEndpoint(cert.keyPem, cert.chainPem);
  try {
    const ctx = { ...DEFAULT_PROBE_CONTEXT, connectTimeoutMs: 5_000, extraCaPem: [ca.caPem] };
    // Warm-up once (module loading, root store), then time three full assessments and keep the median.
    await probeTls('127.0.0.1', port, ctx);
    const times: number[] = [];
    let evidence: TlsEvidence | undefined;
    for (let i = 0; i < 3; i++) {
      const started = performance.now();
      evidence = await probeTls('127.0.0.1', port, ctx);
      checkTls(evidence, { idPrefix: 'web.tls' });
      times.push(performance.now() - started);
    }
    times.sort((a, b) => a - b);
    const vigilMs = times[1]!;
    const results = checkTls(evidence!, { idPrefix: 'web.tls' });

    console.log(`endpoint 127.0.0.1:${port} (child process; TLS 1.0–1.3, HIGH:!aNULL, RSA-2048 from the test CA)`);
    console.log(`vigil: ${evidence!.handshakes} handshakes, median of 3 = ${vigilMs.toFixed(0)} ms (runs: ${times.map((t) => t.toFixed(0)).join(', ')} ms)`);
    for (const r of results) console.log(`  ${r.id}: ${r.status} — ${r.detail.en.slice(0, 160)}`);

    console.log('testssl.sh running (-p -E -S -f)…');
    const testssl = await runTestssl(port, caFile, dir);
    if (testssl.error) {
      console.log(`testssl failed: ${testssl.error}`);
      return;
    }
    const { rows, disagreements } = compare(evidence!, testssl.findings);
    console.log(`${'aspect'.padEnd(22)} ${'vigil'.padEnd(22)} testssl.sh`);
    for (const [aspect, ours, theirs, agree] of rows) console.log(`${agree ? ' ' : '!'} ${aspect.padEnd(20)} ${ours.padEnd(22)} ${theirs}`);
    console.log(disagreements === 0 ? 'verdicts: all agree' : `verdicts: ${disagreements} DISAGREEMENT(S) (marked !)`);
    console.log(
      `wall time: vigil ${vigilMs.toFixed(0)} ms, testssl.sh ${(testssl.ms / 1000).toFixed(1)} s → vigil is ${(testssl.ms / vigilMs).toFixed(0)}× faster (goal ≥ 10×)`,
    );
  } finally {
    child.kill();
    await rm(dir, { recursive: true, force: true });
  }
}
