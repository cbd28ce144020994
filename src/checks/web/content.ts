/**
 * Checks over the final page's content: web.sri (third-party scripts carry integrity, none over
 * http), web.mixed-content (an HTTPS page loads nothing over http), web.disclosure (versions in
 * headers, stack traces on error pages) and web.cms (CMS, version, end of life).
 */
import type { CmsMarker, WebEvidence } from '../../probes/http/types.js';
import { type CheckResult, text } from '../types.js';
import { CMS_BRANCHES, RELEASES_AS_OF, judgeCmsVersion } from './cms-versions.js';
import { OBSERVATORY_DOCS, bodyUnavailable, errorResult, headersUnavailable, isHttps, webResult } from './result.js';
import { checkSpec } from '../catalogue.js';

// ---------------------------------------------------------------- SRI

const SRI_TITLE = checkSpec('web.sri').title;
const SRI_REFS = ['https://developer.mozilla.org/docs/Web/Security/Subresource_Integrity', OBSERVATORY_DOCS];
const SRI_FIX = text(
  'Thêm thuộc tính integrity (và crossorigin="anonymous") cho mọi script tải từ nguồn ngoài, và chỉ tải qua https. Ví dụ: `<script src="https://cdn.example/lib.min.js" integrity="sha384-…" crossorigin="anonymous"></script>` (mã băm: `openssl dgst -sha384 -binary lib.min.js | openssl base64 -A`). Tốt nhất tự lưu trữ thư viện trên máy chủ của cơ quan. Đây là sửa trong mã trang (mẫu giao diện/CMS), không phải cấu hình nginx/Apache/IIS.',
  'Add integrity (and crossorigin="anonymous") to every script loaded from another origin, and load it over https only. Example: `<script src="https://cdn.example/lib.min.js" integrity="sha384-…" crossorigin="anonymous"></script>` (hash: `openssl dgst -sha384 -binary lib.min.js | openssl base64 -A`). Better still, host the library on the agency\'s own server. This is a change in the page templates/CMS, not in nginx/Apache/IIS.',
);

