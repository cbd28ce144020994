import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LoadedConfig } from '../src/config/load.js';
import { routeModules } from '../src/http/routes/index.js';
import { leaksRoutes } from '../src/http/routes/leaks.js';
import { type RunningServer, startServer } from '../src/http/server.js';
import { type DumpTruth, generateCombolist } from '../src/leaks/generate.js';
import { importLeaks } from '../src/leaks/import/importer.js';
import { computeSourceTotals, decodeSketch, refreshSourceTotals, storeFileSketch } from '../src/leaks/import/source-census.js';
import { HLL_STANDARD_ERROR } from '../src/leaks/scan/hll.js';
import { AuthService } from '../src/services/auth/auth-service.js';
import { openTestStore, type TestStore, testDialects } from '../src/store/testing.js';

/**
 * A source's totals are unions over its files: one source imported from two files sharing
 * addresses, then a second run adding a third, shows the ground truth of the union — not the
 * sum of the per-file counts — and still the census of each file.
 */
const ORG = ['lab.gov.vn'];
const CATEGORY_NAMES = ['vn', 'gov.vn', 'edu.vn', 'bank', 'org'] as const;

interface Totals {
  files: number;
  filesWithoutSketch: string[];
  lines: number;
  uniqueAddresses: number;
  uniqueAddressesEstimated: boolean;
  uniqueAddressesErrorBound: number | null;
  categories: Record<string, number>;
  domains: Record<string, number>;
}
interface Detail {
  pwnCount: number;
  files: { name: string; lines: number; uniqueAddresses: number }[];
  totals: Totals;
}

/** The union of several generated dumps' truths, in the census's terms. */
function unionTruth(truths: DumpTruth[]) {
  const all = new Set<string>();
  const categories = Object.fromEntries(CATEGORY_NAMES.map((c) => [c, new Set<string>()])) as Record<(typeof CATEGORY_NAMES)[number], Set<string>>;
  for (const t of truths) {
    for (const a of t.all!) all.add(a);
    for (const c of CATEGORY_NAMES) for (const a of t.categories[c]) categories[c].add(a);
  }
  const special = new Set<string>();
  for (const c of CATEGORY_NAMES) for (const a of categories[c]) special.add(a);
  const perDomain = new Map<string, number>();
  for (const a of special) {
    const d = a.slice(a.lastIndexOf('@') + 1);
    perDomain.set(d, (perDomain.get(d) ?? 0) + 1);
  }
  const domains = Object.fromEntries([...perDomain].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, 50));
  return { unique: all.size, categories: Object.fromEntries(CATEGORY_NAMES.map((c) => [c, categories[c].size])), domains };
}

