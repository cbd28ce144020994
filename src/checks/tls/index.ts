/**
 * TLS checks over TlsEvidence, judged like SSL Labs / testssl.sh / internet.nl (docs: the check
 * catalogue): `<prefix>.protocols`, `<prefix>.ciphers`, `<prefix>.certificate`. Pure functions.
 * The web engineer calls checkTls(evidence, { idPrefix: 'web.tls' }) per HTTPS endpoint; the mail
 * checks reuse the same judgements with mail remediation and internet.nl's trust policy for MX.
 */
import type { CertificateInfo, TlsEvidence } from '../../probes/tls/types.js';
import { type CheckResult, type CheckStatus, type LocalizedText, NO_REMEDIATION, type ScoreCategory, type Severity, text } from '../types.js';
import { catalogueEntry } from '../catalogue.js';

export type TlsFlavour = 'web' | 'mail';

export interface CheckTlsOptions {
  idPrefix: string;
  /** Default `web-tls`. */
  category?: ScoreCategory | undefined;
  subject?: string | undefined;
  /** Remediation wording and trust policy (mail: untrusted/mismatched certificates warn, as internet.nl; DANE makes them fine). */
  flavour?: TlsFlavour | undefined;
  /** Mail only: DANE (TLSA) validates this endpoint's certificate. */
  daneValidated?: boolean | undefined;
}

/** Days before expiry at which a certificate is warned about. */
export const EXPIRY_WARNING_DAYS = 21;

export interface Finding {
  status: CheckStatus;
  severity: Severity;
  message: LocalizedText;
  remediation?: LocalizedText | undefined;
}

// An informational note never outweighs a pass.
const STATUS_RANK: Record<CheckStatus, number> = { info: 0, pass: 1, warn: 2, fail: 3, error: 4 };
const SEVERITY_RANK: Record<Severity, number> = { info: 0, low: 1, medium: 2, high: 3, critical: 4 };

/** Fold findings into one result: worst status, highest severity among the worst, texts joined. */
export function combine(
  base: { id: string; title: LocalizedText; category: ScoreCategory; subject?: string | undefined; references: string[]; evidence: Record<string, unknown> },
  findings: Finding[],
): CheckResult {
  let status: CheckStatus = findings.length > 0 && findings.every((f) => f.status === 'info') ? 'info' : 'pass';
  for (const f of findings) if (STATUS_RANK[f.status] > STATUS_RANK[status]) status = f.status;
  const relevant = findings.filter((f) => f.status === status);
  let severity: Severity = 'info';
  if (status !== 'pass' && status !== 'info') for (const f of relevant) if (SEVERITY_RANK[f.severity] > SEVERITY_RANK[severity]) severity = f.severity;
  const join = (all: LocalizedText[]) => {
    const parts = all.filter((p, i) => all.findIndex((o) => o.en === p.en) === i);
    return text(parts.map((p) => p.vi).join(' '), parts.map((p) => p.en).join(' '));
  };
  const remediations =
    status === 'pass' || status === 'info' ? [] : findings.filter((f) => STATUS_RANK[f.status] >= STATUS_RANK.warn && f.remediation).map((f) => f.remediation!);
  return {
    id: base.id,
    status,
    severity,
    title: base.title,
    detail: join(findings.map((f) => f.message)),
    evidence: base.evidence,
    remediation: remediations.length ? join(remediations) : NO_REMEDIATION,
    references: base.references,
    category: base.category,
    ...(base.subject ? { subject: base.subject } : {}),
  };
}

const REFS_WEB = [
  'https://github.com/ssllabs/research/wiki/SSL-Server-Rating-Guide',
  'https://ssl-config.mozilla.org/',
  'https://internet.nl/faqs/https/',
  'https://www.rfc-editor.org/rfc/rfc8996',
];
const REFS_MAIL = [
  'https://www.rfc-editor.org/rfc/rfc3207',
  'https://www.rfc-editor.org/rfc/rfc8996',
  'https://www.postfix.org/TLS_README.html',
  'https://internet.nl/faqs/mailauth/',
];

