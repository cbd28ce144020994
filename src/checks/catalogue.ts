import type { LocalizedText, ScoreCategory } from './types.js';

/**
 * The check catalogue: the one place where a published check id gets its title, category, points
 * and description. The checks take their id, title and category from here (`checkSpec`), the
 * scoring its points (`SUB_TEST_POINTS`), the assessment the ids of a stage that could not run,
 * the API `GET /assessment/catalogue`, and docs/checks.md and docs/scoring.md their tables
 * (`npm run docs`; test/docs-current.test.ts fails when they are stale). Data only, imports
 * nothing but types, so that every layer may use it.
 */
export interface CatalogueEntry {
  id: string;
  kind: 'mail' | 'web';
  category: ScoreCategory;
  /**
   * Points of the sub-test in the points model (full 10 / half 5 / little 2, docs/scoring.md);
   * null for the checks scored by their Observatory modifier, which weigh by severity when the
   * points model is used for them.
   */
  points: 10 | 5 | 2 | null;
  /** The title every result of this check carries, and the dashboard and reports show. */
  title: LocalizedText;
  /** What the check verifies. */
  verifies: LocalizedText;
  /** The tools or guides the check follows (docs/checks.md). */
  anchors: string;
}

const t = (vi: string, en: string): LocalizedText => ({ vi, en });

function entry(
  id: string,
  kind: 'mail' | 'web',
  category: ScoreCategory,
  points: 10 | 5 | 2 | null,
  title: LocalizedText,
  verifies: LocalizedText,
  anchors: string,
): CatalogueEntry {
  return { id, kind, category, points, title, verifies, anchors };
}

/** The scoring categories, in report order, with their names and how each is scored. */
export const CATEGORY_INFO: readonly { id: ScoreCategory; title: LocalizedText; model: string }[] = [
  { id: 'mail-auth', title: t('Xác thực thư', 'Mail authentication'), model: 'points (internet.nl)' },
  { id: 'mail-transport', title: t('Truyền thư', 'Mail transport'), model: 'points' },
  { id: 'dns', title: t('DNS', 'DNS'), model: 'points' },
  { id: 'web-tls', title: t('TLS của web', 'Web TLS'), model: 'points, capped by SSL Labs rules' },
  { id: 'web-headers', title: t('Tiêu đề bảo mật', 'Security headers'), model: 'Observatory' },
  { id: 'exposure', title: t('Lộ lọt', 'Exposure'), model: 'points' },
];

