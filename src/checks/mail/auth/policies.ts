/** mail.dmarc.*, mail.dkim, mail.mta-sts and mail.tls-rpt: pure functions over MailDnsEvidence. */
import type { MailDnsEvidence } from '../../../probes/mail-dns.js';
import { type CheckResult, text } from '../../types.js';
import { parseDmarc } from './dmarc.js';
import { lookupError, lookupFailed, result } from './result.js';
import { checkSpec } from '../../catalogue.js';

const RFC7489 = 'https://www.rfc-editor.org/rfc/rfc7489';
const DMARC_RECORD = {
  ...checkSpec('mail.dmarc.record'),
  references: [`${RFC7489}#section-6.3`, `${RFC7489}#section-6.6.3`],
};
const DMARC_POLICY = {
  ...checkSpec('mail.dmarc.policy'),
  references: [`${RFC7489}#section-6.3`, 'https://www.rfc-editor.org/rfc/rfc9091'],
};
const DMARC_REPORTS = {
  ...checkSpec('mail.dmarc.reports'),
  references: [`${RFC7489}#section-7.1`],
};
const DKIM = {
  ...checkSpec('mail.dkim'),
  references: ['https://www.rfc-editor.org/rfc/rfc6376#section-3.6', 'https://www.rfc-editor.org/rfc/rfc8301'],
};
const MTA_STS = {
  ...checkSpec('mail.mta-sts'),
  references: ['https://www.rfc-editor.org/rfc/rfc8461'],
};
const TLS_RPT = {
  ...checkSpec('mail.tls-rpt'),
  references: ['https://www.rfc-editor.org/rfc/rfc8460'],
};

const dmarcExample = (domain: string) => `_dmarc.${domain}. IN TXT "v=DMARC1; p=quarantine; rua=mailto:dmarc@${domain}"`;

function dmarcState(e: MailDnsEvidence) {
  const lastLookup = e.dmarc.lookups.at(-1);
  const failed = e.dmarc.lookups.find((l) => lookupFailed(l));
  const parsed = e.dmarc.records.length === 1 ? parseDmarc(e.dmarc.records[0]!) : undefined;
  // RFC 7489 §6.6.3: no record at _dmarc.<domain> → the organisational domain's record governs it.
  const inherited = e.dmarc.recordName !== undefined && e.dmarc.recordName !== `_dmarc.${e.domain}`;
  return { lastLookup, failed, parsed, inherited };
}

/** "(kế thừa từ _dmarc.<org>, áp dụng sp=…)" — where an inherited policy comes from and which tag applies. */
function inheritedNote(e: MailDnsEvidence, parsed: { p?: string | undefined; sp?: string | undefined }): { vi: string; en: string } {
  const bySp = parsed.sp !== undefined;
  const applied = bySp ? `sp=${parsed.sp}` : `p=${parsed.p}`;
  return {
    vi: `không có bản ghi tại _dmarc.${e.domain}; kế thừa từ ${e.dmarc.recordName} của tên miền tổ chức, áp dụng ${applied}${bySp ? '' : ' (không có sp=)'}`,
    en: `no record at _dmarc.${e.domain}; inherited from the organisational domain's ${e.dmarc.recordName}, applying ${applied}${bySp ? '' : ' (no sp=)'}`,
  };
}

