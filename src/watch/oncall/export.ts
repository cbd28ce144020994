import ExcelJS from 'exceljs';
import type { Content } from 'pdfmake/interfaces.js';
import { renderPdf } from '../../reports/pdf.js';
import type { WatchLogTable } from '../../store/schema.js';
import type { Shift } from './roster.js';

/**
 * The watch log (nhật ký trực) as a Vietnamese report: one section per shift with who was on
 * duty and every alert, acknowledgement, note and handover, in PDF (pdfmake with DejaVu Sans,
 * which has every Vietnamese letter) and XLSX.
 */
export type LogEntry = Pick<WatchLogTable, 'at' | 'shift_id' | 'kind' | 'actor' | 'text'>;

export interface WatchLogReport {
  organisation: string;
  parent?: string | undefined;
  from: string;
  to: string;
  shifts: Shift[];
  entries: LogEntry[];
  generatedAt: string;
}

export const KIND_VI: Record<string, string> = {
  alert: 'Cảnh báo',
  resolved: 'Khôi phục',
  ack: 'Xác nhận',
  escalation: 'Leo thang',
  silenced: 'Bảo trì (không gửi)',
  note: 'Ghi chú',
  handover: 'Bàn giao ca',
  event: 'Sự kiện',
};

/** Local time in Vietnam (UTC+7, no daylight saving) for a report read by Vietnamese staff. */
export function vnTime(iso: string | number): string {
  const d = new Date(new Date(iso).getTime() + 7 * 3_600_000);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())} ${pad(d.getUTCDate())}/${pad(d.getUTCMonth() + 1)}/${d.getUTCFullYear()}`;
}

function groups(report: WatchLogReport): { title: string; entries: LogEntry[] }[] {
  const out: { title: string; entries: LogEntry[] }[] = [];
  for (const shift of report.shifts) {
    const entries = report.entries.filter((e) => e.shift_id === shift.id);
    if (entries.length === 0) continue;
    out.push({
      title: `Ca trực ${vnTime(shift.start)} – ${vnTime(shift.end)}${shift.holiday ? ` (${shift.holiday})` : ''} · Trực chính: ${shift.primary}${shift.secondary ? ` · Trực phụ: ${shift.secondary}` : ''}${shift.kind === 'override' ? ` · đổi ca${shift.label ? `: ${shift.label}` : ''}` : ''}`,
      entries,
    });
  }
  const loose = report.entries.filter((e) => !e.shift_id || !report.shifts.some((s) => s.id === e.shift_id));
  if (loose.length) out.push({ title: 'Ngoài ca trực đã lập lịch', entries: loose });
  return out;
}

export async function watchLogPdf(report: WatchLogReport): Promise<Buffer> {
  const content: Content[] = [
    ...(report.parent ? [{ text: report.parent.toUpperCase(), fontSize: 9 } as Content] : []),
    { text: report.organisation, bold: true, margin: [0, 0, 0, 10] },
    { text: 'NHẬT KÝ TRỰC BẢO ĐẢM AN TOÀN THÔNG TIN', fontSize: 15, bold: true, alignment: 'center' },
    { text: `Từ ${vnTime(report.from)} đến ${vnTime(report.to)} (giờ Việt Nam)`, alignment: 'center', margin: [0, 2, 0, 12] },
  ];
  for (const group of groups(report)) {
    content.push({ text: group.title, bold: true, margin: [0, 8, 0, 4] });
    content.push({
      table: {
        headerRows: 1,
        widths: [78, 70, 70, '*'],
        body: [
          [
            { text: 'Thời gian', bold: true },
            { text: 'Loại', bold: true },
            { text: 'Người thực hiện', bold: true },
            { text: 'Nội dung', bold: true },
          ],
          ...group.entries.map((e) => [vnTime(e.at), KIND_VI[e.kind] ?? e.kind, e.actor, e.text]),
        ],
      },
      layout: 'lightHorizontalLines',
      fontSize: 8.5,
    });
  }
  if (report.entries.length === 0) content.push({ text: 'Không có sự kiện nào trong khoảng thời gian này.', italics: true });
  content.push({ text: `Lập lúc ${vnTime(report.generatedAt)} bởi vigil.`, fontSize: 8, margin: [0, 14, 0, 0] });
  return renderPdf({ content, defaultStyle: { font: 'DejaVuSans', fontSize: 10 }, pageSize: 'A4', pageMargins: [40, 40, 40, 40] });
}

export async function watchLogXlsx(report: WatchLogReport): Promise<Buffer> {
  const book = new ExcelJS.Workbook();
  book.creator = 'vigil';
  const sheet = book.addWorksheet('Nhật ký trực');
  sheet.columns = [
    { header: 'Thời gian (giờ VN)', key: 'at', width: 20 },
    { header: 'Ca trực', key: 'shift', width: 44 },
    { header: 'Loại', key: 'kind', width: 18 },
    { header: 'Người thực hiện', key: 'actor', width: 20 },
    { header: 'Nội dung', key: 'text', width: 90 },
  ];
  sheet.getRow(1).font = { bold: true };
  for (const group of groups(report)) {
    for (const e of group.entries) sheet.addRow({ at: vnTime(e.at), shift: group.title, kind: KIND_VI[e.kind] ?? e.kind, actor: e.actor, text: e.text });
  }
  const shifts = book.addWorksheet('Lịch trực');
  shifts.columns = [
    { header: 'Bắt đầu', key: 'start', width: 20 },
    { header: 'Kết thúc', key: 'end', width: 20 },
    { header: 'Trực chính', key: 'primary', width: 24 },
    { header: 'Trực phụ', key: 'secondary', width: 24 },
    { header: 'Dịp lễ', key: 'holiday', width: 30 },
    { header: 'Loại ca', key: 'kind', width: 24 },
  ];
  shifts.getRow(1).font = { bold: true };
  for (const s of report.shifts)
    shifts.addRow({
      start: vnTime(s.start),
      end: vnTime(s.end),
      primary: s.primary,
      secondary: s.secondary ?? '',
      holiday: s.holiday ?? '',
      kind: s.kind === 'override' ? `Đổi ca${s.label ? `: ${s.label}` : ''}` : 'Luân phiên',
    });
  return Buffer.from(await book.xlsx.writeBuffer());
}
