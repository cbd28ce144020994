import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestStore, type TestStore, testDialects } from '../store/testing.js';
import { importLeaks } from './import/importer.js';
import { parseStaffCsv } from './import/staff.js';
import { buildLeakReport, listSources, sourceDetail } from './report-model.js';
import { PDF_ACCOUNT_LIMIT, leakReportPdf } from './report-pdf.js';
import { leakReportXlsx } from './report-xlsx.js';
import { setState } from './triage/triage.js';

describe.each(testDialects())('leak reports on %s', (dialect) => {
  let t: TestStore;
  let dir: string;
  beforeAll(async () => {
    t = await openTestStore(dialect);
    dir = mkdtempSync(join(tmpdir(), 'vigil-leak-report-'));
    const staff = parseStaffCsv('full_name,email,unit\nNguyễn Văn An,an@lab.gov.vn,Phòng CNTT\nTrần Thị Bình,binh@lab.gov.vn,Văn phòng\n', ['lab.gov.vn']);
    writeFileSync(join(dir, 'a.txt'), 'an@lab.gov.vn:Secret123\nbinh@lab.gov.vn:5f4dcc3b5aa765d61d8327deb882cf99\nx@hanoi.gov.vn:y\n\u0001\u0002binary\n');
    writeFileSync(join(dir, 'b.txt'), 'a:2:{s:5:"email";s:13:"an@lab.gov.vn";s:8:"password";s:12:"Other-pass-9";}\nc@lab.gov.vn\n');
    await importLeaks(t.store, [join(dir, 'a.txt'), join(dir, 'b.txt')], { source: 'Two files', orgDomains: ['lab.gov.vn'], staff, workers: 0 });
    await setState(t.store, ['binh@lab.gov.vn'], 'remediated', 'test');
  }, 60_000);
  afterAll(async () => {
    await t?.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  it('details a source: each file with its census, and its accounts by state and severity', async () => {
    const [source] = await listSources(t.store);
    const detail = (await sourceDetail(t.store, source!.id))!;
    expect(detail.files.map((f) => f.name).sort()).toEqual(['a.txt', 'b.txt']);
    const a = detail.files.find((f) => f.name === 'a.txt')!;
    expect(a).toMatchObject({ lines: 4, uniqueAddresses: 3, uniqueAddressesEstimated: false });
    expect(a.categories).toMatchObject({ 'gov.vn': 3, org: 2 });
    expect(typeof a.size).toBe('number');
    expect(detail.accountsBySeverity).toEqual({ plaintext: 1, hashed: 1, address: 1 });
    expect(detail.accountsByState).toEqual({ detected: 2, remediated: 1 });
    expect(await sourceDetail(t.store, 'missing')).toBeNull();
  });

  it('builds per-unit progress from the filtered accounts, and writes PDF and XLSX with masks only', async () => {
    const all = await buildLeakReport(t.store, {});
    expect(all.units.map((u) => [u.unit, u.total, u.done])).toEqual([
      ['(chưa gán / unassigned)', 1, 0],
      ['Phòng CNTT', 1, 0],
      ['Văn phòng', 1, 1],
    ]);
    const unit = await buildLeakReport(t.store, { unit: 'Văn phòng' });
    expect(unit.accounts.map((a) => a.email)).toEqual(['binh@lab.gov.vn']);
    const pdf = await leakReportPdf(all, { name: 'Sở Lab' });
    expect(pdf.subarray(0, 4).toString()).toBe('%PDF');
    writeFileSync(join(dir, 'r.pdf'), pdf);
    const text = execFileSync('pdftotext', ['-layout', join(dir, 'r.pdf'), '-'], { encoding: 'utf8' });
    expect(text).toContain('BÁO CÁO XỬ LÝ TÀI KHOẢN BỊ LỘ LỌT');
    expect(text).toContain('Văn phòng');
    expect(text).not.toContain('Secret123');
    expect(text).not.toContain('Other-pass-9');
    const xlsx = await leakReportXlsx(all);
    expect(xlsx.subarray(0, 2).toString()).toBe('PK');
    expect(PDF_ACCOUNT_LIMIT).toBeGreaterThan(1000);
  }, 60_000);
});
