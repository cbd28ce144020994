/**
 * web.exposure.* and web.admin-panel: verdicts over the sensitive-path probes. A path counts only
 * when the probe proved it (content signature, not like the site's soft-404 page); answers that
 * looked like the not-found page are counted in the evidence and never reported as findings.
 */
import type { ExposureCategory, PathProbe, WebEvidence } from '../../probes/http/types.js';
import { type CheckResult, type LocalizedText, type Severity, text } from '../types.js';
import { DATABASE_ADMIN_ENTRIES } from './exposure-paths.js';
import { errorResult, webResult } from './result.js';
import { checkSpec } from '../catalogue.js';

interface ExposureSpec {
  id: string;
  category: ExposureCategory;
  title: LocalizedText;
  severity: Severity;
  risk: LocalizedText;
  fix: LocalizedText;
  references: string[];
}

const deny = (paths: string, nginx: string, apache: string, iis: string): LocalizedText =>
  text(
    `Xoá ${paths} khỏi thư mục web và chặn truy cập. nginx: \`${nginx}\`. Apache: \`${apache}\`. IIS (web.config): \`${iis}\`.`,
    `Remove ${paths} from the web root and block access. nginx: \`${nginx}\`. Apache: \`${apache}\`. IIS (web.config): \`${iis}\`.`,
  );

const HIDDEN_SEGMENT_IIS = (segment: string): string =>
  `<security><requestFiltering><hiddenSegments><add segment="${segment}" /></hiddenSegments></requestFiltering></security>`;