const PROTOCOL_FIX: Record<TlsFlavour, LocalizedText> = {
  web: text(
    'Chỉ bật TLS 1.2 và TLS 1.3: nginx `ssl_protocols TLSv1.2 TLSv1.3;` · Apache `SSLProtocol -all +TLSv1.2 +TLSv1.3` · IIS: tắt TLS 1.0/1.1 trong HKLM\\SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL\\Protocols (hoặc IIS Crypto, mẫu "Best Practices") rồi khởi động lại.',
    'Enable only TLS 1.2 and TLS 1.3: nginx `ssl_protocols TLSv1.2 TLSv1.3;` · Apache `SSLProtocol -all +TLSv1.2 +TLSv1.3` · IIS: disable TLS 1.0/1.1 under HKLM\\SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL\\Protocols (or IIS Crypto, "Best Practices" template) and reboot.',
  ),
  mail: text(
    'Postfix: `smtpd_tls_protocols = !SSLv2, !SSLv3, !TLSv1, !TLSv1.1` và `smtpd_tls_mandatory_protocols = !SSLv2, !SSLv3, !TLSv1, !TLSv1.1` · Exchange: tắt TLS 1.0/1.1 trong SCHANNEL (hướng dẫn "Exchange Server TLS configuration") · Dovecot: `ssl_min_protocol = TLSv1.2`.',
    'Postfix: `smtpd_tls_protocols = !SSLv2, !SSLv3, !TLSv1, !TLSv1.1` and `smtpd_tls_mandatory_protocols = !SSLv2, !SSLv3, !TLSv1, !TLSv1.1` · Exchange: disable TLS 1.0/1.1 in SCHANNEL (Microsoft\'s "Exchange Server TLS configuration" guidance) · Dovecot: `ssl_min_protocol = TLSv1.2`.',
  ),
};

const CIPHER_FIX: Record<TlsFlavour, LocalizedText> = {
  web: text(
    'Chỉ dùng bộ mã ECDHE + AEAD (cấu hình "intermediate" của Mozilla): nginx `ssl_ciphers ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305;` · Apache `SSLCipherSuite` cùng danh sách · IIS: Group Policy "SSL Cipher Suite Order" hoặc IIS Crypto, bỏ các bộ TLS_RSA_*, 3DES, RC4.',
    'Use only ECDHE + AEAD suites (Mozilla "intermediate"): nginx `ssl_ciphers ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305;` · Apache `SSLCipherSuite` with the same list · IIS: Group Policy "SSL Cipher Suite Order" or IIS Crypto, removing TLS_RSA_*, 3DES and RC4 suites.',
  ),
  mail: text(
    'Postfix: `smtpd_tls_mandatory_ciphers = high`, `smtpd_tls_ciphers = high`, `smtpd_tls_exclude_ciphers = aNULL, eNULL, EXPORT, DES, 3DES, RC4, MD5, kRSA` · Exchange: sắp lại "SSL Cipher Suite Order" (Group Policy), bỏ TLS_RSA_*, 3DES, RC4.',
    'Postfix: `smtpd_tls_mandatory_ciphers = high`, `smtpd_tls_ciphers = high`, `smtpd_tls_exclude_ciphers = aNULL, eNULL, EXPORT, DES, 3DES, RC4, MD5, kRSA` · Exchange: reorder "SSL Cipher Suite Order" (Group Policy), removing TLS_RSA_*, 3DES and RC4.',
  ),
};

