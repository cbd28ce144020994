/**
 * Line-oriented reading from a plaintext socket (SMTP, IMAP, POP3 dialogues) with a time limit
 * per read and a bound on line length, so a peer that stalls or spews garbage gives an error,
 * never a hang or unbounded memory. Hand-written because the protocol clients on npm (nodemailer,
 * imapflow) hide the raw replies vigil needs as evidence and do not stop at RCPT TO.
 */
import type { Socket } from 'node:net';
import { VigilError } from '../../errors.js';

export const MAX_LINE_BYTES = 4096;

export class ProbeIoError extends Error {
  constructor(
    readonly reason: 'timeout' | 'closed' | 'line-too-long' | 'malformed' | 'aborted',
    message: string,
  ) {
    super(message);
  }
}

export class LineReader {
  private buffer = '';
  private readonly lines: string[] = [];
  private waiter: ((error?: ProbeIoError) => void) | undefined;
  private failure: ProbeIoError | undefined;
  private readonly onData = (chunk: Buffer) => {
    // latin1 keeps every byte one char, so garbage can never throw or grow during decoding.
    this.buffer += chunk.toString('latin1');
    let index = this.buffer.indexOf('\n');
    while (index >= 0) {
      this.lines.push(this.buffer.slice(0, index).replace(/\r$/, ''));
      this.buffer = this.buffer.slice(index + 1);
      index = this.buffer.indexOf('\n');
    }
    if (this.buffer.length > MAX_LINE_BYTES) this.fail(new ProbeIoError('line-too-long', `peer sent a line longer than ${MAX_LINE_BYTES} bytes`));
    if (this.lines.length > 1000) this.fail(new ProbeIoError('malformed', 'peer sent more than 1000 unread lines'));
    this.wake();
  };
  private readonly onEnd = () => this.fail(new ProbeIoError('closed', 'peer closed the connection'));
  private readonly onError = (error: Error) => this.fail(new ProbeIoError('closed', `connection error: ${error.message}`));

  constructor(private readonly socket: Socket) {
    socket.on('data', this.onData);
    socket.on('end', this.onEnd);
    socket.on('close', this.onEnd);
    socket.on('error', this.onError);
  }

  private fail(error: ProbeIoError): void {
    if (!this.failure) this.failure = error;
    if (error.reason === 'line-too-long' || error.reason === 'malformed') this.socket.destroy();
    this.wake();
  }

  private wake(): void {
    const waiter = this.waiter;
    this.waiter = undefined;
    waiter?.();
  }

  /** The next line (without CR LF), or a ProbeIoError after `timeoutMs`. */
  async readLine(timeoutMs: number): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const line = this.lines.shift();
      if (line !== undefined) return line;
      if (this.failure) throw this.failure;
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw new ProbeIoError('timeout', `no reply within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          this.waiter = undefined;
          resolve();
        }, remaining);
        this.waiter = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }

  /** Bytes received but not yet read as a line (a peer that answers ahead of time, e.g. STARTTLS injection). */
  get pending(): number {
    return this.buffer.length + this.lines.reduce((sum, line) => sum + line.length, 0);
  }

  /** Stop listening (before handing the socket to TLS). */
  detach(): void {
    this.socket.off('data', this.onData);
    this.socket.off('end', this.onEnd);
    this.socket.off('close', this.onEnd);
    this.socket.off('error', this.onError);
  }
}

export interface SmtpReply {
  code: number;
  lines: string[];
}

/** Read one (possibly multi-line) SMTP reply: `250-…` lines continue, `250 …` ends it. Max 100 lines. */
export async function readSmtpReply(reader: LineReader, timeoutMs: number): Promise<SmtpReply> {
  const deadline = Date.now() + timeoutMs;
  const lines: string[] = [];
  for (;;) {
    const line = await reader.readLine(Math.max(1, deadline - Date.now()));
    const m = /^(\d{3})([ -]|$)(.*)$/.exec(line);
    if (!m) throw new ProbeIoError('malformed', `not an SMTP reply: ${JSON.stringify(line.slice(0, 80))}`);
    lines.push(m[3]!);
    if (m[2] !== '-') return { code: Number(m[1]), lines };
    if (lines.length >= 100) throw new ProbeIoError('malformed', 'SMTP reply longer than 100 lines');
  }
}

/**
 * Write a command line (CR LF appended). A CR, LF or NUL inside it would end the command early
 * and let the rest run as another command (EHLO x\r\nMAIL FROM:…): refused here whatever the
 * caller validated before (defence in depth), and nothing is written.
 */
export function writeLine(socket: Socket, line: string): void {
  assertCommandLine(line);
  if (!socket.destroyed) socket.write(`${line}\r\n`);
}

export function assertCommandLine(line: string): void {
  if (/[\r\n\0]/.test(line)) {
    throw new VigilError('probe.command-injection', `refused to send a protocol command containing CR, LF or NUL: ${JSON.stringify(line.slice(0, 80))}`, {
      hint: 'a value written into an SMTP/IMAP/POP3 command (e.g. a monitor heloName) must be a single line: fix it in vigil.yaml or the API',
    });
  }
}
