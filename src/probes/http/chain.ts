/**
 * Follow a redirect chain by hand: every hop is recorded (status, headers, Set-Cookie, TLS
 * verdict), hops are bounded, a URL seen twice is a loop. The last answer's body is read (capped)
 * only when asked.
 */
import type { FetchResult, HttpClient } from './client.js';
import type { HttpExchange, RedirectChain } from './types.js';

export function isRedirect(status: number | undefined): boolean {
  return status !== undefined && [301, 302, 303, 307, 308].includes(status);
}

export interface ChainResult {
  chain: RedirectChain;
  /** The final answer's fetch (with its body when `readFinalBody` > 0). */
  final?: FetchResult;
}

export async function followChain(
  client: HttpClient,
  label: RedirectChain['label'],
  start: string,
  options: { maxRedirects: number; readFinalBody: number; signal?: AbortSignal },
): Promise<ChainResult> {
  const steps: HttpExchange[] = [];
  const seen = new Set<string>();
  let url = start;
  for (let hop = 0; ; hop++) {
    seen.add(url);
    const result = await client.fetch(url, {
      bodyLimit: (status) => (isRedirect(status) ? 0 : options.readFinalBody),
      ...(options.signal ? { signal: options.signal } : {}),
    });
    steps.push(result.exchange);
    const { exchange } = result;
    if (exchange.error) {
      return { chain: { label, start, steps, outcome: 'error', error: exchange.error }, final: result };
    }
    if (!isRedirect(exchange.status) || !exchange.location) {
      return {
        chain: { label, start, steps, outcome: 'ok', finalUrl: url, ...(exchange.status !== undefined ? { finalStatus: exchange.status } : {}) },
        final: result,
      };
    }
    const next = exchange.location;
    if (!/^https?:\/\//i.test(next)) {
      // A redirect to another scheme (ftp:, a custom app scheme): the chain ends here.
      return {
        chain: { label, start, steps, outcome: 'ok', finalUrl: url, ...(exchange.status !== undefined ? { finalStatus: exchange.status } : {}) },
        final: result,
      };
    }
    if (seen.has(next)) {
      return {
        chain: {
          label,
          start,
          steps,
          outcome: 'redirect-loop',
          error: { code: 'redirect-loop', message: `redirect loop: ${next} was already visited after ${steps.length} hop(s)` },
        },
      };
    }
    if (hop + 1 > options.maxRedirects) {
      return {
        chain: {
          label,
          start,
          steps,
          outcome: 'too-many-redirects',
          error: { code: 'too-many-redirects', message: `more than ${options.maxRedirects} redirects` },
        },
      };
    }
    url = next;
  }
}