const CERT_FIX: Record<TlsFlavour, LocalizedText> = {
  web: text(
    'Cấp lại chứng thư từ CA được tin cậy, có đủ tên miền trong SAN, khoá RSA ≥ 2048 bit hoặc ECDSA P-256, chữ ký SHA-256, và cấu hình đủ chuỗi: nginx `ssl_certificate /etc/ssl/fullchain.pem;` · Apache `SSLCertificateFile` (kèm chuỗi trung gian) · IIS: nhập chứng thư mới và gắn vào binding HTTPS.',
    'Reissue the certificate from a trusted CA with every name in its SAN, an RSA ≥ 2048-bit or ECDSA P-256 key and a SHA-256 signature, and serve the full chain: nginx `ssl_certificate /etc/ssl/fullchain.pem;` · Apache `SSLCertificateFile` (with the intermediates) · IIS: import the new certificate and bind it to the HTTPS site.',
  ),
  mail: text(
    'Cấp lại chứng thư cho tên MX (CA được tin cậy hoặc công bố bản ghi TLSA/DANE), khoá RSA ≥ 2048 bit, chữ ký SHA-256: Postfix `smtpd_tls_chain_files = /etc/postfix/key.pem, /etc/postfix/fullchain.pem` · Exchange `Enable-ExchangeCertificate -Thumbprint <…> -Services SMTP`.',
    'Reissue the certificate for the MX name (from a trusted CA, or publish TLSA records for DANE) with an RSA ≥ 2048-bit key and a SHA-256 signature: Postfix `smtpd_tls_chain_files = /etc/postfix/key.pem, /etc/postfix/fullchain.pem` · Exchange `Enable-ExchangeCertificate -Thumbprint <…> -Services SMTP`.',
  ),
};

function unreachable(evidence: TlsEvidence): Finding {
  return {
    status: 'error',
    severity: 'medium',
    message: text(
      `Không thực hiện được bắt tay TLS với ${evidence.host}:${evidence.port}: ${evidence.error ?? 'không rõ lý do'}.`,
      `No TLS handshake with ${evidence.host}:${evidence.port}: ${evidence.error ?? 'unknown reason'}.`,
    ),
  };
}

export function judgeProtocols(evidence: TlsEvidence, flavour: TlsFlavour): Finding[] {
  const p = evidence.protocols;
  const accepted = (['SSLv2', 'SSLv3', 'TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'] as const).filter((v) => p[v] === 'accepted');
  if (!evidence.reachable || accepted.length === 0) return [unreachable(evidence)];
  const findings: Finding[] = [];
  const fix = PROTOCOL_FIX[flavour];
  const list = accepted.join(', ');
  if (p['TLSv1.2'] !== 'accepted' && p['TLSv1.3'] !== 'accepted') {
    findings.push({
      status: 'fail',
      severity: 'high',
      message: text(`Không hỗ trợ TLS 1.2 hay TLS 1.3 (chỉ ${list}).`, `Neither TLS 1.2 nor TLS 1.3 is supported (only ${list}).`),
      remediation: fix,
    });
  }
  const broken = accepted.filter((v) => v === 'SSLv2' || v === 'SSLv3');
  if (broken.length) {
    findings.push({
      status: 'fail',
      severity: 'critical',
      message: text(`Chấp nhận ${broken.join(', ')} (bị phá vỡ, POODLE/DROWN).`, `Accepts ${broken.join(', ')} (broken: POODLE/DROWN).`),
      remediation: fix,
    });
  }
  const old = accepted.filter((v) => v === 'TLSv1' || v === 'TLSv1.1');
  if (old.length) {
    findings.push({
      status: 'warn',
      severity: 'medium',
      message: text(`Vẫn chấp nhận giao thức cũ ${old.join(', ')} (RFC 8996 đã loại bỏ).`, `Still accepts the deprecated ${old.join(', ')} (RFC 8996).`),
      remediation: fix,
    });
  }
  const untestable = (['SSLv2', 'SSLv3'] as const).filter((v) => p[v] === 'not-testable');
  findings.push({
    status: 'pass',
    severity: 'info',
    message: text(
      `Giao thức được chấp nhận: ${list}.${p['TLSv1.3'] === 'accepted' ? '' : ' Nên bật thêm TLS 1.3.'} Không kiểm tra được: ${untestable.join(', ') || 'không có'}.`,
      `Accepted protocols: ${list}.${p['TLSv1.3'] === 'accepted' ? '' : ' Enabling TLS 1.3 is recommended.'} Not testable: ${untestable.join(', ') || 'none'}.`,
    ),
  });
  for (const v of ['SSLv3', 'TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'] as const) {
    if (p[v] === 'error')
      findings.push({
        status: 'info',
        severity: 'info',
        message: text(`Không xác định được ${v} (hết thời gian/lỗi kết nối).`, `${v} could not be determined (timeout/connection error).`),
      });
  }
  return findings;
}

