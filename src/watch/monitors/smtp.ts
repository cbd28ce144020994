import type { Socket } from 'node:net';
import type { ProbeContext } from '../../probes/context.js';
import { writeLine } from '../../probes/tls/line-reader.js';
import type { SmtpMonitorConfig } from '../config-schema.js';
import { connectTarget, errorText, tcpConnect, trustedCas } from './net.js';
import { handshake, type TlsEvidence } from './tls.js';

export interface SmtpEvidence {
  error?: string;
  banner?: string;
  extensions: string[];
  starttlsOffered?: boolean;
  tls?: TlsEvidence;
  responseMs: number;
}

/**
 * Banner, EHLO and STARTTLS. Hand-written over a socket rather than nodemailer's client because
 * the watch needs the raw banner and capability list, and must stop before any mail is sent.
 */
export async function probeSmtp(config: SmtpMonitorConfig, context: ProbeContext): Promise<SmtpEvidence> {
  const started = performance.now();
  const evidence: SmtpEvidence = { extensions: [], responseMs: 0 };
  let socket: Socket | undefined;
  try {
    const target = await connectTarget(context, config.host, config.port);
    socket = (await tcpConnect(target.address, target.port, config.timeout, context.signal)).socket;
    const reader = new ReplyReader(socket, config.timeout);
    const banner = await reader.next();
    evidence.banner = banner.lines.join(' ');
    if (banner.code !== 220) throw new Error(`banner is ${banner.code}, not 220`);
    writeLine(socket, `EHLO ${config.heloName}`);
    const ehlo = await reader.next();
    if (ehlo.code !== 250) throw new Error(`EHLO answered ${ehlo.code}`);
    evidence.extensions = ehlo.lines.slice(1).map((line) => line.split(' ')[0]!.toUpperCase());
    evidence.starttlsOffered = evidence.extensions.includes('STARTTLS');
    if (config.starttls && evidence.starttlsOffered) {
      writeLine(socket, 'STARTTLS');
      const ready = await reader.next();
      if (ready.code !== 220) throw new Error(`STARTTLS answered ${ready.code}`);
      reader.detach();
      const servername = /^[\d.:[\]]+$/.test(config.host) ? undefined : config.host;
      evidence.tls = await handshake(socket, servername, trustedCas(context), config.timeout, started);
    } else {
      writeLine(socket, 'QUIT');
    }
  } catch (error) {
    evidence.error = errorText(error);
  } finally {
    socket?.destroy();
  }
  evidence.responseMs = Math.round(performance.now() - started);
  return evidence;
}

/** Reads SMTP replies (multi-line `250-…` … `250 …`), with a bound on time and on line length. */
class ReplyReader {
  private buffer = '';
  private waiting: { resolve: (r: { code: number; lines: string[] }) => void; reject: (e: Error) => void } | undefined;
  private failure: Error | undefined;
  private readonly onData = (chunk: Buffer) => {
    this.buffer += chunk.toString('latin1');
    if (this.buffer.length > 64_000) this.fail(new Error('reply longer than 64 kB'));
    this.pump();
  };
  private readonly onError = (error: Error) => this.fail(error);
  private readonly onClose = () => this.fail(new Error('connection closed by server'));

  constructor(
    private readonly socket: Socket,
    private readonly timeoutMs: number,
  ) {
    socket.on('data', this.onData);
    socket.on('error', this.onError);
    socket.on('close', this.onClose);
  }

  detach(): void {
    this.socket.off('data', this.onData);
    this.socket.off('error', this.onError);
    this.socket.off('close', this.onClose);
  }

  next(): Promise<{ code: number; lines: string[] }> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => this.fail(new Error(`no SMTP reply within ${this.timeoutMs} ms`)), this.timeoutMs);
      this.waiting = {
        resolve: (r) => {
          clearTimeout(timer);
          resolve(r);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      };
      this.pump();
    });
  }

  private pump(): void {
    if (!this.waiting) return;
    const lines: string[] = [];
    let offset = 0;
    for (;;) {
      const end = this.buffer.indexOf('\n', offset);
      if (end < 0) return;
      const line = this.buffer.slice(offset, end).replace(/\r$/, '');
      offset = end + 1;
      lines.push(line.slice(4));
      if (line[3] !== '-') {
        this.buffer = this.buffer.slice(offset);
        const waiting = this.waiting;
        this.waiting = undefined;
        waiting.resolve({ code: Number(line.slice(0, 3)), lines });
        return;
      }
    }
  }

  private fail(error: Error): void {
    this.failure ??= error;
    const waiting = this.waiting;
    this.waiting = undefined;
    waiting?.reject(error);
  }
}