export function checkSri(evidence: WebEvidence): CheckResult {
  const page = evidence.finalPage;
  const unavailable = bodyUnavailable(page);
  if (unavailable) return errorResult('web.sri', SRI_TITLE, 'web-headers', unavailable, SRI_REFS);
  const base = { ...checkSpec('web.sri'), references: SRI_REFS, remediation: SRI_FIX };
  if (!page.html) {
    return webResult({
      ...base,
      status: 'pass',
      severity: 'info',
      detail: text('Trang không phải HTML.', 'The page is not HTML.'),
      evidence: { url: page.url },
      modifier: 0,
      observatoryTest: 'sri-not-implemented-response-not-html',
    });
  }
  const scripts = page.html.scripts;
  const external = scripts.filter((s) => s.external);
  const pageHttp = !isHttps(page.url);
  const insecure = external.filter((s) => s.url?.startsWith('http://') || pageHttp);
  const withoutSri = external.filter((s) => !s.integrity);
  const facts = {
    url: page.url,
    external: external.map((s) => ({ url: s.url, integrity: s.integrity ?? null, crossorigin: s.crossorigin ?? null })),
    truncated: page.truncated,
  };
  const listed = (list: typeof external): string =>
    list
      .slice(0, 10)
      .map((s) => s.url)
      .join(', ');
  if (external.length === 0) {
    const anySri = scripts.some((s) => s.integrity);
    return webResult({
      ...base,
      status: 'pass',
      severity: 'info',
      detail: text('Không có script tải từ nguồn ngoài.', 'No scripts are loaded from other origins.'),
      evidence: facts,
      modifier: anySri ? 5 : 0,
      observatoryTest: anySri
        ? 'sri-implemented-and-all-scripts-loaded-securely'
        : scripts.length
          ? 'sri-not-implemented-but-all-scripts-loaded-from-secure-origin'
          : 'sri-not-implemented-but-no-scripts-loaded',
    });
  }
  if (withoutSri.length === 0 && insecure.length === 0) {
    return webResult({
      ...base,
      status: 'pass',
      severity: 'info',
      detail: text(
        `Cả ${external.length} script bên ngoài đều có integrity và tải qua https.`,
        `All ${external.length} external scripts carry integrity and load over https.`,
      ),
      evidence: facts,
      modifier: 5,
      observatoryTest: 'sri-implemented-and-external-scripts-loaded-securely',
    });
  }
  if (withoutSri.length > 0 && insecure.length > 0) {
    return webResult({
      ...base,
      status: 'fail',
      severity: 'high',
      detail: text(
        `Script bên ngoài không có integrity và tải qua http (có thể bị thay nội dung trên đường truyền): ${listed(insecure)}.`,
        `External scripts without integrity loaded over http (can be replaced in transit): ${listed(insecure)}.`,
      ),
      evidence: facts,
      modifier: -50,
      observatoryTest: 'sri-not-implemented-and-external-scripts-not-loaded-securely',
    });
  }
  if (insecure.length > 0) {
    return webResult({
      ...base,
      status: 'fail',
      severity: 'medium',
      detail: text(`Script có integrity nhưng tải qua http: ${listed(insecure)}.`, `Scripts with integrity but loaded over http: ${listed(insecure)}.`),
      evidence: facts,
      modifier: -20,
      observatoryTest: 'sri-implemented-but-external-scripts-not-loaded-securely',
    });
  }
  return webResult({
    ...base,
    status: 'warn',
    severity: 'low',
    detail: text(
      `${withoutSri.length} script bên ngoài không có integrity (tải qua https): ${listed(withoutSri)}.`,
      `${withoutSri.length} external script(s) without integrity (over https): ${listed(withoutSri)}.`,
    ),
    evidence: facts,
    modifier: -5,
    observatoryTest: 'sri-not-implemented-but-external-scripts-loaded-securely',
  });
}

// ---------------------------------------------------------------- Mixed content

const MIXED_TITLE = checkSpec('web.mixed-content').title;
const MIXED_REFS = ['https://developer.mozilla.org/docs/Web/Security/Mixed_content', 'https://www.w3.org/TR/mixed-content/'];
const MIXED_FIX = text(
  'Sửa mọi liên kết tài nguyên sang https:// (hoặc đường dẫn tương đối) trong mẫu giao diện và nội dung CMS. Tạm thời có thể yêu cầu trình duyệt tự nâng cấp: nginx `add_header Content-Security-Policy "upgrade-insecure-requests" always;`, Apache `Header always set Content-Security-Policy "upgrade-insecure-requests"`, IIS `<customHeaders><add name="Content-Security-Policy" value="upgrade-insecure-requests" /></customHeaders>`.',
  'Change every resource link to https:// (or a relative path) in templates and CMS content. Meanwhile browsers can be told to upgrade: nginx `add_header Content-Security-Policy "upgrade-insecure-requests" always;`, Apache `Header always set Content-Security-Policy "upgrade-insecure-requests"`, IIS `<customHeaders><add name="Content-Security-Policy" value="upgrade-insecure-requests" /></customHeaders>`.',
);

