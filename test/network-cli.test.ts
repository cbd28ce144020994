import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningLab, startLab } from '../src/lab/index.js';
import { runVigil } from './support/cli.js';
import { writeLabNetworkConfig } from './support/lab-config.js';

/**
 * `vigil assess org` reads vigil.yaml's network: section (resolver, CA relative to the file, port
 * map) when no flag is given: the lab is assessed as with --lab. Before, the section was ignored
 * and every name went to the system resolver.
 */
let lab: RunningLab;
let dir: string;

beforeAll(async () => {
  lab = await startLab();
  dir = mkdtempSync(join(tmpdir(), 'vigil-network-cli-'));
  writeLabNetworkConfig(lab, dir, { mail: { domains: ['benhvien-demo.gov.vn.test'] }, websites: [{ url: 'https://egov.so-demo.gov.vn.test/' }] });
}, 60_000);

afterAll(async () => {
  await lab?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('vigil assess with network: in vigil.yaml and no flags', () => {
  it('assesses the lab through the configured resolver, CA and port map', async () => {
    const result = await runVigil(['--config', join(dir, 'vigil.yaml'), '--data', join(dir, 'data'), 'assess', 'org', '--json', '--no-store'], {
      timeoutMs: 180_000,
    });
    expect([0, 1], result.stderr).toContain(result.code);
    const body = JSON.parse(result.stdout) as {
      targets: { target: string; grade: string; errors: string[]; checks: { id: string; status: string; subject?: string }[] }[];
    };
    expect(body.targets.map((t) => t.target).sort()).toEqual(['benhvien-demo.gov.vn.test', 'https://egov.so-demo.gov.vn.test/']);
    for (const target of body.targets) expect(target.errors, target.target).toEqual([]);
    const web = body.targets.find((t) => t.target.startsWith('https://'))!;
    // Reached through the port map and trusted through network.ca.
    expect(web.checks.find((c) => c.id === 'web.tls.certificate')?.status).toBe('pass');
    expect(web.grade).not.toBe('F');
    const mail = body.targets.find((t) => t.target === 'benhvien-demo.gov.vn.test')!;
    // The lab's DNS answered (its SPF ends in +all, a fail the system resolver could never show).
    expect(mail.checks.find((c) => c.id === 'mail.spf.all')?.status).toBe('fail');
    // Its first MX answered through the port map (the lab's mx2 has no address on purpose).
    expect(mail.checks.find((c) => c.id === 'mail.starttls' && c.subject === 'mx.benhvien-demo.gov.vn.test')?.status).toMatch(/^(pass|warn|fail)$/);
  }, 200_000);
});
