/**
 * Mail transport checks over MailTransportEvidence, one result per MX host (subject = MX name):
 * mail.starttls, mail.tls, mail.open-relay, mail.banner, mail.plaintext-auth. Pure functions.
 * Mail TLS is judged like internet.nl (an untrusted MX certificate warns unless DANE validates
 * it), not like testssl.sh, which caps every STARTTLS service at grade T.
 */
import type { MailTransportEvidence, MxAddressEvidence, SmtpEvidence } from '../../../probes/smtp/types.js';
import { checkTlsCombined, combine, type Finding } from '../../tls/index.js';
import { type CheckResult, type LocalizedText, text } from '../../types.js';
import { checkSpec } from '../../catalogue.js';

const CATEGORY = 'mail-transport' as const;

const base = (id: string, title: LocalizedText, mx: SmtpEvidence, references: string[], evidence: Record<string, unknown>) => ({
  id,
  title,
  category: CATEGORY,
  subject: mx.host,
  references,
  evidence: { mx: mx.host, ...evidence },
});

function unreachable(mx: SmtpEvidence, a: MxAddressEvidence): Finding {
  return {
    status: 'error',
    severity: 'medium',
    message: text(
      `Không kết nối được SMTP tới ${mx.host} (${a.address}): ${a.smtp.error ?? 'không rõ'}.`,
      `Could not talk SMTP to ${mx.host} (${a.address}): ${a.smtp.error ?? 'unknown'}.`,
    ),
  };
}

function noAddresses(id: string, title: LocalizedText, mx: SmtpEvidence): CheckResult {
  return combine(base(id, title, mx, [], {}), [
    { status: 'error', severity: 'medium', message: text(`MX ${mx.host} không có địa chỉ IP nào.`, `MX ${mx.host} has no IP address.`) },
  ]);
}

const STARTTLS_FIX = text(
  'Bật STARTTLS cho SMTP đến: Postfix `smtpd_tls_security_level = may` cùng `smtpd_tls_chain_files` · Exchange: gán chứng thư cho dịch vụ SMTP (`Enable-ExchangeCertificate -Services SMTP`) và bật TLS trên receive connector (`Set-ReceiveConnector -AuthMechanism Tls`).',
  'Enable STARTTLS for inbound SMTP: Postfix `smtpd_tls_security_level = may` with `smtpd_tls_chain_files` · Exchange: assign a certificate to SMTP (`Enable-ExchangeCertificate -Services SMTP`) and enable TLS on the receive connector (`Set-ReceiveConnector -AuthMechanism Tls`).',
);

export function checkStartTls(mx: SmtpEvidence): CheckResult {
  const { title } = checkSpec('mail.starttls');
  if (mx.addresses.length === 0) return noAddresses('mail.starttls', title, mx);
  const findings: Finding[] = mx.addresses.map((a): Finding => {
    if (!a.smtp.connected || !a.smtp.ehlo) return unreachable(mx, a);
    if (!a.smtp.starttlsOffered)
      return {
        status: 'fail',
        severity: 'high',
        message: text(
          `${a.address} không quảng bá STARTTLS: thư tới được gửi không mã hoá.`,
          `${a.address} does not offer STARTTLS: mail to it travels unencrypted.`,
        ),
        remediation: STARTTLS_FIX,
      };
    if (a.smtp.tlsUpgrade && !a.smtp.tlsUpgrade.ok)
      return {
        status: 'fail',
        severity: 'high',
        message: text(
          `${a.address} quảng bá STARTTLS nhưng bắt tay TLS thất bại: ${a.smtp.tlsUpgrade.error}.`,
          `${a.address} offers STARTTLS but the TLS handshake fails: ${a.smtp.tlsUpgrade.error}.`,
        ),
        remediation: STARTTLS_FIX,
      };
    return {
      status: 'pass',
      severity: 'info',
      message: text(
        `${a.address}: STARTTLS hoạt động (${a.smtp.tlsUpgrade?.protocol ?? '?'}).`,
        `${a.address}: STARTTLS works (${a.smtp.tlsUpgrade?.protocol ?? '?'}).`,
      ),
    };
  });
  return combine(
    base('mail.starttls', title, mx, ['https://www.rfc-editor.org/rfc/rfc3207', 'https://internet.nl/faqs/mailauth/'], {
      addresses: mx.addresses.map((a) => ({ address: a.address, starttlsOffered: a.smtp.starttlsOffered, tlsUpgrade: a.smtp.tlsUpgrade, error: a.smtp.error })),
    }),
    findings,
  );
}

