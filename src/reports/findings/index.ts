import type { Locale } from '../../checks/types.js';
import type { VigilConfig } from '../../config/schema.js';
import type { AssessmentRepository } from '../../services/assessment/repository.js';
import { buildFindingsReport } from './model.js';
import { findingsPdf } from './pdf.js';
import { findingsXlsx } from './xlsx.js';

export type FindingsFormat = 'xlsx' | 'pdf';

export const FINDINGS_CONTENT_TYPES: Record<FindingsFormat, string> = {
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  pdf: 'application/pdf',
};

/** A stored run's findings as an XLSX workbook or a PDF (Vietnamese by default, per-target sheets/sections). */
export async function exportFindings(
  repo: AssessmentRepository,
  runId: string,
  format: FindingsFormat,
  options: { locale?: Locale; organisation?: VigilConfig['organisation'] } = {},
): Promise<Buffer> {
  const report = await buildFindingsReport(repo, runId, {
    locale: options.locale ?? 'vi',
    ...(options.organisation ? { organisation: options.organisation } : {}),
  });
  return format === 'xlsx' ? findingsXlsx(report) : findingsPdf(report);
}

/** A file name for the download, e.g. `danh-gia-2026-11-25-<run>.pdf`. */
export function findingsFilename(runId: string, startedAt: string, format: FindingsFormat, locale: Locale = 'vi'): string {
  return `${locale === 'vi' ? 'đánh-giá' : 'assessment'}-${startedAt.slice(0, 10)}-${runId.slice(0, 8)}.${format}`;
}
