import { isIP } from '../net-address.js';
import { z } from 'zod';
import { userPatternProblem } from './user-pattern.js';

/**
 * The `monitors:` section of vigil.yaml (holiday watch). Durations are written the way people
 * write them (`60s`, `5m`, `1h`, `500ms`, or a bare number of seconds) and parsed to
 * milliseconds here, so the rest of the watch only sees numbers.
 */
const DURATION_UNITS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

export function parseDuration(value: string | number): number {
  if (typeof value === 'number') return Math.round(value * 1_000);
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$/.exec(value);
  if (!match) return Number.NaN;
  return Math.round(Number(match[1]) * DURATION_UNITS[match[2] ?? 's']!);
}

export const duration = z.union([z.number().positive(), z.string()]).transform((value, ctx) => {
  const ms = parseDuration(value);
  if (!Number.isFinite(ms) || ms <= 0) {
    ctx.addIssue({ code: 'custom', message: `not a duration: "${value}" (write e.g. 30s, 5m, 1h, 500ms)` });
    return z.NEVER;
  }
  return ms;
});

/** A user regular expression: must compile under RE2 (user-pattern.ts), which runs it. */
export const userPattern = z
  .string()
  .min(1)
  .superRefine((source, ctx) => {
    const problem = userPatternProblem(source);
    if (problem) ctx.addIssue({ code: 'custom', message: `${problem} — write a pattern RE2 accepts (no backreferences, no lookaround)` });
  });

/**
 * A name written into an SMTP command line (EHLO): a host name or an address literal
 * ([192.0.2.1], [IPv6:…]) as RFC 5321 allows, nothing else — so CR, LF or NUL can never end the
 * line early and append a command of the user's choosing.
 */
export function isHeloName(value: string): boolean {
  const literal = /^\[(?:IPv6:)?([0-9A-Fa-f:.]+)\]$/.exec(value);
  if (literal) return isIP(literal[1]!) === (value.startsWith('[IPv6:') ? 6 : 4);
  const name = value.endsWith('.') ? value.slice(0, -1) : value;
  if (name.length === 0 || name.length > 253) return false;
  return name.split('.').every((label) => /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/.test(label));
}

export const heloName = z.string().refine(isHeloName, {
  message: 'not a host name: write a name such as vigil.example.gov.vn or an address literal such as [192.0.2.1] (no spaces, CR, LF)',
});

/** HTTP header name (RFC 9110 token) and a value without CR, LF or NUL, so no header or request can be injected. */
const headerName = z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, "not a header name (letters, digits and !#$%&'*+.^_`|~-)");
const headerValue = z.string().refine((value) => !/[\r\n\0]/.test(value), { message: 'a header value cannot contain CR, LF or NUL' });

export const monitorTagsSchema = z.strictObject({
  /** Đơn vị — the unit that owns the system. */
  unit: z.string().optional(),
  system: z.string().optional(),
  /** Cấp độ an toàn hệ thống thông tin (1–5, decree 85/2016). */
  securityLevel: z.union([z.number().int().min(1).max(5), z.string()]).optional(),
});

const common = {
  name: z.string().min(1),
  /** A stable id for the API; defaults to a slug of the name. */
  id: z
    .string()
    .regex(/^[a-z0-9][a-z0-9._-]{0,80}$/)
    .optional(),
  interval: duration.default(60_000),
  timeout: duration.default(10_000),
  /** Failed checks in a row before the monitor is reported down (0 = at once). */
  retries: z.number().int().min(0).max(100).default(0),
  /** Successful checks in a row before a down monitor counts as recovered. */
  recovery: z.number().int().min(1).max(100).default(1),
  tags: monitorTagsSchema.default({}),
  enabled: z.boolean().default(true),
  /** Notification channel names (notifications.channels); default: every channel. */
  channels: z.array(z.string()).optional(),
};

export const defacementIgnoreSchema = z.strictObject({
  /** CSS selectors whose elements are removed before comparing (clocks, news tickers, counters). */
  selectors: z.array(z.string().min(1)).default([]),
  /** Regular expressions whose matches are removed from the text before comparing. */
  patterns: z.array(userPattern).default([]),
});