export function checkMailTls(mx: SmtpEvidence, daneValidated: boolean): CheckResult {
  const { title } = checkSpec('mail.tls');
  const withTls = mx.addresses.filter((a) => a.tls);
  if (withTls.length === 0) {
    return combine(base('mail.tls', title, mx, ['https://www.rfc-editor.org/rfc/rfc3207'], {}), [
      {
        status: 'info',
        severity: 'info',
        message: text('Không có STARTTLS nên không đánh giá được TLS (xem mail.starttls).', 'No STARTTLS, so TLS cannot be assessed (see mail.starttls).'),
      },
    ]);
  }
  // One address's judgement stands for the MX when there is one; otherwise the worst address wins.
  const results = withTls.map((a) =>
    checkTlsCombined(a.tls!, { id: 'mail.tls', title, idPrefix: 'mail.tls', flavour: 'mail', category: CATEGORY, subject: mx.host, daneValidated }),
  );
  const rank = { info: 0, pass: 1, warn: 2, fail: 3, error: 4 } as const;
  const worst = results.reduce((w, r) => (rank[r.status] > rank[w.status] ? r : w), results[0]!);
  return { ...worst, evidence: { mx: mx.host, daneValidated, addresses: withTls.map((a, i) => ({ address: a.address, ...results[i]!.evidence })) } };
}

const RELAY_FIX = text(
  'Chỉ nhận chuyển tiếp cho mạng nội bộ và người dùng đã xác thực: Postfix `smtpd_relay_restrictions = permit_mynetworks, permit_sasl_authenticated, reject_unauth_destination` và `mynetworks` chỉ gồm mạng nội bộ · Exchange: bỏ quyền "Ms-Exch-SMTP-Accept-Any-Recipient" cho nhóm Anonymous trên receive connector.',
  'Relay only for internal networks and authenticated users: Postfix `smtpd_relay_restrictions = permit_mynetworks, permit_sasl_authenticated, reject_unauth_destination` with `mynetworks` limited to internal networks · Exchange: remove "Ms-Exch-SMTP-Accept-Any-Recipient" for Anonymous on the receive connector.',
);

export function checkOpenRelay(mx: SmtpEvidence): CheckResult {
  const { title } = checkSpec('mail.open-relay');
  if (mx.addresses.length === 0) return noAddresses('mail.open-relay', title, mx);
  const findings = mx.addresses.map((a): Finding => {
    const relay = a.smtp.relay;
    if (!a.smtp.connected || !relay) return unreachable(mx, a);
    const rcpt = relay.rcptTo
      ? `${relay.rcptTo.code} ${relay.rcptTo.lines.join(' ')}`
      : relay.mailFrom
        ? `MAIL FROM → ${relay.mailFrom.code} ${relay.mailFrom.lines.join(' ')}`
        : (relay.error ?? '');
    if (relay.verdict === 'accepted')
      return {
        status: 'fail',
        severity: 'critical',
        message: text(
          `${a.address} nhận RCPT TO <${relay.to}> từ <${relay.from}> (${rcpt}): máy chủ chuyển tiếp thư cho người ngoài (vigil dừng ở RCPT TO, không gửi DATA).`,
          `${a.address} accepted RCPT TO <${relay.to}> from <${relay.from}> (${rcpt}): it relays for outsiders (vigil stopped at RCPT TO, no DATA sent).`,
        ),
        remediation: RELAY_FIX,
      };
    if (relay.verdict === 'refused')
      return { status: 'pass', severity: 'info', message: text(`${a.address} từ chối chuyển tiếp (${rcpt}).`, `${a.address} refuses to relay (${rcpt}).`) };
    return {
      status: 'warn',
      severity: 'low',
      message: text(
        `${a.address}: không kết luận được (${rcpt}${relay.error ? `; ${relay.error}` : ''}).`,
        `${a.address}: inconclusive (${rcpt}${relay.error ? `; ${relay.error}` : ''}).`,
      ),
    };
  });
  return combine(
    base('mail.open-relay', title, mx, ['https://www.rfc-editor.org/rfc/rfc5321#section-7.1', 'https://www.postfix.org/SMTPD_ACCESS_README.html'], {
      addresses: mx.addresses.map((a) => ({ address: a.address, relay: a.smtp.relay })),
    }),
    findings,
  );
}

