/** mail.mx and the mail.spf.* checks: pure functions over MailDnsEvidence. */
import { isIP } from '../../../net-address.js';
import type { MailDnsEvidence } from '../../../probes/mail-dns.js';
import { type CheckResult, text } from '../../types.js';
import { lookupError, lookupFailed, result } from './result.js';
import { parseSpfRecord, SpfSyntaxError } from './spf/parse.js';
import { checkSpec } from '../../catalogue.js';

const RFC7208 = 'https://www.rfc-editor.org/rfc/rfc7208';
const MX = {
  ...checkSpec('mail.mx'),
  references: ['https://www.rfc-editor.org/rfc/rfc5321#section-5.1', 'https://www.rfc-editor.org/rfc/rfc7505'],
};
const SPF_RECORD = {
  ...checkSpec('mail.spf.record'),
  references: [`${RFC7208}#section-4.5`, `${RFC7208}#section-12`],
};
const SPF_ALL = {
  ...checkSpec('mail.spf.all'),
  references: [`${RFC7208}#section-5.1`, `${RFC7208}#section-8`],
};
const SPF_LOOKUPS = {
  ...checkSpec('mail.spf.lookups'),
  references: [`${RFC7208}#section-4.6.4`],
};
const SPF_AUTHORISED = {
  ...checkSpec('mail.spf.mx-authorised'),
  references: [`${RFC7208}#section-4`],
};

const spfExample = (domain: string) => `${domain}. IN TXT "v=spf1 mx -all"`;

export function checkMx(e: MailDnsEvidence): CheckResult {
  const lookup = e.mx.lookup;
  if (lookupFailed(lookup)) return lookupError(MX, lookup);
  const hosts = e.mx.hosts;
  const evidence = { hosts: hosts.map((h) => ({ exchange: h.exchange || '.', preference: h.preference, addresses: h.addresses })) };
  const publish = text(
    `Khai báo MX trỏ tới máy chủ thư có bản ghi A/AAAA, ví dụ: ${e.domain}. IN MX 10 mail.${e.domain}.  (nếu tên miền không nhận thư: ${e.domain}. IN MX 0 .)`,
    `Publish an MX pointing to a mail server that has A/AAAA records, e.g. ${e.domain}. IN MX 10 mail.${e.domain}.  (for a domain that receives no mail: ${e.domain}. IN MX 0 .)`,
  );
  if (lookup.outcome === 'nxdomain') {
    return result(
      MX,
      'fail',
      'high',
      text(`Tên miền ${e.domain} không tồn tại (NXDOMAIN).`, `The domain ${e.domain} does not exist (NXDOMAIN).`),
      evidence,
      publish,
    );
  }
  if (hosts.length === 0) {
    return result(MX, 'fail', 'high', text(`${e.domain} không có bản ghi MX.`, `${e.domain} has no MX record.`), evidence, publish);
  }
  if (hosts.some((h) => h.exchange === '')) {
    if (hosts.length === 1) {
      return result(
        MX,
        'pass',
        'info',
        text(`${e.domain} khai báo null MX: tên miền không nhận thư (RFC 7505).`, `${e.domain} publishes a null MX: it receives no mail (RFC 7505).`),
        evidence,
      );
    }
    return result(
      MX,
      'fail',
      'medium',
      text(
        'Null MX (".") đứng cùng các MX khác: không hợp lệ theo RFC 7505.',
        'A null MX (".") is published together with other MX records: invalid per RFC 7505.',
      ),
      evidence,
      text('Giữ lại hoặc null MX, hoặc các MX thật — không cả hai.', 'Keep either the null MX or the real MX records, not both.'),
    );
  }
  const literal = hosts.filter((h) => isIP(h.exchange));
  const unresolved = hosts.filter((h) => !isIP(h.exchange) && h.addresses.length === 0 && !lookupFailed(h.a) && !lookupFailed(h.aaaa));
  const failedLookups = hosts.filter((h) => h.addresses.length === 0 && (lookupFailed(h.a) || lookupFailed(h.aaaa)));
  const names = hosts.map((h) => h.exchange);
  const duplicates = [...new Set(names.filter((n, i) => names.indexOf(n) !== i))];
  if (literal.length > 0 || unresolved.length > 0) {
    const bad = [...literal.map((h) => `${h.exchange} (IP)`), ...unresolved.map((h) => h.exchange)];
    return result(
      MX,
      'fail',
      'high',
      text(
        `MX không dùng được: ${bad.join(', ')} — MX phải là tên máy có bản ghi A/AAAA.`,
        `Unusable MX: ${bad.join(', ')} — an MX must be a host name with A/AAAA records.`,
      ),
      { ...evidence, unresolved: unresolved.map((h) => h.exchange), ipLiterals: literal.map((h) => h.exchange) },
      text(
        `Thêm bản ghi A/AAAA cho máy chủ thư hoặc sửa MX, ví dụ: mail.${e.domain}. IN A 203.0.113.25`,
        `Add A/AAAA records for the mail host or fix the MX, e.g. mail.${e.domain}. IN A 203.0.113.25`,
      ),
    );
  }
  if (failedLookups.length > 0) {
    return lookupError(
      MX,
      failedLookups[0]!.a.outcome !== 'answer' && lookupFailed(failedLookups[0]!.a) ? failedLookups[0]!.a : failedLookups[0]!.aaaa,
      evidence,
    );
  }
  if (duplicates.length > 0) {
    return result(
      MX,
      'warn',
      'low',
      text(`MX bị trùng: ${duplicates.join(', ')}.`, `Duplicate MX: ${duplicates.join(', ')}.`),
      { ...evidence, duplicates },
      text('Xoá bản ghi MX trùng lặp.', 'Remove the duplicate MX records.'),
    );
  }
  return result(
    MX,
    'pass',
    'info',
    text(`${hosts.length} MX, đều phân giải được: ${names.join(', ')}.`, `${hosts.length} MX, all resolving: ${names.join(', ')}.`),
    evidence,
  );
}

