import type { Content, TableCell, TDocumentDefinitions } from 'pdfmake/interfaces.js';
import type { VigilConfig } from '../config/schema.js';
import { renderPdf } from '../reports/pdf.js';
import { type LeakReport, SEVERITIES, unitOf } from './report-model.js';
import { LEAK_STATES, STATE_LABELS } from './triage/triage.js';

type OrganisationConfig = VigilConfig['organisation'];

/**
 * "Báo cáo xử lý tài khoản bị lộ lọt" — the leaks dashboard as a Vietnamese administrative
 * report (the header of Decree 30/2020: agency on the left, national motto on the right), with
 * per-unit progress, the sources and the accounts. pdfmake embeds DejaVu Sans, which has every
 * Vietnamese letter. Passwords appear only as masks (`m*****3 (8)`); the store has nothing more.
 */

/** Rows in the accounts table; beyond it the report says how many more (the XLSX has them all). */
export const PDF_ACCOUNT_LIMIT = 3000;

export const SEVERITY_VI: Record<string, string> = {
  stealer: 'Mã độc đánh cắp (stealer log)',
  plaintext: 'Mật khẩu dạng rõ',
  hashed: 'Mật khẩu đã băm',
  address: 'Chỉ địa chỉ thư',
};

/** Wall-clock in Vietnam (UTC+7, no daylight saving): the report is read there. */
function vnParts(iso: string): { d: string; m: string; y: number; hm: string } {
  const t = new Date(new Date(iso).getTime() + 7 * 3_600_000);
  const pad = (n: number) => String(n).padStart(2, '0');
  return { d: pad(t.getUTCDate()), m: pad(t.getUTCMonth() + 1), y: t.getUTCFullYear(), hm: `${pad(t.getUTCHours())}:${pad(t.getUTCMinutes())}` };
}

export function vnDate(iso: string | null): string {
  if (!iso) return '—';
  const p = vnParts(iso);
  return `${p.d}/${p.m}/${p.y}`;
}

const head = (texts: string[]): TableCell[] => texts.map((text) => ({ text, bold: true, fillColor: '#e8edf3' }));
const n = (value: number) => value.toLocaleString('vi-VN');
const right = (value: number | string): TableCell => ({ text: typeof value === 'number' ? n(value) : value, alignment: 'right' });

function filterLine(report: LeakReport): string {
  const f = report.filter;
  const parts = [
    f.state ? `trạng thái: ${STATE_LABELS[f.state as keyof typeof STATE_LABELS]?.vi ?? f.state}` : null,
    f.unit ? `đơn vị: ${f.unit}` : null,
    f.severity ? `mức độ: ${SEVERITY_VI[f.severity] ?? f.severity}` : null,
    f.source ? `nguồn: ${f.source}` : null,
  ].filter(Boolean);
  return parts.length ? `Phạm vi: ${parts.join('; ')}.` : 'Phạm vi: toàn bộ tài khoản bị lộ lọt của cơ quan.';
}

