/**
 * A hand-built ClientHello, read only as far as the ServerHello (or alert): how vigil asks about
 * what Node's OpenSSL refuses to offer — SSLv3 and the legacy suites (3DES, RC4, DES, export, IDEA,
 * SEED) — the way testssl.sh does with its bash sockets. No key exchange happens, so nothing is
 * decrypted or trusted; it only reveals what the server would pick. Bounded in time and bytes.
 */
import { connect as netConnect, isIP, type Socket } from 'node:net';
import { negotiateStartTls } from './starttls.js';
import type { StartTlsProtocol } from './types.js';

export const RAW_VERSIONS = { SSLv3: 0x0300, TLSv1: 0x0301, 'TLSv1.1': 0x0302, 'TLSv1.2': 0x0303 } as const;
export type RawVersion = keyof typeof RAW_VERSIONS;

export type RawOutcome = { kind: 'accepted'; version: number; cipher: number } | { kind: 'rejected'; reason: string } | { kind: 'error'; reason: string };

const u16 = (n: number) => [(n >> 8) & 0xff, n & 0xff];
const u24 = (n: number) => [(n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff];

function extension(type: number, body: number[]): number[] {
  return [...u16(type), ...u16(body.length), ...body];
}

export function buildClientHello(version: number, ciphers: readonly number[], servername?: string): Buffer {
  const suites = [...ciphers, 0x00ff]; // + TLS_EMPTY_RENEGOTIATION_INFO_SCSV
  const random = Array.from({ length: 32 }, () => Math.floor(Math.random() * 256));
  let extensions: number[] = [];
  if (version > 0x0300) {
    if (servername && isIP(servername) === 0) {
      const name = [...Buffer.from(servername, 'ascii')];
      extensions.push(...extension(0x0000, [...u16(name.length + 3), 0, ...u16(name.length), ...name]));
    }
    const groups = [0x001d, 0x0017, 0x0018, 0x0019].flatMap(u16);
    extensions.push(...extension(0x000a, [...u16(groups.length), ...groups]));
    extensions.push(...extension(0x000b, [1, 0]));
    const sigalgs = [0x0401, 0x0501, 0x0601, 0x0804, 0x0805, 0x0806, 0x0403, 0x0503, 0x0603, 0x0201, 0x0203].flatMap(u16);
    extensions.push(...extension(0x000d, [...u16(sigalgs.length), ...sigalgs]));
    extensions = [...u16(extensions.length), ...extensions];
  }
  const body = [...u16(version), ...random, 0, ...u16(suites.length * 2), ...suites.flatMap(u16), 1, 0, ...extensions];
  const handshake = [1, ...u24(body.length), ...body];
  return Buffer.from([0x16, ...u16(Math.min(version, 0x0301)), ...u16(handshake.length), ...handshake]);
}

/** Parse the first record: a ServerHello gives the version and suite; an alert or anything else is a refusal. */
export function parseServerResponse(data: Buffer): RawOutcome | undefined {
  if (data.length < 5) return undefined;
  const type = data[0]!;
  if (type === 0x15) return { kind: 'rejected', reason: `alert ${data[6] ?? '?'}` };
  if (type !== 0x16) return { kind: 'rejected', reason: 'not a TLS record' };
  if (data.length < 5 + 4 + 2 + 32 + 1) return undefined;
  if (data[5] !== 0x02) return { kind: 'rejected', reason: `handshake message ${data[5]} instead of ServerHello` };
  const version = (data[9]! << 8) | data[10]!;
  const sessionIdLength = data[43]!;
  const at = 44 + sessionIdLength;
  if (data.length < at + 2) return undefined;
  return { kind: 'accepted', version, cipher: (data[at]! << 8) | data[at + 1]! };
}

export interface RawHelloSpec {
  host: string;
  port: number;
  servername?: string | undefined;
  starttls?: StartTlsProtocol | undefined;
  version: number;
  ciphers: readonly number[];
  timeoutMs: number;
  signal?: AbortSignal | undefined;
}

export function rawHello(spec: RawHelloSpec): Promise<RawOutcome> {
  return new Promise((resolve) => {
    let done = false;
    let received = Buffer.alloc(0);
    const socket: Socket = netConnect({ host: spec.host, port: spec.port, noDelay: true });
    const finish = (outcome: RawOutcome) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      spec.signal?.removeEventListener('abort', onAbort);
      socket.destroy();
      resolve(outcome);
    };
    const onAbort = () => finish({ kind: 'error', reason: 'aborted' });
    const timer = setTimeout(() => finish({ kind: 'error', reason: `timed out after ${spec.timeoutMs} ms` }), spec.timeoutMs);
    if (spec.signal?.aborted) return onAbort();
    spec.signal?.addEventListener('abort', onAbort, { once: true });
    socket.on('error', (error: Error & { code?: string }) => {
      // A reset after our hello is the server's way of saying no.
      finish(
        received.length === 0 && socket.bytesWritten > 0 && error.code === 'ECONNRESET'
          ? { kind: 'rejected', reason: 'reset' }
          : { kind: 'error', reason: error.code ?? error.message },
      );
    });
    const onData = (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]).subarray(0, 4096);
      const outcome = parseServerResponse(received);
      if (outcome) finish(outcome);
      else if (received.length >= 4096) finish({ kind: 'rejected', reason: 'unparseable reply' });
    };
    const send = () => {
      socket.on('data', onData);
      socket.on('end', () => finish({ kind: 'rejected', reason: 'closed' }));
      socket.write(buildClientHello(spec.version, spec.ciphers, spec.servername));
    };
    socket.once('connect', () => {
      if (!spec.starttls) return send();
      negotiateStartTls(socket, spec.starttls, spec.timeoutMs).then(send, (error: Error) => finish({ kind: 'error', reason: `STARTTLS: ${error.message}` }));
    });
  });
}
