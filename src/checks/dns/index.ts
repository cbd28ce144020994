/** dns.dnssec, dns.axfr, dns.caa and mail.dane: pure functions over MailDnsEvidence (+ MX certificates for DANE). */
import { createHash, X509Certificate } from 'node:crypto';
import type { MailDnsEvidence } from '../../probes/mail-dns.js';
import { lookupError, lookupFailed, result } from '../mail/auth/result.js';
import { type CheckResult, text } from '../types.js';
import { checkSpec } from '../catalogue.js';

const DNSSEC = {
  ...checkSpec('dns.dnssec'),
  references: ['https://www.rfc-editor.org/rfc/rfc4033', 'https://www.rfc-editor.org/rfc/rfc6840'],
};
const AXFR = {
  ...checkSpec('dns.axfr'),
  references: ['https://www.rfc-editor.org/rfc/rfc5936#section-6'],
};
const CAA = { ...checkSpec('dns.caa'), references: ['https://www.rfc-editor.org/rfc/rfc8659'] };
const DANE = {
  ...checkSpec('mail.dane'),
  references: ['https://www.rfc-editor.org/rfc/rfc7672', 'https://www.rfc-editor.org/rfc/rfc6698'],
};

export function checkDnssec(e: MailDnsEvidence): CheckResult {
  const { soa, mx, dnskey, dnskeyCount } = e.dnssec;
  if (lookupFailed(soa)) return lookupError(DNSSEC, soa);
  const evidence = {
    soaAuthenticated: Boolean(soa.authenticated),
    mxAuthenticated: Boolean(mx.authenticated),
    dnskeyCount,
    dnskeyOutcome: dnskey.outcome,
    resolver: e.resolver,
  };
  const sign = text(
    `Ký vùng ${e.domain} bằng DNSSEC trên máy chủ DNS có thẩm quyền (BIND: dnssec-policy default; PowerDNS: pdnsutil secure-zone) và gửi bản ghi DS cho nhà đăng ký (VNNIC với .vn).`,
    `Sign the ${e.domain} zone with DNSSEC on the authoritative server (BIND: dnssec-policy default; PowerDNS: pdnsutil secure-zone) and submit the DS record to the registrar (VNNIC for .vn).`,
  );
  if (soa.authenticated && (mx.authenticated || mx.outcome !== 'answer')) {
    return result(
      DNSSEC,
      'pass',
      'info',
      text(`Vùng được ký và xác thực (cờ AD, ${dnskeyCount} DNSKEY).`, `The zone is signed and validates (AD flag, ${dnskeyCount} DNSKEY).`),
      evidence,
    );
  }
  if (dnskeyCount > 0) {
    return result(
      DNSSEC,
      'fail',
      'high',
      text(
        'Vùng có DNSKEY nhưng câu trả lời không được xác thực (thiếu DS ở vùng cha, hoặc chữ ký hỏng) — hoặc resolver không kiểm tra DNSSEC.',
        'The zone has DNSKEY records but answers do not validate (no DS at the parent, or broken signatures) — or the resolver does not validate DNSSEC.',
      ),
      evidence,
      sign,
    );
  }
  return result(DNSSEC, 'fail', 'medium', text(`Vùng ${e.domain} không được ký DNSSEC.`, `The ${e.domain} zone is not DNSSEC-signed.`), evidence, sign);
}

export function checkAxfr(e: MailDnsEvidence): CheckResult {
  if (lookupFailed(e.ns.lookup)) return lookupError(AXFR, e.ns.lookup);
  const evidence = {
    zone: e.soa.zone,
    attempts: e.axfr.map(({ ns, server, outcome, recordCount, sampleNames, reason, rcode }) => ({
      ns,
      server,
      outcome,
      recordCount,
      sampleNames,
      reason,
      rcode,
    })),
  };
  if (e.axfr.length === 0) {
    return result(AXFR, 'info', 'info', text(`Không tìm thấy máy chủ NS của ${e.soa.zone} để thử.`, `No NS servers of ${e.soa.zone} found to try.`), evidence);
  }
  const open = e.axfr.filter((a) => a.outcome === 'transferred');
  if (open.length > 0) {
    return result(
      AXFR,
      'fail',
      'high',
      text(
        `Máy chủ cho phép chuyển toàn bộ vùng ${e.soa.zone} cho bất kỳ ai: ${open.map((a) => `${a.ns} (${a.recordCount} bản ghi)`).join(', ')}.`,
        `Servers hand the whole ${e.soa.zone} zone to anyone: ${open.map((a) => `${a.ns} (${a.recordCount} records)`).join(', ')}.`,
      ),
      evidence,
      text(
        'Chỉ cho phép AXFR tới máy chủ phụ: BIND "allow-transfer { <IP máy phụ>; };" (hoặc dùng khoá TSIG); Windows DNS: Zone Properties → Zone Transfers → "Only to servers listed on the Name Servers tab".',
        'Allow AXFR only to secondaries: BIND "allow-transfer { <secondary IP>; };" (or a TSIG key); Windows DNS: Zone Properties → Zone Transfers → "Only to servers listed on the Name Servers tab".',
      ),
    );
  }
  if (e.axfr.some((a) => a.outcome === 'refused')) {
    return result(
      AXFR,
      'pass',
      'info',
      text(`Mọi máy chủ NS từ chối AXFR (${e.axfr.map((a) => a.ns).join(', ')}).`, `Every NS refuses AXFR (${e.axfr.map((a) => a.ns).join(', ')}).`),
      evidence,
    );
  }
  return result(
    AXFR,
    'error',
    'medium',
    text(
      `Không thử được AXFR: ${e.axfr.map((a) => `${a.ns}: ${a.outcome}${a.reason ? ` (${a.reason})` : ''}`).join('; ')}.`,
      `Could not try AXFR: ${e.axfr.map((a) => `${a.ns}: ${a.outcome}${a.reason ? ` (${a.reason})` : ''}`).join('; ')}.`,
    ),
    evidence,
  );
}

