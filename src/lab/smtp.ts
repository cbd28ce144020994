import { createServer, type Server } from 'node:net';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import type { IssuedCert } from './ca.js';
import type { MessageStore } from './messages.js';
import { subjectOf } from './messages.js';
import { secureOptions } from './tls.js';
import type { WorldSmtp } from './world/schema.js';

/** Largest message the lab keeps (bigger ones are cut; the lab never delivers anyway). */
const MAX_MESSAGE_BYTES = 1_000_000;

export interface SmtpEndpoint {
  ip: string;
  hostname: string;
  spec: WorldSmtp;
  cert: IssuedCert | undefined;
  localDomains: string[];
  messages: MessageStore;
}

/** smtp-server's documented per-session command list (not in its type definitions yet). */
type SessionWithCommands = { disabledCommands?: string[] | undefined };

function smtpError(code: number, message: string): Error {
  return Object.assign(new Error(message), { responseCode: code });
}

/**
 * An SMTP server as the world declares it: banner, STARTTLS or not, TLS versions and certificate,
 * AUTH before TLS or not, open relay or not, or a stall (accepts TCP, never greets). smtp-server
 * speaks the protocol; the lab only decides what to accept.
 */
export function createSmtpServer(endpoint: SmtpEndpoint): Server {
  const { spec } = endpoint;
  if (spec.mode === 'stall') return createServer(() => undefined);
  const tlsOptions = endpoint.cert && spec.tls ? secureOptions(spec.tls, endpoint.cert) : {};
  const disabledCommands: string[] = [];
  if (!spec.starttls || spec.implicitTls || !endpoint.cert) disabledCommands.push('STARTTLS');
  if (!spec.auth && !spec.authBeforeTls) disabledCommands.push('AUTH');
  const local = new Set(endpoint.localDomains.map((d) => d.toLowerCase()));
  const options: SMTPServerOptions = {
    ...tlsOptions,
    name: endpoint.hostname,
    banner: spec.banner,
    secure: spec.implicitTls,
    disabledCommands,
    allowInsecureAuth: spec.authBeforeTls,
    authOptional: true,
    size: 10 * 1024 * 1024,
    logger: false,
    socketTimeout: 60_000,
    closeTimeout: 1_000,
    // AUTH after TLS only (Postfix's smtpd_tls_auth_only): smtp-server advertises AUTH on the
    // plaintext connection too, so the session hides it until the TLS handshake is done.
    onConnect(session, callback) {
      if (spec.auth && !spec.authBeforeTls && !spec.implicitTls) (session as SessionWithCommands).disabledCommands = [...disabledCommands, 'AUTH'];
      callback();
    },
    onSecure(_socket, session, callback) {
      (session as SessionWithCommands).disabledCommands = undefined;
      callback();
    },
    onAuth(_auth, _session, callback) {
      callback(smtpError(535, '5.7.8 Authentication credentials invalid'));
    },
    onRcptTo(address, _session, callback) {
      const domain = address.address.split('@').pop()?.toLowerCase() ?? '';
      if (local.has(domain) || spec.openRelay) return callback();
      return callback(smtpError(554, '5.7.1 Relay access denied'));
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      let size = 0;
      stream.on('data', (chunk: Buffer) => {
        if (size < MAX_MESSAGE_BYTES) chunks.push(chunk.subarray(0, MAX_MESSAGE_BYTES - size));
        size += chunk.length;
      });
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const to = session.envelope.rcptTo.map((r) => r.address);
        endpoint.messages.add({
          server: `${endpoint.ip}:${spec.port}`,
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to,
          subject: subjectOf(raw),
          raw,
          relayed: to.some((address) => !local.has(address.split('@').pop()?.toLowerCase() ?? '')),
          receivedAt: new Date().toISOString(),
        });
        callback(null, 'Queued (lab: kept, never delivered)');
      });
    },
  };
  const smtp = new SMTPServer(options);
  smtp.on('error', () => undefined);
  return (smtp as unknown as { server: Server }).server;
}