export function checkMixedContent(evidence: WebEvidence): CheckResult {
  const page = evidence.finalPage;
  const unavailable = bodyUnavailable(page);
  if (unavailable) return errorResult('web.mixed-content', MIXED_TITLE, 'web-headers', unavailable, MIXED_REFS);
  const base = { ...checkSpec('web.mixed-content'), references: MIXED_REFS, remediation: MIXED_FIX };
  if (!isHttps(page.url)) {
    return webResult({
      ...base,
      status: 'info',
      severity: 'info',
      detail: text(
        'Trang không phục vụ qua HTTPS (xem web.https), nên không xét nội dung hỗn hợp.',
        'The page is not served over HTTPS (see web.https), so mixed content does not apply.',
      ),
      evidence: { url: page.url },
    });
  }
  const mixed = page.html?.mixedContent ?? [];
  const active = mixed.filter((m) => m.kind === 'active');
  const passive = mixed.filter((m) => m.kind === 'passive');
  const facts = { url: page.url, active: active.slice(0, 50), passive: passive.slice(0, 50), truncated: page.truncated };
  const list = (items: typeof mixed): string =>
    items
      .slice(0, 8)
      .map((m) => `<${m.tag}> ${m.url}`)
      .join(', ');
  if (active.length > 0) {
    return webResult({
      ...base,
      status: 'fail',
      severity: 'medium',
      detail: text(
        `Trang HTTPS tải ${active.length} tài nguyên chủ động qua http (trình duyệt chặn, hoặc kẻ xen giữa sửa được): ${list(active)}.`,
        `The HTTPS page loads ${active.length} active resource(s) over http (blocked by browsers, or alterable in transit): ${list(active)}.`,
      ),
      evidence: facts,
    });
  }
  if (passive.length > 0) {
    return webResult({
      ...base,
      status: 'warn',
      severity: 'low',
      detail: text(
        `Trang HTTPS tải ${passive.length} ảnh/media qua http: ${list(passive)}.`,
        `The HTTPS page loads ${passive.length} image/media resource(s) over http: ${list(passive)}.`,
      ),
      evidence: facts,
    });
  }
  return webResult({
    ...base,
    status: 'pass',
    severity: 'info',
    detail: text('Trang HTTPS không tải tài nguyên nào qua http.', 'The HTTPS page loads no resource over http.'),
    evidence: facts,
  });
}

// ---------------------------------------------------------------- Disclosure

const DISCLOSURE_TITLE = checkSpec('web.disclosure').title;
const DISCLOSURE_REFS = [
  'https://owasp.org/www-project-web-security-testing-guide/latest/4-Web_Application_Security_Testing/01-Information_Gathering/02-Fingerprint_Web_Server',
  'https://cwe.mitre.org/data/definitions/209.html',
];
const DISCLOSURE_FIX = text(
  'Ẩn phiên bản và tắt trang lỗi chi tiết. nginx: `server_tokens off;` (và `proxy_hide_header X-Powered-By;`). Apache: `ServerTokens Prod`, `ServerSignature Off`, `Header always unset X-Powered-By`. PHP: `expose_php = Off`, `display_errors = Off`. IIS/ASP.NET (web.config): `<system.webServer><security><requestFiltering removeServerHeader="true" /></security><httpProtocol><customHeaders><remove name="X-Powered-By" /></customHeaders></httpProtocol><httpErrors errorMode="Custom" /></system.webServer>`, `<system.web><httpRuntime enableVersionHeader="false" /><customErrors mode="RemoteOnly" /></system.web>`. Tắt chế độ debug của framework (Laravel `APP_DEBUG=false`, Django `DEBUG = False`, Spring `server.error.include-stacktrace=never`).',
  'Hide versions and turn off detailed error pages. nginx: `server_tokens off;` (and `proxy_hide_header X-Powered-By;`). Apache: `ServerTokens Prod`, `ServerSignature Off`, `Header always unset X-Powered-By`. PHP: `expose_php = Off`, `display_errors = Off`. IIS/ASP.NET (web.config): `<system.webServer><security><requestFiltering removeServerHeader="true" /></security><httpProtocol><customHeaders><remove name="X-Powered-By" /></customHeaders></httpProtocol><httpErrors errorMode="Custom" /></system.webServer>`, `<system.web><httpRuntime enableVersionHeader="false" /><customErrors mode="RemoteOnly" /></system.web>`. Turn off framework debug modes (Laravel `APP_DEBUG=false`, Django `DEBUG = False`, Spring `server.error.include-stacktrace=never`).',
);
const VERSION_HEADERS = [
  'server',
  'x-powered-by',
  'x-aspnet-version',
  'x-aspnetmvc-version',
  'x-generator',
  'x-runtime',
  'x-version',
  'x-php-version',
  'x-backend-server',
];