export function judgeCiphers(evidence: TlsEvidence, flavour: TlsFlavour): Finding[] {
  const all = evidence.ciphers.flatMap((v) => v.suites.map((s) => ({ ...s, version: v.version })));
  if (!evidence.reachable || all.length === 0) return [unreachable(evidence)];
  const findings: Finding[] = [];
  const fix = CIPHER_FIX[flavour];
  const names = (list: typeof all) => [...new Set(list.map((s) => s.name))].join(', ');
  const insecure = all.filter((s) => s.strength === 'insecure');
  if (insecure.length) {
    findings.push({
      status: 'fail',
      severity: 'high',
      message: text(`Chấp nhận bộ mã không an toàn: ${names(insecure)}.`, `Accepts insecure cipher suites: ${names(insecure)}.`),
      remediation: fix,
    });
  }
  const fs = all.filter((s) => s.forwardSecrecy);
  const noFs = all.filter((s) => !s.forwardSecrecy && s.strength !== 'insecure');
  if (fs.length === 0) {
    findings.push({
      status: 'fail',
      severity: 'medium',
      message: text('Không có bộ mã nào bảo đảm forward secrecy (ECDHE/DHE).', 'No cipher suite provides forward secrecy (ECDHE/DHE).'),
      remediation: fix,
    });
  } else if (noFs.length) {
    findings.push({
      status: 'warn',
      severity: 'medium',
      message: text(
        `Chấp nhận bộ mã không có forward secrecy (trao đổi khoá RSA): ${names(noFs)}.`,
        `Accepts suites without forward secrecy (RSA key exchange): ${names(noFs)}.`,
      ),
      remediation: fix,
    });
  }
  if (!all.some((s) => s.aead)) {
    findings.push({
      status: 'warn',
      severity: 'medium',
      message: text('Không có bộ mã AEAD (GCM/ChaCha20) nào.', 'No AEAD suite (GCM/ChaCha20) is offered.'),
      remediation: fix,
    });
  }
  const cbc = all.filter((s) => s.strength === 'acceptable');
  const summary = evidence.ciphers
    .map(
      (v) =>
        `${v.version}: ${v.suites.length}${v.serverPreference ? ` (server order, first ${v.preferred})` : v.serverPreference === false ? ' (client order)' : ''}`,
    )
    .join('; ');
  findings.push({
    status: 'pass',
    severity: 'info',
    message: text(
      `Bộ mã theo phiên bản — ${summary}.${cbc.length ? ` Còn ${cbc.length} bộ mã CBC (chấp nhận được).` : ''}${evidence.untestedSuites.length ? ` Không kiểm tra được: ${evidence.untestedSuites.join(', ')}.` : ''}`,
      `Suites per version — ${summary}.${cbc.length ? ` ${cbc.length} CBC suites remain (acceptable).` : ''}${evidence.untestedSuites.length ? ` Not testable: ${evidence.untestedSuites.join(', ')}.` : ''}`,
    ),
  });
  return findings;
}

function weakKey(cert: CertificateInfo): boolean {
  if (cert.keyBits === undefined) return false;
  if (cert.keyType === 'rsa' || cert.keyType === 'rsa-pss' || cert.keyType === 'dsa') return cert.keyBits < 2048;
  if (cert.keyType === 'ec') return cert.keyBits < 256;
  return false;
}

