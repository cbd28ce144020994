/**
 * Leak import benchmark (issue 4: import of matched accounts ≥ 100,000 per second into SQLite),
 * alone: `npm run bench -- leaks-import`. The case of bench/leaks.bench.ts's import part — a
 * 12 MiB dump where every line is one of 200,000 organisation addresses (122,140 accounts) —
 * imported RUNS times into a fresh SQLite store, reported as best and median of the written rate
 * (accounts / time spent writing) and of the whole import (file hash, scan, HMAC, writing).
 * A second import of the same accounts as a new source into the filled store measures the
 * "existing account" path (each account gains a source; nothing is created).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateCombolist } from '../src/leaks/generate.js';
import { importLeaks } from '../src/leaks/import/importer.js';
import { openStore } from '../src/store/store.js';

const DOMAIN = 'lab.gov.vn';

function bestAndMedian(xs: number[]): { best: number; median: number } {
  const sorted = [...xs].sort((a, b) => b - a);
  return { best: sorted[0]!, median: sorted[Math.floor((sorted.length - 1) / 2)]! };
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

export default async function leaksImportBench(): Promise<void> {
  const runs = Number(process.env.VIGIL_BENCH_LEAKS_RUNS ?? 3);
  const work = mkdtempSync(join(tmpdir(), 'vigil-bench-import-'));
  try {
    const orgAddresses = Array.from({ length: 200_000 }, (_, i) => `staff${i}@${DOMAIN}`);
    const file = join(work, 'org.txt');
    generateCombolist(file, { seed: 3, bytes: 12 * 1024 * 1024, orgDomains: [DOMAIN], orgAddresses, orgEvery: 1, trackAll: false });
    console.log(
      `load average: ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')} (${availableParallelism()} cores), ${runs} runs`,
    );
    const written: number[] = [];
    const whole: number[] = [];
    const again: number[] = [];
    const checkpoints: number[] = [];
    let accounts = 0;
    for (let i = 0; i < runs; i++) {
      const dataDir = join(work, `data${i}`);
      const store = await openStore({ dataDir });
      try {
        const summary = await importLeaks(store, [file], { source: 'bench', orgDomains: [DOMAIN], workers: 0 });
        accounts = summary.accounts;
        written.push(summary.accountsPerSecond ?? 0);
        whole.push(summary.wholeAccountsPerSecond ?? 0);
        checkpoints.push(summary.checkpointMs);
        const second = await importLeaks(store, [file], { source: 'bench-2', orgDomains: [DOMAIN], workers: 0 });
        again.push(second.accountsPerSecond ?? 0);
        console.log(
          `  run ${i + 1}: ${fmt(summary.accountsPerSecond ?? 0)} accounts/s written, whole ${fmt(summary.wholeAccountsPerSecond ?? 0)}/s (${summary.durationMs} ms, of which the final WAL checkpoint ${summary.checkpointMs} ms);` +
            ` into the filled store as a second source ${fmt(second.accountsPerSecond ?? 0)}/s written`,
        );
      } finally {
        await store.close();
        rmSync(dataDir, { recursive: true, force: true });
      }
    }
    const w = bestAndMedian(written);
    const h = bestAndMedian(whole);
    const a = bestAndMedian(again);
    const c = [...checkpoints].sort((x, y) => x - y);
    console.log(
      `import into SQLite: ${accounts} accounts; written ${fmt(w.best)}/s best, ${fmt(w.median)}/s median (goal ≥ 100,000)` +
        ` | the final WAL checkpoint (in the whole time, not the written rate) ${c[0]} ms best, ${c[Math.floor((c.length - 1) / 2)]} ms median` +
        ` | whole import incl. file hash, scan, HMAC, census sketch and checkpoint ${fmt(h.best)}/s best, ${fmt(h.median)}/s median` +
        ` | second source into the filled store ${fmt(a.best)}/s best, ${fmt(a.median)}/s median`,
    );
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
