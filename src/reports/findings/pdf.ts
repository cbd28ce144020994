import type { Content, TDocumentDefinitions } from 'pdfmake/interfaces.js';
import { renderPdf } from '../pdf.js';
import { type FindingsReport, LABELS } from './model.js';

const STATUS_COLOR: Record<string, string> = { fail: '#b02a37', warn: '#997404', error: '#6f42c1', pass: '#146c43', info: '#0a58ca' };

/** The run's grade and score, or "not assessed", and how many targets the mean left out. */
function overallText(report: FindingsReport): string {
  const L = LABELS[report.locale];
  const head = report.run.grade === null || report.run.score === null ? L.notAssessed : `${report.run.grade} (${report.run.score}/100)`;
  return report.run.notAssessed > 0 ? `${head} — ${L.excluded(report.run.notAssessed)}` : head;
}

export async function findingsPdf(report: FindingsReport): Promise<Buffer> {
  const L = LABELS[report.locale];
  const content: Content[] = [
    ...(report.organisation.parent ? [{ text: report.organisation.parent.toUpperCase(), style: 'small' } as Content] : []),
    { text: report.organisation.name, bold: true, margin: [0, 0, 0, 12] },
    { text: L.title, style: 'title' },
    { text: L.subtitle, style: 'subtitle' },
    {
      table: {
        widths: [140, '*'],
        body: [
          [L.run, report.run.id],
          [L.started, report.run.startedAt],
          [L.finished, report.run.finishedAt ?? ''],
          [L.generated, report.generatedAt],
          [L.overall, overallText(report)],
        ],
      },
      layout: 'lightHorizontalLines',
      margin: [0, 0, 0, 12],
    },
    { text: L.summary, style: 'h1' },
    {
      table: {
        headerRows: 1,
        widths: ['*', 60, 40, 40, 45, 50],
        body: [
          [L.target, L.kind, L.score, L.grade, L.failures, L.warnings].map((text) => ({ text, bold: true })),
          ...report.targets.map((t) => [
            t.name ? `${t.name}\n${t.target}` : t.target,
            t.kind === 'mail' ? L.mail : L.web,
            t.assessed ? String(t.score) : '—',
            t.assessed ? (t.grade ?? '') : { text: L.notAssessed, color: STATUS_COLOR.error },
            String(t.counts.fail),
            String(t.counts.warn),
          ]),
        ],
      },
      layout: 'lightHorizontalLines',
    },
  ];
  for (const t of report.targets) {
    content.push({ text: `${t.name ? `${t.name} — ` : ''}${t.target}`, style: 'h1', pageBreak: 'before' });
    content.push({
      text: t.assessed
        ? `${L.grade}: ${t.grade} · ${L.score}: ${t.score}/100 · ${t.categories.map((c) => `${c.category} ${c.grade}`).join(' · ')}`
        : `${L.grade}: ${L.notAssessed} (${L.notAssessedNote})`,
      margin: [0, 0, 0, 6],
      ...(t.assessed ? {} : { color: STATUS_COLOR.error }),
    });
    if (t.errors.length) content.push({ text: `${L.errors}: ${t.errors.join('; ')}`, color: STATUS_COLOR.error, margin: [0, 0, 0, 6] });
    const findings = t.checks.filter((c) => c.status === 'fail' || c.status === 'warn' || c.status === 'error');
    content.push({ text: L.findings, style: 'h2' });
    if (findings.length === 0) content.push({ text: L.none, italics: true });
    for (const c of findings) {
      content.push({
        stack: [
          {
            text: [
              { text: `${L.status_[c.status]} · ${L.severity_[c.severity]}  `, color: STATUS_COLOR[c.status], bold: true },
              { text: c.title, bold: true },
              { text: `  ${c.id}${c.subject ? ` · ${c.subject}` : ''}`, style: 'small' },
            ],
          },
          ...(c.detail ? [{ text: c.detail, margin: [0, 2, 0, 0] } as Content] : []),
          ...(c.remediation && c.status !== 'error'
            ? [{ text: [{ text: `${L.remediation}: `, bold: true }, c.remediation], margin: [0, 2, 0, 0] } as Content]
            : []),
          { text: `${L.evidence}: ${c.evidence.slice(0, 600)}`, style: 'mono', margin: [0, 2, 0, 0] },
        ],
        margin: [0, 0, 0, 8],
        unbreakable: false,
      });
    }
    content.push({ text: L.allChecks, style: 'h2' });
    content.push({
      table: {
        headerRows: 1,
        widths: [110, '*', 70, 55],
        body: [
          [L.check, L.titleCol, L.status, L.severity].map((text) => ({ text, bold: true })),
          ...t.checks.map((c) => [
            `${c.id}${c.subject ? `\n${c.subject}` : ''}`,
            c.title,
            { text: L.status_[c.status], color: STATUS_COLOR[c.status] },
            L.severity_[c.severity],
          ]),
        ],
      },
      layout: 'lightHorizontalLines',
      fontSize: 8,
    });
  }
  const doc: TDocumentDefinitions = {
    info: { title: `${L.title} — ${report.organisation.name}`, creator: 'vigil', producer: 'vigil' },
    pageSize: 'A4',
    pageMargins: [40, 40, 40, 50],
    defaultStyle: { font: 'DejaVuSans', fontSize: 9 },
    footer: (page: number, pages: number) => ({
      text: `${report.organisation.name} · ${page}/${pages}`,
      alignment: 'center',
      fontSize: 7,
      margin: [0, 20, 0, 0],
    }),
    styles: {
      title: { fontSize: 14, bold: true, alignment: 'center', margin: [0, 0, 0, 4] },
      subtitle: { fontSize: 10, italics: true, alignment: 'center', margin: [0, 0, 0, 12] },
      h1: { fontSize: 12, bold: true, margin: [0, 8, 0, 4] },
      h2: { fontSize: 10, bold: true, margin: [0, 8, 0, 4] },
      small: { fontSize: 7, color: '#555555' },
      mono: { fontSize: 6.5, color: '#444444' },
    },
    content,
  };
  return renderPdf(doc);
}