/** Mail software whose name in a banner gives an attacker a head start. */
const SOFTWARE =
  /\b(Postfix|Exim|Sendmail|Microsoft ESMTP MAIL Service|Microsoft Exchange|Exchange Server|hMailServer|MDaemon|Zimbra|Haraka|qmail|Dovecot|OpenSMTPD|IceWarp|Kerio Connect|MailEnable|Lotus Domino|Courier|CommuniGate|Axigen|SmarterMail|Mercury|ArGoSoft|Sun Java System Messaging|Oracle Communications Messaging|Cyrus|MailMarshal|Barracuda|FortiMail|Cisco|IronPort|Smail|XMail)\b/i;

/** A version number near the software name (not an IP address or a clock time). */
export function disclosedSoftware(line: string): { software?: string; version?: string } {
  const m = SOFTWARE.exec(line);
  if (!m) return {};
  const after = line.slice(m.index, m.index + m[0].length + 40);
  const version = /(?<![\d.:])v?(\d+\.\d+(?:\.\d+){0,2}(?:[-_][\w.]+)?)(?![\d:])/.exec(after.slice(m[0].length));
  const isAddress = version && /^\d+\.\d+\.\d+\.\d+$/.test(version[1]!);
  return { software: m[1], ...(version && !isAddress ? { version: version[1] } : {}) };
}

const BANNER_FIX = text(
  'Bỏ tên và phiên bản phần mềm khỏi lời chào: Postfix `smtpd_banner = $myhostname ESMTP` · Exim `smtp_banner = $smtp_active_hostname ESMTP` · Sendmail `O SmtpGreetingMessage=$j` · Exchange `Set-ReceiveConnector <tên> -Banner "220 mail.example.gov.vn"`.',
  'Remove the software name and version from the greeting: Postfix `smtpd_banner = $myhostname ESMTP` · Exim `smtp_banner = $smtp_active_hostname ESMTP` · Sendmail `O SmtpGreetingMessage=$j` · Exchange `Set-ReceiveConnector <name> -Banner "220 mail.example.gov.vn"`.',
);

export function checkBanner(mx: SmtpEvidence): CheckResult {
  const { title } = checkSpec('mail.banner');
  if (mx.addresses.length === 0) return noAddresses('mail.banner', title, mx);
  const findings = mx.addresses.map((a): Finding => {
    if (!a.smtp.banner) return unreachable(mx, a);
    const lines = [...a.smtp.banner.lines, ...(a.smtp.ehlo?.lines.slice(0, 1) ?? []), ...(a.smtp.ehloAfterTls?.lines.slice(0, 1) ?? [])];
    const found = lines.map(disclosedSoftware).find((d) => d.version) ?? lines.map(disclosedSoftware).find((d) => d.software);
    const shown = `"${a.smtp.banner.code} ${a.smtp.banner.lines[0] ?? ''}"`;
    if (found?.version)
      return {
        status: 'fail',
        severity: 'low',
        message: text(
          `${a.address} lộ phần mềm và phiên bản ${found.software} ${found.version} trong ${shown}.`,
          `${a.address} discloses ${found.software} ${found.version} in ${shown}.`,
        ),
        remediation: BANNER_FIX,
      };
    if (found?.software)
      return {
        status: 'warn',
        severity: 'info',
        message: text(
          `${a.address} lộ tên phần mềm ${found.software} (không có phiên bản) trong ${shown}.`,
          `${a.address} names its software, ${found.software} (no version), in ${shown}.`,
        ),
        remediation: BANNER_FIX,
      };
    return {
      status: 'pass',
      severity: 'info',
      message: text(`${a.address}: lời chào ${shown} không lộ phần mềm.`, `${a.address}: greeting ${shown} names no software.`),
    };
  });
  return combine(
    base('mail.banner', title, mx, ['https://www.rfc-editor.org/rfc/rfc5321#section-4.3.1', 'https://www.postfix.org/postconf.5.html#smtpd_banner'], {
      addresses: mx.addresses.map((a) => ({ address: a.address, banner: a.smtp.banner, ehloGreeting: a.smtp.ehlo?.lines[0] })),
    }),
    findings,
  );
}