export function checkDmarcRecord(e: MailDnsEvidence): CheckResult {
  const { failed, parsed, inherited } = dmarcState(e);
  const evidence = { recordName: e.dmarc.recordName ?? null, records: e.dmarc.records, orgDomain: e.dmarc.orgDomain, lookups: e.dmarc.lookups };
  if (e.dmarc.records.length === 0 && failed) return lookupError(DMARC_RECORD, failed, evidence);
  const publish = text(`Công bố bản ghi DMARC, ví dụ: ${dmarcExample(e.domain)}`, `Publish a DMARC record, e.g. ${dmarcExample(e.domain)}`);
  if (e.dmarc.records.length === 0) {
    return result(
      DMARC_RECORD,
      'fail',
      'high',
      text(
        `Không có bản ghi DMARC tại _dmarc.${e.domain}${e.dmarc.orgDomain !== e.domain ? ` hay _dmarc.${e.dmarc.orgDomain}` : ''}.`,
        `No DMARC record at _dmarc.${e.domain}${e.dmarc.orgDomain !== e.domain ? ` or _dmarc.${e.dmarc.orgDomain}` : ''}.`,
      ),
      evidence,
      publish,
    );
  }
  if (!parsed) {
    return result(
      DMARC_RECORD,
      'fail',
      'high',
      text(
        `${e.dmarc.recordName} có ${e.dmarc.records.length} bản ghi DMARC: bên nhận bỏ qua tất cả (RFC 7489 §6.6.3).`,
        `${e.dmarc.recordName} has ${e.dmarc.records.length} DMARC records: receivers ignore them all (RFC 7489 §6.6.3).`,
      ),
      evidence,
      text(`Giữ lại một bản ghi duy nhất, ví dụ: ${dmarcExample(e.domain)}`, `Keep a single record, e.g. ${dmarcExample(e.domain)}`),
    );
  }
  const serious = parsed.problems.filter((p) => p.problem !== 'unknown tag');
  const unknown = parsed.problems.filter((p) => p.problem === 'unknown tag');
  const list = (items: typeof parsed.problems) => items.map((p) => `${p.tag}: ${p.problem}`).join('; ');
  if (serious.length > 0) {
    return result(
      DMARC_RECORD,
      'fail',
      'high',
      text(`Bản ghi DMARC không hợp lệ (${list(serious)}): ${e.dmarc.records[0]}`, `Invalid DMARC record (${list(serious)}): ${e.dmarc.records[0]}`),
      { ...evidence, problems: parsed.problems },
      text(`Sửa bản ghi theo RFC 7489, ví dụ: ${dmarcExample(e.domain)}`, `Fix the record to RFC 7489, e.g. ${dmarcExample(e.domain)}`),
    );
  }
  if (unknown.length > 0) {
    return result(
      DMARC_RECORD,
      'warn',
      'low',
      text(
        `Bản ghi DMARC có thẻ không rõ: ${unknown.map((u) => u.tag).join(', ')}.`,
        `The DMARC record has unknown tags: ${unknown.map((u) => u.tag).join(', ')}.`,
      ),
      { ...evidence, problems: parsed.problems },
      text('Xoá các thẻ không thuộc RFC 7489 (thường là lỗi gõ).', 'Remove tags that RFC 7489 does not define (usually typos).'),
    );
  }
  const note = inherited ? inheritedNote(e, parsed) : undefined;
  return result(
    DMARC_RECORD,
    'pass',
    'info',
    text(
      `Bản ghi DMARC hợp lệ tại ${e.dmarc.recordName}${note ? ` (${note.vi})` : ''}: ${e.dmarc.records[0]}`,
      `Valid DMARC record at ${e.dmarc.recordName}${note ? ` (${note.en})` : ''}: ${e.dmarc.records[0]}`,
    ),
    { ...evidence, inherited, ...(inherited ? { inheritedFrom: e.dmarc.recordName } : {}) },
  );
}