export function leakReportDefinition(report: LeakReport, organisation: OrganisationConfig): TDocumentDefinitions {
  const org = organisation?.name ?? 'Cơ quan';
  const when = vnParts(report.generatedAt);
  const done = report.units.reduce((s, u) => s + u.done, 0);
  const total = report.accounts.length;
  const content: Content[] = [
    {
      columns: [
        {
          width: 220,
          stack: [
            ...(organisation?.parent ? [{ text: organisation.parent.toUpperCase(), fontSize: 9 }] : []),
            { text: org.toUpperCase(), bold: true, fontSize: 9.5, decoration: 'underline' as const },
          ],
          alignment: 'center',
        },
        { width: '*', text: '' },
        {
          width: 250,
          stack: [
            { text: 'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM', bold: true, fontSize: 9.5 },
            { text: 'Độc lập - Tự do - Hạnh phúc', bold: true, fontSize: 10, decoration: 'underline' as const },
            { text: `ngày ${when.d} tháng ${when.m} năm ${when.y}`, italics: true, fontSize: 9.5, margin: [0, 6, 0, 0] },
          ],
          alignment: 'center',
        },
      ],
      margin: [0, 0, 0, 18],
    },
    { text: 'BÁO CÁO XỬ LÝ TÀI KHOẢN BỊ LỘ LỌT', style: 'title' },
    { text: 'Thực hiện mục 2 và mục 3 Chỉ thị 4749/BTTTT-CATTT: rà soát, xử lý địa chỉ thư của cơ quan bị lộ lọt', style: 'subtitle' },
    { text: filterLine(report), italics: true, margin: [0, 0, 0, 8] },
    { text: 'I. TỔNG HỢP', style: 'h1' },
    {
      table: {
        widths: [320, 80],
        body: [
          ['Số tài khoản của cơ quan bị lộ lọt', right(total)],
          ['Đã xử lý xong (đã khắc phục, bỏ qua, đã đóng)', right(total ? `${n(done)} (${Math.round((done / total) * 100)}%)` : '0')],
          ...SEVERITIES.map((s) => [`Mức độ: ${SEVERITY_VI[s]}`, right(report.bySeverity[s] ?? 0)]),
          ['Số nguồn dữ liệu lộ lọt', right(report.sources.length)],
        ],
      },
      layout: 'lightHorizontalLines',
      margin: [0, 0, 0, 6],
    },
    { text: 'II. TIẾN ĐỘ XỬ LÝ THEO ĐƠN VỊ', style: 'h1' },
    {
      table: {
        headerRows: 1,
        widths: ['*', ...LEAK_STATES.map(() => 38), 34, 40],
        body: [
          head(['Đơn vị', ...LEAK_STATES.map((s) => STATE_LABELS[s].vi), 'Tổng', 'Xong']),
          ...report.units.map((u) => [
            u.unit,
            ...LEAK_STATES.map((s) => right(u.states[s] ?? 0)),
            right(u.total),
            right(`${Math.round((u.done / Math.max(1, u.total)) * 100)}%`),
          ]),
        ],
      },
      layout: 'lightHorizontalLines',
      fontSize: 7.5,
    },
    { text: 'III. NGUỒN DỮ LIỆU LỘ LỌT', style: 'h1' },
    {
      table: {
        headerRows: 1,
        widths: ['*', 52, 52, 62, 46, 130],
        body: [
          head(['Nguồn', 'Ngày lộ', 'Ngày nạp', 'Địa chỉ (toàn bộ)', 'Của cơ quan', 'Loại dữ liệu']),
          ...report.sources.map((s) => [
            s.title === s.name ? s.name : `${s.title}\n(${s.name})`,
            s.breachDate ?? '—',
            vnDate(s.addedDate),
            right(s.pwnCount),
            right(s.orgCount),
            s.dataClasses.join(', '),
          ]),
        ],
      },
      layout: 'lightHorizontalLines',
      fontSize: 8,
    },
    { text: 'IV. DANH SÁCH TÀI KHOẢN', style: 'h1' },
    { text: 'Mật khẩu chỉ hiển thị dạng che (ký tự đầu, ký tự cuối và độ dài); vigil không lưu mật khẩu.', style: 'small', margin: [0, 0, 0, 4] },
    {
      table: {
        headerRows: 1,
        widths: ['*', 80, 70, 62, 58, 62, 70],
        body: [
          head(['Địa chỉ thư', 'Cán bộ', 'Đơn vị', 'Mức độ', 'Mật khẩu (che)', 'Trạng thái', 'Nguồn']),
          ...report.accounts
            .slice(0, PDF_ACCOUNT_LIMIT)
            .map((a) => [
              a.email,
              a.staffName ?? '—',
              unitOf(a),
              SEVERITY_VI[a.severity] ?? a.severity,
              a.passwordMask ?? '—',
              STATE_LABELS[a.state as keyof typeof STATE_LABELS]?.vi ?? a.state,
              a.sources.join(', '),
            ]),
        ],
      },
      layout: 'lightHorizontalLines',
      fontSize: 7,
    },
  ];
  if (report.accounts.length > PDF_ACCOUNT_LIMIT) {
    content.push({
      text: `… và ${n(report.accounts.length - PDF_ACCOUNT_LIMIT)} tài khoản khác (xem tệp XLSX cùng bộ lọc).`,
      italics: true,
      margin: [0, 4, 0, 0],
    });
  }
  content.push({
    columns: [
      { width: '*', text: '' },
      {
        width: 220,
        alignment: 'center',
        stack: [
          { text: 'NGƯỜI LẬP BÁO CÁO', bold: true },
          { text: '(Ký, ghi rõ họ tên)', italics: true, fontSize: 8.5 },
        ],
      },
    ],
    margin: [0, 24, 0, 48],
    unbreakable: true,
  });
  content.push({ text: `Lập lúc ${when.hm} ngày ${when.d}/${when.m}/${when.y} (giờ Việt Nam) bởi vigil.`, style: 'small' });
  return {
    info: { title: `Báo cáo xử lý tài khoản bị lộ lọt — ${org}`, creator: 'vigil', producer: 'vigil' },
    pageSize: 'A4',
    pageOrientation: 'landscape',
    pageMargins: [40, 36, 40, 44],
    defaultStyle: { font: 'DejaVuSans', fontSize: 9 },
    footer: (page: number, pages: number) => ({ text: `${org} · Trang ${page}/${pages}`, alignment: 'center', fontSize: 7, margin: [0, 18, 0, 0] }),
    styles: {
      title: { fontSize: 14, bold: true, alignment: 'center', margin: [0, 0, 0, 4] },
      subtitle: { fontSize: 9.5, italics: true, alignment: 'center', margin: [0, 0, 0, 12] },
      h1: { fontSize: 11, bold: true, margin: [0, 10, 0, 4] },
      small: { fontSize: 7.5, color: '#555555' },
    },
    content,
  };
}

export function leakReportPdf(report: LeakReport, organisation: OrganisationConfig): Promise<Buffer> {
  return renderPdf(leakReportDefinition(report, organisation));
}
