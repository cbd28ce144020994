import type { CheckStatus, Locale, Severity } from '../../checks/types.js';
import type { VigilConfig } from '../../config/schema.js';
import { orderChecks } from '../../services/assessment/render.js';
import type { AssessmentRepository, RunSummary, StoredTarget } from '../../services/assessment/repository.js';

/** Everything an export shows, gathered once from the store, in one language. */
export interface FindingsReport {
  locale: Locale;
  organisation: { name: string; parent?: string; code?: string };
  run: RunSummary;
  generatedAt: string;
  targets: {
    target: string;
    name: string | null;
    kind: 'mail' | 'web';
    /** False: no check reached a verdict; score and grade are null, shown as `notAssessed`. */
    assessed: boolean;
    score: number | null;
    grade: string | null;
    durationMs: number;
    categories: { category: string; score: number; grade: string }[];
    errors: string[];
    counts: Record<CheckStatus, number>;
    checks: {
      id: string;
      subject: string;
      status: CheckStatus;
      severity: Severity;
      title: string;
      detail: string;
      remediation: string;
      evidence: string;
      references: string[];
    }[];
  }[];
}

/** Labels in both languages; Vietnamese is the report's language of record. */
export const LABELS = {
  vi: {
    title: 'BÁO CÁO KẾT QUẢ ĐÁNH GIÁ AN TOÀN THÔNG TIN THƯ ĐIỆN TỬ VÀ CỔNG/TRANG THÔNG TIN ĐIỆN TỬ',
    subtitle: 'Thực hiện Chỉ thị 4749/BTTTT-CATTT, mục 1 — đánh giá từ bên ngoài',
    organisation: 'Cơ quan',
    parent: 'Cơ quan chủ quản',
    run: 'Lần đánh giá',
    started: 'Bắt đầu',
    finished: 'Kết thúc',
    generated: 'Ngày lập báo cáo',
    overall: 'Điểm tổng thể',
    summary: 'Tổng quan',
    target: 'Đối tượng',
    kind: 'Loại',
    score: 'Điểm',
    grade: 'Xếp hạng',
    failures: 'Số lỗi',
    warnings: 'Cảnh báo',
    errors: 'Không kiểm tra được',
    categories: 'Điểm theo nhóm',
    check: 'Mã kiểm tra',
    subject: 'Máy chủ / điểm cuối',
    status: 'Kết quả',
    severity: 'Mức độ',
    titleCol: 'Nội dung kiểm tra',
    detail: 'Chi tiết',
    remediation: 'Khuyến nghị khắc phục',
    evidence: 'Bằng chứng',
    references: 'Tham khảo',
    mail: 'Thư điện tử',
    web: 'Trang web',
    findings: 'Các phát hiện cần khắc phục',
    allChecks: 'Toàn bộ kết quả kiểm tra',
    none: 'Không có phát hiện cần khắc phục.',
    notAssessed: 'Không đánh giá được',
    notAssessedNote: 'không kiểm tra nào có kết quả; không xếp hạng, không tính vào điểm trung bình',
    excluded: (n: number) => `${n} đối tượng không đánh giá được, không tính vào điểm trung bình`,
    status_: { pass: 'Đạt', warn: 'Cảnh báo', fail: 'Không đạt', error: 'Không kiểm tra được', info: 'Thông tin' } as Record<CheckStatus, string>,
    severity_: { critical: 'Nghiêm trọng', high: 'Cao', medium: 'Trung bình', low: 'Thấp', info: 'Thông tin' } as Record<Severity, string>,
  },
  en: {
    title: 'SECURITY ASSESSMENT OF MAIL AND WEB PORTALS — FINDINGS',
    subtitle: 'Directive 4749/BTTTT-CATTT item 1 — external assessment',
    organisation: 'Organisation',
    parent: 'Parent body',
    run: 'Run',
    started: 'Started',
    finished: 'Finished',
    generated: 'Report date',
    overall: 'Overall score',
    summary: 'Summary',
    target: 'Target',
    kind: 'Kind',
    score: 'Score',
    grade: 'Grade',
    failures: 'Failures',
    warnings: 'Warnings',
    errors: 'Not checked',
    categories: 'Category scores',
    check: 'Check id',
    subject: 'Host / endpoint',
    status: 'Result',
    severity: 'Severity',
    titleCol: 'Check',
    detail: 'Detail',
    remediation: 'Remediation',
    evidence: 'Evidence',
    references: 'References',
    mail: 'Mail',
    web: 'Web',
    findings: 'Findings to fix',
    allChecks: 'All check results',
    none: 'Nothing to fix.',
    notAssessed: 'Not assessed',
    notAssessedNote: 'no check reached a verdict; no grade, left out of the average',
    excluded: (n: number) => `${n} target${n === 1 ? '' : 's'} not assessed, left out of the average`,
    status_: { pass: 'Pass', warn: 'Warning', fail: 'Fail', error: 'Not checked', info: 'Info' } as Record<CheckStatus, string>,
    severity_: { critical: 'Critical', high: 'High', medium: 'Medium', low: 'Low', info: 'Info' } as Record<Severity, string>,
  },
} as const;

const MAX_EVIDENCE_CHARS = 2_000;

function evidenceText(evidence: Record<string, unknown>): string {
  const text = JSON.stringify(evidence ?? {});
  return text.length > MAX_EVIDENCE_CHARS ? `${text.slice(0, MAX_EVIDENCE_CHARS)}…` : text;
}

export async function buildFindingsReport(
  repo: AssessmentRepository,
  runId: string,
  options: { locale: Locale; organisation?: VigilConfig['organisation'] },
): Promise<FindingsReport> {
  const run = await repo.getRun(runId);
  const stored: StoredTarget[] = await repo.getRunTargets(runId);
  const { locale } = options;
  return {
    locale,
    organisation: {
      name: options.organisation?.name ?? run.organisation ?? '',
      ...(options.organisation?.parent ? { parent: options.organisation.parent } : {}),
      ...(options.organisation?.code ? { code: options.organisation.code } : {}),
    },
    run,
    generatedAt: new Date().toISOString(),
    targets: stored.map((t) => {
      const counts = { pass: 0, warn: 0, fail: 0, error: 0, info: 0 } as Record<CheckStatus, number>;
      for (const c of t.checks) counts[c.status]++;
      return {
        target: t.target,
        name: t.name,
        kind: t.kind,
        assessed: t.assessed,
        score: t.score,
        grade: t.grade,
        durationMs: t.durationMs,
        categories: t.scoreReport.categories.map((c) => ({ category: c.category, score: c.score, grade: c.grade })),
        errors: t.errors,
        counts,
        checks: orderChecks(t.checks).map((c) => ({
          id: c.id,
          subject: c.subject ?? '',
          status: c.status,
          severity: c.severity,
          title: c.title[locale],
          detail: c.detail[locale],
          remediation: c.remediation[locale],
          evidence: evidenceText(c.evidence),
          references: c.references,
        })),
      };
    }),
  };
}