export function checkDmarcPolicy(e: MailDnsEvidence): CheckResult {
  const { failed, parsed, inherited } = dmarcState(e);
  if (e.dmarc.records.length === 0 && failed) return lookupError(DMARC_POLICY, failed);
  if (!parsed || !parsed.p) {
    return result(
      DMARC_POLICY,
      'info',
      'info',
      text('Không có bản ghi DMARC hợp lệ (xem mail.dmarc.record).', 'No valid DMARC record (see mail.dmarc.record).'),
      {},
    );
  }
  // A subdomain that inherits the organisational record is governed by sp= (else p=) — RFC 7489 §6.6.3.
  const effective = inherited ? (parsed.sp ?? parsed.p) : parsed.p;
  const sp = parsed.sp ?? parsed.p;
  const np = parsed.np ?? sp;
  const pct = parsed.pct ?? 100;
  const evidence = {
    p: parsed.p,
    sp: parsed.sp ?? null,
    np: parsed.np ?? null,
    pct,
    effective,
    inherited,
    ...(inherited ? { inheritedFrom: e.dmarc.recordName, appliedTag: parsed.sp !== undefined ? 'sp' : 'p' } : {}),
  };
  const strong = (v: string | undefined) => v === 'quarantine' || v === 'reject';
  const org = e.dmarc.recordName?.slice('_dmarc.'.length) ?? e.dmarc.orgDomain;
  const fix = inherited
    ? text(
        `Tên miền này dùng chính sách của ${e.dmarc.recordName}: đặt sp=reject ở đó (áp dụng cho mọi tên miền con), ví dụ: _dmarc.${org}. IN TXT "v=DMARC1; p=reject; sp=reject; rua=mailto:dmarc@${org}", hoặc công bố bản ghi riêng _dmarc.${e.domain}. IN TXT "v=DMARC1; p=reject; rua=mailto:dmarc@${org}".`,
        `This domain uses the policy of ${e.dmarc.recordName}: set sp=reject there (it covers every subdomain), e.g. _dmarc.${org}. IN TXT "v=DMARC1; p=reject; sp=reject; rua=mailto:dmarc@${org}", or publish its own _dmarc.${e.domain}. IN TXT "v=DMARC1; p=reject; rua=mailto:dmarc@${org}".`,
      )
    : text(
        `Nâng chính sách sau khi đã đọc báo cáo rua, ví dụ: _dmarc.${e.domain}. IN TXT "v=DMARC1; p=reject; sp=reject; rua=mailto:dmarc@${e.domain}" (pct=100).`,
        `Raise the policy once the rua reports look clean, e.g. _dmarc.${e.domain}. IN TXT "v=DMARC1; p=reject; sp=reject; rua=mailto:dmarc@${e.domain}" (pct=100).`,
      );
  const note = inherited ? inheritedNote(e, parsed) : undefined;
  // Every verdict says where an inherited policy came from, so nobody edits the wrong record.
  const withNote = (vi: string, en: string) => text(note ? `${vi} (${note.vi})` : vi, note ? `${en} (${note.en})` : en);
  if (!strong(effective)) {
    return result(
      DMARC_POLICY,
      'fail',
      'high',
      withNote(`Chính sách DMARC là "${effective}": thư giả mạo vẫn được giao.`, `The DMARC policy is "${effective}": spoofed mail is still delivered.`),
      evidence,
      fix,
    );
  }
  const weak: string[] = [];
  if (!strong(sp)) weak.push(`sp=${sp}`);
  if (!strong(np)) weak.push(`np=${np}`);
  if (pct < 100) weak.push(`pct=${pct}`);
  if (weak.length > 0) {
    return result(
      DMARC_POLICY,
      'warn',
      'medium',
      withNote(
        `p=${effective} nhưng ${weak.join(', ')}: một phần thư giả mạo (tên miền con, tên không tồn tại, hoặc theo tỷ lệ) vẫn lọt.`,
        `p=${effective} but ${weak.join(', ')}: part of the spoofed mail (subdomains, non-existent names, or by percentage) still gets through.`,
      ),
      evidence,
      fix,
    );
  }
  return result(
    DMARC_POLICY,
    'pass',
    'info',
    withNote(`Chính sách DMARC ${effective} (sp=${sp}, np=${np}, pct=${pct}).`, `DMARC policy ${effective} (sp=${sp}, np=${np}, pct=${pct}).`),
    evidence,
  );
}

