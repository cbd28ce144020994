/**
 * Evidence the HTTP probe collects about one web site (`collectWebEvidence`). Everything here is
 * JSON-safe so it can be stored with the run; the web checks (src/checks/web) are pure functions
 * over it. Header names are lower-case; repeated headers are joined with ", " except Set-Cookie,
 * which is kept as a list.
 */

/** Why a request gave no (complete) answer. `code` is stable, `message` is for people. */
export interface ProbeFailure {
  code:
    | 'dns'
    | 'connect'
    | 'tls'
    | 'timeout-headers'
    | 'timeout-body'
    | 'timeout-total'
    | 'aborted'
    | 'redirect-loop'
    | 'too-many-redirects'
    | 'budget'
    | 'protocol'
    /** The address is outside vigil.yaml's network scope: not connected. */
    | 'out-of-scope'
    | 'other';
  message: string;
}

/** The TLS facts the HTTP probe sees on its own connections (the TLS probe goes much further). */
export interface HttpTlsFacts {
  /** The chain verified against the system roots plus `ctx.extraCaPem`, and the name matched. */
  authorized: boolean;
  /** OpenSSL/Node code when not authorized, e.g. `CERT_HAS_EXPIRED`, `ERR_TLS_CERT_ALTNAME_INVALID`. */
  authorizationError?: string;
  protocol?: string;
  cipher?: string;
}

/** One request and its answer (no body). */
export interface HttpExchange {
  url: string;
  method: string;
  status?: number;
  headers: Record<string, string>;
  setCookies: string[];
  /** The Location header resolved against `url`, for 3xx answers. */
  location?: string;
  tls?: HttpTlsFacts;
  /** The address really connected to (after DNS and the port map). */
  connectedTo?: string;
  durationMs: number;
  error?: ProbeFailure;
}

/** A redirect chain followed by hand, hop by hop (bounded, loops detected). */
export interface RedirectChain {
  /** Which of the four pshtt endpoints this is, or `target` for the URL given. */
  label: 'target' | 'http-apex' | 'https-apex' | 'http-www' | 'https-www';
  start: string;
  steps: HttpExchange[];
  /** The URL of the last answer that was not a redirect (absent on error). */
  finalUrl?: string;
  finalStatus?: number;
  outcome: 'ok' | 'error' | 'redirect-loop' | 'too-many-redirects';
  error?: ProbeFailure;
}

export interface ParsedCookie {
  name: string;
  /** Where the cookie was set (the URL of the answer carrying it). */
  setBy: string;
  secure: boolean;
  httpOnly: boolean;
  /** As written (`Strict`, `Lax`, `None`, or an invalid value); absent when not given. */
  sameSite?: string;
  domain?: string;
  path?: string;
  /** Max-Age/Expires given (a persistent cookie). */
  persistent: boolean;
  /** The name looks like a session or authentication cookie (PHPSESSID, JSESSIONID, *sess*, *auth*, *token*…). */
  sessionLike: boolean;
  /** The name looks like an anti-CSRF token cookie. */
  antiCsrf: boolean;
  /** Prefix rules (__Secure-/__Host-) respected when a prefix is used. */
  prefixValid: boolean;
}

export interface PageScript {
  src?: string;
  /** Absolute URL of `src` against the page. */
  url?: string;
  integrity?: string;
  crossorigin?: string;
  /** Loaded from another origin than the page's. */
  external: boolean;
}

export interface PageResource {
  tag: string;
  attribute: string;
  url: string;
}

export interface PageForm {
  action: string;
  method: string;
  hasPassword: boolean;
}

export interface CmsMarker {
  cms: 'wordpress' | 'joomla' | 'drupal' | 'other';
  /** Product name as found, e.g. "WordPress", "Joomla!", "Drupal", "Bitrix". */
  product: string;
  version?: string;
  /** Where the marker was seen, e.g. `meta generator`, `wp-includes ver=`, `x-generator header`. */
  source: string;
}

