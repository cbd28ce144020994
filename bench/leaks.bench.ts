/**
 * Leak intake benchmark (issue 4): on a generated dump in the page cache, in the same run,
 *  - `vigil leaks scan --domain X` vs `rg -a -F -i -c X`,
 *  - `vigil leaks scan --census` vs `rg -a -o '<address regex>' | sort -u | wc -l`,
 * with throughput, ratios and peak RSS (/usr/bin/time -v), and the import rate into SQLite.
 * The dump is cached under $TMPDIR/vigil-bench-leaks (size: VIGIL_BENCH_LEAKS_SIZE, default 1GiB).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseSize } from '../src/cli/commands/leaks.js';
import { generateCombolist } from '../src/leaks/generate.js';
import { importLeaks } from '../src/leaks/import/importer.js';
import { openStore } from '../src/store/store.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const DOMAIN = 'lab.gov.vn';
const ADDRESS_REGEX = '[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\\.[A-Za-z]{2,}';

interface Timed {
  seconds: number;
  maxRssMb: number | null;
  stdout: string;
}

function timed(command: string, args: string[], env: NodeJS.ProcessEnv = {}): Timed {
  const hasTime = existsSync('/usr/bin/time');
  const started = performance.now();
  const run = hasTime
    ? spawnSync('/usr/bin/time', ['-v', command, ...args], { encoding: 'utf8', maxBuffer: 1 << 26, env: { ...process.env, ...env } })
    : spawnSync(command, args, { encoding: 'utf8', maxBuffer: 1 << 26, env: { ...process.env, ...env } });
  const seconds = (performance.now() - started) / 1000;
  const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(run.stderr ?? '');
  if (run.status !== 0 && run.status !== 1) throw new Error(`${command} ${args.join(' ')} failed (${run.status}): ${run.stderr}`);
  return { seconds, maxRssMb: rss ? Math.round(Number(rss[1]) / 1024) : null, stdout: run.stdout };
}

/** The CLI as users run it: bin/vigil.js → dist/ (compiled first, so no TypeScript is compiled while timed). */
function vigil(args: string[]): Timed {
  return timed(process.execPath, [join(root, 'bin', 'vigil.js'), ...args], { VIGIL_FROM_SOURCE: '' });
}

function compile(): void {
  // The census kernel first: without build/wasm/census.wasm the scan would quietly measure the JS census.
  const wasm = spawnSync('npm', ['run', '--silent', 'build:wasm'], { cwd: root, encoding: 'utf8' });
  if (wasm.status !== 0 || !existsSync(join(root, 'build', 'wasm', 'census.wasm'))) throw new Error(`npm run build:wasm failed: ${wasm.stdout}${wasm.stderr}`);
  // tsc emits even when some other file of the tree has a type error; only our emitted JS matters here.
  const run = spawnSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(root, 'tsconfig.json')], { encoding: 'utf8' });
  if (!existsSync(join(root, 'dist', 'cli', 'main.js'))) throw new Error(`tsc did not produce dist/cli/main.js: ${run.stdout}${run.stderr}`);
}

const gbps = (bytes: number, s: number) => (bytes / 1e9 / s).toFixed(2);

function bestAndMedian(xs: number[]): { best: number; median: number } {
  const sorted = [...xs].sort((a, b) => a - b);
  return { best: sorted[0]!, median: sorted[Math.floor((sorted.length - 1) / 2)]! };
}

/** One line per figure: vigil in-engine and wall (with start-up), rg, their ratio, peak RSS; best / median of the runs. */
function report(what: string, bytes: number, runs: { vigil: Timed; engineS: number; rg: Timed }[], note: string, rgName: string): void {
  const engine = bestAndMedian(runs.map((r) => r.engineS));
  const wall = bestAndMedian(runs.map((r) => r.vigil.seconds));
  const rg = bestAndMedian(runs.map((r) => r.rg.seconds));
  const ratio = bestAndMedian(runs.map((r) => r.vigil.seconds / r.rg.seconds));
  const rss = Math.max(...runs.map((r) => r.vigil.maxRssMb ?? 0));
  console.log(
    `${what}: vigil in-engine ${gbps(bytes, engine.best)} GB/s best, ${gbps(bytes, engine.median)} median` +
      ` | wall with start-up ${wall.best.toFixed(2)} s best (${gbps(bytes, wall.best)} GB/s), ${wall.median.toFixed(2)} s median` +
      ` | ${rgName} ${rg.best.toFixed(2)} s best (${gbps(bytes, rg.best)} GB/s), ${rg.median.toFixed(2)} s median` +
      ` | vigil/rg wall-time ratio ${ratio.best.toFixed(2)} best, ${ratio.median.toFixed(2)} median | peak RSS ${rss} MB | ${note}`,
  );
}