export function checkDmarcReports(e: MailDnsEvidence): CheckResult {
  const { failed, parsed, inherited } = dmarcState(e);
  if (e.dmarc.records.length === 0 && failed) return lookupError(DMARC_REPORTS, failed);
  if (!parsed)
    return result(
      DMARC_REPORTS,
      'info',
      'info',
      text('Không có bản ghi DMARC hợp lệ (xem mail.dmarc.record).', 'No valid DMARC record (see mail.dmarc.record).'),
      {},
    );
  const evidence = { rua: parsed.rua, ruf: parsed.ruf, external: e.dmarc.external, inherited, ...(inherited ? { inheritedFrom: e.dmarc.recordName } : {}) };
  // An inherited record's rua= receives this subdomain's reports too; say whose record it is.
  const from = inherited
    ? { vi: ` (theo bản ghi kế thừa từ ${e.dmarc.recordName})`, en: ` (by the record inherited from ${e.dmarc.recordName})` }
    : { vi: '', en: '' };
  if (parsed.rua.length === 0) {
    return result(
      DMARC_REPORTS,
      'warn',
      'medium',
      text(
        `Không có rua=${from.vi}: tổ chức không nhận báo cáo tổng hợp, không biết ai đang gửi thư dưới tên mình.`,
        `No rua=${from.en}: the organisation receives no aggregate reports and cannot see who sends mail in its name.`,
      ),
      evidence,
      text(`Thêm rua vào bản ghi, ví dụ: ${dmarcExample(e.domain)}`, `Add rua to the record, e.g. ${dmarcExample(e.domain)}`),
    );
  }
  const failedAuth = e.dmarc.external.filter((x) => lookupFailed(x.lookup));
  const unauthorised = e.dmarc.external.filter((x) => !x.authorised && !lookupFailed(x.lookup));
  if (unauthorised.length > 0) {
    const recordDomain = e.dmarc.recordName?.slice('_dmarc.'.length) ?? e.domain;
    return result(
      DMARC_REPORTS,
      'fail',
      'medium',
      text(
        `Đích báo cáo bên ngoài chưa xác nhận nhận báo cáo: ${unauthorised.map((x) => x.uri).join(', ')} — bên gửi báo cáo sẽ bỏ qua (RFC 7489 §7.1)${from.vi}.`,
        `External report destinations have not authorised the reports: ${unauthorised.map((x) => x.uri).join(', ')} — reporters will skip them (RFC 7489 §7.1)${from.en}.`,
      ),
      evidence,
      text(
        `Nhờ bên nhận công bố: ${unauthorised.map((x) => `${recordDomain}._report._dmarc.${x.destination}. IN TXT "v=DMARC1"`).join('; ')}`,
        `Ask the destination to publish: ${unauthorised.map((x) => `${recordDomain}._report._dmarc.${x.destination}. IN TXT "v=DMARC1"`).join('; ')}`,
      ),
    );
  }
  if (failedAuth.length > 0) return lookupError(DMARC_REPORTS, failedAuth[0]!.lookup, evidence);
  return result(
    DMARC_REPORTS,
    'pass',
    'info',
    text(
      `Báo cáo DMARC gửi tới ${parsed.rua.join(', ')}${e.dmarc.external.length ? ' (đích bên ngoài đã xác nhận)' : ''}${from.vi}.`,
      `DMARC reports go to ${parsed.rua.join(', ')}${e.dmarc.external.length ? ' (external destinations authorised)' : ''}${from.en}.`,
    ),
    evidence,
  );
}