/** What the probe extracted from an HTML page (cheerio). */
export interface PageContent {
  title?: string;
  generators: string[];
  /** `<meta http-equiv="Content-Security-Policy">` values (they count for CSP). */
  metaCsp: string[];
  scripts: PageScript[];
  inlineScripts: number;
  iframes: PageResource[];
  stylesheets: (PageResource & { integrity?: string })[];
  images: PageResource[];
  forms: PageForm[];
  /** http: resources referenced by an https page. `active` = script/iframe/stylesheet/object. */
  mixedContent: (PageResource & { kind: 'active' | 'passive' })[];
  cms: CmsMarker[];
  /** A password field is on the page. */
  loginForm: boolean;
  /** Elements of each kind were capped at this many to bound memory. */
  truncatedLists: boolean;
}

/** The page the target ends on. */
export interface FinalPage {
  url: string;
  status?: number;
  headers: Record<string, string>;
  contentType?: string;
  /** Bytes read (never more than the cap). */
  bodyBytes: number;
  /** Reading stopped at the cap. */
  truncated: boolean;
  /** Heuristic: URL or content of a sign-in page (judged as a login redirect, not a failure). */
  loginPage: boolean;
  html?: PageContent;
  error?: ProbeFailure;
}

/** What "not found" looks like on this site, learned from random paths. */
export interface NotFoundBaseline {
  samples: { path: string; status?: number; length: number; contentType?: string; location?: string; error?: ProbeFailure }[];
  /** A random path answered 200 (or redirected somewhere that does): a soft-404 site. */
  soft404: boolean;
}

export type ExposureCategory = 'git' | 'svn' | 'env' | 'backup' | 'phpinfo' | 'directory-listing' | 'server-status' | 'logs' | 'config' | 'admin-panel';

export interface PathProbe {
  path: string;
  category: ExposureCategory;
  /** Id of the list entry (src/checks/web/exposure-paths.ts). */
  entry: string;
  status?: number;
  length?: number;
  contentType?: string;
  location?: string;
  /**
   * found: the content signature proves it; absent: not there; soft-404: the answer looks like the
   * site's "not found" page; error: no answer (see `error`).
   */
  verdict: 'found' | 'absent' | 'soft-404' | 'error';
  /** Which signature matched (human-readable). */
  signature?: string;
  /** A short excerpt proving the hit, with secrets masked (values after `=`/`:` replaced). */
  excerpt?: string;
  error?: ProbeFailure;
}

export interface CorsEvidence {
  url: string;
  origin: string;
  status?: number;
  allowOrigin?: string;
  allowCredentials?: string;
  vary?: string;
  error?: ProbeFailure;
}

export interface ErrorPageEvidence {
  /** Pages examined for stack traces and version strings (the error probe and the 404 samples). */
  probes: { url: string; status?: number; error?: ProbeFailure }[];
  stackTraceMarkers: { url: string; marker: string }[];
  versionStrings: { url: string; text: string }[];
}

export interface SecurityTxtEvidence {
  url: string;
  status?: number;
  contentType?: string;
  /** A text file with at least one field was served (not an HTML soft-404). */
  found: boolean;
  /** Field name (lower-case) → values. */
  fields: Record<string, string[]>;
  signed: boolean;
  /** RFC 9116 problems found (missing Contact, Expires absent/past/too far, not over HTTPS…). */
  problems: string[];
  expires?: string;
  error?: ProbeFailure;
}

export interface WebEvidence {
  /** The URL assessed, normalised (scheme added, path kept). */
  target: string;
  host: string;
  /** The host without `www.` (pshtt's "domain"). */
  apexHost: string;
  startedAt: string;
  durationMs: number;
  /** The chain from the target URL. */
  chain: RedirectChain;
  /** http/https × apex/www (pshtt). The target's own endpoint also appears here. */
  endpoints: RedirectChain[];
  /** Where sensitive paths, CORS and security.txt were probed. */
  siteOrigin: string;
  finalPage: FinalPage;
  /** Cookies set anywhere in the target chain and on the final page. */
  cookies: ParsedCookie[];
  baseline?: NotFoundBaseline;
  paths: PathProbe[];
  cors?: CorsEvidence;
  errorPages?: ErrorPageEvidence;
  securityTxt?: SecurityTxtEvidence;
  /** The limits the run used (so a reader knows what "capped" means). */
  limits: { maxBodyBytes: number; maxPathBodyBytes: number; maxRedirects: number; requestTimeoutMs: number; pathBudgetMs: number; pathConcurrency: number };
  /** Things skipped because a budget ran out, or parts turned off by options. */
  notes: string[];
}