export const EXPOSURE_SPECS: ExposureSpec[] = [
  {
    id: 'web.exposure.git',
    category: 'git',
    title: checkSpec('web.exposure.git').title,
    severity: 'critical',
    risk: text(
      'Có thể tải toàn bộ mã nguồn và lịch sử (thường kèm mật khẩu, khoá).',
      'The whole source code and history can be downloaded (often with passwords and keys).',
    ),
    fix: deny('.git', 'location ~ /\\.(git|svn|hg) { deny all; return 404; }', 'RedirectMatch 404 /\\.(git|svn|hg)', HIDDEN_SEGMENT_IIS('.git')),
    references: [
      'https://owasp.org/www-project-web-security-testing-guide/latest/4-Web_Application_Security_Testing/02-Configuration_and_Deployment_Management_Testing/04-Review_Old_Backup_and_Unreferenced_Files_for_Sensitive_Information',
    ],
  },
  {
    id: 'web.exposure.svn',
    category: 'svn',
    title: checkSpec('web.exposure.svn').title,
    severity: 'high',
    risk: text('Lộ danh sách tệp và có thể cả mã nguồn.', 'File lists and possibly source code leak.'),
    fix: deny('.svn', 'location ~ /\\.(git|svn|hg) { deny all; return 404; }', 'RedirectMatch 404 /\\.(git|svn|hg)', HIDDEN_SEGMENT_IIS('.svn')),
    references: ['https://cwe.mitre.org/data/definitions/527.html'],
  },
  {
    id: 'web.exposure.env',
    category: 'env',
    title: checkSpec('web.exposure.env').title,
    severity: 'critical',
    risk: text('Tệp .env chứa mật khẩu CSDL, khoá API, khoá ứng dụng.', '.env files hold database passwords, API keys and app secrets.'),
    fix: deny('.env*', 'location ~ /\\.env { deny all; return 404; }', '<FilesMatch "^\\.env"> Require all denied </FilesMatch>', HIDDEN_SEGMENT_IIS('.env')),
    references: ['https://cwe.mitre.org/data/definitions/538.html'],
  },
  {
    id: 'web.exposure.backup',
    category: 'backup',
    title: checkSpec('web.exposure.backup').title,
    severity: 'critical',
    risk: text('Bản sao lưu chứa mã nguồn, cấu hình hoặc toàn bộ CSDL.', 'Backups hold source code, configuration or whole databases.'),
    fix: deny(
      'các tệp sao lưu / backup files',
      'location ~* \\.(bak|old|orig|save|swp|sql|zip|tar|gz|tgz|7z|rar)$ { deny all; return 404; }',
      '<FilesMatch "\\.(bak|old|orig|save|swp|sql|zip|tar|gz|tgz|7z|rar)$"> Require all denied </FilesMatch>',
      '<security><requestFiltering><fileExtensions><add fileExtension=".bak" allowed="false" /><add fileExtension=".sql" allowed="false" /><add fileExtension=".zip" allowed="false" /></fileExtensions></requestFiltering></security>',
    ),
    references: ['https://cwe.mitre.org/data/definitions/530.html'],
  },
  {
    id: 'web.exposure.phpinfo',
    category: 'phpinfo',
    title: checkSpec('web.exposure.phpinfo').title,
    severity: 'medium',
    risk: text('Lộ phiên bản, đường dẫn, biến môi trường và cấu hình PHP.', 'Versions, paths, environment variables and PHP configuration leak.'),
    fix: deny(
      'phpinfo.php / info.php',
      'location ~ ^/(phpinfo|info|php_info|test|i)\\.php$ { deny all; return 404; }',
      '<FilesMatch "^(phpinfo|info|php_info)\\.php$"> Require all denied </FilesMatch>',
      '<security><requestFiltering><denyUrlSequences><add sequence="phpinfo.php" /></denyUrlSequences></requestFiltering></security>',
    ),
    references: ['https://cwe.mitre.org/data/definitions/497.html'],
  },
  {
    id: 'web.exposure.directory-listing',
    category: 'directory-listing',
    title: checkSpec('web.exposure.directory-listing').title,
    severity: 'medium',
    risk: text('Ai cũng xem được danh sách tệp, kể cả tệp không được liên kết.', 'Anyone can list files, including unlinked ones.'),
    fix: text(
      'Tắt liệt kê thư mục. nginx: `autoindex off;`. Apache: `Options -Indexes`. IIS: `<system.webServer><directoryBrowse enabled="false" /></system.webServer>`. Xoá tệp .DS_Store khỏi máy chủ.',
      'Turn directory listing off. nginx: `autoindex off;`. Apache: `Options -Indexes`. IIS: `<system.webServer><directoryBrowse enabled="false" /></system.webServer>`. Delete .DS_Store files from the server.',
    ),
    references: ['https://cwe.mitre.org/data/definitions/548.html'],
  },
  {
    id: 'web.exposure.server-status',
    category: 'server-status',
    title: checkSpec('web.exposure.server-status').title,
    severity: 'medium',
    risk: text('Lộ địa chỉ IP khách, URL đang truy cập và cấu hình máy chủ.', 'Client IPs, requested URLs and server configuration leak.'),
    fix: text(
      'Chỉ cho phép từ mạng quản trị. Apache: `<Location "/server-status"> SetHandler server-status Require ip 127.0.0.1 10.0.0.0/8 </Location>` (tương tự /server-info). nginx: `location = /nginx_status { stub_status; allow 127.0.0.1; deny all; }`. IIS: gỡ hoặc giới hạn IP cho trang trạng thái bằng `<security><ipSecurity allowUnlisted="false"><add ipAddress="127.0.0.1" allowed="true" /></ipSecurity></security>`.',
      'Allow it from the management network only. Apache: `<Location "/server-status"> SetHandler server-status Require ip 127.0.0.1 10.0.0.0/8 </Location>` (same for /server-info). nginx: `location = /nginx_status { stub_status; allow 127.0.0.1; deny all; }`. IIS: remove it or restrict by IP with `<security><ipSecurity allowUnlisted="false"><add ipAddress="127.0.0.1" allowed="true" /></ipSecurity></security>`.',
    ),
    references: ['https://httpd.apache.org/docs/2.4/mod/mod_status.html'],
  },
  {
    id: 'web.exposure.logs',
    category: 'logs',
    title: checkSpec('web.exposure.logs').title,
    severity: 'high',
    risk: text('Nhật ký chứa đường dẫn, truy vấn, đôi khi mật khẩu và mã phiên.', 'Logs hold paths, queries and sometimes passwords and session ids.'),
    fix: deny(
      'các tệp .log / elmah.axd / trace.axd',
      'location ~* (\\.log$|/error_log$|/elmah\\.axd|/trace\\.axd) { deny all; return 404; }',
      '<FilesMatch "(\\.log|error_log)$"> Require all denied </FilesMatch>',
      '<system.web><trace enabled="false" /></system.web> và/and <location path="elmah.axd"><system.web><authorization><deny users="*" /></authorization></system.web></location>',
    ),
    references: ['https://cwe.mitre.org/data/definitions/532.html'],
  },
  {
    id: 'web.exposure.config',
    category: 'config',
    title: checkSpec('web.exposure.config').title,
    severity: 'high',
    risk: text(
      'Tệp cấu hình chứa chuỗi kết nối CSDL, mật khẩu, cấu trúc hệ thống.',
      'Configuration files hold connection strings, passwords and system layout.',
    ),
    fix: deny(
      'các tệp cấu hình / configuration files',
      'location ~* (/\\.ht|/web\\.config$|/docker-compose\\.ya?ml$|/actuator/) { deny all; return 404; }',
      '<FilesMatch "^(\\.ht.*|web\\.config|docker-compose\\.ya?ml)$"> Require all denied </FilesMatch>',
      '<security><requestFiltering><hiddenSegments><add segment="docker-compose.yml" /></hiddenSegments></requestFiltering></security> (web.config luôn bị IIS chặn — nếu lộ, máy chủ không phải IIS hoặc đã cấu hình sai / IIS always blocks web.config — if it leaks, the server is not IIS or is misconfigured)',
    ),
    references: ['https://cwe.mitre.org/data/definitions/538.html'],
  },
];

