import type { Role } from '../route.js';

/** What a redacted secret reads as in API answers. */
export const REDACTED = '***';

/** `https://user:pass@host/…` → `https://***:***@host/…`; other URLs unchanged. */
export function redactUrlUserinfo(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return value;
  }
  if (url.username === '' && url.password === '') return value;
  url.username = REDACTED;
  if (url.password !== '') url.password = REDACTED;
  return url.toString();
}

/**
 * Who sees which secrets of a monitor (GET one, PATCH's answer): the one place that decides.
 *
 * - admin: everything, including a heartbeat monitor's token (its ping URL is a credential).
 * - analyst: header values, request body and URL userinfo (they edit monitors and need them to),
 *   but not the heartbeat token.
 * - viewer: none of them — header names stay, their values, the body, the userinfo and the token
 *   read `***`.
 */
export function redactMonitorConfig(config: Record<string, unknown>, role: Role): Record<string, unknown> {
  if (role === 'admin') return config;
  const out: Record<string, unknown> = { ...config };
  if (typeof out.token === 'string') out.token = REDACTED;
  if (role === 'analyst') return out;
  if (out.headers && typeof out.headers === 'object') {
    out.headers = Object.fromEntries(Object.keys(out.headers as Record<string, unknown>).map((name) => [name, REDACTED]));
  }
  if (typeof out.body === 'string') out.body = REDACTED;
  if (typeof out.url === 'string') out.url = redactUrlUserinfo(out.url);
  return out;
}

/** The heartbeat ping path, shown only to admins (others see that there is one, not its token). */
export function heartbeatPathFor(token: string, role: Role): string {
  return `/api/v1/watch/heartbeat/${role === 'admin' ? token : REDACTED}`;
}