export function checkCaa(e: MailDnsEvidence): CheckResult {
  const first = e.caa.queried[0];
  const failed = e.caa.queried.find((q) => lookupFailed(q));
  const evidence = { foundAt: e.caa.foundAt ?? null, records: e.caa.records, queried: e.caa.queried.map((q) => `${q.name}: ${q.outcome}`) };
  if (!e.caa.foundAt && failed) return lookupError(CAA, failed, evidence);
  const publish = text(
    `Công bố CAA chỉ định CA được phép cấp chứng thư, ví dụ: ${e.domain}. IN CAA 0 issue "letsencrypt.org" và ${e.domain}. IN CAA 0 iodef "mailto:security@${e.domain}"`,
    `Publish CAA naming the CAs allowed to issue, e.g. ${e.domain}. IN CAA 0 issue "letsencrypt.org" and ${e.domain}. IN CAA 0 iodef "mailto:security@${e.domain}"`,
  );
  if (!e.caa.foundAt || !first) {
    return result(
      CAA,
      'fail',
      'low',
      text('Không có bản ghi CAA: CA nào cũng có thể cấp chứng thư cho tên miền.', 'No CAA records: any CA may issue certificates for the domain.'),
      evidence,
      publish,
    );
  }
  if (!e.caa.records.some((r) => r.tag === 'issue' || r.tag === 'issuewild')) {
    return result(
      CAA,
      'warn',
      'low',
      text(`CAA tại ${e.caa.foundAt} không có thẻ issue/issuewild.`, `CAA at ${e.caa.foundAt} has no issue/issuewild tag.`),
      evidence,
      publish,
    );
  }
  return result(
    CAA,
    'pass',
    'info',
    text(
      `CAA tại ${e.caa.foundAt}: ${e.caa.records.map((r) => `${r.tag} "${r.value}"`).join(', ')}.`,
      `CAA at ${e.caa.foundAt}: ${e.caa.records.map((r) => `${r.tag} "${r.value}"`).join(', ')}.`,
    ),
    evidence,
  );
}

export interface TlsaRecord {
  usage: number;
  selector: number;
  matchingType: number;
  certificate: string;
}

/** Whether one TLSA record matches a chain (DER, base64; leaf first) per RFC 6698 §2.1 / RFC 7671. */
export function tlsaMatches(record: TlsaRecord, chainDerBase64: string[]): boolean {
  // Usages 1 and 3 (end entity) match the leaf; 0 and 2 (trust anchor) match any certificate of the chain.
  const candidates = record.usage === 1 || record.usage === 3 ? chainDerBase64.slice(0, 1) : chainDerBase64;
  for (const der of candidates) {
    let data: Buffer;
    try {
      const bytes = Buffer.from(der, 'base64');
      data = record.selector === 1 ? new X509Certificate(bytes).publicKey.export({ type: 'spki', format: 'der' }) : bytes;
    } catch {
      continue;
    }
    const digest =
      record.matchingType === 1 ? createHash('sha256').update(data).digest() : record.matchingType === 2 ? createHash('sha512').update(data).digest() : data;
    if (digest.toString('hex') === record.certificate.toLowerCase()) return true;
  }
  return false;
}

/** MX host → certificate chains (DER base64, leaf first) from the transport evidence or a plain map. */
function certificatesByMx(transport: unknown): Map<string, string[][]> {
  const out = new Map<string, string[][]>();
  if (!transport || typeof transport !== 'object') return out;
  const mx = (transport as { mx?: unknown }).mx;
  if (Array.isArray(mx)) {
    for (const host of mx as { host?: string; addresses?: { tls?: { certificate?: { chain?: { derBase64?: string }[] } } }[] }[]) {
      if (!host?.host) continue;
      const chains = (host.addresses ?? [])
        .map((a) => (a.tls?.certificate?.chain ?? []).map((c) => c.derBase64 ?? '').filter(Boolean))
        .filter((c) => c.length > 0);
      out.set(host.host.toLowerCase().replace(/\.$/, ''), chains);
    }
    return out;
  }
  for (const [host, chain] of Object.entries(transport as Record<string, unknown>)) {
    if (Array.isArray(chain)) out.set(host.toLowerCase().replace(/\.$/, ''), [chain.map(String)]);
  }
  return out;
}