export function judgeCertificate(evidence: TlsEvidence, flavour: TlsFlavour, daneValidated = false): Finding[] {
  const cert = evidence.certificate;
  if (!cert || cert.chain.length === 0) return [unreachable(evidence)];
  const leaf = cert.chain[0]!;
  const fix = CERT_FIX[flavour];
  const findings: Finding[] = [];
  const now = Date.parse(cert.observedAt);
  const notAfter = Date.parse(leaf.notAfter);
  const daysLeft = Math.floor((notAfter - now) / 86_400_000);
  // Mail: like internet.nl, an untrusted or mismatched MX certificate only warns (opportunistic TLS),
  // and is fine when DANE pins it.
  const trustStatus: CheckStatus = flavour === 'web' ? 'fail' : daneValidated ? 'pass' : 'warn';

  if (now > notAfter) {
    findings.push({
      status: 'fail',
      severity: 'high',
      message: text(`Chứng thư đã hết hạn ngày ${leaf.notAfter.slice(0, 10)}.`, `The certificate expired on ${leaf.notAfter.slice(0, 10)}.`),
      remediation: fix,
    });
  } else if (now < Date.parse(leaf.notBefore)) {
    findings.push({
      status: 'fail',
      severity: 'high',
      message: text(
        `Chứng thư chưa có hiệu lực (từ ${leaf.notBefore.slice(0, 10)}).`,
        `The certificate is not valid yet (from ${leaf.notBefore.slice(0, 10)}).`,
      ),
      remediation: fix,
    });
  } else if (daysLeft < EXPIRY_WARNING_DAYS) {
    findings.push({
      status: 'warn',
      severity: 'medium',
      message: text(
        `Chứng thư hết hạn sau ${daysLeft} ngày (${leaf.notAfter.slice(0, 10)}).`,
        `The certificate expires in ${daysLeft} days (${leaf.notAfter.slice(0, 10)}).`,
      ),
      remediation: fix,
    });
  }
  if (!cert.trusted) {
    const why =
      cert.trustError === 'DEPTH_ZERO_SELF_SIGNED_CERT' || cert.trustError === 'SELF_SIGNED_CERT_IN_CHAIN'
        ? text('tự ký', 'self-signed')
        : text(cert.trustError ?? 'không rõ', cert.trustError ?? 'unknown');
    findings.push({
      status: trustStatus,
      severity: 'high',
      message: text(
        `Chuỗi chứng thư không được tin cậy (${why.vi})${daneValidated ? ', nhưng DANE xác thực được' : ''}.`,
        `The certificate chain is not trusted (${why.en})${daneValidated ? ', but DANE validates it' : ''}.`,
      ),
      remediation: fix,
    });
  }
  if (!cert.hostnameMatches) {
    findings.push({
      status: trustStatus,
      severity: 'high',
      message: text(
        `Chứng thư không khớp tên ${cert.checkedName} (SAN: ${leaf.subjectAltNames.join(', ') || 'không có'}).`,
        `The certificate does not match ${cert.checkedName} (SAN: ${leaf.subjectAltNames.join(', ') || 'none'}).`,
      ),
      remediation: fix,
    });
  }
  if (weakKey(leaf)) {
    findings.push({
      status: 'fail',
      severity: 'medium',
      message: text(
        `Khoá ${leaf.keyType.toUpperCase()} ${leaf.keyBits} bit quá yếu.`,
        `The ${leaf.keyType.toUpperCase()} key of ${leaf.keyBits} bits is too weak.`,
      ),
      remediation: fix,
    });
  }
  // Self-signed roots' own signatures do not matter; every certificate the client must check does.
  const weakSig = cert.chain.filter((c) => !c.selfSigned && (c.signatureHash === 'sha1' || c.signatureHash === 'md5' || c.signatureHash === 'md2'));
  if (weakSig.length) {
    findings.push({
      status: 'fail',
      severity: 'medium',
      message: text(
        `Chữ ký dùng hàm băm yếu: ${weakSig.map((c) => `${c.commonName ?? c.subject} (${c.signatureAlgorithm})`).join(', ')}.`,
        `Signed with a weak hash: ${weakSig.map((c) => `${c.commonName ?? c.subject} (${c.signatureAlgorithm})`).join(', ')}.`,
      ),
      remediation: fix,
    });
  }
  findings.push({
    status: 'pass',
    severity: 'info',
    message: text(
      `Chứng thư ${leaf.commonName ?? leaf.subject}, cấp bởi ${leaf.issuer}, hạn đến ${leaf.notAfter.slice(0, 10)}, khoá ${leaf.keyType.toUpperCase()} ${leaf.keyBits ?? '?'} bit, chữ ký ${leaf.signatureAlgorithm}; OCSP stapling: ${cert.ocspStapled ? 'có' : 'không'}.`,
      `Certificate ${leaf.commonName ?? leaf.subject}, issued by ${leaf.issuer}, valid until ${leaf.notAfter.slice(0, 10)}, ${leaf.keyType.toUpperCase()} ${leaf.keyBits ?? '?'}-bit key, ${leaf.signatureAlgorithm} signature; OCSP stapling: ${cert.ocspStapled ? 'yes' : 'no'}.`,
    ),
  });
  return findings;
}

