/**
 * Leak intake benchmark (issue 4): on a generated dump in the page cache, in the same run,
 *  - `vigil leaks scan --domain X` vs `rg -a -F -i -c X`,
 *  - `vigil leaks scan --census` vs `rg -a -o '<address regex>' | sort -u | wc -l`,
 * with throughput, ratios and peak RSS (/usr/bin/time -v), and the import rate into SQLite.
 * The dump is cached under $TMPDIR/vigil-bench-leaks (size: VIGIL_BENCH_LEAKS_SIZE, default 1GiB).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
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
  // tsc emits even when some other file of the tree has a type error; only our emitted JS matters here.
  const run = spawnSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(root, 'tsconfig.json')], { encoding: 'utf8' });
  if (!existsSync(join(root, 'dist', 'cli', 'main.js'))) throw new Error(`tsc did not produce dist/cli/main.js: ${run.stdout}${run.stderr}`);
}

const gbps = (bytes: number, s: number) => (bytes / 1e9 / s).toFixed(2);

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

  const scan = vigil(['leaks', 'scan', dump, '--domain', DOMAIN, '--json']);
  const scanBody = JSON.parse(scan.stdout) as { durationMs: number; categories: { org: number } };
  const rgCount = timed('rg', ['-a', '-F', '-i', '-c', DOMAIN, dump]);
  console.log(
    `domain scan: vigil ${gbps(bytes, scanBody.durationMs / 1000)} GB/s in-engine (${scan.seconds.toFixed(2)} s wall with start-up, ${gbps(bytes, scan.seconds)} GB/s), peak RSS ${scan.maxRssMb} MB, ${scanBody.categories.org} addresses` +
      ` | rg -F -i -c ${rgCount.seconds.toFixed(2)} s (${gbps(bytes, rgCount.seconds)} GB/s) | vigil/rg time ratio ${(scan.seconds / rgCount.seconds).toFixed(2)}`,
  );

  const census = vigil(['leaks', 'scan', dump, '--domain', DOMAIN, '--census', '--json']);
  const censusBody = JSON.parse(census.stdout) as { durationMs: number; uniqueAddresses: number; uniqueAddressesEstimated: boolean };
  const rgCensus = timed('sh', ['-c', `rg -a -o '${ADDRESS_REGEX}' '${dump}' | LC_ALL=C sort -u | wc -l`]);
  console.log(
    `census: vigil ${gbps(bytes, censusBody.durationMs / 1000)} GB/s in-engine (${census.seconds.toFixed(2)} s wall, ${gbps(bytes, census.seconds)} GB/s), peak RSS ${census.maxRssMb} MB, ${censusBody.uniqueAddresses} unique${censusBody.uniqueAddressesEstimated ? ' (HLL estimate)' : ''}` +
      ` | rg -o | sort -u | wc -l ${rgCensus.seconds.toFixed(2)} s (${gbps(bytes, rgCensus.seconds)} GB/s) → ${rgCensus.stdout.trim()} | vigil/rg time ratio ${(census.seconds / rgCensus.seconds).toFixed(2)}`,
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
      `import into SQLite: ${summary.accounts} accounts, ${summary.accountsPerSecond} accounts/s written (whole import incl. scan ${summary.durationMs} ms)`,
    );
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
