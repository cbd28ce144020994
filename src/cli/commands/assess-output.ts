/**
 * Human output of `vigil assess` (colours, the progress bar). Its own module so that assess.ts
 * registers its commands without loading cli-progress and the renderer: assess.ts imports this
 * only when an assess command runs.
 */
import cliProgress from 'cli-progress';
import type { Locale } from '../../checks/types.js';
import { orderChecks } from '../../services/assessment/render.js';
import type { RenderedOrganisation, RenderedTarget } from '../../services/assessment/types.js';

const colorEnabled = () => process.stdout.isTTY && !process.env.NO_COLOR;
const paint = (code: number, text: string) => (colorEnabled() ? `\x1b[${code}m${text}\x1b[0m` : text);
const STATUS_COLOR: Record<string, number> = { pass: 32, warn: 33, fail: 31, error: 35, info: 36 };
const STATUS_LABEL: Record<Locale, Record<string, string>> = {
  vi: { pass: 'ĐẠT', warn: 'CẢNH BÁO', fail: 'LỖI', error: 'KHÔNG KT', info: 'THÔNG TIN' },
  en: { pass: 'PASS', warn: 'WARN', fail: 'FAIL', error: 'ERROR', info: 'INFO' },
};

function gradeColor(grade: string): number {
  return grade.startsWith('A') ? 32 : grade.startsWith('B') ? 36 : grade.startsWith('C') ? 33 : 31;
}

const NOT_ASSESSED: Record<Locale, string> = { vi: 'KHÔNG ĐÁNH GIÁ ĐƯỢC', en: 'NOT ASSESSED' };

/** "B 72/100", or the not-assessed label in magenta (the colour of `error`) instead of a grade. */
function gradeText(grade: string | null, score: number | null, locale: Locale): string {
  if (grade === null || score === null) return paint(STATUS_COLOR.error!, NOT_ASSESSED[locale]);
  return `${paint(gradeColor(grade), grade)} ${score}/100`;
}

export function formatTarget(target: RenderedTarget, locale: Locale): string {
  const counts = { pass: 0, warn: 0, fail: 0, error: 0, info: 0 } as Record<string, number>;
  for (const c of target.checks) counts[c.status] = (counts[c.status] ?? 0) + 1;
  const label = STATUS_LABEL[locale];
  const head = `${paint(1, target.name ? `${target.name} (${target.target})` : target.target)}  [${target.kind}]  ${gradeText(target.assessed ? target.grade : null, target.score, locale)}  ${(target.durationMs / 1000).toFixed(1)}s`;
  const summary = `  ${(['fail', 'warn', 'error', 'pass', 'info'] as const).map((s) => `${paint(STATUS_COLOR[s]!, label[s]!)} ${counts[s]}`).join('  ')}`;
  const categories = `  ${target.categories.map((c) => `${c.category} ${c.grade} ${c.score}`).join(' · ')}${target.cap ? `  (${locale === 'vi' ? 'giới hạn' : 'capped'} ${target.cap.sslLabs}: ${target.cap.reasons.join(', ')})` : ''}`;
  const lines = [head, summary];
  if (!target.assessed) {
    lines.push(
      locale === 'vi'
        ? '  Không kiểm tra nào có kết quả (tất cả KHÔNG KT): không xếp hạng, không tính vào điểm trung bình của tổ chức.'
        : '  No check reached a verdict (all ERROR): no grade, left out of the organisation’s average.',
    );
    for (const error of target.errors) lines.push(`  ${paint(STATUS_COLOR.error!, '!')} ${error}`);
  } else lines.push(categories);
  for (const check of orderChecks(target.checks).filter((c) => c.status === 'fail' || c.status === 'warn' || c.status === 'error')) {
    const status = paint(STATUS_COLOR[check.status]!, label[check.status]!.padEnd(9));
    lines.push(`  ${status} ${check.id.padEnd(28)} ${check.title}${check.subject ? ` — ${check.subject}` : ''}`);
    if (check.detail) lines.push(`            ${check.detail}`);
    if (check.remediation && check.status !== 'error') lines.push(`            → ${check.remediation}`);
  }
  return lines.join('\n');
}

export function formatOrganisation(rendered: RenderedOrganisation, locale: Locale, runId: string | undefined): string {
  return [
    `${paint(1, rendered.organisation || (locale === 'vi' ? 'Tổ chức' : 'Organisation'))}: ${gradeText(rendered.grade, rendered.score, locale)} · ${rendered.targets.length} ${locale === 'vi' ? 'đối tượng' : 'targets'}${notAssessedNote(rendered.notAssessed, locale)} · ${(rendered.durationMs / 1000).toFixed(1)}s`,
    ...rendered.targets.map((t) => formatTarget(t, locale)),
    ...(runId ? [`run ${runId}`] : []),
  ].join('\n\n');
}

function notAssessedNote(count: number, locale: Locale): string {
  if (count === 0) return '';
  return locale === 'vi' ? ` (${count} không đánh giá được, không tính vào điểm trung bình)` : ` (${count} not assessed, left out of the average)`;
}

export function progressBar(total: number): { tick(label: string): void; stop(): void } {
  if (!process.stderr.isTTY || total < 2) return { tick: () => {}, stop: () => {} };
  const bar = new cliProgress.SingleBar(
    { stream: process.stderr, format: 'đánh giá / assessing [{bar}] {value}/{total} · {rate}/s · ETA {eta}s · {label}', hideCursor: true },
    cliProgress.Presets.shades_classic,
  );
  const started = Date.now();
  bar.start(total, 0, { label: '', rate: '0.0' });
  return {
    tick: (label) => bar.increment(1, { label, rate: ((bar.getProgress() * total) / Math.max(1, (Date.now() - started) / 1000)).toFixed(1) }),
    stop: () => bar.stop(),
  };
}