const ADMIN_TITLE = checkSpec('web.admin-panel').title;
const ADMIN_REFS = [
  'https://owasp.org/www-project-top-ten/2017/A6_2017-Security_Misconfiguration',
  'https://www.cisa.gov/resources-tools/resources/secure-by-design',
];
const ADMIN_FIX = text(
  'Chỉ cho phép trang quản trị từ mạng nội bộ/VPN. nginx: `location ^~ /phpmyadmin/ { allow 10.0.0.0/8; deny all; }` (tương tự /wp-admin/, /administrator/, /admin/). Apache: `<Location "/phpmyadmin"> Require ip 10.0.0.0/8 </Location>`. IIS: `<location path="admin"><system.webServer><security><ipSecurity allowUnlisted="false"><add ipAddress="10.0.0.0" subnetMask="255.0.0.0" allowed="true" /></ipSecurity></security></system.webServer></location>`. Gỡ phpMyAdmin/Adminer khỏi máy chủ công khai; bật xác thực hai lớp cho tài khoản quản trị.',
  'Allow administration from the internal network/VPN only. nginx: `location ^~ /phpmyadmin/ { allow 10.0.0.0/8; deny all; }` (same for /wp-admin/, /administrator/, /admin/). Apache: `<Location "/phpmyadmin"> Require ip 10.0.0.0/8 </Location>`. IIS: `<location path="admin"><system.webServer><security><ipSecurity allowUnlisted="false"><add ipAddress="10.0.0.0" subnetMask="255.0.0.0" allowed="true" /></ipSecurity></security></system.webServer></location>`. Remove phpMyAdmin/Adminer from public servers; require two-factor authentication for administrators.',
);

function pathFacts(probes: PathProbe[]): Record<string, unknown> {
  return {
    checked: probes.length,
    found: probes.filter((p) => p.verdict === 'found'),
    soft404: probes.filter((p) => p.verdict === 'soft-404').map((p) => p.path),
    errors: probes.filter((p) => p.verdict === 'error').map((p) => ({ path: p.path, error: p.error })),
  };
}

/** Why the paths could not be checked, when they were not (site unreachable, probing off). */
function notProbed(evidence: WebEvidence): string | undefined {
  if (evidence.paths.length > 0) return undefined;
  return evidence.notes.find((n) => n.includes('not probed')) ?? 'sensitive paths were not probed';
}

function finalPageListing(evidence: WebEvidence): PathProbe | undefined {
  const title = evidence.finalPage.html?.title ?? '';
  if (/^(Index of \/|Directory listing for \/)/i.test(title)) {
    return {
      path: new URL(evidence.finalPage.url).pathname,
      category: 'directory-listing',
      entry: 'final-page',
      verdict: 'found',
      status: evidence.finalPage.status ?? 200,
      signature: 'the landing page itself is a directory index',
      excerpt: title,
    };
  }
  return undefined;
}