/**
 * mail.dane: TLSA records of each MX (`_25._tcp.<mx>`) against the certificates the MX presented.
 * `transport` is the SMTP transport evidence (MailTransportEvidence) or a map MX → chain (DER base64,
 * leaf first). Without certificates the result is `info`.
 */
export function checkDane(dnsEvidence: MailDnsEvidence, transport?: unknown): CheckResult[] {
  const e = dnsEvidence;
  const withTlsa = e.tlsa.filter((t) => t.records.length > 0);
  const failedLookups = e.tlsa.filter((t) => lookupFailed(t.lookup));
  const chains = certificatesByMx(transport);
  const perMx = e.tlsa.map((t) => {
    const hostChains = chains.get(t.host) ?? [];
    const matched = hostChains.length > 0 && t.records.length > 0 ? hostChains.every((chain) => t.records.some((r) => tlsaMatches(r, chain))) : undefined;
    return {
      host: t.host,
      outcome: t.lookup.outcome,
      authenticated: Boolean(t.lookup.authenticated),
      tlsa: t.records,
      certificatesSeen: hostChains.length,
      /** Whether the certificate matches the TLSA records (regardless of DNSSEC). */
      tlsaMatch: matched ?? null,
      /** DANE-validated: a match on DNSSEC-authenticated TLSA records (only then may a sender rely on it). */
      matched: matched === undefined ? null : matched && Boolean(t.lookup.authenticated),
    };
  });
  const evidence = { mx: perMx };
  if (withTlsa.length === 0) {
    if (failedLookups.length > 0) return [lookupError(DANE, failedLookups[0]!.lookup, evidence)];
    return [
      result(
        DANE,
        'info',
        'info',
        text('Không MX nào công bố TLSA (DANE không được dùng).', 'No MX publishes TLSA records (DANE not used).'),
        evidence,
        text(
          `Khi vùng đã ký DNSSEC, có thể công bố: _25._tcp.<mx>. IN TLSA 3 1 1 <SHA-256 của khoá công khai chứng thư MX>.`,
          `Once the zone is DNSSEC-signed, publish: _25._tcp.<mx>. IN TLSA 3 1 1 <SHA-256 of the MX certificate's public key>.`,
        ),
      ),
    ];
  }
  const unsigned = perMx.filter((m) => m.tlsa.length > 0 && !m.authenticated);
  if (unsigned.length > 0) {
    return [
      result(
        DANE,
        'fail',
        'high',
        text(
          `TLSA không được DNSSEC xác thực (DANE vô hiệu): ${unsigned.map((m) => m.host).join(', ')}.`,
          `TLSA records are not DNSSEC-validated (DANE has no effect): ${unsigned.map((m) => m.host).join(', ')}.`,
        ),
        evidence,
        text('Ký DNSSEC vùng chứa các MX (xem dns.dnssec).', 'DNSSEC-sign the zone holding the MX hosts (see dns.dnssec).'),
      ),
    ];
  }
  if (chains.size === 0) {
    return [
      result(
        DANE,
        'info',
        'info',
        text(
          `Có TLSA cho ${withTlsa.map((t) => t.host).join(', ')}; chưa có chứng thư MX để đối chiếu.`,
          `TLSA published for ${withTlsa.map((t) => t.host).join(', ')}; no MX certificates to match yet.`,
        ),
        evidence,
      ),
    ];
  }
  const mismatched = perMx.filter((m) => m.tlsaMatch === false);
  if (mismatched.length > 0) {
    return [
      result(
        DANE,
        'fail',
        'critical',
        text(
          `TLSA không khớp chứng thư MX: ${mismatched.map((m) => m.host).join(', ')} — bên gửi hỗ trợ DANE sẽ không giao thư.`,
          `TLSA does not match the MX certificate: ${mismatched.map((m) => m.host).join(', ')} — DANE-aware senders will not deliver.`,
        ),
        evidence,
        text(
          'Cập nhật TLSA theo chứng thư đang dùng (ví dụ 3 1 1 = SHA-256 của SubjectPublicKeyInfo), công bố bản ghi mới TRƯỚC khi thay chứng thư.',
          'Update TLSA to the certificate in use (e.g. 3 1 1 = SHA-256 of the SubjectPublicKeyInfo); publish the new record BEFORE rolling the certificate.',
        ),
      ),
    ];
  }
  const checked = perMx.filter((m) => m.matched === true);
  if (checked.length === 0) {
    return [result(DANE, 'info', 'info', text('Chưa có chứng thư cho các MX có TLSA.', 'No certificates for the MX hosts that publish TLSA.'), evidence)];
  }
  return [
    result(
      DANE,
      'pass',
      'info',
      text(`TLSA khớp chứng thư: ${checked.map((m) => m.host).join(', ')}.`, `TLSA matches the certificate: ${checked.map((m) => m.host).join(', ')}.`),
      evidence,
    ),
  ];
}

export function checkDnsEvidence(e: MailDnsEvidence): CheckResult[] {
  return [checkDnssec(e), checkAxfr(e), checkCaa(e)];
}
