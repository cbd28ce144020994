/**
 * Set-Cookie parsing for the checks: attributes only (values are never kept — they can be
 * session secrets). Hand-written because only the attribute flags matter and no library in the
 * stack exposes them without also keeping the value.
 */
import type { ParsedCookie } from './types.js';

/** Names that carry a session or an authentication state (Observatory's idea of a session cookie, widened). */
const SESSION_NAME =
  /(^|[_.-])(sess|session|sessid|sid|ssid|auth|token|jwt|login|logged|remember|user(id)?|account)([_.-]|$)|sessionid|session_id|sessid|phpsessid|jsessionid|asp\.net_sessionid|aspsessionid|laravel_session|connect\.sid|_session$|wordpress_logged_in|wordpress_sec|\.aspxauth|cfid|cftoken/i;
const ANTI_CSRF = /csrf|xsrf|__requestverificationtoken|_token$/i;

export function parseSetCookie(header: string, setBy: string): ParsedCookie | undefined {
  const parts = header.split(';');
  const pair = parts.shift() ?? '';
  const eq = pair.indexOf('=');
  const name = (eq >= 0 ? pair.slice(0, eq) : pair).trim();
  if (!name) return undefined;
  const cookie: ParsedCookie = {
    name: name.slice(0, 200),
    setBy,
    secure: false,
    httpOnly: false,
    persistent: false,
    sessionLike: false,
    antiCsrf: false,
    prefixValid: true,
  };
  for (const part of parts) {
    const i = part.indexOf('=');
    const key = (i >= 0 ? part.slice(0, i) : part).trim().toLowerCase();
    const value = i >= 0 ? part.slice(i + 1).trim() : '';
    if (key === 'secure') cookie.secure = true;
    else if (key === 'httponly') cookie.httpOnly = true;
    else if (key === 'samesite') cookie.sameSite = value.slice(0, 40);
    else if (key === 'domain') cookie.domain = value.slice(0, 255);
    else if (key === 'path') cookie.path = value.slice(0, 255);
    else if (key === 'max-age' || key === 'expires') cookie.persistent = true;
  }
  cookie.antiCsrf = ANTI_CSRF.test(name);
  cookie.sessionLike = !cookie.antiCsrf && SESSION_NAME.test(name);
  if (name.startsWith('__Secure-')) cookie.prefixValid = cookie.secure;
  if (name.startsWith('__Host-')) cookie.prefixValid = cookie.secure && cookie.domain === undefined && cookie.path === '/';
  return cookie;
}

/** All cookies of a list of answers, the last setting of each name+domain+path winning. */
export function collectCookies(answers: { url: string; setCookies: string[] }[]): ParsedCookie[] {
  const byKey = new Map<string, ParsedCookie>();
  for (const answer of answers) {
    for (const header of answer.setCookies) {
      const cookie = parseSetCookie(header, answer.url);
      if (cookie) byKey.set(`${cookie.name}|${cookie.domain ?? new URL(answer.url).hostname}|${cookie.path ?? ''}`, cookie);
    }
  }
  return [...byKey.values()].slice(0, 200);
}
