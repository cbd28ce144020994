/**
 * Outgoing JSON POSTs (the watch's alert channels: webhooks, Slack, Teams, Telegram). Delivery is
 * network too, so it lives with the probes; the channels keep the formatting and signing. Bounded
 * in time and in how much of the answer is read, so a hostile or stuck receiver cannot hold the
 * outbox.
 */
import { request } from 'undici';

export interface PostResult {
  status: number;
  /** The first bytes of the answer (for the error message when the status is not 2xx). */
  text: string;
}

const MAX_ANSWER_BYTES = 64 * 1024;

/** POST `payload` (already serialised JSON) with `headers`; resolves with the status, throws on network failure or timeout. */
export async function postJson(url: string, payload: string, headers: Record<string, string>, timeoutMs: number): Promise<PostResult> {
  const response = await request(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: payload,
    signal: AbortSignal.timeout(timeoutMs),
  });
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of response.body) {
    const buffer = chunk as Buffer;
    chunks.push(buffer.subarray(0, MAX_ANSWER_BYTES - size));
    size += buffer.length;
    if (size >= MAX_ANSWER_BYTES) {
      response.body.destroy();
      break;
    }
  }
  return { status: response.statusCode, text: Buffer.concat(chunks).toString('utf8') };
}

/** Like postJson, but a status outside 2xx is an error too (what a delivery needs). */
export async function postJsonOk(url: string, payload: string, headers: Record<string, string>, timeoutMs: number): Promise<void> {
  const { status, text } = await postJson(url, payload, headers, timeoutMs);
  if (status < 200 || status >= 300) throw new Error(`HTTP ${status}: ${text.slice(0, 200)}`);
}
