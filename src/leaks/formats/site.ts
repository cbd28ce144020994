import { parse } from 'tldts';

/**
 * Is the text beside a leaked address the site it was used on, or a password? A combo line puts
 * either a URL (`url:login:pass`, stealer combolists) or the password (`pass:login`) before the
 * address, and a password such as `12/05/1990`, `ngoc.anh` or `matkhau.vn` taken for a URL was
 * kept verbatim in the store, the exports and the owner's notice. So a URL is recognised by what a
 * URL is, never by "holds a `/` or a dot":
 *   - `scheme` — `scheme://authority…` with no white space (`https://…`, `android://…@com.app/`);
 *   - `host`  — no scheme, but a host whose labels hold only host characters and whose suffix the
 *               public suffix list knows as an ICANN one (tldts), or a dotted IPv4 address with a
 *               port or a path, optionally with `:port` and a `/path` (`portal.example.vn:8080/login`).
 * Anything else is no URL. `ngoc.anh` (no such suffix), `12/05/1990` (no host) and `a b.vn` (a space)
 * are passwords whatever the line's layout; whether a `host` shape may be a URL depends on where it
 * stands (see parseCombo), since `abc.com` is a plausible password too.
 */
export type SiteShape = 'scheme' | 'host';

const SCHEME_URL = /^[a-z][a-z0-9+.-]*:\/\/[^\s/?#]+\S*$/i;
/** Host labels (letters, digits, inner hyphens), then an optional port and path without white space. */
const HOST_URL = /^((?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)(:\d{1,5})?(\/\S*)?$/i;
const IPV4 = /^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;

export function siteShape(text: string): SiteShape | null {
  if (text.length > 4096) return null; // no site address is that long; a password might be
  if (SCHEME_URL.test(text)) return 'scheme';
  const m = HOST_URL.exec(text);
  if (!m) return null;
  const host = m[1]!;
  if (IPV4.test(host)) return m[2] || m[3] ? 'host' : null;
  const parsed = parse(host, { allowPrivateDomains: false });
  // An ICANN suffix with a registrable name before it (`com` alone, or `1990` as a "suffix", is no host).
  return parsed.isIcann === true && parsed.domain !== null && /[a-z]/i.test(parsed.publicSuffix ?? '') ? 'host' : null;
}
