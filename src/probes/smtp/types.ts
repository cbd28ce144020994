/**
 * Evidence about a domain's mail transport as an outside sender sees it: each MX address's SMTP
 * dialogue, its STARTTLS/TLS, an open-relay attempt that stops at RCPT TO, and the submission,
 * IMAP and POP3 ports. Plain JSON; judged by src/checks/mail/transport.
 */
import type { TlsCertificateCheck, TlsEvidence } from '../tls/types.js';

export interface ReplyEvidence {
  code: number;
  /** The reply's text lines (without the code), e.g. EHLO keywords. */
  lines: string[];
}

export interface RelayEvidence {
  /** MAIL FROM used: an address outside the domain under test. */
  from: string;
  /** RCPT TO used: an address at a reserved domain (`.invalid`), so nothing can ever be delivered. */
  to: string;
  overTls: boolean;
  mailFrom?: ReplyEvidence | undefined;
  rcptTo?: ReplyEvidence | undefined;
  /** accepted: RCPT TO got 2xx (open relay); refused: 5xx; inconclusive: 4xx, MAIL FROM refused, or the dialogue broke. */
  verdict: 'accepted' | 'refused' | 'inconclusive';
  error?: string | undefined;
}

export interface SmtpSessionEvidence {
  /** TCP connection made and a greeting read. */
  connected: boolean;
  error?: string | undefined;
  banner?: ReplyEvidence | undefined;
  ehlo?: ReplyEvidence | undefined;
  starttlsOffered: boolean;
  /** AUTH mechanisms advertised before STARTTLS (should be none). */
  authBeforeTls: string[];
  /** The STARTTLS upgrade in this session (the full TLS assessment is in `tls`). */
  tlsUpgrade?: { ok: boolean; protocol?: string | undefined; cipher?: string | undefined; error?: string | undefined } | undefined;
  ehloAfterTls?: ReplyEvidence | undefined;
  authAfterTls: string[];
  relay?: RelayEvidence | undefined;
  durationMs: number;
}

export type MailService = 'submissions' | 'submission' | 'imap' | 'imaps' | 'pop3' | 'pop3s';

export interface ServicePortEvidence {
  service: MailService;
  port: number;
  /** false = the connection was refused or timed out (not offered). */
  present: boolean;
  /** implicit: TLS from the first byte; starttls: plaintext with an upgrade offered; none: plaintext only. */
  tls?: 'implicit' | 'starttls' | 'none' | undefined;
  greeting?: string | undefined;
  /** EHLO keywords / IMAP CAPABILITY / POP3 CAPA, before any TLS (after it for implicit TLS). */
  capabilities?: string[] | undefined;
  /** Submission (587) only: EHLO keywords after STARTTLS (AUTH belongs here). */
  capabilitiesAfterTls?: string[] | undefined;
  /** A password could be sent without TLS (AUTH/LOGIN/USER offered in plaintext). */
  plaintextLogin?: boolean | undefined;
  error?: string | undefined;
}

export interface MxAddressEvidence {
  address: string;
  /** Port 25 dialogue. */
  smtp: SmtpSessionEvidence;
  /** Full TLS assessment through STARTTLS on port 25 (when offered). */
  tls?: TlsEvidence | undefined;
  services: ServicePortEvidence[];
}

/** Everything probed for one MX host. */
export interface SmtpEvidence {
  host: string;
  addresses: MxAddressEvidence[];
  durationMs: number;
}

export interface MailTransportEvidence {
  mx: SmtpEvidence[];
  /** MX hosts whose certificate DANE (TLSA) validates — set by the orchestrator from the DANE check; an untrusted certificate is then fine. */
  daneValidatedMx?: string[] | undefined;
  observedAt: string;
  durationMs: number;
}

/** What the watch's SMTP monitor sees: the light SMTP probe (`smtpGreeting`), no relay attempt, no other ports. */
export interface SmtpGreetingEvidence {
  error?: string | undefined;
  /** The 220 greeting's text, lines joined. */
  banner?: string | undefined;
  /** EHLO keywords, upper-cased, without their parameters. */
  extensions: string[];
  starttlsOffered?: boolean | undefined;
  /** The certificate read through STARTTLS, when asked and offered. */
  tls?: TlsCertificateCheck | undefined;
  responseMs: number;
}