export const httpMonitorSchema = z.strictObject({
  ...common,
  type: z.literal('http'),
  url: z.url({ protocol: /^https?$/ }),
  method: z.enum(['GET', 'HEAD', 'POST']).default('GET'),
  headers: z.record(headerName, headerValue).default({}),
  body: z.string().optional(),
  /** Accepted status codes; default 200–399. */
  expectStatus: z.array(z.number().int().min(100).max(599)).optional(),
  /** Text that must be present (or absent with `absent: true`). */
  keyword: z.string().min(1).optional(),
  /** Regular expression that must match (or must not, with `absent: true`). */
  regex: userPattern.optional(),
  absent: z.boolean().default(false),
  /** JSON body condition, e.g. `{ path: status.db, equals: ok }` or `{ path: queue.length, op: '<', value: 100 }`. */
  json: z
    .strictObject({
      path: z.string().min(1),
      op: z.enum(['==', '!=', '<', '<=', '>', '>=', 'exists']).default('=='),
      value: z.union([z.string(), z.number(), z.boolean(), z.null()]).optional(),
    })
    .optional(),
  /** Response slower than this → degraded. */
  degradedAfter: duration.optional(),
  followRedirects: z.boolean().default(true),
  maxRedirects: z.number().int().min(0).max(20).default(5),
  /** Bytes of body read at most (hostile servers may send endless bodies). */
  maxBodyBytes: z.number().int().min(1_024).max(50_000_000).default(2_000_000),
  /** Defacement watch on this page (default on for http). */
  defacement: z.boolean().default(true),
  defacementIgnore: defacementIgnoreSchema.default({ selectors: [], patterns: [] }),
  /** Share of the page text that may change before it is reported (0–1). */
  defacementThreshold: z.number().min(0).max(1).default(0.3),
});

export const tcpMonitorSchema = z.strictObject({
  ...common,
  type: z.literal('tcp'),
  host: z.string().min(1),
  port: z.number().int().min(1).max(65535),
});

export const dnsMonitorSchema = z.strictObject({
  ...common,
  type: z.literal('dns'),
  /** The name to query (e.g. example.gov.vn). */
  host: z.string().min(1),
  recordType: z.enum(['A', 'AAAA', 'MX', 'NS', 'TXT', 'CNAME']).default('A'),
  /** Values that must be in the answer (MX as "10 mail.example.gov.vn"). */
  expected: z.array(z.string()).optional(),
  /** Alert on any change of the answer against the last one seen (default true). */
  alertOnChange: z.boolean().default(true),
  /** HOST:PORT of the resolver; default: --resolver or the system's. */
  resolver: z.string().optional(),
});

export const tlsMonitorSchema = z.strictObject({
  ...common,
  type: z.literal('tls'),
  host: z.string().min(1),
  port: z.number().int().min(1).max(65535).default(443),
  servername: z.string().optional(),
  /** Days before expiry at which to warn; the smallest one is reported as down. */
  expiryDays: z.array(z.number().int().min(0).max(3650)).default([21, 14, 7]),
});

export const smtpMonitorSchema = z.strictObject({
  ...common,
  type: z.literal('smtp'),
  host: z.string().min(1),
  port: z.number().int().min(1).max(65535).default(25),
  /** Regular expression the 220 banner must match. */
  banner: z.literal('').or(userPattern).optional(),
  /** STARTTLS must be offered and the handshake must succeed (default true). */
  starttls: z.boolean().default(true),
  heloName: heloName.default('vigil.invalid'),
});

export const heartbeatMonitorSchema = z.strictObject({
  ...common,
  type: z.literal('heartbeat'),
  /** The secret part of /api/v1/watch/heartbeat/:token; default derived from the installation secret. */
  token: z
    .string()
    .regex(/^[A-Za-z0-9_-]{16,128}$/)
    .optional(),
  /** How often the job is expected to call. */
  period: duration,
  /** Extra time allowed after the period before the job counts as late (down). */
  grace: duration.default(300_000),
});

export const monitorSchema = z.discriminatedUnion('type', [
  httpMonitorSchema,
  tcpMonitorSchema,
  dnsMonitorSchema,
  tlsMonitorSchema,
  smtpMonitorSchema,
  heartbeatMonitorSchema,
]);

export const monitorsSchema = z.array(monitorSchema);

export type MonitorConfig = z.infer<typeof monitorSchema>;
export type MonitorInput = z.input<typeof monitorSchema>;
export type HttpMonitorConfig = z.infer<typeof httpMonitorSchema>;
export type TcpMonitorConfig = z.infer<typeof tcpMonitorSchema>;
export type DnsMonitorConfig = z.infer<typeof dnsMonitorSchema>;
export type TlsMonitorConfig = z.infer<typeof tlsMonitorSchema>;
export type SmtpMonitorConfig = z.infer<typeof smtpMonitorSchema>;
export type HeartbeatMonitorConfig = z.infer<typeof heartbeatMonitorSchema>;
export type MonitorType = MonitorConfig['type'];

/** A stable id from the name when none is given: lower-case ASCII slug (Vietnamese diacritics folded). */
export function monitorId(monitor: Pick<MonitorConfig, 'name' | 'id'>): string {
  if (monitor.id) return monitor.id;
  const slug = monitor.name
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 80);
  return slug || 'monitor';
}

/**
 * Fields the watch adds to the `onCall:` section (all optional, so an existing `onCall:` with
 * only `people:` stays valid): the roster over the holiday calendar, escalation, alert rules and
 * maintenance windows.
 */