export function checkDkim(e: MailDnsEvidence): CheckResult {
  const found = e.dkim.selectors.filter((s) => s.record !== undefined);
  const evidence = {
    domainKey: e.dkim.domainKey.outcome,
    selectorsTried: e.dkim.selectors.map((s) => s.selector),
    keys: found.map((s) => ({
      selector: s.selector,
      keyType: s.keyType ?? null,
      keyBits: s.keyBits ?? null,
      revoked: s.revoked ?? false,
      error: s.keyError ?? null,
    })),
  };
  const publish = text(
    `Bật ký DKIM trên máy chủ thư (Postfix + OpenDKIM, Exchange/Microsoft 365, Zimbra) với khoá RSA 2048 bit và công bố: selector1._domainkey.${e.domain}. IN TXT "v=DKIM1; k=rsa; p=<khoá công khai base64>". Khai báo selector trong vigil.yaml (mail.dkimSelectors) nếu dùng tên khác.`,
    `Enable DKIM signing on the mail server (Postfix + OpenDKIM, Exchange/Microsoft 365, Zimbra) with a 2048-bit RSA key and publish: selector1._domainkey.${e.domain}. IN TXT "v=DKIM1; k=rsa; p=<base64 public key>". List the selector in vigil.yaml (mail.dkimSelectors) if it has another name.`,
  );
  const usable = found.filter((s) => !s.revoked && !s.keyError && s.keyBits !== undefined);
  if (found.length === 0) {
    const failedLookup = [e.dkim.domainKey, ...e.dkim.selectors.map((s) => s.lookup)].find((l) => lookupFailed(l));
    if (failedLookup) return lookupError(DKIM, failedLookup, evidence);
    if (e.dkim.domainKey.outcome === 'nxdomain') {
      return result(
        DKIM,
        'fail',
        'high',
        text(`Không có _domainkey.${e.domain}: tên miền không công bố khoá DKIM nào.`, `No _domainkey.${e.domain}: the domain publishes no DKIM key.`),
        evidence,
        publish,
      );
    }
    return result(
      DKIM,
      'warn',
      'medium',
      text(
        `_domainkey.${e.domain} tồn tại nhưng không tìm thấy khoá với ${e.dkim.selectors.length} selector phổ biến.`,
        `_domainkey.${e.domain} exists but no key was found under ${e.dkim.selectors.length} common selectors.`,
      ),
      evidence,
      publish,
    );
  }
  const broken = found.filter((s) => s.keyError);
  const weak = usable.filter((s) => s.keyType !== 'ed25519' && (s.keyBits ?? 0) < 1024);
  const medium = usable.filter((s) => s.keyType !== 'ed25519' && (s.keyBits ?? 0) >= 1024 && (s.keyBits ?? 0) < 2048);
  const describe = (items: typeof found) => items.map((s) => `${s.selector} (${s.keyType ?? '?'} ${s.keyBits ?? '?'})`).join(', ');
  const rotate = text(
    `Tạo khoá RSA 2048 bit mới với selector mới, công bố bản ghi TXT tại <selector>._domainkey.${e.domain}, chuyển ký sang khoá mới rồi thu hồi khoá cũ (p= rỗng).`,
    `Generate a new 2048-bit RSA key under a new selector, publish its TXT at <selector>._domainkey.${e.domain}, switch signing to it, then revoke the old key (empty p=).`,
  );
  if (usable.length === 0) {
    return result(
      DKIM,
      'fail',
      'high',
      text(
        `Khoá DKIM tìm thấy đều bị thu hồi hoặc hỏng: ${found.map((s) => s.selector).join(', ')}.`,
        `Every DKIM key found is revoked or broken: ${found.map((s) => s.selector).join(', ')}.`,
      ),
      evidence,
      publish,
    );
  }
  if (weak.length > 0) {
    return result(
      DKIM,
      'fail',
      'high',
      text(`Khoá DKIM yếu (< 1024 bit, RFC 8301): ${describe(weak)}.`, `Weak DKIM keys (< 1024 bits, RFC 8301): ${describe(weak)}.`),
      evidence,
      rotate,
    );
  }
  if (medium.length > 0 || broken.length > 0) {
    return result(
      DKIM,
      'warn',
      'low',
      text(
        `Khoá DKIM ${medium.length ? `1024 bit (nên dùng 2048): ${describe(medium)}` : ''}${broken.length ? ` hỏng: ${describe(broken)}` : ''}.`,
        `DKIM keys ${medium.length ? `of 1024 bits (2048 recommended): ${describe(medium)}` : ''}${broken.length ? ` broken: ${describe(broken)}` : ''}.`,
      ),
      evidence,
      rotate,
    );
  }
  return result(DKIM, 'pass', 'info', text(`Tìm thấy khoá DKIM: ${describe(usable)}.`, `DKIM keys found: ${describe(usable)}.`), evidence);
}

export interface MtaStsPolicy {
  version?: string;
  mode?: string;
  mx: string[];
  maxAge?: number;
  problems: string[];
}