function protocolEvidence(evidence: TlsEvidence): Record<string, unknown> {
  return {
    endpoint: `${evidence.host}:${evidence.port}`,
    starttls: evidence.starttls,
    protocols: evidence.protocols,
    negotiated: evidence.negotiated,
    error: evidence.error,
  };
}

function cipherEvidence(evidence: TlsEvidence): Record<string, unknown> {
  return {
    endpoint: `${evidence.host}:${evidence.port}`,
    ciphers: evidence.ciphers.map((v) => ({
      version: v.version,
      serverPreference: v.serverPreference,
      preferred: v.preferred,
      incomplete: v.incomplete,
      suites: v.suites.map((s) => `${s.name} (${s.strength})`),
    })),
    untestedSuites: evidence.untestedSuites,
  };
}

function certificateSummary(evidence: TlsEvidence): Record<string, unknown> {
  const cert = evidence.certificate;
  if (!cert) return { endpoint: `${evidence.host}:${evidence.port}`, error: evidence.error };
  return {
    endpoint: `${evidence.host}:${evidence.port}`,
    trusted: cert.trusted,
    trustError: cert.trustError,
    checkedName: cert.checkedName,
    hostnameMatches: cert.hostnameMatches,
    ocspStapled: cert.ocspStapled,
    chain: cert.chain.map(({ derBase64: _der, ...rest }) => rest),
  };
}

/** The catalogue's title for a published id (web.tls.*); another prefix keeps the generic title. */
function publishedTitle(id: string, generic: LocalizedText): LocalizedText {
  return catalogueEntry(id)?.title ?? generic;
}

export function checkTls(evidence: TlsEvidence, options: CheckTlsOptions): CheckResult[] {
  const flavour = options.flavour ?? 'web';
  const category = options.category ?? 'web-tls';
  const references = flavour === 'web' ? REFS_WEB : REFS_MAIL;
  const common = { category, subject: options.subject, references };
  return [
    combine(
      {
        ...common,
        id: `${options.idPrefix}.protocols`,
        title: publishedTitle(`${options.idPrefix}.protocols`, text('Phiên bản giao thức TLS', 'TLS protocol versions')),
        evidence: protocolEvidence(evidence),
      },
      judgeProtocols(evidence, flavour),
    ),
    combine(
      {
        ...common,
        id: `${options.idPrefix}.ciphers`,
        title: publishedTitle(`${options.idPrefix}.ciphers`, text('Bộ mã hoá TLS', 'TLS cipher suites')),
        evidence: cipherEvidence(evidence),
      },
      judgeCiphers(evidence, flavour),
    ),
    combine(
      {
        ...common,
        id: `${options.idPrefix}.certificate`,
        title: publishedTitle(`${options.idPrefix}.certificate`, text('Chứng thư số TLS', 'TLS certificate')),
        evidence: certificateSummary(evidence),
      },
      judgeCertificate(evidence, flavour, options.daneValidated),
    ),
  ];
}

/** The three judgements folded into one result (mail.tls: one per MX). */
export function checkTlsCombined(evidence: TlsEvidence, options: CheckTlsOptions & { id: string; title: LocalizedText }): CheckResult {
  const flavour = options.flavour ?? 'web';
  return combine(
    {
      id: options.id,
      title: options.title,
      category: options.category ?? 'web-tls',
      subject: options.subject,
      references: flavour === 'web' ? REFS_WEB : REFS_MAIL,
      evidence: { protocols: protocolEvidence(evidence), ciphers: cipherEvidence(evidence), certificate: certificateSummary(evidence) },
    },
    [...judgeProtocols(evidence, flavour), ...judgeCiphers(evidence, flavour), ...judgeCertificate(evidence, flavour, options.daneValidated)],
  );
}