export default async function leaksBench(): Promise<void> {
  const size = parseSize(process.env.VIGIL_BENCH_LEAKS_SIZE ?? '1GiB');
  const cache = join(tmpdir(), 'vigil-bench-leaks');
  mkdirSync(cache, { recursive: true });
  const dump = join(cache, `combolist-${size}-seed7.txt`);
  if (!existsSync(dump) || statSync(dump).size < size * 0.9) {
    console.log(`generating ${(size / 2 ** 30).toFixed(2)} GiB dump at ${dump} (cached for later runs)…`);
    const t0 = performance.now();
    generateCombolist(dump, { seed: 7, bytes: size, orgDomains: [DOMAIN], orgEvery: 20000, trackAll: false });
    console.log(`  generated in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  }
  compile();
  const bytes = statSync(dump).size;
  spawnSync('sh', ['-c', `cat '${dump}' > /dev/null`]); // warm the page cache
  console.log(`dump: ${(bytes / 1e9).toFixed(2)} GB in the page cache`);

  // The machine may be shared: every figure is taken RUNS times, vigil and rg alternating in the
  // same run, and reported as best and median with the load average.
  const runs = Number(process.env.VIGIL_BENCH_LEAKS_RUNS ?? 3);
  console.log(
    `load average: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')} (${availableParallelism()} cores), ${runs} runs each`,
  );
  const domainRuns: { vigil: Timed; engineS: number; rg: Timed; org: number }[] = [];
  for (let i = 0; i < runs; i++) {
    const scan = vigil(['leaks', 'scan', dump, '--domain', DOMAIN, '--json']);
    const body = JSON.parse(scan.stdout) as { durationMs: number; categories: { org: number } };
    domainRuns.push({ vigil: scan, engineS: body.durationMs / 1000, rg: timed('rg', ['-a', '-F', '-i', '-c', DOMAIN, dump]), org: body.categories.org });
  }
  report('domain scan', bytes, domainRuns, `${domainRuns[0]!.org} addresses`, 'rg -a -F -i -c');

  const censusRuns: { vigil: Timed; engineS: number; rg: Timed; unique: string }[] = [];
  for (let i = 0; i < runs; i++) {
    const census = vigil(['leaks', 'scan', dump, '--domain', DOMAIN, '--census', '--json']);
    const body = JSON.parse(census.stdout) as { durationMs: number; uniqueAddresses: number; uniqueAddressesEstimated: boolean; categories: { vn: number } };
    const rg = timed('sh', ['-c', `rg -a -o '${ADDRESS_REGEX}' '${dump}' | LC_ALL=C sort -u | wc -l`]);
    censusRuns.push({
      vigil: census,
      engineS: body.durationMs / 1000,
      rg,
      unique: `${body.uniqueAddresses} unique${body.uniqueAddressesEstimated ? ' (HLL estimate)' : ''}, ${body.categories.vn} .vn; rg pipeline ${rg.stdout.trim()}`,
    });
  }
  report('census', bytes, censusRuns, censusRuns[0]!.unique, 'rg -o | sort -u | wc -l');
  console.log(
    `load average after: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );

  // Import rate: a dump where every line is one of 200,000 organisation addresses.
  const work = mkdtempSync(join(tmpdir(), 'vigil-bench-import-'));
  try {
    const orgAddresses = Array.from({ length: 200_000 }, (_, i) => `staff${i}@${DOMAIN}`);
    const file = join(work, 'org.txt');
    generateCombolist(file, { seed: 3, bytes: 12 * 1024 * 1024, orgDomains: [DOMAIN], orgAddresses, orgEvery: 1, trackAll: false });
    const store = await openStore({ dataDir: join(work, 'data') });
    const summary = await importLeaks(store, [file], { source: 'bench', orgDomains: [DOMAIN], workers: 0 });
    await store.close();
    console.log(
      `import into SQLite: ${summary.accounts} accounts, ${summary.accountsPerSecond} accounts/s written (goal ≥ 100,000); whole import incl. hashing and scan ${summary.durationMs} ms = ${summary.wholeAccountsPerSecond} accounts/s`,
    );
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
