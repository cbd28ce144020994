/**
 * `vigil assess org` at scale: a generated lab world of 200 mail domains and 200 websites
 * (`generateWorld`), served by `vigil lab` in its own process so vigil's memory is measured
 * alone; the assessment runs here, with storage to a fresh SQLite store, as `vigil assess org`
 * does. Figures: wall time, targets per second, peak RSS, checks stored.
 *
 * VIGIL_BENCH_ASSESS_DOMAINS / VIGIL_BENCH_ASSESS_SITES (default 200 each),
 * VIGIL_BENCH_ASSESS_CONCURRENCY (default 16).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { buildProbeContext } from '../src/config/probe-context.js';
import { generateWorld } from '../src/lab/index.js';
import { runAndStoreOrganisation } from '../src/services/assessment/runs.js';
import { openStore } from '../src/store/store.js';

const domains = Number(process.env.VIGIL_BENCH_ASSESS_DOMAINS ?? 200);
const sites = Number(process.env.VIGIL_BENCH_ASSESS_SITES ?? 200);
const concurrency = Number(process.env.VIGIL_BENCH_ASSESS_CONCURRENCY ?? 16);

function startLabProcess(worldFile: string): Promise<{ line: string; stop(): void }> {
  const child = spawn(
    process.execPath,
    [join('node_modules', 'tsx', 'dist', 'cli.mjs'), join('src', 'cli', 'main.ts'), 'lab', '--world', worldFile, '--json'],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  return new Promise((resolve, reject) => {
    let buffer = '';
    child.stdout.on('data', (chunk) => {
      buffer += chunk;
      const newline = buffer.indexOf('\n');
      if (newline >= 0) resolve({ line: buffer.slice(0, newline), stop: () => child.kill('SIGTERM') });
    });
    child.on('exit', (code) => reject(new Error(`vigil lab exited with ${code}`)));
  });
}

export default async function bench(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-bench-assess-'));
  const worldFile = join(dir, 'world.yaml');
  writeFileSync(worldFile, stringify(generateWorld({ domains, sites, seed: 7 })));
  const labStarted = performance.now();
  const lab = await startLabProcess(worldFile);
  console.log(`lab: ${domains} domains + ${sites} sites up in ${((performance.now() - labStarted) / 1000).toFixed(1)} s (own process)`);
  const labFile = join(dir, 'lab.json');
  writeFileSync(labFile, lab.line);
  const info = JSON.parse(lab.line) as { domains: string[]; sites: string[] };
  const mailDomains = info.domains.filter((d) => !d.endsWith('.arpa') && /^don-vi-/.test(d));
  const config = {
    organisation: { name: 'Sở Thông tin và Truyền thông tỉnh Bench' },
    mail: { domains: mailDomains.length ? mailDomains : info.domains.slice(0, domains), dkimSelectors: [], outboundIps: [] },
    websites: info.sites.slice(0, sites).map((url) => ({ url, portal: false })),
  };
  const ctx = { ...buildProbeContext({ flags: { lab: labFile } }), dnsTimeoutMs: 3_000, connectTimeoutMs: 8_000 };
  const store = await openStore({ dataDir: join(dir, 'data') });
  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }, 100);
  const started = performance.now();
  let done = 0;
  try {
    const { run } = await runAndStoreOrganisation(store, config, ctx, {
      concurrency,
      onTarget: () => {
        done++;
        if (done % 50 === 0) console.log(`  ${done} targets, ${((performance.now() - started) / 1000).toFixed(1)} s`);
      },
    });
    const seconds = (performance.now() - started) / 1000;
    clearInterval(sampler);
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
    const checks = run.targets.reduce((n, t) => n + t.checks.length, 0);
    const errored = run.targets.filter((t) => t.errors.length > 0).length;
    const checkRows = await store.db
      .selectFrom('assessment_checks')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirst();
    console.log(
      `vigil assess org: ${run.targets.length} targets (${config.mail.domains.length} mail domains, ${config.websites.length} sites), concurrency ${concurrency}`,
    );
    console.log(
      `  wall time ${seconds.toFixed(1)} s · ${(run.targets.length / seconds).toFixed(1)} targets/s · peak RSS ${(peakRss / 1048576).toFixed(0)} MiB`,
    );
    console.log(
      `  ${checks} check results (${Number(checkRows?.n ?? 0)} stored) · ${errored} targets with probe errors · organisation ${run.grade} ${run.score}/100`,
    );
  } finally {
    clearInterval(sampler);
    await store.close();
    lab.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