export const CATALOGUE: CatalogueEntry[] = [
  entry(
    'mail.mx',
    'mail',
    'mail-transport',
    10,
    t('Bản ghi MX', 'MX records'),
    t('Có MX, mỗi MX phân giải được, nhận biết null MX, không trùng lặp', 'MX present, each resolves, null MX recognised, no duplicate'),
    'checkdmarc, internet.nl',
  ),
  entry(
    'mail.spf.record',
    'mail',
    'mail-auth',
    10,
    t('Bản ghi SPF', 'SPF record'),
    t('Đúng một bản ghi TXT `v=spf1`, cú pháp hợp lệ', 'Exactly one `v=spf1` TXT record with valid grammar'),
    'all',
  ),
  entry(
    'mail.spf.all',
    'mail',
    'mail-auth',
    10,
    t('Chính sách mặc định SPF (all)', 'SPF default policy (all)'),
    t('Kết thúc bằng `-all` hoặc `~all`; cảnh báo `+all`, `?all` hoặc thiếu `all`', 'Ends in `-all` or `~all`; `+all`, `?all` and a missing `all` are flagged'),
    'internet.nl, checkdmarc',
  ),
  entry(
    'mail.spf.lookups',
    'mail',
    'mail-auth',
    5,
    t('Giới hạn tra cứu DNS của SPF', 'SPF DNS lookup limits'),
    t(
      '≤ 10 thành phần truy vấn DNS, ≤ 2 tra cứu rỗng (RFC 7208 §4.6.4), không vòng lặp',
      '≤ 10 DNS-querying terms, ≤ 2 void lookups (RFC 7208 §4.6.4), no loops',
    ),
    'checkdmarc',
  ),
  entry(
    'mail.spf.mx-authorised',
    'mail',
    'mail-auth',
    5,
    t('Máy chủ gửi thư được SPF cho phép', 'Sending servers authorised by SPF'),
    t('Mỗi MX và IP gửi đi đã cấu hình thực sự đạt SPF (check_host)', 'Each MX and configured outbound IP actually passes SPF (check_host)'),
    'vigil',
  ),
  entry(
    'mail.dmarc.record',
    'mail',
    'mail-auth',
    10,
    t('Bản ghi DMARC', 'DMARC record'),
    t(
      'Có bản ghi `_dmarc` (tên miền con không có thì kế thừa từ tên miền tổ chức theo danh sách hậu tố công cộng), thẻ hợp lệ',
      '`_dmarc` record exists (a subdomain without one inherits the organisational domain’s, by the public suffix list), valid tags',
    ),
    'all',
  ),
  entry(
    'mail.dmarc.policy',
    'mail',
    'mail-auth',
    10,
    t('Chính sách DMARC', 'DMARC policy'),
    t(
      'p (và sp, np) = quarantine/reject; pct = 100; chính sách kế thừa áp dụng sp= (không có thì p=) và nói rõ kế thừa từ đâu',
      'p (and sp, np) = quarantine/reject; pct 100; an inherited policy applies sp= (else p=) and says where it came from',
    ),
    'all',
  ),
  entry(
    'mail.dmarc.reports',
    'mail',
    'mail-auth',
    5,
    t('Báo cáo DMARC', 'DMARC reporting'),
    t('Có rua; đích nhận báo cáo bên ngoài đã được cho phép', 'rua present; external destinations authorised'),
    'checkdmarc, internet.nl',
  ),
  entry(
    'mail.dkim',
    'mail',
    'mail-auth',
    10,
    t('Khoá DKIM', 'DKIM keys'),
    t(
      'Có `_domainkey`; tìm thấy selector phổ biến/đã cấu hình; khoá ≥ 1024 bit (tốt: 2048)',
      '`_domainkey` exists; common/configured selectors found; key ≥ 1024 bits (2048 good)',
    ),
    'internet.nl',
  ),
  entry(
    'mail.starttls',
    'mail',
    'mail-transport',
    10,
    t('MX hỗ trợ STARTTLS', 'MX offers STARTTLS'),
    t('Mọi MX đều hỗ trợ STARTTLS', 'Every MX offers STARTTLS'),
    'all',
  ),
  entry(
    'mail.tls',
    'mail',
    'mail-transport',
    10,
    t('Chất lượng TLS của MX', 'MX TLS quality'),
    t('Phiên bản giao thức, bộ mã hoá, forward secrecy, chứng thư trên mỗi MX', 'Protocol versions, ciphers, forward secrecy and certificate on each MX'),
    'internet.nl, testssl',
  ),
  entry(
    'mail.dane',
    'mail',
    'mail-transport',
    5,
    t('DANE (TLSA) cho MX', 'DANE (TLSA) for MX'),
    t('Bản ghi TLSA của mỗi MX (nếu có) khớp chứng thư', 'TLSA records of each MX (if present) match its certificate'),
    'internet.nl',
  ),
  entry(
    'mail.mta-sts',
    'mail',
    'mail-auth',
    5,
    t('MTA-STS', 'MTA-STS'),
    t(
      'Bản ghi `_mta-sts` và tệp chính sách qua HTTPS hợp lệ, chính sách liệt kê các MX',
      '`_mta-sts` record and policy file over HTTPS valid, policy lists the MX',
    ),
    'checkdmarc',
  ),
  entry(
    'mail.tls-rpt',
    'mail',
    'mail-auth',
    2,
    t('Báo cáo TLS (TLS-RPT)', 'TLS reporting (TLS-RPT)'),
    t('Bản ghi `_smtp._tls` hợp lệ với địa chỉ nhận báo cáo', 'A valid `_smtp._tls` record with a report address'),
    'checkdmarc',
  ),
  entry(
    'mail.open-relay',
    'mail',
    'mail-transport',
    10,
    t('MX không chuyển tiếp thư tự do (open relay)', 'MX is not an open relay'),
    t(
      'MX từ chối chuyển tiếp thư từ người gửi bên ngoài tới người nhận bên ngoài (dừng ở RCPT TO)',
      'MX refuses to relay from an outside sender to an outside recipient (stops at RCPT TO)',
    ),
    'vigil, audits',
  ),
  entry(
    'mail.banner',
    'mail',
    'mail-transport',
    2,
    t('Lời chào SMTP không lộ phiên bản phần mềm', 'SMTP banner does not disclose software versions'),
    t('Banner và EHLO không tiết lộ phần mềm và phiên bản', 'Banner and EHLO do not disclose software versions'),
    'audits',
  ),
  entry(
    'mail.plaintext-auth',
    'mail',
    'mail-transport',
    5,
    t('Không cho đăng nhập qua kênh không mã hoá', 'No login over unencrypted channels'),
    t('Không cung cấp AUTH trước STARTTLS; IMAP/POP3 chỉ qua TLS', 'No AUTH offered before STARTTLS; IMAP/POP3 only over TLS'),
    'audits',
  ),
  entry(
    'mail.webmail',
    'mail',
    'mail-transport',
    5,
    t('Webmail qua HTTPS', 'Webmail over HTTPS'),
    t('Webmail chỉ phục vụ qua HTTPS (sau đó áp dụng mọi kiểm tra web.*)', 'Webmail served over HTTPS only (then all web.* checks)'),
    'VNCERT',
  ),
  entry('dns.dnssec', 'mail', 'dns', 10, t('DNSSEC', 'DNSSEC'), t('Vùng được ký và xác thực được', 'Zone signed and validates'), 'internet.nl, checkdmarc'),
  entry(
    'dns.axfr',
    'mail',
    'dns',
    5,
    t('Chuyển vùng (AXFR)', 'Zone transfer (AXFR)'),
    t('Máy chủ có thẩm quyền từ chối chuyển vùng', 'Authoritative servers refuse zone transfer'),
    'Artemis',
  ),
  entry(
    'dns.caa',
    'mail',
    'dns',
    2,
    t('Bản ghi CAA', 'CAA records'),
    t('Có bản ghi CAA giới hạn CA được cấp chứng thư', 'CAA present, limiting which CAs may issue'),
    'internet.nl',
  ),
  entry(
    'web.https',
    'web',
    'web-tls',
    10,
    t('HTTPS và chuyển hướng HTTP → HTTPS', 'HTTPS and HTTP → HTTPS redirect'),
    t('HTTPS trả lời; HTTP chuyển hướng sang HTTPS trên cùng máy chủ', 'HTTPS answers; HTTP redirects to HTTPS on the same host'),
    'all',
  ),
  entry(
    'web.hsts',
    'web',
    'web-tls',
    10,
    t('HSTS (Strict-Transport-Security)', 'HSTS (Strict-Transport-Security)'),
    t('Có HSTS, max-age ≥ 1 năm (tối thiểu 6 tháng), includeSubDomains', 'HSTS present, max-age ≥ 1 year (6 months minimum), includeSubDomains'),
    'all',
  ),
  entry(
    'web.tls.protocols',
    'web',
    'web-tls',
    10,
    t('Phiên bản giao thức TLS', 'TLS protocol versions'),
    t('Không SSLv2/3; cảnh báo TLS 1.0/1.1; bắt buộc TLS 1.2; TLS 1.3 tốt', 'No SSLv2/3; TLS 1.0/1.1 flagged; TLS 1.2 required; TLS 1.3 good'),
    'SSL Labs, internet.nl',
  ),
  entry(
    'web.tls.ciphers',
    'web',
    'web-tls',
    10,
    t('Bộ mã hoá TLS', 'TLS cipher suites'),
    t('Không export/NULL/RC4/3DES; có forward secrecy; AEAD', 'No export/NULL/RC4/3DES; forward secrecy; AEAD'),
    'SSL Labs',
  ),
  entry(
    'web.tls.certificate',
    'web',
    'web-tls',
    10,
    t('Chứng thư số TLS', 'TLS certificate'),
    t(
      'Chuỗi tin cậy, khớp tên máy, chưa/không sắp hết hạn, độ dài khoá, chữ ký SHA-2',
      'Trusted chain, hostname match, not expired/expiring, key size, SHA-2 signature',
    ),
    'all',
  ),
  entry(
    'web.headers.csp',
    'web',
    'web-headers',
    null,
    t('Content-Security-Policy', 'Content-Security-Policy'),
    t(
      'Có CSP được thực thi, không unsafe-inline/unsafe-eval (report-only được đánh giá riêng)',
      'An enforced CSP without unsafe-inline/unsafe-eval (report-only judged as such)',
    ),
    'Observatory',
  ),
  entry(
    'web.headers.x-frame-options',
    'web',
    'web-headers',
    null,
    t('Chống nhúng khung (X-Frame-Options / frame-ancestors)', 'Framing protection (X-Frame-Options / frame-ancestors)'),
    t('Chống nhúng trang (X-Frame-Options hoặc CSP frame-ancestors)', 'Framing protection (X-Frame-Options or CSP frame-ancestors)'),
    'Observatory',
  ),
  entry(
    'web.headers.x-content-type-options',
    'web',
    'web-headers',
    null,
    t('X-Content-Type-Options', 'X-Content-Type-Options'),
    t('`nosniff`', '`nosniff`'),
    'Observatory',
  ),
  entry(
    'web.headers.referrer-policy',
    'web',
    'web-headers',
    null,
    t('Referrer-Policy', 'Referrer-Policy'),
    t('Chính sách referrer không làm lộ URL', 'A referrer policy that does not leak URLs'),
    'Observatory',
  ),
  entry(
    'web.headers.permissions-policy',
    'web',
    'web-headers',
    null,
    t('Permissions-Policy', 'Permissions-Policy'),
    t('Giới hạn tính năng trình duyệt', 'Browser features restricted'),
    'Observatory',
  ),
  entry(
    'web.cookies',
    'web',
    'web-headers',
    null,
    t('Cookie an toàn (Secure, HttpOnly, SameSite)', 'Cookie security (Secure, HttpOnly, SameSite)'),
    t('Cookie phiên có Secure, HttpOnly, SameSite', 'Session cookies Secure, HttpOnly, SameSite'),
    'Observatory',
  ),
  entry(
    'web.cors',
    'web',
    'web-headers',
    null,
    t('CORS (chia sẻ tài nguyên khác nguồn)', 'CORS (cross-origin resource sharing)'),
    t('Không `Access-Control-Allow-Origin: *` kèm credentials', 'No `Access-Control-Allow-Origin: *` with credentials'),
    'Observatory',
  ),
  entry(
    'web.sri',
    'web',
    'web-headers',
    null,
    t('Toàn vẹn tài nguyên con (SRI) cho script bên thứ ba', 'Subresource Integrity (SRI) for third-party scripts'),
    t('Script bên thứ ba có integrity, không tải qua http', 'Third-party scripts carry integrity, none over plain http'),
    'Observatory',
  ),
  entry(
    'web.mixed-content',
    'web',
    'web-headers',
    null,
    t('Nội dung hỗn hợp (tài nguyên http trên trang https)', 'Mixed content (http resources on an https page)'),
    t('Trang HTTPS không tải tài nguyên http', 'HTTPS pages load no http resources'),
    'Observatory',
  ),
  entry(
    'web.disclosure',
    'web',
    'web-headers',
    2,
    t('Lộ thông tin phần mềm và lỗi chi tiết', 'Software version and error detail disclosure'),
    t('Server/X-Powered-By không lộ phiên bản; trang lỗi không có stack trace', 'Server / X-Powered-By without versions; no stack traces on error pages'),
    'audits',
  ),
  entry(
    'web.exposure.git',
    'web',
    'exposure',
    10,
    t('Lộ kho mã nguồn Git (/.git)', 'Exposed Git repository (/.git)'),
    t('/.git/ không truy cập được (có lọc soft-404)', '/.git/ not reachable (soft-404 filtered)'),
    'nuclei, Artemis',
  ),
  entry(
    'web.exposure.svn',
    'web',
    'exposure',
    10,
    t('Lộ thư mục Subversion (/.svn)', 'Exposed Subversion metadata (/.svn)'),
    t('/.svn/ không truy cập được', '/.svn/ not reachable'),
    'nuclei, Artemis',
  ),
  entry(
    'web.exposure.env',
    'web',
    'exposure',
    10,
    t('Lộ tệp biến môi trường (.env)', 'Exposed environment file (.env)'),
    t('/.env không truy cập được', '/.env not reachable'),
    'nuclei, Artemis',
  ),
  entry(
    'web.exposure.backup',
    'web',
    'exposure',
    10,
    t('Lộ tệp sao lưu (.zip, .sql, .bak…)', 'Exposed backups (.zip, .sql, .bak…)'),
    t('Không có tệp .zip/.sql/.bak truy cập được', 'No reachable .zip/.sql/.bak files'),
    'nuclei, Artemis',
  ),
  entry(
    'web.exposure.phpinfo',
    'web',
    'exposure',
    5,
    t('Lộ trang phpinfo()', 'Exposed phpinfo() page'),
    t('Không có trang phpinfo()', 'No phpinfo() page'),
    'nuclei, Artemis',
  ),
  entry(
    'web.exposure.directory-listing',
    'web',
    'exposure',
    5,
    t('Liệt kê thư mục', 'Directory listing'),
    t('Máy chủ không liệt kê nội dung thư mục', 'The server does not list directories'),
    'nuclei, Artemis',
  ),
  entry(
    'web.exposure.server-status',
    'web',
    'exposure',
    5,
    t('Lộ trang trạng thái máy chủ', 'Exposed server status page'),
    t('/server-status, /nginx_status không truy cập được', '/server-status, /nginx_status not reachable'),
    'nuclei, Artemis',
  ),
  entry(
    'web.exposure.logs',
    'web',
    'exposure',
    5,
    t('Lộ tệp nhật ký / nhật ký lỗi', 'Exposed log files'),
    t('Tệp nhật ký không truy cập được', 'Log files not reachable'),
    'nuclei, Artemis',
  ),
  entry(
    'web.exposure.config',
    'web',
    'exposure',
    10,
    t('Lộ tệp cấu hình (web.config, docker-compose.yml, .htaccess…)', 'Exposed configuration (web.config, docker-compose.yml, .htaccess…)'),
    t('web.config, docker-compose.yml, .htaccess… không truy cập được', 'web.config, docker-compose.yml, .htaccess… not reachable'),
    'nuclei, Artemis',
  ),
  entry(
    'web.admin-panel',
    'web',
    'exposure',
    5,
    t('Trang quản trị truy cập được từ Internet', 'Administration panels reachable from outside'),
    t('phpMyAdmin và trang đăng nhập quản trị không truy cập được từ ngoài', 'phpMyAdmin and admin logins not reachable from outside'),
    'nuclei, Artemis',
  ),
  entry(
    'web.cms',
    'web',
    'web-headers',
    5,
    t('Hệ quản trị nội dung (CMS) và phiên bản', 'Content management system (CMS) and version'),
    t('CMS (WordPress, Joomla, Drupal…) và phiên bản có lỗi thời không', 'CMS (WordPress, Joomla, Drupal…) and whether its version is outdated'),
    'Artemis',
  ),
  entry(
    'web.security-txt',
    'web',
    'web-headers',
    2,
    t('security.txt (RFC 9116)', 'security.txt (RFC 9116)'),
    t('/.well-known/security.txt có và hợp lệ', '/.well-known/security.txt present and valid'),
    'internet.nl',
  ),
];

export function catalogueFor(kind: 'mail' | 'web'): CatalogueEntry[] {
  return CATALOGUE.filter((e) => e.kind === kind);
}

export function catalogueEntry(id: string): CatalogueEntry | undefined {
  return CATALOGUE.find((e) => e.id === id);
}

/** A check's identity as its results carry it: id, title and category, from the catalogue. */
export function checkSpec(id: string): { id: string; title: LocalizedText; category: ScoreCategory } {
  const found = catalogueEntry(id);
  // A programming error, met when the check module loads: every check id is published here first.
  if (!found) throw new Error(`check id ${id} is not in the catalogue (src/checks/catalogue.ts)`);
  return { id: found.id, title: found.title, category: found.category };
}

/** A scoring category's name (the dashboard shows it; the API serves it, web/ keeps no copy). */
export function categoryTitle(category: ScoreCategory | string): LocalizedText {
  return CATEGORY_INFO.find((c) => c.id === category)?.title ?? { vi: category, en: category };
}