describe.each(testDialects())('leak source totals are unions over files and runs (%s)', (dialect) => {
  let dir: string;
  let testStore: TestStore;
  let server: RunningServer;
  let token = '';
  let sourceId = '';
  const truths: DumpTruth[] = [];
  const files: string[] = [];

  const detail = async (): Promise<Detail> => {
    const response = await fetch(`${server.url}/api/v1/leaks/sources/${sourceId}`, { headers: { authorization: `Bearer ${token}` } });
    expect(response.status).toBe(200);
    return (await response.json()) as Detail;
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'vigil-source-totals-'));
    testStore = await openTestStore(dialect);
    // Three independent dumps A, B, C; the files are A, B+A and C+B (different bytes, shared addresses).
    for (const [i, seed] of [101, 202, 303].entries()) {
      truths.push(generateCombolist(join(dir, `part-${i}.txt`), { seed, bytes: 250_000, orgDomains: ORG, orgEvery: 40, trackAll: true }));
    }
    const part = (i: number) => readFileSync(join(dir, `part-${i}.txt`));
    const write = (name: string, ...parts: Buffer[]) => {
      writeFileSync(join(dir, name), Buffer.concat(parts));
      files.push(join(dir, name));
    };
    write('a.txt', part(0));
    write('b-and-a.txt', part(1), part(0));
    write('c-and-b.txt', part(2), part(1));
    const auth = new AuthService(testStore.store);
    await auth.users.create({ name: 'viewer', role: 'viewer', password: 'correct horse battery staple' }, 'test');
    token = (await auth.tokens.create({ name: 'viewer', user: 'viewer' }, 'test')).token;
    const config: LoadedConfig = {
      file: undefined,
      baseDir: dir,
      config: { organisation: { name: 'Lab', parent: 'Lab' }, mail: { domains: ORG, dkimSelectors: [], outboundIps: [] } },
    };
    server = await startServer({
      store: testStore.store,
      config,
      host: '127.0.0.1',
      port: 0,
      webRoot: false,
      modules: routeModules.includes(leaksRoutes) ? routeModules : [...routeModules, leaksRoutes],
    });
  }, 60_000);

  afterAll(async () => {
    await server?.close();
    await testStore?.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  it('first run, two files sharing addresses: totals equal the union A ∪ B, not the sum', async () => {
    const summary = await importLeaks(testStore.store, files.slice(0, 2), { source: 'Combo', orgDomains: ORG, workers: 0 });
    sourceId = summary.sourceId;
    const want = unionTruth(truths.slice(0, 2));
    const d = await detail();
    expect(d.files).toHaveLength(2);
    const perFileSum = d.files.reduce((n, f) => n + f.uniqueAddresses, 0);
    expect(perFileSum).toBeGreaterThan(want.unique); // what the old pwnCount said
    expect(d.totals).toMatchObject({
      files: 2,
      filesWithoutSketch: [],
      uniqueAddresses: want.unique,
      uniqueAddressesEstimated: false,
      uniqueAddressesErrorBound: null,
    });
    expect(d.totals.categories).toEqual(want.categories);
    expect(d.totals.domains).toEqual(want.domains);
    expect(d.totals.lines).toBe(truths[0]!.lines * 2 + truths[1]!.lines);
    expect(d.pwnCount).toBe(want.unique);
  }, 60_000);

  it('a second run adds a third file: totals equal A ∪ B ∪ C; re-importing changes nothing', async () => {
    await importLeaks(testStore.store, files, { source: 'Combo', orgDomains: ORG, workers: 0 });
    const want = unionTruth(truths);
    const d = await detail();
    expect(d.files.map((f) => f.name).sort()).toEqual(['a.txt', 'b-and-a.txt', 'c-and-b.txt']);
    expect(d.totals).toMatchObject({ files: 3, filesWithoutSketch: [], uniqueAddresses: want.unique, uniqueAddressesEstimated: false });
    expect(d.totals.categories).toEqual(want.categories);
    expect(d.totals.categories.org).toBeGreaterThan(0);
    expect(d.totals.categories['gov.vn']).toBeGreaterThan(0);
    expect(d.totals.domains).toEqual(want.domains);
    expect(d.pwnCount).toBe(want.unique);
    // The per-file census is still there and still per file.
    const cAndB = d.files.find((f) => f.name === 'c-and-b.txt')!;
    expect(cAndB.lines).toBe(truths[1]!.lines + truths[2]!.lines);
    expect(cAndB.uniqueAddresses).toBe(unionTruth([truths[1]!, truths[2]!]).unique);
    await importLeaks(testStore.store, files, { source: 'Combo', orgDomains: ORG, workers: 0 });
    expect(await detail()).toEqual(d);
  }, 60_000);

  it('an import cut off between batches has stored the sketch already; the resumed run ends with the exact union', async () => {
    const store = testStore.store;
    await expect(
      importLeaks(store, [files[2]!], {
        source: 'Resumed',
        orgDomains: ORG,
        workers: 0,
        batchSize: 3,
        afterBatch: () => {
          throw new Error('simulated crash');
        },
      }),
    ).rejects.toThrow('simulated crash');
    const source = await store.db.selectFrom('leak_sources').select('id').where('name', '=', 'Resumed').executeTakeFirstOrThrow();
    const sketches = await store.db.selectFrom('leak_source_sketches').select('file_key').where('source_id', '=', source.id).execute();
    expect(sketches).toHaveLength(1);
    const summary = await importLeaks(store, [files[2]!], { source: 'Resumed', orgDomains: ORG, workers: 0, batchSize: 3 });
    expect(summary.resumed).toBe(true);
    const totals = await computeSourceTotals(store, source.id);
    const want = unionTruth([truths[1]!, truths[2]!]);
    expect(totals).toMatchObject({ files: 1, filesWithoutSketch: [], uniqueAddresses: want.unique, uniqueAddressesEstimated: false });
    expect(totals.categories).toEqual(want.categories);
    expect((await store.db.selectFrom('leak_sources').select('pwn_count').where('id', '=', source.id).executeTakeFirstOrThrow()).pwn_count).toBe(want.unique);
  }, 60_000);

  it('falls back to the merged HyperLogLog (with its bound) when a file kept no exact set, and reports a bad sketch as missing', async () => {
    const store = testStore.store;
    const rows = await store.db.selectFrom('leak_source_sketches').selectAll().where('source_id', '=', sourceId).orderBy('file_key').execute();
    expect(rows).toHaveLength(3);
    const first = decodeSketch(rows[0]!)!;
    await storeFileSketch(store, sourceId, rows[0]!.file_key, { ...first, exact: null });
    const want = unionTruth(truths);
    const estimated = await computeSourceTotals(store, sourceId);
    expect(estimated.uniqueAddressesEstimated).toBe(true);
    expect(estimated.uniqueAddressesErrorBound).toBe(HLL_STANDARD_ERROR);
    expect(Math.abs(estimated.uniqueAddresses - want.unique) / want.unique).toBeLessThan(3 * HLL_STANDARD_ERROR);
    // Categories and domains stay exact.
    expect(estimated.categories).toEqual(want.categories);
    // A corrupt sketch is left out and named, never a crash.
    await store.db
      .updateTable('leak_source_sketches')
      .set({ special: Buffer.from('not deflate') })
      .where('source_id', '=', sourceId)
      .where('file_key', '=', rows[1]!.file_key)
      .execute();
    const partial = await computeSourceTotals(store, sourceId);
    expect(partial.files).toBe(2);
    expect(partial.filesWithoutSketch).toEqual([rows[1]!.file_key]);
    // The cached totals follow a re-stored sketch; a blob corrupted in place shows at the next refresh.
    expect((await detail()).totals.uniqueAddressesEstimated).toBe(true);
    await refreshSourceTotals(store, sourceId);
    expect((await detail()).totals.filesWithoutSketch).toEqual([rows[1]!.file_key]);
  }, 60_000);
});
