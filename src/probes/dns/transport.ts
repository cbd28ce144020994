/**
 * One DNS exchange over UDP or TCP, bounded in time and bytes. A fresh UDP socket per query gives
 * a random source port (with the random id, the classic defence against spoofed answers); stray or
 * mismatched datagrams are ignored until the deadline rather than accepted.
 */
import { createSocket } from 'node:dgram';
import { connect } from 'node:net';
import { type DecodedResponse, decodeResponse, matchesQuestion } from './wire.js';

export interface Endpoint {
  host: string;
  port: number;
}

export type ExchangeOutcome =
  | { kind: 'response'; response: DecodedResponse }
  | { kind: 'timeout' }
  | { kind: 'malformed'; reason: string }
  | { kind: 'error'; reason: string };

export interface ExchangeRequest {
  server: Endpoint;
  id: number;
  name: string;
  type: string;
  query: Buffer;
  timeoutMs: number;
  signal?: AbortSignal | undefined;
}

/** Largest TCP message accepted (the 16-bit frame allows no more); AXFR reads several. */
export const MAX_TCP_MESSAGE = 65_535;

export function exchangeUdp(request: ExchangeRequest): Promise<ExchangeOutcome> {
  return new Promise((resolve) => {
    const socket = createSocket(request.server.host.includes(':') ? 'udp6' : 'udp4');
    let settled = false;
    const finish = (outcome: ExchangeOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      request.signal?.removeEventListener('abort', onAbort);
      try {
        socket.close();
      } catch {
        // already closed
      }
      resolve(outcome);
    };
    const onAbort = () => finish({ kind: 'error', reason: 'aborted' });
    const timer = setTimeout(() => finish({ kind: 'timeout' }), request.timeoutMs);
    if (request.signal?.aborted) return finish({ kind: 'error', reason: 'aborted' });
    request.signal?.addEventListener('abort', onAbort, { once: true });
    socket.on('error', (error) => finish({ kind: 'error', reason: error.message }));
    socket.on('message', (message, rinfo) => {
      // Only the server we asked may answer (a real resolver does the same).
      if (rinfo.port !== request.server.port) return;
      const decoded = decodeResponse(message);
      if (!decoded.ok) {
        // Junk carrying our id is the server's answer: report it rather than wait it out.
        if (message.length >= 2 && message.readUInt16BE(0) === request.id) finish({ kind: 'malformed', reason: decoded.reason });
        return;
      }
      if (!matchesQuestion(decoded.response, request.id, request.name, request.type)) {
        if (decoded.response.id === request.id) finish({ kind: 'malformed', reason: 'response does not match the question asked' });
        return;
      }
      finish({ kind: 'response', response: decoded.response });
    });
    socket.send(request.query, request.server.port, request.server.host, (error) => {
      if (error) finish({ kind: 'error', reason: error.message });
    });
  });
}

/**
 * One query over TCP (RFC 7766 framing). With `collect`, keep reading messages (AXFR) until
 * `collect` returns true or the byte budget is spent.
 */
export function exchangeTcp(
  request: ExchangeRequest,
  options: { maxBytes?: number; collect?: (response: DecodedResponse) => boolean } = {},
): Promise<ExchangeOutcome & { messages?: number }> {
  const maxBytes = options.maxBytes ?? MAX_TCP_MESSAGE + 2;
  return new Promise((resolve) => {
    const socket = connect({ host: request.server.host, port: request.server.port });
    let settled = false;
    let buffered = Buffer.alloc(0);
    let received = 0;
    let messages = 0;
    const finish = (outcome: ExchangeOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      request.signal?.removeEventListener('abort', onAbort);
      socket.destroy();
      resolve({ ...outcome, messages });
    };
    const onAbort = () => finish({ kind: 'error', reason: 'aborted' });
    const timer = setTimeout(() => finish({ kind: 'timeout' }), request.timeoutMs);
    if (request.signal?.aborted) return finish({ kind: 'error', reason: 'aborted' });
    request.signal?.addEventListener('abort', onAbort, { once: true });
    socket.on('error', (error) => finish({ kind: 'error', reason: error.message }));
    socket.on('close', () => finish({ kind: 'error', reason: 'connection closed before a complete answer' }));
    socket.on('connect', () => {
      const frame = Buffer.alloc(2);
      frame.writeUInt16BE(request.query.length);
      socket.write(Buffer.concat([frame, request.query]));
    });
    socket.on('data', (chunk: Buffer) => {
      received += chunk.length;
      if (received > maxBytes) return finish({ kind: 'malformed', reason: `response larger than ${maxBytes} bytes` });
      buffered = Buffer.concat([buffered, chunk]);
      while (buffered.length >= 2) {
        const length = buffered.readUInt16BE(0);
        if (buffered.length < 2 + length) return;
        const message = buffered.subarray(2, 2 + length);
        buffered = buffered.subarray(2 + length);
        messages++;
        const decoded = decodeResponse(Buffer.from(message));
        if (!decoded.ok) return finish({ kind: 'malformed', reason: decoded.reason });
        // Over TCP only our server can answer; a wrong id or question is a broken server.
        if (!matchesQuestion(decoded.response, request.id, request.name, request.type)) {
          // AXFR continuation messages may omit the question (RFC 5936 §2.2.1): accept the id alone.
          if (!(options.collect && messages > 1 && decoded.response.id === request.id && !decoded.response.question)) {
            return finish({ kind: 'malformed', reason: 'response does not match the question asked' });
          }
        }
        if (!options.collect || options.collect(decoded.response)) return finish({ kind: 'response', response: decoded.response });
      }
    });
  });
}
