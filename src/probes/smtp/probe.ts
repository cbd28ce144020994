/**
 * probeSmtp: what an outside sender sees at each address of one MX host — banner, EHLO keywords,
 * AUTH before TLS, STARTTLS (then the full TLS probe through it), an open-relay attempt that stops
 * at RCPT TO (never DATA), and the submission/IMAP/POP3 ports. Every read is bounded by
 * ctx.connectTimeoutMs, so a stalling or garbage-spewing server yields error evidence quickly.
 */
import type { Socket } from 'node:net';
import { mappedEndpoint, type ProbeContext } from '../context.js';
import { assertAddressInScope } from '../scope.js';
import { LineReader, readSmtpReply, type SmtpReply, writeLine } from '../tls/line-reader.js';
import { mapLimited } from '../tls/limit.js';
import { probeTls } from '../tls/probe.js';
import { PROBE_EHLO_NAME } from '../tls/starttls.js';
import { connectTcp, errorText, isAbsent, upgradeTls } from './session.js';
import type { MailService, MxAddressEvidence, RelayEvidence, ReplyEvidence, ServicePortEvidence, SmtpEvidence, SmtpSessionEvidence } from './types.js';

/** Outside sender for the relay attempt (reserved `.example` name, RFC 2606). */
export const RELAY_PROBE_FROM = 'relay-probe@vigil-probe.example';
/** Recipient at a reserved `.invalid` domain: even an open relay can never deliver it. */
export const RELAY_PROBE_TO = 'relay-test@example.invalid';

export const MAIL_SERVICE_PORTS: readonly { service: MailService; port: number }[] = [
  { service: 'submissions', port: 465 },
  { service: 'submission', port: 587 },
  { service: 'imap', port: 143 },
  { service: 'imaps', port: 993 },
  { service: 'pop3', port: 110 },
  { service: 'pop3s', port: 995 },
];

export interface ProbeSmtpOptions {
  /** Which of the submission/IMAP/POP3 services to look at (default: all six). */
  services?: readonly MailService[] | undefined;
  /** Run the full TLS probe through STARTTLS on port 25 (default true). */
  tls?: boolean | undefined;
}

const reply = (r: SmtpReply): ReplyEvidence => ({ code: r.code, lines: r.lines });

function keywords(ehlo: ReplyEvidence | undefined): string[] {
  // The first line is the server's greeting, the rest are keywords.
  return ehlo && ehlo.code === 250 ? ehlo.lines.slice(1) : [];
}

function authMechanisms(keywordLines: string[]): string[] {
  const line = keywordLines.find((k) => /^AUTH[ =]/i.test(k));
  return line ? line.slice(5).trim().split(/\s+/).filter(Boolean) : [];
}

async function command(socket: Socket, reader: LineReader, line: string, timeoutMs: number): Promise<SmtpReply> {
  writeLine(socket, line);
  return readSmtpReply(reader, timeoutMs);
}

async function relayAttempt(socket: Socket, reader: LineReader, overTls: boolean, timeoutMs: number): Promise<RelayEvidence> {
  const relay: RelayEvidence = { from: RELAY_PROBE_FROM, to: RELAY_PROBE_TO, overTls, verdict: 'inconclusive' };
  try {
    const mailFrom = await command(socket, reader, `MAIL FROM:<${RELAY_PROBE_FROM}>`, timeoutMs);
    relay.mailFrom = reply(mailFrom);
    if (mailFrom.code >= 200 && mailFrom.code < 300) {
      const rcpt = await command(socket, reader, `RCPT TO:<${RELAY_PROBE_TO}>`, timeoutMs);
      relay.rcptTo = reply(rcpt);
      relay.verdict = rcpt.code >= 200 && rcpt.code < 300 ? 'accepted' : rcpt.code >= 500 ? 'refused' : 'inconclusive';
    }
    // Never DATA: reset the transaction whatever happened.
    await command(socket, reader, 'RSET', timeoutMs).catch(() => undefined);
  } catch (error) {
    relay.error = errorText(error);
  }
  return relay;
}