/** RFC 8461 §3.2 policy file: "key: value" lines. */
export function parseMtaStsPolicy(body: string): MtaStsPolicy {
  const policy: MtaStsPolicy = { mx: [], problems: [] };
  for (const raw of body.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line) continue;
    const colon = line.indexOf(':');
    if (colon < 0) {
      policy.problems.push(`line without "key: value": ${line.slice(0, 80)}`);
      continue;
    }
    const key = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (key === 'version') policy.version = value;
    else if (key === 'mode') policy.mode = value;
    else if (key === 'mx') policy.mx.push(value.toLowerCase());
    else if (key === 'max_age') policy.maxAge = /^\d{1,10}$/.test(value) ? Number(value) : Number.NaN;
  }
  if (policy.version !== 'STSv1') policy.problems.push('version must be STSv1');
  if (!['enforce', 'testing', 'none'].includes(policy.mode ?? '')) policy.problems.push('mode must be enforce, testing or none');
  if (policy.maxAge === undefined || !(policy.maxAge >= 0 && policy.maxAge <= 31_557_600)) policy.problems.push('max_age must be 0..31557600 seconds');
  if (policy.mode !== 'none' && policy.mx.length === 0) policy.problems.push('no mx: lines');
  return policy;
}

/** Whether an MX host matches a policy mx pattern ("*.example.com" matches exactly one label). */
export function mxMatchesPattern(host: string, pattern: string): boolean {
  const h = host.toLowerCase().replace(/\.$/, '');
  const p = pattern.toLowerCase().replace(/\.$/, '');
  if (p.startsWith('*.')) {
    const rest = p.slice(2);
    return h.endsWith(`.${rest}`) && !h.slice(0, -rest.length - 1).includes('.');
  }
  return h === p;
}

export function checkMtaSts(e: MailDnsEvidence): CheckResult {
  const lookup = e.mtaSts.lookup;
  if (lookupFailed(lookup)) return lookupError(MTA_STS, lookup);
  const policyBody = e.mtaSts.policy?.body;
  const policy = policyBody !== undefined ? parseMtaStsPolicy(policyBody) : undefined;
  const mxHosts = e.mx.hosts.map((h) => h.exchange).filter(Boolean);
  const uncovered = policy ? mxHosts.filter((h) => !policy.mx.some((p) => mxMatchesPattern(h, p))) : [];
  const evidence = { records: e.mtaSts.records, policy: e.mtaSts.policy ?? null, parsed: policy ?? null, mxHosts, uncovered };
  const deploy = text(
    `Công bố _mta-sts.${e.domain}. IN TXT "v=STSv1; id=20250101T000000" và phục vụ https://mta-sts.${e.domain}/.well-known/mta-sts.txt (chứng thư hợp lệ, text/plain) với nội dung: "version: STSv1\\nmode: enforce\\n${mxHosts.map((h) => `mx: ${h}\\n`).join('')}max_age: 604800". Bắt đầu bằng mode: testing nếu cần.`,
    `Publish _mta-sts.${e.domain}. IN TXT "v=STSv1; id=20250101T000000" and serve https://mta-sts.${e.domain}/.well-known/mta-sts.txt (valid certificate, text/plain) containing: "version: STSv1\\nmode: enforce\\n${mxHosts.map((h) => `mx: ${h}\\n`).join('')}max_age: 604800". Start with mode: testing if needed.`,
  );
  if (e.mtaSts.records.length === 0) {
    return result(
      MTA_STS,
      'fail',
      'medium',
      text('Không có MTA-STS: kẻ tấn công trên đường truyền có thể hạ cấp STARTTLS.', 'No MTA-STS: an on-path attacker can strip STARTTLS.'),
      evidence,
      deploy,
    );
  }
  if (e.mtaSts.records.length > 1 || !/(^|;)\s*id\s*=\s*[A-Za-z0-9]{1,32}\s*(;|$)/.test(e.mtaSts.records[0]!)) {
    return result(
      MTA_STS,
      'fail',
      'medium',
      text(
        `Bản ghi _mta-sts không hợp lệ (cần đúng một bản ghi có id=): ${e.mtaSts.records.join(' | ')}`,
        `Invalid _mta-sts record (exactly one, with id=, is required): ${e.mtaSts.records.join(' | ')}`,
      ),
      evidence,
      deploy,
    );
  }
  const fetched = e.mtaSts.policy;
  if (!fetched?.fetched || fetched.status !== 200 || !policy) {
    const why = fetched?.certificateError ? `chứng thư / certificate: ${fetched.certificateError}` : (fetched?.error ?? `HTTP ${fetched?.status}`);
    return result(
      MTA_STS,
      'fail',
      'medium',
      text(`Không tải được tệp chính sách ${fetched?.url ?? ''}: ${why}.`, `Could not fetch the policy file ${fetched?.url ?? ''}: ${why}.`),
      evidence,
      deploy,
    );
  }
  if (policy.problems.length > 0 || uncovered.length > 0) {
    return result(
      MTA_STS,
      'fail',
      'medium',
      text(
        `Chính sách MTA-STS sai: ${[...policy.problems, ...(uncovered.length ? [`MX không nằm trong chính sách: ${uncovered.join(', ')}`] : [])].join('; ')}.`,
        `The MTA-STS policy is wrong: ${[...policy.problems, ...(uncovered.length ? [`MX not covered by the policy: ${uncovered.join(', ')}`] : [])].join('; ')}.`,
      ),
      evidence,
      deploy,
    );
  }
  if (policy.mode !== 'enforce') {
    return result(
      MTA_STS,
      'warn',
      'low',
      text(`MTA-STS đang ở mode: ${policy.mode} — chưa bảo vệ.`, `MTA-STS is in mode: ${policy.mode} — not protecting yet.`),
      evidence,
      text(
        'Sau khi báo cáo TLS-RPT không còn lỗi, chuyển sang "mode: enforce" và đổi id= trong bản ghi _mta-sts.',
        'Once TLS-RPT reports are clean, switch to "mode: enforce" and change id= in the _mta-sts record.',
      ),
    );
  }
  return result(
    MTA_STS,
    'pass',
    'info',
    text(`MTA-STS enforce, bao phủ mọi MX (${mxHosts.join(', ')}).`, `MTA-STS enforce, covering every MX (${mxHosts.join(', ')}).`),
    evidence,
  );
}

