/**
 * The light SMTP probe for the watch's SMTP monitor: banner, EHLO and — when asked and offered —
 * STARTTLS with one certificate handshake. Unlike `smtpSession` it makes no relay attempt and
 * opens no other port: a monitor runs every minute or so and must stop before any mail is sent.
 */
import type { Socket } from 'node:net';
import { connectHost, errorText, isHostName } from '../connect.js';
import type { ProbeContext } from '../context.js';
import { certificateHandshake } from '../tls/certificate-check.js';
import { LineReader, readSmtpReply, writeLine } from '../tls/line-reader.js';
import type { SmtpGreetingEvidence } from './types.js';

export interface SmtpGreetingOptions {
  /** The EHLO name (a monitor's `heloName`); a CR/LF in it is refused by `writeLine`. */
  heloName: string;
  starttls: boolean;
  timeoutMs: number;
}

export async function smtpGreeting(host: string, port: number, ctx: ProbeContext, options: SmtpGreetingOptions): Promise<SmtpGreetingEvidence> {
  const started = performance.now();
  const evidence: SmtpGreetingEvidence = { extensions: [], responseMs: 0 };
  let socket: Socket | undefined;
  try {
    socket = (await connectHost(ctx, host, port, options.timeoutMs)).socket;
    const reader = new LineReader(socket);
    const banner = await readSmtpReply(reader, options.timeoutMs);
    evidence.banner = banner.lines.join(' ');
    if (banner.code !== 220) throw new Error(`banner is ${banner.code}, not 220`);
    writeLine(socket, `EHLO ${options.heloName}`);
    const ehlo = await readSmtpReply(reader, options.timeoutMs);
    if (ehlo.code !== 250) throw new Error(`EHLO answered ${ehlo.code}`);
    evidence.extensions = ehlo.lines.slice(1).map((line) => line.split(' ')[0]!.toUpperCase());
    evidence.starttlsOffered = evidence.extensions.includes('STARTTLS');
    if (options.starttls && evidence.starttlsOffered) {
      writeLine(socket, 'STARTTLS');
      const ready = await readSmtpReply(reader, options.timeoutMs);
      if (ready.code !== 220) throw new Error(`STARTTLS answered ${ready.code}`);
      reader.detach();
      const tls = await certificateHandshake(socket, {
        servername: isHostName(host) ? host : undefined,
        host,
        extraCaPem: ctx.extraCaPem,
        timeoutMs: options.timeoutMs,
      });
      evidence.tls = { ...tls, responseMs: Math.round(performance.now() - started) };
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