function parsedSpf(e: MailDnsEvidence): { record?: ReturnType<typeof parseSpfRecord>; error?: string } {
  if (e.spf.records.length !== 1) return {};
  try {
    return { record: parseSpfRecord(e.spf.records[0]!) };
  } catch (error) {
    return { error: error instanceof SpfSyntaxError ? error.message : String(error) };
  }
}

export function checkSpfRecord(e: MailDnsEvidence): CheckResult {
  if (lookupFailed(e.spf.lookup)) return lookupError(SPF_RECORD, e.spf.lookup);
  const evidence = { records: e.spf.records };
  const publish = text(
    `Công bố đúng một bản ghi TXT SPF liệt kê mọi máy chủ gửi thư, ví dụ: ${spfExample(e.domain)}`,
    `Publish exactly one SPF TXT record listing every server that sends your mail, e.g. ${spfExample(e.domain)}`,
  );
  if (e.spf.records.length === 0) {
    return result(
      SPF_RECORD,
      'fail',
      'high',
      text(`${e.domain} không có bản ghi SPF (v=spf1).`, `${e.domain} publishes no SPF (v=spf1) record.`),
      evidence,
      publish,
    );
  }
  if (e.spf.records.length > 1) {
    return result(
      SPF_RECORD,
      'fail',
      'high',
      text(
        `${e.domain} có ${e.spf.records.length} bản ghi SPF: bên nhận trả permerror (RFC 7208 §4.5).`,
        `${e.domain} publishes ${e.spf.records.length} SPF records: receivers return permerror (RFC 7208 §4.5).`,
      ),
      evidence,
      text(`Gộp thành một bản ghi duy nhất, ví dụ: ${spfExample(e.domain)}`, `Merge them into a single record, e.g. ${spfExample(e.domain)}`),
    );
  }
  const { record, error } = parsedSpf(e);
  if (!record) {
    return result(
      SPF_RECORD,
      'fail',
      'high',
      text(`Bản ghi SPF sai cú pháp: ${error}. Bên nhận trả permerror.`, `The SPF record has a syntax error: ${error}. Receivers return permerror.`),
      { ...evidence, syntaxError: error },
      text(`Sửa bản ghi theo cú pháp RFC 7208, ví dụ: ${spfExample(e.domain)}`, `Fix the record to RFC 7208 grammar, e.g. ${spfExample(e.domain)}`),
    );
  }
  const warnings: string[] = [];
  if (record.mechanisms.some((m) => m.kind === 'ptr')) warnings.push('ptr');
  const length = e.spf.records[0]!.length;
  if (length > 450) warnings.push(`length ${length}`);
  if (warnings.length > 0) {
    return result(
      SPF_RECORD,
      'warn',
      'low',
      text(
        `Bản ghi SPF hợp lệ nhưng ${warnings.includes('ptr') ? 'dùng cơ chế "ptr" (RFC 7208 §5.5 khuyên không dùng: chậm, không tin cậy)' : ''}${warnings.length > 1 ? ' và ' : ''}${warnings.some((w) => w.startsWith('length')) ? `dài ${length} ký tự (dễ vượt 512 byte UDP)` : ''}.`,
        `The SPF record is valid but ${warnings.includes('ptr') ? 'uses the "ptr" mechanism (RFC 7208 §5.5: do not use — slow and unreliable)' : ''}${warnings.length > 1 ? ' and ' : ''}${warnings.some((w) => w.startsWith('length')) ? `is ${length} characters long (risks exceeding 512-byte UDP answers)` : ''}.`,
      ),
      { ...evidence, warnings },
      text(
        'Thay "ptr" bằng "ip4:"/"ip6:" hoặc "a:"; rút gọn bản ghi bằng include/ip4 theo dải.',
        'Replace "ptr" with "ip4:"/"ip6:" or "a:"; shorten the record with ranges or include.',
      ),
    );
  }
  return result(SPF_RECORD, 'pass', 'info', text(`Một bản ghi SPF hợp lệ: ${e.spf.records[0]}`, `One valid SPF record: ${e.spf.records[0]}`), evidence);
}