export function checkTlsRpt(e: MailDnsEvidence): CheckResult {
  const lookup = e.tlsRpt.lookup;
  if (lookupFailed(lookup)) return lookupError(TLS_RPT, lookup);
  const evidence = { records: e.tlsRpt.records };
  const publish = text(
    `Công bố: _smtp._tls.${e.domain}. IN TXT "v=TLSRPTv1; rua=mailto:tlsrpt@${e.domain}"`,
    `Publish: _smtp._tls.${e.domain}. IN TXT "v=TLSRPTv1; rua=mailto:tlsrpt@${e.domain}"`,
  );
  if (e.tlsRpt.records.length === 0) {
    return result(
      TLS_RPT,
      'fail',
      'low',
      text('Không có TLS-RPT: không nhận được báo cáo lỗi TLS khi các bên gửi thư tới.', 'No TLS-RPT: no reports of TLS failures from sending servers.'),
      evidence,
      publish,
    );
  }
  const valid = e.tlsRpt.records.length === 1 && /(^|;)\s*rua\s*=\s*(mailto:[^@\s;,]+@[^\s;,]+|https:\/\/[^\s;,]+)/i.test(e.tlsRpt.records[0]!);
  if (!valid) {
    return result(
      TLS_RPT,
      'fail',
      'low',
      text(
        `Bản ghi TLS-RPT không hợp lệ (cần đúng một bản ghi có rua=mailto:/https:): ${e.tlsRpt.records.join(' | ')}`,
        `Invalid TLS-RPT record (exactly one with rua=mailto:/https: is required): ${e.tlsRpt.records.join(' | ')}`,
      ),
      evidence,
      publish,
    );
  }
  return result(TLS_RPT, 'pass', 'info', text(`TLS-RPT: ${e.tlsRpt.records[0]}`, `TLS-RPT: ${e.tlsRpt.records[0]}`), evidence);
}