/** The port-25 dialogue with one address. */
export async function smtpSession(mxHost: string, address: string, ctx: ProbeContext): Promise<SmtpSessionEvidence> {
  const started = performance.now();
  const timeoutMs = ctx.connectTimeoutMs;
  const evidence: SmtpSessionEvidence = { connected: false, starttlsOffered: false, authBeforeTls: [], authAfterTls: [], durationMs: 0 };
  const endpoint = mappedEndpoint(ctx, address, 25);
  const sockets: Socket[] = [];
  const open = async () => {
    assertAddressInScope(ctx.scope, address, mxHost);
    const socket = await connectTcp(endpoint.host, endpoint.port, timeoutMs, ctx.signal);
    sockets.push(socket);
    const reader = new LineReader(socket);
    const banner = await readSmtpReply(reader, timeoutMs);
    return { socket, reader, banner };
  };
  try {
    let { socket, reader, banner } = await open();
    evidence.connected = true;
    evidence.banner = reply(banner);
    if (banner.code !== 220) throw new Error(`greeting ${banner.code}: the server does not accept mail from us`);
    evidence.ehlo = reply(await command(socket, reader, `EHLO ${PROBE_EHLO_NAME}`, timeoutMs));
    const before = keywords(evidence.ehlo);
    evidence.starttlsOffered = before.some((k) => /^STARTTLS$/i.test(k.trim()));
    evidence.authBeforeTls = authMechanisms(before);
    let overTls = false;
    if (evidence.starttlsOffered) {
      try {
        const go = await command(socket, reader, 'STARTTLS', timeoutMs);
        if (go.code !== 220) throw new Error(`STARTTLS answered ${go.code} ${go.lines.join(' ')}`);
        reader.detach();
        const secure = await upgradeTls({ socket, host: address, servername: mxHost, timeoutMs });
        sockets.push(secure);
        evidence.tlsUpgrade = { ok: true, protocol: secure.getProtocol() ?? undefined, cipher: secure.getCipher().name };
        socket = secure;
        reader = new LineReader(secure);
        evidence.ehloAfterTls = reply(await command(socket, reader, `EHLO ${PROBE_EHLO_NAME}`, timeoutMs));
        evidence.authAfterTls = authMechanisms(keywords(evidence.ehloAfterTls));
        overTls = true;
      } catch (error) {
        evidence.tlsUpgrade = { ok: false, error: errorText(error) };
        // The session is unusable after a failed upgrade: the relay attempt gets a fresh plaintext one.
        ({ socket, reader } = await open());
        await command(socket, reader, `EHLO ${PROBE_EHLO_NAME}`, timeoutMs);
      }
    }
    evidence.relay = await relayAttempt(socket, reader, overTls, timeoutMs);
    writeLine(socket, 'QUIT');
  } catch (error) {
    evidence.error = errorText(error);
  } finally {
    for (const socket of sockets) socket.destroy();
    evidence.durationMs = Math.round(performance.now() - started);
  }
  return evidence;
}

async function imapCapabilities(socket: Socket, reader: LineReader, timeoutMs: number): Promise<string[]> {
  writeLine(socket, 'v1 CAPABILITY');
  const caps: string[] = [];
  for (let i = 0; i < 50; i++) {
    const line = await reader.readLine(timeoutMs);
    const m = /^\* CAPABILITY (.*)$/i.exec(line);
    if (m) caps.push(...m[1]!.trim().split(/\s+/));
    if (/^v1 /i.test(line)) break;
  }
  writeLine(socket, 'v2 LOGOUT');
  return caps;
}

async function pop3Capabilities(socket: Socket, reader: LineReader, timeoutMs: number): Promise<string[] | undefined> {
  writeLine(socket, 'CAPA');
  const first = await reader.readLine(timeoutMs);
  if (!/^\+OK/i.test(first)) return undefined;
  const caps: string[] = [];
  for (let i = 0; i < 100; i++) {
    const line = await reader.readLine(timeoutMs);
    if (line === '.') break;
    caps.push(line.trim());
  }
  writeLine(socket, 'QUIT');
  return caps;
}