export function checkExposure(evidence: WebEvidence, spec: ExposureSpec): CheckResult {
  const probes = evidence.paths.filter((p) => p.category === spec.category);
  const extra = spec.category === 'directory-listing' ? finalPageListing(evidence) : undefined;
  if (extra) probes.push(extra);
  const skipped = notProbed(evidence);
  if (skipped && probes.length === 0) {
    if (evidence.notes.some((n) => n.includes('turned off'))) {
      return webResult({
        id: spec.id,
        status: 'info',
        severity: 'info',
        title: spec.title,
        detail: text('Không kiểm tra (đã tắt).', 'Not checked (turned off).'),
        evidence: {},
        references: spec.references,
        category: 'exposure',
      });
    }
    return errorResult(spec.id, spec.title, 'exposure', evidence.finalPage.error ?? skipped, spec.references);
  }
  const facts = { ...pathFacts(probes), soft404Site: evidence.baseline?.soft404 ?? false, siteOrigin: evidence.siteOrigin };
  const found = probes.filter((p) => p.verdict === 'found');
  const errors = probes.filter((p) => p.verdict === 'error');
  if (found.length > 0) {
    const list = found.map((p) => `${p.path} (${p.signature}${p.excerpt ? `: "${p.excerpt.split('\n')[0]}"` : ''})`).join('; ');
    return webResult({
      id: spec.id,
      status: 'fail',
      severity: spec.severity,
      title: spec.title,
      detail: text(`Tìm thấy tại ${evidence.siteOrigin}: ${list}. ${spec.risk.vi}`, `Found at ${evidence.siteOrigin}: ${list}. ${spec.risk.en}`),
      evidence: facts,
      remediation: spec.fix,
      references: spec.references,
      category: 'exposure',
    });
  }
  if (errors.length > 0) {
    const first = errors[0]!.error ?? { code: 'other' as const, message: 'no answer' };
    return errorResult(
      spec.id,
      spec.title,
      'exposure',
      { code: first.code, message: `${errors.length} of ${probes.length} path(s) unanswered, e.g. ${errors[0]!.path}: ${first.message}` },
      spec.references,
      facts,
    );
  }
  const soft = probes.filter((p) => p.verdict === 'soft-404').length;
  return webResult({
    id: spec.id,
    status: 'pass',
    severity: 'info',
    title: spec.title,
    detail: text(
      `Không tìm thấy (${probes.length} đường dẫn đã thử${soft ? `; ${soft} trả lời giống trang "không tồn tại" của site nên không tính` : ''}).`,
      `Nothing found (${probes.length} path(s) tried${soft ? `; ${soft} answered like the site's not-found page and were not counted` : ''}).`,
    ),
    evidence: facts,
    references: spec.references,
    category: 'exposure',
  });
}

export function checkAdminPanels(evidence: WebEvidence): CheckResult {
  const spec: ExposureSpec = {
    id: 'web.admin-panel',
    category: 'admin-panel',
    title: ADMIN_TITLE,
    severity: 'high',
    risk: text('', ''),
    fix: ADMIN_FIX,
    references: ADMIN_REFS,
  };
  const result = checkExposure(evidence, spec);
  if (result.status !== 'fail') return result;
  const found = evidence.paths.filter((p) => p.category === 'admin-panel' && p.verdict === 'found');
  const database = found.filter((p) => DATABASE_ADMIN_ENTRIES.has(p.entry));
  const list = found.map((p) => `${p.path} (${p.signature})`).join('; ');
  if (database.length > 0) {
    result.detail = text(
      `Công cụ quản trị CSDL mở ra Internet: ${database.map((p) => p.path).join(', ')} — mục tiêu dò mật khẩu và khai thác hàng đầu. Tất cả: ${list}.`,
      `Database administration exposed to the Internet: ${database.map((p) => p.path).join(', ')} — a prime target for password guessing and exploits. All: ${list}.`,
    );
    return result;
  }
  return {
    ...result,
    status: 'warn',
    severity: 'medium',
    detail: text(
      `Trang đăng nhập quản trị truy cập được từ bên ngoài: ${list}. Nên giới hạn theo IP/VPN và bật xác thực hai lớp.`,
      `Administrator sign-in reachable from outside: ${list}. Restrict it to the internal network/VPN and require two-factor authentication.`,
    ),
  };
}
