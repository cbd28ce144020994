import { readFile } from 'node:fs/promises';
import { join, normalize, sep } from 'node:path';
import { z } from 'zod';
import { monitorHosts } from '../../config/probe-context.js';
import { VigilError } from '../../errors.js';
import { assertHostsInScope } from '../../probes/scope.js';
import { type CatalogEntry, MonitorCatalog, monitorAsInput } from '../../watch/catalog.js';
import { monitorSchema } from '../../watch/config-schema.js';
import { verifyAck } from '../../watch/oncall/links.js';
import { unknownNames } from '../../watch/oncall/roster.js';
import { watchLogPdf, watchLogXlsx } from '../../watch/oncall/export.js';
import { uptime } from '../../watch/rollup.js';
import type { WatchEvent } from '../../watch/service.js';
import { type RunningWatch, startWatch } from '../../watch/start.js';
import { WindowLimiter } from '../../services/auth/rate-limit.js';
import { defineRoutes, download, type Role, type RouteContext, serverSentEvents } from '../route.js';
import type { HttpServices } from '../services.js';
import { heartbeatPathFor, redactMonitorConfig } from './monitor-redaction.js';

/** Least time between two `board` (counts) events on the live stream. */
const BOARD_COUNTS_EVERY_MS = 500;

/**
 * The watch's API: monitors (CRUD, paged for 10,000), live board over SSE, history, defacement
 * diff and evidence, alerts and acknowledgement (dashboard or signed link), roster, watch log and
 * its PDF/XLSX export, heartbeat calls. One running watch per server (`services.singleton`): the
 * serve starter creates it with the scheduler; without it (`--no-watch`) the API still answers.
 */
export function watchRuntime(services: HttpServices, schedule = false): Promise<RunningWatch> {
  return services.singleton('watch', () =>
    startWatch({
      store: services.store,
      config: services.config.config,
      probe: { ...services.probe, now: Date.now },
      schedule,
      log: (line) => services.log.warn(line),
    }),
  );
}

/** For `serveStarters`: start the watch with its scheduler; stop it at server close. */
export async function startWatchForServer(services: HttpServices): Promise<() => Promise<void>> {
  const watch = await watchRuntime(services, true);
  return () => watch.stop();
}

/**
 * The hosts a monitor body would connect to, when it is a valid monitor; an invalid one gets the
 * catalog's own validation error first (so the scope check never hides what is wrong with it).
 */
function validHosts(candidate: Record<string, unknown>): string[] {
  const parsed = monitorSchema.safeParse(candidate);
  return parsed.success ? monitorHosts(parsed.data as unknown as Record<string, unknown>) : [];
}

const idParams = z.object({ id: z.string().min(1).max(200) });
/** One monitor as in vigil.yaml (validated by the catalog against the monitor schema of its type). */
const monitorBody = z
  .record(z.string(), z.unknown())
  .describe(
    'One monitor as in the monitors: section of vigil.yaml: name, type (http|tcp|dns|tls|smtp|heartbeat) and the fields of that type (docs/watch.md). ' +
      'PATCH takes any subset of them (the type schema made partial). Durations as text: "500ms", "30s", "5m", "1h", "1d"; a bare number is seconds.',
  );
const reportedStatus = z.enum(['up', 'down', 'degraded', 'pending']);