/** One submission/IMAP/POP3 port: present? TLS how? can a password be sent in the clear? */
export async function probeService(mxHost: string, address: string, service: MailService, port: number, ctx: ProbeContext): Promise<ServicePortEvidence> {
  const timeoutMs = ctx.connectTimeoutMs;
  const endpoint = mappedEndpoint(ctx, address, port);
  const evidence: ServicePortEvidence = { service, port, present: false };
  const implicit = service === 'submissions' || service === 'imaps' || service === 'pop3s';
  let socket: Socket | undefined;
  try {
    assertAddressInScope(ctx.scope, address, mxHost);
  } catch (error) {
    evidence.error = errorText(error);
    return evidence;
  }
  try {
    socket = await connectTcp(endpoint.host, endpoint.port, timeoutMs, ctx.signal);
  } catch (error) {
    evidence.error = isAbsent(error) ? undefined : errorText(error);
    if (!isAbsent(error)) evidence.present = true;
    return evidence;
  }
  evidence.present = true;
  try {
    if (implicit) {
      socket = await upgradeTls({ socket, host: address, servername: mxHost, timeoutMs });
      evidence.tls = 'implicit';
    }
    const reader = new LineReader(socket);
    if (service === 'submission' || service === 'submissions') {
      const banner = await readSmtpReply(reader, timeoutMs);
      evidence.greeting = `${banner.code} ${banner.lines[0] ?? ''}`;
      const ehlo = await command(socket, reader, `EHLO ${PROBE_EHLO_NAME}`, timeoutMs);
      evidence.capabilities = keywords(reply(ehlo));
      if (!implicit) {
        evidence.tls = evidence.capabilities.some((k) => /^STARTTLS$/i.test(k.trim())) ? 'starttls' : 'none';
        evidence.plaintextLogin = authMechanisms(evidence.capabilities).length > 0;
        if (evidence.tls === 'starttls') {
          // Submission should offer AUTH once encrypted: look at EHLO again after the upgrade.
          const go = await command(socket, reader, 'STARTTLS', timeoutMs);
          if (go.code === 220) {
            reader.detach();
            socket = await upgradeTls({ socket, host: address, servername: mxHost, timeoutMs });
            const secureReader = new LineReader(socket);
            evidence.capabilitiesAfterTls = keywords(reply(await command(socket, secureReader, `EHLO ${PROBE_EHLO_NAME}`, timeoutMs)));
          }
        }
      }
      writeLine(socket, 'QUIT');
    } else if (service === 'imap' || service === 'imaps') {
      evidence.greeting = await reader.readLine(timeoutMs);
      if (!/^\* (OK|PREAUTH|BYE)\b/i.test(evidence.greeting)) throw new Error('not an IMAP greeting');
      evidence.capabilities = await imapCapabilities(socket, reader, timeoutMs);
      if (!implicit) {
        const caps = evidence.capabilities.map((c) => c.toUpperCase());
        evidence.tls = caps.includes('STARTTLS') ? 'starttls' : 'none';
        evidence.plaintextLogin = !caps.includes('LOGINDISABLED');
      }
    } else {
      evidence.greeting = await reader.readLine(timeoutMs);
      if (!/^\+OK\b/i.test(evidence.greeting)) throw new Error('not a POP3 greeting');
      const caps = await pop3Capabilities(socket, reader, timeoutMs);
      evidence.capabilities = caps ?? [];
      if (!implicit) {
        const upper = (caps ?? []).map((c) => c.toUpperCase());
        evidence.tls = upper.includes('STLS') ? 'starttls' : 'none';
        // Without CAPA, USER/PASS (RFC 1939) is assumed to work.
        evidence.plaintextLogin = caps === undefined || upper.includes('USER') || upper.some((c) => /^SASL\b.*\b(PLAIN|LOGIN)\b/.test(c));
      }
    }
  } catch (error) {
    evidence.error = errorText(error);
  } finally {
    socket.destroy();
  }
  return evidence;
}

/** Probe every address of one MX host (a few at a time). */
export async function probeSmtp(host: string, addresses: string[], ctx: ProbeContext, options: ProbeSmtpOptions = {}): Promise<SmtpEvidence> {
  const started = performance.now();
  const wanted = MAIL_SERVICE_PORTS.filter((s) => !options.services || options.services.includes(s.service));
  const results = await mapLimited(addresses, 4, async (address): Promise<MxAddressEvidence> => {
    const [smtp, services] = await Promise.all([
      smtpSession(host, address, ctx),
      Promise.all(wanted.map(({ service, port }) => probeService(host, address, service, port, ctx))),
    ]);
    const tls = smtp.starttlsOffered && options.tls !== false ? await probeTls(address, 25, ctx, { servername: host, starttls: 'smtp' }) : undefined;
    return { address, smtp, tls, services };
  });
  return { host, addresses: results, durationMs: Math.round(performance.now() - started) };
}