export const shiftSchema = z.strictObject({
  start: z.iso.datetime({ offset: true }),
  end: z.iso.datetime({ offset: true }),
  primary: z.string().min(1),
  secondary: z.string().optional(),
  label: z.string().optional(),
});

export const rotationSchema = z
  .strictObject({
    /**
     * First shift start (ISO with offset). With `start`/`end` the rotation covers that range as
     * written (a drill week, the demo). Without them it covers every holiday period of
     * `onCall.holidays` — the usual case.
     */
    start: z.iso.datetime({ offset: true }).optional(),
    /** Last moment covered (with `start`). */
    end: z.iso.datetime({ offset: true }).optional(),
    shiftHours: z.union([z.literal(6), z.literal(8), z.literal(12), z.literal(24)]).default(12),
    /** Local time (onCall.timezone) at which a holiday's first shift begins and each day hands over; default 07:00. */
    handover: z
      .string()
      .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'write the time as HH:MM, e.g. 07:30')
      .optional(),
    /** Names (onCall.people) taking the primary role in turn. */
    primary: z.array(z.string().min(1)).min(1),
    secondary: z.array(z.string().min(1)).default([]),
  })
  .refine((r) => (r.start === undefined) === (r.end === undefined), { message: 'give both start and end, or neither (then the rotation covers the holidays)' })
  .refine((r) => r.start === undefined || r.end === undefined || Date.parse(r.start) < Date.parse(r.end), { message: 'start must be before end' });

export const escalationStepSchema = z.strictObject({
  /** Time since the alert opened, unacknowledged, before this step (0 = at once). */
  after: z.union([z.literal(0), z.literal('0'), duration]).transform((v) => (v === '0' ? 0 : v)),
  /** "primary", "secondary", "everyone" or a person's name. */
  notify: z.array(z.string().min(1)).min(1),
});

export const maintenanceSchema = z.union([
  z.strictObject({
    name: z.string().min(1),
    start: z.iso.datetime({ offset: true }),
    end: z.iso.datetime({ offset: true }),
    monitors: z.array(z.string()).optional(),
  }),
  z.strictObject({
    name: z.string().min(1),
    /** Cron expression (croner) for when each window starts, e.g. "0 2 * * 0" = Sundays 02:00. */
    cron: z.string().min(1),
    duration,
    timezone: z.string().default('Asia/Ho_Chi_Minh'),
    monitors: z.array(z.string()).optional(),
  }),
]);

/** A holiday period (dates inclusive, in onCall.timezone), e.g. Tết, 30-4 + 1-5, 2-9. */
export const holidaySchema = z
  .strictObject({ name: z.string().min(1), from: z.iso.date(), to: z.iso.date() })
  .refine((h) => h.from <= h.to, { message: 'from must not be after to' });

/** Who is on call outside the holiday periods (and outside every shift): the normal duty officer. */
export const fallbackSchema = z.strictObject({
  primary: z.string().min(1),
  secondary: z.string().min(1).optional(),
});

/** An IANA time zone name that this Node knows. */
export const timeZone = z.string().refine(
  (zone) => {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: zone });
      return true;
    } catch {
      return false;
    }
  },
  { message: 'not a time zone (write e.g. Asia/Ho_Chi_Minh)' },
);

export const onCallWatchFields = {
  /** Time zone of holiday dates and the handover time (default Asia/Ho_Chi_Minh). */
  timezone: timeZone.optional(),
  holidays: z.array(holidaySchema).default([]),
  /** Explicit shifts: overrides and swaps; each replaces the rotation for its own time span. */
  shifts: z.array(shiftSchema).default([]),
  rotation: rotationSchema.optional(),
  /** Outside the holiday periods: the normal duty officer (default: nobody — the channels' own recipients only). */
  fallback: fallbackSchema.optional(),
  escalation: z.array(escalationStepSchema).default([
    { after: 0, notify: ['primary'] },
    { after: 900_000, notify: ['secondary'] },
    { after: 1_800_000, notify: ['everyone'] },
  ]),
  /** Resend an unacknowledged alert this often (0 = never). */
  resendInterval: duration.optional(),
  /** Alerts within this window go out as one message. */
  groupWindow: duration.default(10_000),
  sendOnResolved: z.boolean().default(true),
  maintenance: z.array(maintenanceSchema).default([]),
  /** Base URL of this vigil for links in messages (acknowledge), e.g. https://vigil.stttt.gov.vn. */
  publicUrl: z.url().optional(),
  /** How long a signed acknowledge link stays valid. */
  ackLinkTtl: duration.default(86_400_000),
};

export type ShiftConfig = z.infer<typeof shiftSchema>;
export type RotationConfig = z.infer<typeof rotationSchema>;
export type HolidayConfig = z.infer<typeof holidaySchema>;
export type FallbackConfig = z.infer<typeof fallbackSchema>;
export type EscalationStep = z.infer<typeof escalationStepSchema>;
export type MaintenanceConfig = z.infer<typeof maintenanceSchema>;