const PLAINTEXT_FIX = text(
  'Chỉ cho đăng nhập sau khi đã mã hoá: Postfix `smtpd_tls_auth_only = yes` (và `smtpd_tls_security_level = encrypt` trên cổng 587) · Exchange `Set-ReceiveConnector -AuthMechanism Tls,Integrated,BasicAuth,BasicAuthRequireTLS` · Dovecot `ssl = required` và `disable_plaintext_auth = yes` (2.3) / `auth_allow_cleartext = no` (2.4); ưu tiên IMAPS 993 và POP3S 995, đóng 143/110 khi có thể.',
  'Allow login only after encryption: Postfix `smtpd_tls_auth_only = yes` (and `smtpd_tls_security_level = encrypt` on port 587) · Exchange `Set-ReceiveConnector -AuthMechanism Tls,Integrated,BasicAuth,BasicAuthRequireTLS` · Dovecot `ssl = required` and `disable_plaintext_auth = yes` (2.3) / `auth_allow_cleartext = no` (2.4); prefer IMAPS 993 and POP3S 995 and close 143/110 where possible.',
);

export function checkPlaintextAuth(mx: SmtpEvidence): CheckResult {
  const { title } = checkSpec('mail.plaintext-auth');
  if (mx.addresses.length === 0) return noAddresses('mail.plaintext-auth', title, mx);
  const findings: Finding[] = [];
  for (const a of mx.addresses) {
    if (!a.smtp.connected) findings.push(unreachable(mx, a));
    else if (a.smtp.authBeforeTls.length)
      findings.push({
        status: 'fail',
        severity: 'high',
        message: text(
          `${a.address}:25 cho AUTH (${a.smtp.authBeforeTls.join(' ')}) trước STARTTLS: mật khẩu có thể đi dạng rõ.`,
          `${a.address}:25 offers AUTH (${a.smtp.authBeforeTls.join(' ')}) before STARTTLS: passwords can travel in the clear.`,
        ),
        remediation: PLAINTEXT_FIX,
      });
    for (const s of a.services) {
      if (!s.present) continue;
      if (s.plaintextLogin) {
        findings.push({
          status: 'fail',
          severity: 'high',
          message: text(
            `${a.address}:${s.port} (${s.service}) cho đăng nhập khi chưa mã hoá${s.tls === 'none' ? ' và không hỗ trợ TLS' : ''}.`,
            `${a.address}:${s.port} (${s.service}) allows login before encryption${s.tls === 'none' ? ' and offers no TLS' : ''}.`,
          ),
          remediation: PLAINTEXT_FIX,
        });
      } else if (s.tls === 'none' && s.service !== 'submission') {
        findings.push({
          status: 'warn',
          severity: 'low',
          message: text(`${a.address}:${s.port} (${s.service}) không hỗ trợ TLS.`, `${a.address}:${s.port} (${s.service}) offers no TLS.`),
          remediation: PLAINTEXT_FIX,
        });
      } else if (s.error && s.tls !== 'implicit') {
        findings.push({
          status: 'info',
          severity: 'info',
          message: text(`${a.address}:${s.port} (${s.service}): ${s.error}.`, `${a.address}:${s.port} (${s.service}): ${s.error}.`),
        });
      }
    }
  }
  const present = mx.addresses.flatMap((a) => a.services.filter((s) => s.present).map((s) => `${s.port}/${s.service}${s.tls ? ` (${s.tls})` : ''}`));
  findings.push({
    status: 'pass',
    severity: 'info',
    message: text(`Dịch vụ thư tìm thấy: ${present.join(', ') || 'chỉ SMTP 25'}.`, `Mail services found: ${present.join(', ') || 'SMTP 25 only'}.`),
  });
  return combine(
    base('mail.plaintext-auth', title, mx, ['https://www.rfc-editor.org/rfc/rfc8314', 'https://www.postfix.org/postconf.5.html#smtpd_tls_auth_only'], {
      addresses: mx.addresses.map((a) => ({
        address: a.address,
        authBeforeTls: a.smtp.authBeforeTls,
        authAfterTls: a.smtp.authAfterTls,
        services: a.services,
      })),
    }),
    findings,
  );
}

export function checkMailTransport(evidence: MailTransportEvidence): CheckResult[] {
  const dane = new Set((evidence.daneValidatedMx ?? []).map((h) => h.toLowerCase().replace(/\.$/, '')));
  return evidence.mx.flatMap((mx) => [
    checkStartTls(mx),
    checkMailTls(mx, dane.has(mx.host.toLowerCase().replace(/\.$/, ''))),
    checkOpenRelay(mx),
    checkBanner(mx),
    checkPlaintextAuth(mx),
  ]);
}
