import ExcelJS from 'exceljs';
import { neutraliseFormula as cell } from './export.js';
import { type LeakReport, unitOf } from './report-model.js';
import { SEVERITY_VI, vnDate } from './report-pdf.js';
import { LEAK_STATES, STATE_LABELS } from './triage/triage.js';

/**
 * The dashboard's accounts (under its filters) as a workbook: accounts, per-unit progress and
 * sources, Vietnamese headers with English beside them. Masked passwords only.
 */
export async function leakReportXlsx(report: LeakReport): Promise<Buffer> {
  const book = new ExcelJS.Workbook();
  book.creator = 'vigil';
  const accounts = book.addWorksheet('Tài khoản lộ lọt');
  accounts.columns = [
    { header: 'Địa chỉ / address', key: 'email', width: 34 },
    { header: 'Cán bộ / person', key: 'staff', width: 24 },
    { header: 'Đơn vị / unit', key: 'unit', width: 24 },
    { header: 'Mức độ / severity', key: 'severity', width: 26 },
    { header: 'Loại mật khẩu / password kind', key: 'kind', width: 14 },
    { header: 'Mật khẩu (che) / password (masked)', key: 'mask', width: 20 },
    { header: 'Trạng thái / state', key: 'state', width: 24 },
    { header: 'Nguồn / sources', key: 'sources', width: 36 },
    { header: 'Thấy lần đầu / first seen', key: 'first', width: 14 },
    { header: 'Thấy lần cuối / last seen', key: 'last', width: 14 },
  ];
  for (const a of report.accounts) {
    accounts.addRow({
      email: cell(a.email),
      staff: cell(a.staffName),
      unit: cell(unitOf(a)),
      severity: SEVERITY_VI[a.severity] ?? a.severity,
      kind: a.passwordKind,
      mask: cell(a.passwordMask),
      state: STATE_LABELS[a.state as keyof typeof STATE_LABELS]?.vi ?? a.state,
      sources: cell(a.sources.join(', ')),
      first: vnDate(a.firstSeen),
      last: vnDate(a.lastSeen),
    });
  }
  const units = book.addWorksheet('Tiến độ theo đơn vị');
  units.columns = [
    { header: 'Đơn vị / unit', key: 'unit', width: 30 },
    ...LEAK_STATES.map((s) => ({ header: `${STATE_LABELS[s].vi} / ${STATE_LABELS[s].en}`, key: s, width: 16 })),
    { header: 'Tổng / total', key: 'total', width: 10 },
    { header: 'Xong / done', key: 'done', width: 10 },
  ];
  for (const u of report.units) units.addRow({ unit: cell(u.unit), ...u.states, total: u.total, done: u.done });
  const sources = book.addWorksheet('Nguồn lộ lọt');
  sources.columns = [
    { header: 'Tên / name', key: 'name', width: 30 },
    { header: 'Tiêu đề / title', key: 'title', width: 40 },
    { header: 'Ngày lộ / breach date', key: 'breach', width: 14 },
    { header: 'Ngày nạp / added', key: 'added', width: 14 },
    { header: 'Địa chỉ (toàn bộ) / pwn count', key: 'pwn', width: 16 },
    { header: 'Của cơ quan / ours', key: 'org', width: 12 },
    { header: 'Loại dữ liệu / data classes', key: 'classes', width: 40 },
  ];
  for (const s of report.sources) {
    sources.addRow({
      name: cell(s.name),
      title: cell(s.title),
      breach: s.breachDate ?? '',
      added: vnDate(s.addedDate),
      pwn: s.pwnCount,
      org: s.orgCount,
      classes: s.dataClasses.join(', '),
    });
  }
  for (const sheet of [accounts, units, sources]) {
    sheet.getRow(1).font = { bold: true };
    sheet.views = [{ state: 'frozen', ySplit: 1 }];
  }
  return Buffer.from(await book.xlsx.writeBuffer());
}
