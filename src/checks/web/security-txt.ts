/**
 * web.security-txt: /.well-known/security.txt present and valid per RFC 9116 (internet.nl's test).
 */
import type { WebEvidence } from '../../probes/http/types.js';
import { type CheckResult, text } from '../types.js';
import { errorResult, webResult } from './result.js';
import { checkSpec } from '../catalogue.js';

const TITLE = checkSpec('web.security-txt').title;
const REFS = ['https://www.rfc-editor.org/rfc/rfc9116', 'https://securitytxt.org/', 'https://internet.nl/faqs/securitytxt/'];
const FIX = text(
  'Đăng tệp văn bản tại https://<tên>/.well-known/security.txt (Content-Type: text/plain; charset=utf-8), ví dụ:\n`Contact: mailto:attt@<tên>.gov.vn`\n`Expires: <ngày trong vòng 1 năm tới, dạng 2026-12-31T17:00:00.000Z>`\n`Preferred-Languages: vi, en`\n`Canonical: https://<tên>/.well-known/security.txt`\nnginx: `location = /.well-known/security.txt { alias /etc/nginx/security.txt; default_type text/plain; }`. Apache: `Alias /.well-known/security.txt /etc/apache2/security.txt`. IIS: đặt tệp vào thư mục .well-known và thêm `<staticContent><mimeMap fileExtension=".txt" mimeType="text/plain" /></staticContent>` nếu thiếu. Gia hạn trường Expires trước khi hết hạn.',
  'Publish a text file at https://<name>/.well-known/security.txt (Content-Type: text/plain; charset=utf-8), for example:\n`Contact: mailto:security@<name>.gov.vn`\n`Expires: <a date within the next year, e.g. 2026-12-31T17:00:00.000Z>`\n`Preferred-Languages: vi, en`\n`Canonical: https://<name>/.well-known/security.txt`\nnginx: `location = /.well-known/security.txt { alias /etc/nginx/security.txt; default_type text/plain; }`. Apache: `Alias /.well-known/security.txt /etc/apache2/security.txt`. IIS: put the file under .well-known and add `<staticContent><mimeMap fileExtension=".txt" mimeType="text/plain" /></staticContent>` if missing. Renew Expires before it passes.',
);

/** Vietnamese for the probe's RFC 9116 problem texts (English in the evidence). */
const PROBLEMS_VI: [RegExp, (m: RegExpExecArray) => string][] = [
  [/^not served over HTTPS/, () => 'không phục vụ qua HTTPS (RFC 9116 §3)'],
  [/^Content-Type is (.*), RFC 9116 requires text\/plain$/, (m) => `Content-Type là ${m[1]}, RFC 9116 yêu cầu text/plain`],
  [/^no Contact field/, () => 'thiếu trường Contact (bắt buộc)'],
  [/^Contact "(.*)" is not a mailto:, tel: or https:\/\/ URI$/, (m) => `Contact "${m[1]}" không phải URI mailto:, tel: hay https://`],
  [/^no Expires field/, () => 'thiếu trường Expires (bắt buộc)'],
  [/^Expires appears more than once$/, () => 'Expires xuất hiện nhiều lần'],
  [/^Expires "(.*)" is not an RFC 3339 date$/, (m) => `Expires "${m[1]}" không phải ngày RFC 3339`],
  [/^Expires (.*) is in the past/, (m) => `Expires ${m[1]} đã qua: tệp đã hết hạn`],
  [/^Expires (.*) is more than a year ahead/, (m) => `Expires ${m[1]} xa hơn một năm (RFC 9116 khuyến nghị dưới một năm)`],
  [/^Canonical "(.*)" is not an https:\/\/ URI$/, (m) => `Canonical "${m[1]}" không phải URI https://`],
  [/^served only at the legacy \/security\.txt/, () => 'chỉ có ở vị trí cũ /security.txt; RFC 9116 yêu cầu /.well-known/security.txt'],
];

function problemVi(problem: string): string {
  for (const [pattern, render] of PROBLEMS_VI) {
    const m = pattern.exec(problem);
    if (m) return render(m);
  }
  return problem;
}

/** Problems that make the file invalid (the rest are recommendations). */
const BLOCKING = /no Contact|no Expires|in the past|not an RFC 3339|more than once|not served over HTTPS|not a mailto|requires text\/plain/;

export function checkSecurityTxt(evidence: WebEvidence): CheckResult {
  const txt = evidence.securityTxt;
  if (!txt)
    return errorResult('web.security-txt', TITLE, 'web-headers', evidence.finalPage.error ?? 'security.txt was not probed (the site did not answer)', REFS);
  if (txt.error) return errorResult('web.security-txt', TITLE, 'web-headers', txt.error, REFS, { securityTxt: txt });
  const base = { ...checkSpec('web.security-txt'), references: REFS, remediation: FIX, evidence: { securityTxt: txt } };
  if (!txt.found) {
    return webResult({
      ...base,
      status: 'warn',
      severity: 'low',
      detail: text(
        `Không có security.txt (${txt.url} trả lời ${txt.status ?? '—'}): người phát hiện lỗ hổng không biết báo cho ai.`,
        `No security.txt (${txt.url} answered ${txt.status ?? '—'}): people who find a vulnerability do not know whom to tell.`,
      ),
    });
  }
  const blocking = txt.problems.filter((p) => BLOCKING.test(p));
  if (blocking.length > 0) {
    return webResult({
      ...base,
      status: 'fail',
      severity: 'low',
      detail: text(`security.txt không hợp lệ: ${txt.problems.map(problemVi).join('; ')}.`, `security.txt is invalid: ${txt.problems.join('; ')}.`),
    });
  }
  if (txt.problems.length > 0) {
    return webResult({
      ...base,
      status: 'warn',
      severity: 'low',
      detail: text(
        `security.txt có nhưng cần chỉnh: ${txt.problems.map(problemVi).join('; ')}.`,
        `security.txt is present but needs attention: ${txt.problems.join('; ')}.`,
      ),
    });
  }
  const contacts = (txt.fields.contact ?? []).join(', ');
  return webResult({
    ...base,
    status: 'pass',
    severity: 'info',
    detail: text(
      `security.txt hợp lệ: Contact ${contacts}; hết hạn ${txt.expires}${txt.signed ? '; có chữ ký OpenPGP' : ''}.`,
      `Valid security.txt: Contact ${contacts}; expires ${txt.expires}${txt.signed ? '; OpenPGP-signed' : ''}.`,
    ),
  });
}