export function checkSpfAll(e: MailDnsEvidence): CheckResult {
  if (lookupFailed(e.spf.lookup)) return lookupError(SPF_ALL, e.spf.lookup);
  const { record } = parsedSpf(e);
  const analysis = e.spf.analysis;
  if (!record || !analysis) {
    return result(
      SPF_ALL,
      'info',
      'info',
      text('Không có bản ghi SPF hợp lệ để đánh giá (xem mail.spf.record).', 'No valid SPF record to judge (see mail.spf.record).'),
      {},
    );
  }
  const last = record.mechanisms.findLast((m) => m.kind === 'all');
  const evidence = {
    record: e.spf.records[0],
    all: last ? `${last.qualifier}all` : null,
    redirect: record.redirect?.source ?? null,
    resultForUnlistedIp: analysis.result,
    termsAfterAll: record.termsAfterAll,
  };
  const hardFail = text(
    `Kết thúc bản ghi bằng "-all" (hoặc "~all" khi DMARC đã ở p=quarantine/reject), ví dụ: ${spfExample(e.domain)}`,
    `End the record with "-all" (or "~all" once DMARC is at p=quarantine/reject), e.g. ${spfExample(e.domain)}`,
  );
  switch (analysis.result) {
    case 'pass':
      return result(
        SPF_ALL,
        'fail',
        'critical',
        text(
          'SPF cho phép MỌI địa chỉ IP gửi thư thay tên miền (ví dụ "+all"): giả mạo được.',
          'SPF authorises ANY IP address to send for the domain (e.g. "+all"): spoofing passes.',
        ),
        evidence,
        hardFail,
      );
    case 'neutral':
      // internet.nl and checkdmarc fail "?all" (and a missing "all"): the policy says nothing.
      return result(
        SPF_ALL,
        'fail',
        'medium',
        text(
          `Với IP không được liệt kê, SPF trả "neutral" (${last ? `"${last.qualifier}all"` : 'thiếu "all"'}): không chặn giả mạo.`,
          `For an unlisted IP SPF returns "neutral" (${last ? `"${last.qualifier}all"` : 'no "all"'}): it does not stop spoofing.`,
        ),
        evidence,
        hardFail,
      );
    case 'softfail':
    case 'fail': {
      if (record.termsAfterAll.length > 0) {
        return result(
          SPF_ALL,
          'warn',
          'low',
          text(
            `Có thành phần sau "all" không bao giờ được xét: ${record.termsAfterAll.join(' ')}.`,
            `Terms after "all" are never evaluated: ${record.termsAfterAll.join(' ')}.`,
          ),
          evidence,
          text('Chuyển các thành phần đó lên trước "all" hoặc xoá đi.', 'Move those terms before "all" or remove them.'),
        );
      }
      return result(SPF_ALL, 'pass', 'info', text(`IP không được liệt kê nhận "${analysis.result}".`, `An unlisted IP gets "${analysis.result}".`), evidence);
    }
    case 'temperror':
      return result(
        SPF_ALL,
        'error',
        'medium',
        text(`Không đánh giá được SPF: ${analysis.reason}`, `Could not evaluate SPF: ${analysis.reason}`),
        evidence,
        text('Kiểm tra resolver và máy chủ DNS rồi chạy lại.', 'Check the resolver and DNS servers, then run again.'),
      );
    default:
      return result(
        SPF_ALL,
        'fail',
        'high',
        text(
          `SPF đánh giá ra "${analysis.result}" (${analysis.reason}): bên nhận coi như không có SPF.`,
          `SPF evaluates to "${analysis.result}" (${analysis.reason}): receivers treat it as no SPF.`,
        ),
        evidence,
        text('Sửa bản ghi (xem mail.spf.record và mail.spf.lookups).', 'Fix the record (see mail.spf.record and mail.spf.lookups).'),
      );
  }
}