export function checkDisclosure(evidence: WebEvidence): CheckResult {
  const page = evidence.finalPage;
  const base = { ...checkSpec('web.disclosure'), references: DISCLOSURE_REFS, remediation: DISCLOSURE_FIX };
  const headerSources = [page, ...evidence.chain.steps].filter((s) => s.status !== undefined);
  if (headerSources.length === 0 && !evidence.errorPages) {
    return errorResult('web.disclosure', DISCLOSURE_TITLE, 'web-headers', headersUnavailable(page) ?? 'no answer', DISCLOSURE_REFS);
  }
  const versioned: { header: string; value: string }[] = [];
  const technology: { header: string; value: string }[] = [];
  for (const source of headerSources) {
    for (const name of VERSION_HEADERS) {
      const value = source.headers[name];
      if (!value) continue;
      const target = /\d+(\.\d+)+|\/\d/.test(value) || ['x-aspnet-version', 'x-aspnetmvc-version', 'x-php-version'].includes(name) ? versioned : technology;
      if (!target.some((v) => v.header === name && v.value === value)) target.push({ header: name, value: value.slice(0, 200) });
    }
  }
  const traces = evidence.errorPages?.stackTraceMarkers ?? [];
  const pageVersions = evidence.errorPages?.versionStrings ?? [];
  const facts = {
    versionHeaders: versioned,
    technologyHeaders: technology,
    stackTraces: traces,
    errorPageVersions: pageVersions,
    errorProbes: evidence.errorPages?.probes ?? [],
  };
  if (traces.length > 0) {
    return webResult({
      ...base,
      status: 'fail',
      severity: 'medium',
      detail: text(
        `Trang lỗi để lộ chi tiết nội bộ (${traces.map((t) => `${t.marker} tại ${t.url}`).join('; ')}): kẻ tấn công biết đường dẫn, thư viện, truy vấn.`,
        `Error pages leak internals (${traces.map((t) => `${t.marker} at ${t.url}`).join('; ')}): attackers learn paths, libraries and queries.`,
      ),
      evidence: facts,
    });
  }
  const versions = [...versioned.map((v) => `${v.header}: ${v.value}`), ...pageVersions.map((v) => v.text)];
  if (versions.length > 0) {
    return webResult({
      ...base,
      status: 'warn',
      severity: 'low',
      detail: text(
        `Lộ phiên bản phần mềm: ${[...new Set(versions)].slice(0, 8).join('; ')}.`,
        `Software versions disclosed: ${[...new Set(versions)].slice(0, 8).join('; ')}.`,
      ),
      evidence: facts,
    });
  }
  return webResult({
    ...base,
    status: 'pass',
    severity: 'info',
    detail: technology.length
      ? text(
          `Không lộ phiên bản (chỉ tên công nghệ: ${technology.map((t) => t.value).join(', ')}); trang lỗi không có vết ngăn xếp.`,
          `No versions disclosed (technology names only: ${technology.map((t) => t.value).join(', ')}); no stack traces on error pages.`,
        )
      : text('Không lộ phiên bản phần mềm; trang lỗi không có vết ngăn xếp.', 'No software versions disclosed; no stack traces on error pages.'),
    evidence: facts,
  });
}

// ---------------------------------------------------------------- CMS

const CMS_TITLE = checkSpec('web.cms').title;
const CMS_REFS = [
  'https://wordpress.org/download/releases/',
  'https://www.drupal.org/about/core/policies/core-release-cycles/schedule',
  'https://docs.joomla.org/Joomla!_Maintenance_and_Support_Policy',
];

