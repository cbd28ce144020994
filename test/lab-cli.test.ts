import { type ChildProcess, spawn } from 'node:child_process';
import { Resolver } from 'node:dns/promises';
import { readFileSync } from 'node:fs';
import { connect as tlsConnect } from 'node:tls';
import { afterAll, describe, expect, it } from 'vitest';

interface LabLine {
  resolver: string;
  ca: string;
  portMap: Record<string, number>;
  domains: string[];
  sites: string[];
}

/** Start `vigil lab --json` from source and resolve with its one stdout line. */
function startCli(args: string[]): Promise<{ child: ChildProcess; line: LabLine; stdout: () => string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'lab', '--json', ...args], {
    cwd: process.cwd(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no JSON line in time; stderr: ${stderr}`)), 50_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const newline = stdout.indexOf('\n');
      if (newline !== -1) {
        clearTimeout(timer);
        resolve({ child, line: JSON.parse(stdout.slice(0, newline)) as LabLine, stdout: () => stdout });
      }
    });
    child.once('exit', (code) => reject(new Error(`vigil lab exited with ${code}: ${stderr}`)));
  });
}

describe('vigil lab --json', () => {
  let child: ChildProcess | undefined;
  afterAll(() => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
  });

  it('prints one JSON line once everything listens, answers at it, and stops on SIGTERM', { timeout: 90_000 }, async () => {
    const started = await startCli([]);
    child = started.child;
    const { line } = started;
    expect(line.resolver).toMatch(/^127\.0\.10\.53:\d+$/);
    expect(line.domains).toContain('so-demo.gov.vn.test');
    expect(line.sites).toContain('https://www.so-demo.gov.vn.test/');
    const caPem = readFileSync(line.ca, 'utf8');
    expect(caPem).toContain('BEGIN CERTIFICATE');

    const resolver = new Resolver({ timeout: 2_000, tries: 2 });
    resolver.setServers([line.resolver]);
    expect(await resolver.resolve4('mx.benhvien-demo.gov.vn.test')).toEqual(['127.0.11.10']);

    const protocol = await new Promise<string | null>((resolve, reject) => {
      const socket = tlsConnect({ host: '127.0.10.20', port: line.portMap['127.0.10.20:443']!, servername: 'www.so-demo.gov.vn.test', ca: [caPem] }, () => {
        const p = socket.getProtocol();
        socket.end();
        resolve(p);
      });
      socket.once('error', reject);
    });
    expect(protocol).toMatch(/^TLSv1\.[23]$/);

    const exited = new Promise<number | null>((resolve) => child!.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    // exactly one line on stdout
    expect(started.stdout().trim().split('\n')).toHaveLength(1);
  });
});
