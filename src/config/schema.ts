import { z } from 'zod';
import { parseScopeEntry } from '../probes/scope.js';
import { monitorsSchema, onCallWatchFields } from '../watch/config-schema.js';

/**
 * vigil.yaml. Every section is optional; unknown keys are errors (strict objects), so a typo is
 * reported instead of silently ignored. Capabilities that need a section call
 * `requireSection()` (load.ts), which says which section is missing and how to add it.
 */

const domainName = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^(?=.{1,253}$)([a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9])?\.)*[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.?$/, 'not a domain name');

export const organisationSchema = z.strictObject({
  name: z.string().min(1),
  /** Cơ quan chủ quản — the parent body named in official reports. */
  parent: z.string().optional(),
  address: z.string().optional(),
  phone: z.string().optional(),
  email: z.email().optional(),
  /** Short code used in report numbering, e.g. "STTTT". */
  code: z.string().optional(),
});

export const mailSchema = z.strictObject({
  domains: z.array(domainName).min(1),
  /** DKIM selectors to try besides the built-in list of common ones. */
  dkimSelectors: z.array(z.string().min(1)).default([]),
  /** Outbound IP addresses that must pass SPF. */
  outboundIps: z.array(z.union([z.ipv4(), z.ipv6()])).default([]),
});

export const websiteSchema = z.strictObject({
  url: z.string().url(),
  name: z.string().optional(),
  /** A portal (cổng thông tin điện tử): defacement watch on by default. */
  portal: z.boolean().default(false),
});

export const staffSchema = z.strictObject({
  /** CSV with columns: full name, email, unit, phone (and optional aliases). */
  directory: z.string().min(1),
});

export const smtpServerSchema = z.strictObject({
  host: z.string().min(1),
  port: z.number().int().min(1).max(65535).default(587),
  secure: z.boolean().default(false),
  user: z.string().optional(),
  /** Prefer passwordEnv: the name of an environment variable holding the password. */
  password: z.string().optional(),
  passwordEnv: z.string().optional(),
  from: z.string().min(1),
});

export const channelSchema = z.discriminatedUnion('type', [
  z.strictObject({ name: z.string().min(1), type: z.literal('email'), to: z.array(z.email()).min(1) }),
  z.strictObject({
    name: z.string().min(1),
    type: z.literal('telegram'),
    botToken: z.string().min(1),
    chatId: z.string().min(1),
    baseUrl: z.string().url().optional(),
  }),
  z.strictObject({ name: z.string().min(1), type: z.literal('slack'), url: z.string().url() }),
  z.strictObject({ name: z.string().min(1), type: z.literal('teams'), url: z.string().url() }),
  z.strictObject({ name: z.string().min(1), type: z.literal('webhook'), url: z.string().url(), secret: z.string().optional() }),
]);

export const notificationsSchema = z.strictObject({
  smtp: smtpServerSchema.optional(),
  channels: z.array(channelSchema).default([]),
});

export const onCallPersonSchema = z.strictObject({
  name: z.string().min(1),
  email: z.email().optional(),
  phone: z.string().optional(),
  telegramChatId: z.string().optional(),
});

export const onCallSchema = z
  .strictObject({
    people: z.array(onCallPersonSchema).default([]),
    /** Roster, escalation, alert rules and maintenance windows of the holiday watch (src/watch/config-schema.ts). */
    ...onCallWatchFields,
  })
  // Caught when vigil.yaml loads (with its line), not when the watch starts on a holiday night.
  .refine((onCall) => !onCall.rotation || onCall.rotation.start !== undefined || onCall.holidays.length > 0, {
    path: ['rotation'],
    message: 'the rotation has no start/end and onCall.holidays is empty, so it covers nothing: add holidays (from/to) or a start and end',
  });

/**
 * How probes reach the organisation's hosts. Empty in production (the system resolver and trust
 * store); the demo and tests point it at the lab: its resolver, its CA and its port map.
 */
export const networkSchema = z.strictObject({
  /** DNS resolver HOST:PORT (default: the system's first nameserver). */
  resolver: z.string().min(1).optional(),
  /** Extra trusted root certificates (PEM files, relative to this file). */
  ca: z.array(z.string().min(1)).default([]),
  /** `"IP:PORT": realPort` — where to connect for a service (the lab's unprivileged ports). */
  portMap: z.record(z.string(), z.number().int().min(1).max(65535)).default({}),
  dnsTimeoutMs: z.number().int().min(50).max(60_000).optional(),
  connectTimeoutMs: z.number().int().min(50).max(120_000).optional(),
  /**
   * What monitors and assessments may reach besides the hosts this file declares (mail domains,
   * websites, monitors): domains (with their subdomains), IP addresses, CIDR ranges. Private and
   * loopback addresses are reachable only when listed; 169.254.0.0/16 and fd00:ec2::254 (cloud
   * metadata) only when listed by an entry inside those ranges.
   */
  targets: z
    .array(
      z
        .string()
        .trim()
        .min(1)
        .superRefine((value, issue) => {
          try {
            parseScopeEntry(value);
          } catch (error) {
            issue.addIssue({ code: 'custom', message: (error as Error).message });
          }
        }),
    )
    .optional(),
});

export const configSchema = z.strictObject({
  organisation: organisationSchema.optional(),
  network: networkSchema.optional(),
  mail: mailSchema.optional(),
  websites: z.array(websiteSchema).optional(),
  staff: staffSchema.optional(),
  notifications: notificationsSchema.optional(),
  onCall: onCallSchema.optional(),
  /** Monitors of the holiday watch (issue: watch). Validated by the watch capability. */
  monitors: monitorsSchema.optional(),
});

export type VigilConfig = z.infer<typeof configSchema>;
export type ConfigSection = keyof VigilConfig;