function cmsFix(marker: CmsMarker | undefined): { vi: string; en: string } {
  const product = marker?.product ?? 'CMS';
  return text(
    `Nâng cấp ${product} lên bản mới nhất của nhánh còn được hỗ trợ (cùng plugin/theme/extension), bật cập nhật bảo mật tự động nếu có, và ẩn phiên bản: WordPress \`remove_action('wp_head', 'wp_generator');\`; Joomla tắt "Show Joomla Version"/generator trong template; Drupal gỡ header X-Generator (nginx \`proxy_hide_header X-Generator;\`, Apache \`Header always unset X-Generator\`, IIS \`<customHeaders><remove name="X-Generator" /></customHeaders>\`).`,
    `Upgrade ${product} to the newest release of a supported branch (with its plugins/themes/extensions), enable automatic security updates where available, and hide the version: WordPress \`remove_action('wp_head', 'wp_generator');\`; Joomla: turn off the generator tag in the template; Drupal: drop the X-Generator header (nginx \`proxy_hide_header X-Generator;\`, Apache \`Header always unset X-Generator\`, IIS \`<customHeaders><remove name="X-Generator" /></customHeaders>\`).`,
  );
}

export function checkCms(evidence: WebEvidence): CheckResult {
  const page = evidence.finalPage;
  const unavailable = bodyUnavailable(page);
  if (unavailable) return errorResult('web.cms', CMS_TITLE, 'web-headers', unavailable, CMS_REFS);
  const markers = page.html?.cms ?? [];
  const base = { ...checkSpec('web.cms'), references: CMS_REFS };
  const known = markers.filter((m): m is CmsMarker & { cms: 'wordpress' | 'joomla' | 'drupal' } => m.cms !== 'other');
  const judged = known.map((m) => ({ ...m, verdict: judgeCmsVersion(m.cms, m.version) }));
  const facts = { markers, judged, releasesAsOf: RELEASES_AS_OF, branches: CMS_BRANCHES };
  const eol = judged.find((m) => m.verdict === 'end-of-life');
  if (eol) {
    return webResult({
      ...base,
      status: 'fail',
      severity: 'high',
      detail: text(
        `${eol.product} ${eol.version} (${eol.source}) thuộc nhánh đã hết hỗ trợ bảo mật (nhánh còn hỗ trợ từ ${CMS_BRANCHES[eol.cms].supportedFrom}): các lỗ hổng đã công bố sẽ không được vá.`,
        `${eol.product} ${eol.version} (${eol.source}) is on a branch without security support (supported from ${CMS_BRANCHES[eol.cms].supportedFrom}): published vulnerabilities stay unpatched.`,
      ),
      evidence: facts,
      remediation: cmsFix(eol),
    });
  }
  const outdated = judged.find((m) => m.verdict === 'outdated');
  if (outdated) {
    return webResult({
      ...base,
      status: 'warn',
      severity: 'medium',
      detail: text(
        `${outdated.product} ${outdated.version} (${outdated.source}) cũ hơn nhánh mới nhất vigil biết (${CMS_BRANCHES[outdated.cms].latest}, tính đến ${RELEASES_AS_OF}).`,
        `${outdated.product} ${outdated.version} (${outdated.source}) is older than the newest branch vigil knows (${CMS_BRANCHES[outdated.cms].latest}, as of ${RELEASES_AS_OF}).`,
      ),
      evidence: facts,
      remediation: cmsFix(outdated),
    });
  }
  if (markers.length === 0) {
    return webResult({
      ...base,
      status: 'pass',
      severity: 'info',
      detail: text('Không nhận diện được CMS nào trên trang.', 'No CMS identified on the page.'),
      evidence: facts,
    });
  }
  const names = markers.map((m) => `${m.product}${m.version ? ` ${m.version}` : ''}`).join(', ');
  const disclosed = markers.some((m) => m.version);
  return webResult({
    ...base,
    status: 'pass',
    severity: 'info',
    detail: disclosed
      ? text(
          `Nhận diện: ${names} — phiên bản hiện hành, nhưng nên ẩn số phiên bản.`,
          `Identified: ${names} — current, though the version number should be hidden.`,
        )
      : text(`Nhận diện: ${names} (phiên bản được ẩn).`, `Identified: ${names} (version hidden).`),
    evidence: facts,
  });
}