const monitorDetailSchema = z.object({
  id: z.string(),
  name: z.string(),
  type: z.enum(['http', 'tcp', 'dns', 'tls', 'smtp', 'heartbeat']),
  source: z.enum(['config', 'api']),
  /** false for monitors of vigil.yaml: PATCH/DELETE answer 409 watch.monitor-from-config. */
  editable: z.boolean(),
  enabled: z.boolean(),
  /** The monitor in the form POST/PATCH accept (durations as text: "60s", "1500ms"). */
  config: z.record(z.string(), z.unknown()),
  status: reportedStatus,
  measured: reportedStatus,
  detail: z.string(),
  checkedAt: z.string().nullable(),
  /** Level of the page's open defacement finding (defacement, warning, change), or null. */
  defacement: z.string().nullable(),
  /**
   * Heartbeat monitors: the path their job calls (GET or POST, no sign-in: the token in it is the
   * secret). Admins only; others see the token as `***`.
   */
  heartbeatPath: z.string().optional(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

const rosterShiftSchema = z.object({
  id: z.string(),
  start: z.string(),
  end: z.string(),
  primary: z.string(),
  secondary: z.string().optional(),
  label: z.string().optional(),
  kind: z.enum(['rotation', 'override']),
  holiday: z.string().optional(),
  current: z.boolean(),
});

const rosterResponseSchema = z.object({
  timezone: z.string(),
  /** Local time (HH:MM) a holiday's first shift starts and each day hands over. */
  handover: z.string(),
  holidays: z.array(z.object({ name: z.string(), from: z.string(), to: z.string(), start: z.string(), end: z.string(), current: z.boolean() })),
  shifts: z.array(rosterShiftSchema),
  onDuty: z.object({
    at: z.string(),
    source: z.enum(['override', 'rotation', 'fallback', 'none']),
    primary: z.string().nullable(),
    secondary: z.string().nullable(),
    shiftId: z.string().nullable(),
    holiday: z.string().nullable(),
  }),
  fallback: z.object({ primary: z.string(), secondary: z.string().nullable() }).nullable(),
  people: z.array(z.object({ name: z.string(), email: z.string().optional(), phone: z.string().optional(), telegramChatId: z.string().optional() })),
  /** Names used by the roster but missing from onCall.people (they get no personal message). */
  unknownNames: z.array(z.string()),
});

/** One monitor as `role` may see it (secrets redacted by redactMonitorConfig). */
function monitorDetail(watch: RunningWatch, entry: CatalogEntry, role: Role): z.input<typeof monitorDetailSchema> {
  const state = watch.service.state(entry.id);
  const token = watch.service.get(entry.id)?.token;
  return {
    id: entry.id,
    name: entry.config.name,
    type: entry.config.type,
    source: entry.source,
    editable: entry.source === 'api',
    enabled: entry.enabled,
    config: redactMonitorConfig(monitorAsInput(entry.config), role),
    status: state.reported,
    measured: state.status,
    detail: state.detail,
    checkedAt: state.checkedAt ? new Date(state.checkedAt).toISOString() : null,
    defacement: defacementLevelOf(state.memory),
    ...(token ? { heartbeatPath: heartbeatPathFor(token, role) } : {}),
    createdAt: entry.createdAt,
    updatedAt: entry.updatedAt,
  };
}
const listQuery = z.object({
  offset: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(10_000).default(100),
  status: z.enum(['up', 'down', 'degraded', 'pending']).optional(),
  q: z.string().max(200).optional(),
});

function boardRow(watch: RunningWatch, id: string) {
  const monitor = watch.service.get(id)!;
  const state = watch.service.state(id);
  return {
    id,
    name: monitor.config.name,
    type: monitor.config.type,
    source: monitor.source,
    tags: monitor.config.tags,
    status: state.reported,
    measured: state.status,
    detail: state.detail,
    responseMs: state.responseMs,
    checkedAt: state.checkedAt ? new Date(state.checkedAt).toISOString() : null,
    changedAt: state.changedAt ? new Date(state.changedAt).toISOString() : null,
    defacement: defacementLevelOf(state.memory),
  };
}

/** The open defacement finding's level of a page (`defacement`, `warning`, `change`), or null: the HTTP status alone says "up" for a defaced page. */
export function defacementLevelOf(memory: Record<string, unknown> | undefined): string | null {
  const level = memory?.defacementLevel;
  return typeof level === 'string' ? level : null;
}

/** Heartbeat calls allowed per client address and per token (a job calling more often is broken). */
const HEARTBEAT_LIMITS = { perAddress: { limit: 120, windowMs: 60_000 }, perToken: { limit: 12, windowMs: 60_000 } };

async function recordHeartbeat({ services, params, request }: RouteContext<{ token: string }>): Promise<{ monitor: string; status: string }> {
  const limits = services.singleton('watch.heartbeat-limits', () => ({
    perAddress: new WindowLimiter(HEARTBEAT_LIMITS.perAddress.limit, HEARTBEAT_LIMITS.perAddress.windowMs),
    perToken: new WindowLimiter(HEARTBEAT_LIMITS.perToken.limit, HEARTBEAT_LIMITS.perToken.windowMs),
  }));
  // Counted before the lookup, unknown tokens included: guessing costs the guesser's address.
  const wait = Math.max(limits.perAddress.blockedFor(request.ip), limits.perToken.blockedFor(params.token));
  if (wait > 0) {
    throw new VigilError('watch.heartbeat-rate-limited', `too many heartbeat calls; try again in ${Math.ceil(wait / 1000)} s`, {
      status: 429,
      hint: 'a job needs to call its heartbeat URL once per run',
    });
  }
  limits.perAddress.hit(request.ip);
  limits.perToken.hit(params.token);
  const report = await (await watchRuntime(services)).service.recordHeartbeat(params.token);
  if (!report) throw new VigilError('watch.no-heartbeat', 'no heartbeat monitor has this token', { status: 404 });
  return { monitor: report.id, status: report.status };
}

export const watchRoutes = defineRoutes((r) => {
  r.get({
    url: '/watch/summary',
    role: 'viewer',
    summary: 'Counts of monitors by status',
    tags: ['watch'],
    handler: async ({ services }) => {
      const watch = await watchRuntime(services);
      return { counts: watch.service.summary(), total: watch.service.list().length };
    },
  });

  r.get({
    url: '/watch/monitors',
    role: 'viewer',
    summary: 'Monitors with their current status (paged; filter by status or text)',
    tags: ['watch'],
    query: listQuery,
    handler: async ({ services, query }) => {
      const watch = await watchRuntime(services);
      const needle = query.q?.toLowerCase();
      const rows = watch.service
        .list()
        .filter((m) => !query.status || watch.service.state(m.id).reported === query.status)
        .filter((m) => !needle || m.config.name.toLowerCase().includes(needle) || m.id.includes(needle));
      return { total: rows.length, offset: query.offset, items: rows.slice(query.offset, query.offset + query.limit).map((m) => boardRow(watch, m.id)) };
    },
  });

  r.post({
    url: '/watch/monitors',
    role: 'analyst',
    summary: 'Add a monitor (same fields as vigil.yaml monitors)',
    description:
      'The body is one monitor as written in vigil.yaml (`type` picks the fields: http, tcp, dns, tls, smtp, heartbeat; see docs/watch.md). 400 `watch.monitor-invalid` lists the bad fields; 409 `watch.monitor-exists`; ' +
      '403 `network.out-of-scope` when its host is outside network.targets (for every role).',
    tags: ['watch'],
    body: monitorBody,
    response: z.object({ id: z.string() }),
    status: 201,
    handler: async ({ services, body, audit }) => {
      assertHostsInScope(services.probe.scope, validHosts(body));
      const entry = await new MonitorCatalog(services.store).create(body);
      await (await watchRuntime(services)).reschedule();
      await audit('watch.monitor.create', entry.id, { type: entry.config.type, name: entry.config.name });
      return { id: entry.id };
    },
  });

  r.get({
    url: '/watch/monitors/:id',
    role: 'viewer',
    summary: 'One monitor: its configuration (in the form PATCH accepts), source, live status',
    tags: ['watch'],
    params: idParams,
    response: monitorDetailSchema,
    handler: async ({ services, params, user }) =>
      monitorDetail(await watchRuntime(services), await new MonitorCatalog(services.store).get(params.id), user.role),
  });

  r.patch({
    url: '/watch/monitors/:id',
    role: 'analyst',
    summary: 'Change a monitor added through the API (a partial of the create body); applied to the running watch at once',
    description:
      'Any subset of the create fields, e.g. `{"interval": "30s", "keyword": "Cổng thông tin"}`; validated with the same schema as create (per field, then the merged monitor). ' +
      'A new interval reschedules the monitor; a new target (url, host, port, recordType…) starts its state and defacement baseline afresh. ' +
      '400 `watch.monitor-invalid`, 400 `watch.monitor-type-change` (delete and add instead), 400 `watch.monitor-id-change`, 404 `watch.no-monitor`, ' +
      '409 `watch.monitor-from-config` (monitors of vigil.yaml are read-only here: edit the file), 403 `network.out-of-scope` (a new host outside network.targets).',
    tags: ['watch'],
    params: idParams,
    body: monitorBody,
    response: monitorDetailSchema,
    handler: async ({ services, params, body, audit, user }) => {
      const catalog = new MonitorCatalog(services.store);
      const current = (await catalog.get(params.id)).config;
      assertHostsInScope(services.probe.scope, validHosts({ ...monitorAsInput(current), ...body, id: params.id, type: current.type }));
      const outcome = await catalog.update(params.id, body);
      const watch = await watchRuntime(services);
      if (outcome.targetChanged) await watch.service.forget(params.id);
      await watch.reschedule();
      await audit('watch.monitor.update', params.id, { changed: outcome.changed });
      return monitorDetail(watch, outcome.entry, user.role);
    },
  });

  r.delete({
    url: '/watch/monitors/:id',
    role: 'analyst',
    summary: 'Remove a monitor added through the API (its results history stays)',
    description: '204; 404 `watch.no-monitor`; 409 `watch.monitor-from-config` for monitors of vigil.yaml.',
    tags: ['watch'],
    params: idParams,
    handler: async ({ services, params, audit }) => {
      await new MonitorCatalog(services.store).remove(params.id);
      const watch = await watchRuntime(services);
      await watch.reschedule();
      await watch.service.forget(params.id);
      await audit('watch.monitor.delete', params.id);
      return undefined;
    },
  });

  r.get({
    url: '/watch/monitors/:id/history',
    role: 'viewer',
    summary: 'Recent results, uptime % and response times of one monitor',
    tags: ['watch'],
    params: idParams,
    query: z.object({
      hours: z.coerce
        .number()
        .min(1)
        .max(24 * 90)
        .default(24),
    }),
    handler: async ({ services, params, query }) => {
      const to = new Date().toISOString();
      const from = new Date(Date.now() - query.hours * 3_600_000).toISOString();
      const results = await services.store.db
        .selectFrom('watch_results')
        .select(['at', 'status', 'response_ms', 'detail'])
        .where('monitor_id', '=', params.id)
        .where('at', '>=', from)
        .orderBy('at')
        .limit(5_000)
        .execute();
      const hourly = await services.store.db
        .selectFrom('watch_rollups')
        .selectAll()
        .where('monitor_id', '=', params.id)
        .where('grain', '=', 'hour')
        .where('start', '>=', from.slice(0, 13))
        .orderBy('start')
        .execute();
      return { uptime: await uptime(services.store, params.id, from, to), results, hourly };
    },
  });

  r.get({
    url: '/watch/monitors/:id/defacement',
    role: 'viewer',
    summary: 'Defacement diff: baseline and latest finding (text, domains, evidence files)',
    tags: ['watch'],
    params: idParams,
    handler: async ({ services, params }) => {
      const baseline = await services.store.db.selectFrom('watch_baselines').selectAll().where('monitor_id', '=', params.id).executeTakeFirst();
      const alert = await services.store.db
        .selectFrom('watch_alerts')
        .selectAll()
        .where('monitor_id', '=', params.id)
        .where('kind', '=', 'defacement')
        .orderBy('opened_at', 'desc')
        .executeTakeFirst();
      return {
        baseline: baseline ? { createdAt: baseline.created_at, screenshot: baseline.screenshot, facts: JSON.parse(baseline.data) } : null,
        latest: alert
          ? { alertId: alert.id, openedAt: alert.opened_at, resolvedAt: alert.resolved_at, finding: alert.detail ? JSON.parse(alert.detail) : null }
          : null,
      };
    },
  });

  r.post({
    url: '/watch/monitors/:id/baseline',
    role: 'analyst',
    summary: 'Accept the page as it is now as the new defacement baseline',
    tags: ['watch'],
    params: idParams,
    handler: async ({ services, params, user }) => {
      await (await watchRuntime(services)).service.acceptBaseline(params.id, user.name);
      return { accepted: true };
    },
  });

  r.get({
    url: '/watch/evidence/*',
    role: 'viewer',
    summary: 'An evidence file (screenshot, HTML) kept with an alert or baseline',
    tags: ['watch'],
    handler: async ({ services, request }) => {
      const relative = normalize(decodeURIComponent((request.params as { '*': string })['*']));
      if (!relative.startsWith(`watch${sep}`) || relative.includes('..'))
        throw new VigilError('watch.bad-evidence-path', 'not an evidence file', { status: 404 });
      const file = join(services.dataDir, relative);
      const body = await readFile(file).catch(() => {
        throw new VigilError('watch.no-evidence', 'no such evidence file', { status: 404 });
      });
      const contentType = file.endsWith('.png') ? 'image/png' : file.endsWith('.json') ? 'application/json' : 'text/plain; charset=utf-8';
      // HTML evidence is served as text: a defaced page must never run in the dashboard's origin.
      return download({ body, contentType, filename: relative.split(sep).pop() ?? 'evidence', inline: true });
    },
  });

  r.get({
    url: '/watch/alerts',
    role: 'viewer',
    summary: 'Alerts, open first',
    tags: ['watch'],
    query: z.object({ open: z.coerce.boolean().default(false), limit: z.coerce.number().int().min(1).max(1_000).default(200) }),
    handler: async ({ services, query }) => {
      let q = services.store.db.selectFrom('watch_alerts').selectAll().orderBy('opened_at', 'desc').limit(query.limit);
      if (query.open) q = q.where('resolved_at', 'is', null);
      return { items: await q.execute() };
    },
  });

  r.post({
    url: '/watch/alerts/:id/ack',
    role: 'viewer',
    summary: 'Acknowledge an alert (stops escalation)',
    tags: ['watch'],
    params: idParams,
    handler: async ({ services, params, user }) => ({ result: await (await watchRuntime(services)).alerts.acknowledge(params.id, user.name, 'dashboard') }),
  });

  r.get({
    url: '/watch/alerts/:id/ack',
    role: 'viewer',
    summary: 'Acknowledge through the signed link in a notification',
    tags: ['watch'],
    params: idParams,
    query: z.object({ exp: z.coerce.number().int(), sig: z.string().max(128) }),
    handler: async ({ services, params, query, user }) => {
      const verdict = verifyAck(await services.store.installationSecret('links'), params.id, query.exp, query.sig, Date.now());
      if (verdict !== 'ok')
        throw new VigilError(`watch.ack-${verdict}`, verdict === 'expired' ? 'this acknowledge link has expired' : 'this acknowledge link is not valid', {
          status: 403,
        });
      return { result: await (await watchRuntime(services)).alerts.acknowledge(params.id, user.name, 'signed link') };
    },
  });

  r.get({
    url: '/watch/roster',
    role: 'viewer',
    summary: 'The on-call roster: holiday periods, shifts (rotation and overrides), who is on duty now (or at `at`)',
    description:
      'Shifts are generated over the holiday periods of onCall.holidays (or over rotation.start–end); explicit onCall.shifts override them; ' +
      'outside every shift onCall.fallback is on duty (source "fallback"), or nobody (source "none"). `from`/`to` limit the shifts listed.',
    tags: ['watch'],
    query: z.object({
      at: z.iso.datetime({ offset: true }).optional(),
      from: z.iso.datetime({ offset: true }).optional(),
      to: z.iso.datetime({ offset: true }).optional(),
    }),
    response: rosterResponseSchema,
    handler: async ({ services, query }) => {
      const watch = await watchRuntime(services);
      const now = Date.now();
      const at = query.at ? Date.parse(query.at) : now;
      const from = query.from ? Date.parse(query.from) : Number.NEGATIVE_INFINITY;
      const to = query.to ? Date.parse(query.to) : Number.POSITIVE_INFINITY;
      const roster = watch.roster;
      const people = services.config.config.onCall?.people ?? [];
      const duty = watch.onDuty(at);
      // "current" = the shift in force now (an override hides the rotation shift under it).
      const inForce = watch.onDuty(now).shift?.id;
      const iso = (ms: number) => new Date(ms).toISOString();
      return {
        timezone: roster.timezone,
        handover: roster.handover,
        holidays: roster.holidays.map((h) => ({ ...h, start: iso(h.start), end: iso(h.end), current: h.start <= now && now < h.end })),
        shifts: watch
          .shifts()
          .filter((s) => s.end > from && s.start < to)
          .map((s) => ({ ...s, start: iso(s.start), end: iso(s.end), current: s.id === inForce })),
        onDuty: {
          at: iso(at),
          source: duty.source,
          primary: duty.primary ?? null,
          secondary: duty.secondary ?? null,
          shiftId: duty.shift?.id ?? null,
          holiday: duty.holiday ?? null,
        },
        fallback: roster.fallback ? { primary: roster.fallback.primary, secondary: roster.fallback.secondary ?? null } : null,
        people,
        unknownNames: unknownNames(
          roster,
          people.map((p) => p.name),
        ),
      };
    },
  });

  r.get({
    url: '/watch/log',
    role: 'viewer',
    summary: 'The watch log (nhật ký trực); format=pdf|xlsx exports the Vietnamese report',
    tags: ['watch'],
    query: z.object({ from: z.string().optional(), to: z.string().optional(), format: z.enum(['json', 'pdf', 'xlsx']).default('json') }),
    handler: async ({ services, query }) => {
      const watch = await watchRuntime(services);
      const to = query.to ?? new Date(Date.now() + 60_000).toISOString();
      const from = query.from ?? new Date(Date.now() - 7 * 86_400_000).toISOString();
      const entries = await watch.watchLog.list(from, to);
      if (query.format === 'json') return { items: entries };
      const org = services.config.config.organisation;
      const report = {
        organisation: org?.name ?? 'vigil',
        parent: org?.parent,
        from,
        to,
        shifts: watch.shifts(),
        entries,
        generatedAt: new Date().toISOString(),
      };
      if (query.format === 'pdf')
        return download({ body: await watchLogPdf(report), contentType: 'application/pdf', filename: `nhat-ky-truc-${from.slice(0, 10)}.pdf` });
      return download({
        body: await watchLogXlsx(report),
        contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
        filename: `nhat-ky-truc-${from.slice(0, 10)}.xlsx`,
      });
    },
  });

  r.post({
    url: '/watch/log',
    role: 'viewer',
    summary: 'Add a note or a shift handover to the watch log',
    tags: ['watch'],
    body: z.object({ kind: z.enum(['note', 'handover']), text: z.string().min(1).max(4_000), alertId: z.string().max(200).optional() }),
    status: 201,
    handler: async ({ services, body, user }) => {
      await (await watchRuntime(services)).watchLog.add(Date.now(), body.kind, user.name, body.text, body.alertId);
      return { added: true };
    },
  });

  // Heartbeats are public by their token, like healthchecks.io's ping URLs: a cron job has no
  // session, and an API token would give it a user's role for nothing. GET too, so that a bare
  // `curl -fsS URL` works.
  for (const method of ['post', 'get'] as const) {
    r[method]({
      url: '/watch/heartbeat/:token',
      role: 'public',
      summary: `A backup or cron job reports that it ran (${method.toUpperCase()}; no sign-in, the token in the URL is the secret)`,
      description:
        'The URL is shown to admins in GET /watch/monitors/:id (`heartbeatPath`). Rate-limited per address and per token: 429 `watch.heartbeat-rate-limited`; 404 `watch.no-heartbeat` for an unknown token.',
      tags: ['watch'],
      params: z.object({ token: z.string().min(16).max(128) }),
      response: z.object({ monitor: z.string(), status: z.string() }),
      handler: recordHeartbeat,
    });
  }

  r.get({
    url: '/watch/stream',
    role: 'viewer',
    summary: 'Live status board: server-sent events `board` (snapshot counts) and `monitor` (one changed row)',
    tags: ['watch'],
    handler: async (context) => {
      const watch = await watchRuntime(context.services);
      return serverSentEvents(context, async (events) => {
        const sendBoard = () => events.send('board', { counts: watch.service.summary(), total: watch.service.list().length });
        sendBoard();
        // The counts walk every monitor: at most one `board` event per half second, however many
        // monitors change (10,000 heartbeats starting at once made ~300 events a second).
        let boardTimer: NodeJS.Timeout | undefined;
        const scheduleBoard = () => {
          boardTimer ??= setTimeout(() => {
            boardTimer = undefined;
            sendBoard();
          }, BOARD_COUNTS_EVERY_MS);
        };
        // Only changes are pushed: a result that leaves the reported status and detail unchanged is not news.
        const listener = (event: WatchEvent) => {
          if (event.type === 'result' && !event.transition) return;
          events.send('monitor', boardRow(watch, event.monitor.id));
          scheduleBoard();
        };
        watch.service.events.on('watch', listener);
        await events.closed;
        watch.service.events.off('watch', listener);
        clearTimeout(boardTimer);
      });
    },
  });
});