export function checkSpfLookups(e: MailDnsEvidence): CheckResult {
  if (lookupFailed(e.spf.lookup)) return lookupError(SPF_LOOKUPS, e.spf.lookup);
  const analysis = e.spf.analysis;
  if (!analysis || e.spf.records.length !== 1) {
    return result(
      SPF_LOOKUPS,
      'info',
      'info',
      text('Không có bản ghi SPF hợp lệ để đếm (xem mail.spf.record).', 'No valid SPF record to count (see mail.spf.record).'),
      {},
    );
  }
  const evidence = {
    lookups: analysis.lookups,
    voidLookups: analysis.voidLookups,
    limits: { lookups: 10, voidLookups: 2 },
    reason: analysis.reason ?? null,
    trace: analysis.trace.slice(0, 200),
  };
  const flatten = text(
    'Giảm số tra cứu: thay include/a/mx bằng ip4:/ip6: của các máy gửi thật, bỏ include không còn dùng và tên không tồn tại, ví dụ: "v=spf1 ip4:203.0.113.0/24 include:_spf.nhacungcap.vn -all".',
    'Reduce lookups: replace include/a/mx with the real senders’ ip4:/ip6:, drop unused includes and names that do not exist, e.g. "v=spf1 ip4:203.0.113.0/24 include:_spf.provider.example -all".',
  );
  if (analysis.result === 'temperror') {
    return result(SPF_LOOKUPS, 'error', 'medium', text(`Không đếm được: ${analysis.reason}`, `Could not count: ${analysis.reason}`), evidence);
  }
  if (analysis.reason && /loop/.test(analysis.reason)) {
    return result(
      SPF_LOOKUPS,
      'fail',
      'high',
      text(`Vòng lặp include/redirect: ${analysis.reason}. Bên nhận trả permerror.`, `include/redirect loop: ${analysis.reason}. Receivers return permerror.`),
      evidence,
      text('Xoá include/redirect trỏ ngược về tên miền đang xét.', 'Remove the include/redirect that points back to a domain already being evaluated.'),
    );
  }
  if (analysis.lookups > 10 || analysis.voidLookups > 2) {
    return result(
      SPF_LOOKUPS,
      'fail',
      'high',
      text(
        `SPF cần ${analysis.lookups} tra cứu DNS (tối đa 10) và ${analysis.voidLookups} tra cứu rỗng (tối đa 2): bên nhận trả permerror (RFC 7208 §4.6.4).`,
        `SPF needs ${analysis.lookups} DNS lookups (limit 10) and ${analysis.voidLookups} void lookups (limit 2): receivers return permerror (RFC 7208 §4.6.4).`,
      ),
      evidence,
      flatten,
    );
  }
  if (analysis.result === 'permerror') {
    return result(
      SPF_LOOKUPS,
      'fail',
      'high',
      text(`SPF lỗi khi đánh giá: ${analysis.reason}.`, `SPF fails to evaluate: ${analysis.reason}.`),
      evidence,
      text('Sửa bản ghi được include/redirect tới.', 'Fix the included or redirected record.'),
    );
  }
  if (analysis.lookups >= 9) {
    return result(
      SPF_LOOKUPS,
      'warn',
      'low',
      text(`SPF dùng ${analysis.lookups}/10 tra cứu DNS: sát giới hạn.`, `SPF uses ${analysis.lookups}/10 DNS lookups: close to the limit.`),
      evidence,
      flatten,
    );
  }
  return result(
    SPF_LOOKUPS,
    'pass',
    'info',
    text(
      `SPF dùng ${analysis.lookups}/10 tra cứu DNS, ${analysis.voidLookups}/2 tra cứu rỗng, không vòng lặp.`,
      `SPF uses ${analysis.lookups}/10 DNS lookups, ${analysis.voidLookups}/2 void lookups, no loops.`,
    ),
    evidence,
  );
}

