import ExcelJS from 'exceljs';
import { type FindingsReport, LABELS } from './model.js';

const FILL: Record<string, string> = { fail: 'FFF8D7DA', warn: 'FFFFF3CD', error: 'FFE2D9F3', pass: 'FFD4EDDA', info: 'FFE7F1FF' };

/** Excel sheet names: ≤ 31 characters, none of []:*?/\ and unique within the workbook. */
export function sheetName(raw: string, used: Set<string>): string {
  const base =
    raw
      .replace(/^https?:\/\//, '')
      .replace(/[[\]:*?/\\]/g, '_')
      .replace(/_+$/, '')
      .slice(0, 28) || 'target';
  let name = base;
  for (let i = 2; used.has(name.toLowerCase()); i++) name = `${base.slice(0, 27 - String(i).length)}~${i}`;
  used.add(name.toLowerCase());
  return name;
}

export async function findingsXlsx(report: FindingsReport): Promise<Buffer> {
  const L = LABELS[report.locale];
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'vigil';
  workbook.created = new Date(report.generatedAt);
  const used = new Set<string>();

  const summary = workbook.addWorksheet(sheetName(L.summary, used));
  summary.addRow([L.title]).font = { bold: true, size: 14 };
  summary.addRow([L.subtitle]).font = { italic: true };
  summary.addRow([]);
  summary.addRow([L.organisation, report.organisation.name]);
  if (report.organisation.parent) summary.addRow([L.parent, report.organisation.parent]);
  summary.addRow([L.run, report.run.id]);
  summary.addRow([L.started, report.run.startedAt]);
  summary.addRow([L.finished, report.run.finishedAt ?? '']);
  summary.addRow([L.generated, report.generatedAt]);
  summary.addRow([L.overall, report.run.score ?? '', report.run.grade ?? '', report.run.notAssessed > 0 ? L.excluded(report.run.notAssessed) : '']);
  summary.addRow([]);
  const header = summary.addRow([L.target, L.kind, L.score, L.grade, L.failures, L.warnings, L.errors, L.categories]);
  header.font = { bold: true };
  for (const t of report.targets) {
    summary.addRow([
      t.name ? `${t.name} (${t.target})` : t.target,
      t.kind === 'mail' ? L.mail : L.web,
      t.assessed ? t.score : '',
      t.assessed ? t.grade : L.notAssessed,
      t.counts.fail,
      t.counts.warn,
      t.counts.error,
      t.categories.map((c) => `${c.category}: ${c.grade} (${c.score})`).join('; '),
    ]);
  }
  summary.columns = [{ width: 42 }, { width: 14 }, { width: 8 }, { width: 9 }, { width: 9 }, { width: 10 }, { width: 12 }, { width: 70 }];

  for (const t of report.targets) {
    const sheet = workbook.addWorksheet(sheetName(t.target, used));
    sheet.addRow([`${L.target}: ${t.name ? `${t.name} — ` : ''}${t.target}`]).font = { bold: true, size: 12 };
    sheet.addRow([t.assessed ? `${L.grade}: ${t.grade}   ${L.score}: ${t.score}/100` : `${L.grade}: ${L.notAssessed} (${L.notAssessedNote})`]);
    if (t.errors.length) sheet.addRow([`${L.errors}: ${t.errors.join('; ')}`]);
    sheet.addRow([]);
    const head = sheet.addRow([L.check, L.subject, L.status, L.severity, L.titleCol, L.detail, L.remediation, L.evidence, L.references]);
    head.font = { bold: true };
    const first = sheet.rowCount;
    for (const c of t.checks) {
      const row = sheet.addRow([
        c.id,
        c.subject,
        L.status_[c.status],
        L.severity_[c.severity],
        c.title,
        c.detail,
        c.remediation,
        c.evidence,
        c.references.join('\n'),
      ]);
      row.getCell(3).fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: FILL[c.status] ?? 'FFFFFFFF' } };
      row.alignment = { vertical: 'top', wrapText: true };
    }
    sheet.columns = [{ width: 26 }, { width: 22 }, { width: 14 }, { width: 12 }, { width: 36 }, { width: 50 }, { width: 60 }, { width: 60 }, { width: 40 }];
    sheet.views = [{ state: 'frozen', ySplit: first }];
    sheet.autoFilter = { from: { row: first, column: 1 }, to: { row: first, column: 9 } };
  }
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
