/**
 * docs/errors.md as text, from the catalogue: written by `npm run docs:errors`
 * (scripts/error-reference.ts) and compared with the committed file by test/errors-catalogue.test.ts,
 * so the reference cannot drift from what vigil throws.
 */
import { ERROR_CATALOGUE, type ErrorEntry } from './catalogue.js';

const cell = (text: string): string => text.replaceAll('|', '\\|').replaceAll('\n', ' ');

export function errorReference(): string {
  const out = [
    '# Mã lỗi / Error reference',
    '',
    'Sinh tự động từ `src/errors/catalogue.ts` bằng `npm run docs:errors`; không sửa tay.',
    'Generated from `src/errors/catalogue.ts` by `npm run docs:errors`; do not edit by hand.',
    '',
    'Mỗi lỗi có một mã ổn định. API trả về `{"error": "<mã>", "message": "…", "hint"?: "…"}` với mã HTTP dưới đây;',
    'CLI in `<mã>: <thông báo>` và `→ <gợi ý>` ra stderr (hoặc cùng JSON đó với `--json`) và thoát với mã thoát dưới đây.',
    'Every error has a stable id. The API answers `{"error": "<id>", "message": "…", "hint"?: "…"}` with the HTTP status below',
    '(a throw site may use another for a special case, noted in "meaning"); the CLI prints `<id>: <message>` and `→ <hint>`',
    'on stderr (or the same JSON with `--json`) and exits with the exit code below. The hint shown is the one below unless',
    'the message names something more specific to do.',
    '',
  ];
  const byArea = new Map<string, [string, ErrorEntry][]>();
  for (const [id, entry] of Object.entries(ERROR_CATALOGUE) as [string, ErrorEntry][]) {
    const area = id.split('.')[0] ?? id;
    byArea.set(area, [...(byArea.get(area) ?? []), [id, entry]]);
  }
  for (const area of [...byArea.keys()].sort()) {
    out.push(`## ${area}`, '', '| id | HTTP | exit | meaning | cách xử lý / what to do |', '|---|---|---|---|---|');
    for (const [id, entry] of (byArea.get(area) ?? []).sort(([a], [b]) => a.localeCompare(b))) {
      out.push(`| \`${id}\` | ${entry.status} | ${entry.exitCode ?? 2} | ${cell(entry.summary)} | ${cell(entry.hint.vi)} / ${cell(entry.hint.en)} |`);
    }
    out.push('');
  }
  return `${out.join('\n').trimEnd()}\n`;
}
