/**
 * Upgrade a plaintext SMTP, IMAP or POP3 connection to TLS: the dialogue up to the point where
 * the client starts its handshake. Every read is bounded by `timeoutMs`.
 */
import type { Socket } from 'node:net';
import { LineReader, ProbeIoError, readSmtpReply, writeLine } from './line-reader.js';
import type { StartTlsProtocol } from './types.js';

/** Name vigil announces in EHLO: a reserved name, so it is clearly a probe and never a real host. */
export const PROBE_EHLO_NAME = 'vigil-probe.invalid';

export class StartTlsRefused extends Error {}

/** Run the STARTTLS dialogue on `socket`; resolves when the server said "go ahead", with the dialogue as evidence. */
export async function negotiateStartTls(socket: Socket, protocol: StartTlsProtocol, timeoutMs: number): Promise<string[]> {
  const reader = new LineReader(socket);
  const transcript: string[] = [];
  try {
    if (protocol === 'smtp') {
      const banner = await readSmtpReply(reader, timeoutMs);
      transcript.push(...banner.lines.map((l) => `S: ${banner.code} ${l}`));
      if (banner.code !== 220) throw new StartTlsRefused(`SMTP greeting ${banner.code}, not 220`);
      writeLine(socket, `EHLO ${PROBE_EHLO_NAME}`);
      const ehlo = await readSmtpReply(reader, timeoutMs);
      if (ehlo.code !== 250) throw new StartTlsRefused(`EHLO answered ${ehlo.code}`);
      if (!ehlo.lines.some((l) => /^STARTTLS\b/i.test(l))) throw new StartTlsRefused('the server does not offer STARTTLS');
      writeLine(socket, 'STARTTLS');
      const go = await readSmtpReply(reader, timeoutMs);
      transcript.push(`S: ${go.code} ${go.lines.join(' ')}`);
      if (go.code !== 220) throw new StartTlsRefused(`STARTTLS answered ${go.code}`);
    } else if (protocol === 'imap') {
      const greeting = await reader.readLine(timeoutMs);
      transcript.push(`S: ${greeting}`);
      if (!/^\* (OK|PREAUTH)\b/i.test(greeting)) throw new StartTlsRefused('IMAP greeting is not "* OK"');
      writeLine(socket, 'v1 STARTTLS');
      for (;;) {
        const line = await reader.readLine(timeoutMs);
        if (line.startsWith('* ')) continue;
        transcript.push(`S: ${line}`);
        if (!/^v1 OK\b/i.test(line)) throw new StartTlsRefused(`STARTTLS answered "${line.slice(0, 80)}"`);
        break;
      }
    } else {
      const greeting = await reader.readLine(timeoutMs);
      transcript.push(`S: ${greeting}`);
      if (!/^\+OK\b/i.test(greeting)) throw new StartTlsRefused('POP3 greeting is not "+OK"');
      writeLine(socket, 'STLS');
      const go = await reader.readLine(timeoutMs);
      transcript.push(`S: ${go}`);
      if (!/^\+OK\b/i.test(go)) throw new StartTlsRefused(`STLS answered "${go.slice(0, 80)}"`);
    }
    return transcript;
  } finally {
    reader.detach();
  }
}

export { ProbeIoError };