export function checkSpfAuthorised(e: MailDnsEvidence): CheckResult {
  if (lookupFailed(e.spf.lookup)) return lookupError(SPF_AUTHORISED, e.spf.lookup);
  const list = e.spf.authorisations;
  const evidence = { authorisations: list };
  if (e.spf.records.length === 0) {
    return result(
      SPF_AUTHORISED,
      'info',
      'info',
      text('Không có SPF: không máy nào được cho phép (xem mail.spf.record).', 'No SPF: no server is authorised (see mail.spf.record).'),
      evidence,
    );
  }
  if (list.length === 0) {
    return result(
      SPF_AUTHORISED,
      'info',
      'info',
      text('Không có địa chỉ MX hay IP gửi đi (mail.outboundIps) để kiểm tra.', 'No MX addresses or outbound IPs (mail.outboundIps) to check.'),
      evidence,
    );
  }
  const errors = list.filter((a) => a.result === 'temperror');
  const outboundBad = list.filter((a) => a.source === 'outbound' && a.result !== 'pass' && a.result !== 'temperror');
  const mxBad = list.filter((a) => a.source === 'mx' && a.result !== 'pass' && a.result !== 'temperror');
  const describe = (items: typeof list) => items.map((a) => `${a.ip}${a.host ? ` (${a.host})` : ''} → ${a.result}`).join(', ');
  const add = (items: typeof list) =>
    text(
      `Thêm các IP này vào bản ghi SPF, ví dụ: ${e.domain}. IN TXT "v=spf1 mx ${[...new Set(items.map((a) => (a.ip.includes(':') ? `ip6:${a.ip}` : `ip4:${a.ip}`)))].join(' ')} -all"`,
      `Add these IPs to the SPF record, e.g. ${e.domain}. IN TXT "v=spf1 mx ${[...new Set(items.map((a) => (a.ip.includes(':') ? `ip6:${a.ip}` : `ip4:${a.ip}`)))].join(' ')} -all"`,
    );
  if (outboundBad.length > 0) {
    return result(
      SPF_AUTHORISED,
      'fail',
      'high',
      text(
        `IP gửi thư đã khai báo không qua SPF: ${describe(outboundBad)} — thư thật sẽ bị từ chối hoặc vào thư rác.`,
        `Configured outbound IPs do not pass SPF: ${describe(outboundBad)} — genuine mail will be rejected or marked as spam.`,
      ),
      evidence,
      add(outboundBad),
    );
  }
  if (errors.length > 0) {
    return result(
      SPF_AUTHORISED,
      'error',
      'medium',
      text(`Không đánh giá được SPF cho: ${describe(errors)}.`, `Could not evaluate SPF for: ${describe(errors)}.`),
      evidence,
    );
  }
  if (mxBad.length > 0) {
    // In small agencies the MX is usually also the outgoing server: an MX that SPF rejects is a finding.
    return result(
      SPF_AUTHORISED,
      'fail',
      'medium',
      text(
        `MX không qua SPF: ${describe(mxBad)} — thư gửi đi từ các máy này sẽ bị từ chối hoặc vào thư rác.`,
        `MX hosts do not pass SPF: ${describe(mxBad)} — mail they send will be rejected or marked as spam.`,
      ),
      evidence,
      add(mxBad),
    );
  }
  return result(
    SPF_AUTHORISED,
    'pass',
    'info',
    text(`Mọi MX/IP gửi đi đều qua SPF (${list.length}).`, `Every MX/outbound IP passes SPF (${list.length}).`),
    evidence,
  );
}
