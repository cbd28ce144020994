import { createServer, type Server, type Socket } from 'node:net';
import { createSecureContext, createServer as createTlsServer, type SecureContext, TLSSocket } from 'node:tls';
import type { IssuedCert } from './ca.js';
import { secureOptions } from './tls.js';
import type { WorldMailbox } from './world/schema.js';

const MAX_LINE = 1_000;
const IDLE_MS = 30_000;

export interface MailboxEndpoint {
  protocol: 'imap' | 'pop3';
  hostname: string;
  spec: WorldMailbox;
  cert: IssuedCert | undefined;
}

/**
 * A greeting-only IMAP or POP3 server: greeting, CAPABILITY/CAPA, STARTTLS/STLS, LOGOUT/QUIT.
 * Enough for a probe to tell TLS from plaintext and whether login is offered in clear. Hand-
 * written because no maintained package serves just this, and a real mail store is not needed.
 */
export function createMailboxServer(endpoint: MailboxEndpoint): Server {
  const { spec } = endpoint;
  if (spec.mode === 'stall') return createServer(() => undefined);
  const options = endpoint.cert && spec.tls ? secureOptions(spec.tls, endpoint.cert) : undefined;
  const context: SecureContext | undefined = options ? createSecureContext(options) : undefined;
  const session = (socket: Socket | TLSSocket, secure: boolean) => converse(endpoint, socket, secure, context);
  if (spec.implicitTls && options) {
    return createTlsServer(options, (socket) => session(socket, true));
  }
  return createServer((socket) => session(socket, false));
}

function converse(endpoint: MailboxEndpoint, socket: Socket | TLSSocket, secure: boolean, context: SecureContext | undefined, greet = true): void {
  const imap = endpoint.protocol === 'imap';
  const canStartTls = !secure && endpoint.spec.starttls && context !== undefined;
  let buffer = '';
  socket.setTimeout(IDLE_MS, () => socket.destroy());
  socket.on('error', () => undefined);
  const send = (line: string) => {
    if (!socket.destroyed) socket.write(`${line}\r\n`);
  };
  if (!greet) {
    // after STARTTLS/STLS the client speaks first
  } else if (imap) {
    const caps = ['IMAP4rev1', ...(canStartTls ? ['STARTTLS', 'LOGINDISABLED'] : ['AUTH=PLAIN'])].join(' ');
    send(`* OK [CAPABILITY ${caps}] ${endpoint.hostname} IMAP4rev1 lab service ready`);
  } else {
    send(`+OK ${endpoint.hostname} POP3 lab service ready`);
  }
  const onData = (chunk: Buffer) => {
    buffer += chunk.toString('latin1');
    if (buffer.length > MAX_LINE * 4) return socket.destroy();
    let newline = buffer.indexOf('\n');
    while (newline !== -1) {
      const line = buffer.slice(0, newline).replace(/\r$/, '');
      buffer = buffer.slice(newline + 1);
      if (handle(line.slice(0, MAX_LINE))) return;
      newline = buffer.indexOf('\n');
    }
  };
  /** Returns true when the socket was handed over (TLS) or closed. */
  const handle = (line: string): boolean => {
    if (imap) {
      const [tag = '*', command = ''] = line.split(' ');
      switch (command.toUpperCase()) {
        case 'CAPABILITY':
          send(`* CAPABILITY IMAP4rev1 ${canStartTls ? 'STARTTLS LOGINDISABLED' : 'AUTH=PLAIN'}`);
          send(`${tag} OK CAPABILITY completed`);
          return false;
        case 'NOOP':
          send(`${tag} OK NOOP completed`);
          return false;
        case 'STARTTLS':
          if (!canStartTls) {
            send(`${tag} BAD STARTTLS not available`);
            return false;
          }
          send(`${tag} OK Begin TLS negotiation now`);
          upgrade();
          return true;
        case 'LOGOUT':
          send('* BYE logging out');
          send(`${tag} OK LOGOUT completed`);
          socket.end();
          return true;
        case 'LOGIN':
        case 'AUTHENTICATE':
          send(`${tag} NO [AUTHENTICATIONFAILED] Invalid credentials`);
          return false;
        default:
          send(`${tag} BAD unknown command`);
          return false;
      }
    }
    switch (line.split(' ')[0]?.toUpperCase()) {
      case 'CAPA':
        send('+OK Capability list follows');
        if (canStartTls) send('STLS');
        else send('USER');
        send('.');
        return false;
      case 'STLS':
        if (!canStartTls) {
          send('-ERR STLS not available');
          return false;
        }
        send('+OK Begin TLS negotiation');
        upgrade();
        return true;
      case 'QUIT':
        send('+OK bye');
        socket.end();
        return true;
      case 'NOOP':
        send('+OK');
        return false;
      default:
        send('-ERR unknown or refused command');
        return false;
    }
  };
  const upgrade = () => {
    socket.off('data', onData);
    socket.setTimeout(0);
    const tlsSocket = new TLSSocket(socket, { isServer: true, secureContext: context! });
    tlsSocket.on('error', () => socket.destroy());
    tlsSocket.once('secure', () => converse(endpoint, tlsSocket, true, context, false));
  };
  socket.on('data', onData);
}
