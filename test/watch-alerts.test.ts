import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestStore, type TestStore, testDialects } from '../src/store/testing.js';
import { AlertEngine, type AlertSettings } from '../src/watch/alerts/engine.js';
import { type Channel, createChannel, signWebhook } from '../src/watch/alerts/channels/index.js';
import { composeMessage } from '../src/watch/alerts/message.js';
import { Outbox } from '../src/watch/alerts/outbox.js';
import { verifyAck } from '../src/watch/oncall/links.js';
import { buildRoster, whoIsOnDuty } from '../src/watch/oncall/roster.js';
import { WatchLog } from '../src/watch/oncall/watch-log.js';
import type { WatchEvent, WatchedMonitor } from '../src/watch/service.js';
import { initialState } from '../src/watch/state.js';
import { repoRoot } from './support/cli.js';

interface Received {
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
}

/** A loopback HTTP receiver that records every request; `failing` makes it answer 503. */
async function receiver(options: { delayMs?: number; port?: number } = {}) {
  const requests: Received[] = [];
  const state = { failing: false, onRequest: undefined as undefined | ((r: Received) => void) };
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const record = { path: req.url ?? '', headers: req.headers, body };
      requests.push(record);
      state.onRequest?.(record);
      setTimeout(() => {
        res.statusCode = state.failing ? 503 : 200;
        res.end(state.failing ? 'down' : '{"ok":true}');
      }, options.delayMs ?? 0);
    });
  });
  await new Promise<void>((r) => server.listen(options.port ?? 0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return { requests, state, port, url: `http://127.0.0.1:${port}`, close: () => new Promise<void>((r) => server.close(() => r())) };
}

async function mailReceiver() {
  const mails: { from: string; to: string[]; raw: string }[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onData(stream, session, callback) {
      let raw = '';
      stream.on('data', (c) => (raw += c));
      stream.on('end', () => {
        mails.push({ from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '', to: session.envelope.rcptTo.map((r) => r.address), raw });
        callback();
      });
    },
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.server.address() as AddressInfo).port;
  return { mails, port, close: () => new Promise<void>((r) => server.close(() => r())) };
}

const message = composeMessage(
  [
    {
      alertId: 'a1',
      monitor: 'Cổng thông tin điện tử',
      kind: 'defacement',
      severity: 'critical',
      phase: 'open',
      summary: 'defacement: Hacked by X',
      at: '2027-02-10T01:00:00.000Z',
      ackUrl: 'https://vigil.example/ack',
    },
  ],
  { primary: 'Nguyễn Văn An', secondary: 'Trần Thị Bình' },
);

describe('channels deliver to loopback receivers', () => {
  let http: Awaited<ReturnType<typeof receiver>>;
  let smtp: Awaited<ReturnType<typeof mailReceiver>>;
  beforeAll(async () => {
    http = await receiver();
    smtp = await mailReceiver();
  });
  afterAll(async () => {
    await http.close();
    await smtp.close();
  });

  it('generic webhook: JSON body signed with HMAC-SHA256 over timestamp.body', async () => {
    await createChannel({ name: 'hook', type: 'webhook', url: `${http.url}/hook`, secret: 'shared-secret' }, undefined).send(message, 'k-hook');
    const request = http.requests.find((r) => r.path === '/hook')!;
    const timestamp = String(request.headers['x-vigil-timestamp']);
    expect(request.headers['x-vigil-signature']).toBe(`sha256=${signWebhook('shared-secret', timestamp, request.body)}`);
    expect(request.headers['idempotency-key']).toBe('k-hook');
    expect(JSON.parse(request.body)).toMatchObject({ title: message.title, items: [{ kind: 'defacement' }] });
  });

  it('Slack/Mattermost webhook: text', async () => {
    await createChannel({ name: 'slack', type: 'slack', url: `${http.url}/slack` }, undefined).send(message, 'k-slack');
    const body = JSON.parse(http.requests.find((r) => r.path === '/slack')!.body);
    expect(body.text).toContain('Cổng thông tin điện tử');
    expect(body.text).toContain('Trực chính / primary on duty: Nguyễn Văn An');
    expect(body.text).toContain('ref: k-slack'); // no idempotency header at Slack: a duplicate is recognisable by its ref
  });

  it('Microsoft Teams webhook: adaptive card with the acknowledge action', async () => {
    await createChannel({ name: 'teams', type: 'teams', url: `${http.url}/teams` }, undefined).send(message, 'k-teams');
    const body = JSON.parse(http.requests.find((r) => r.path === '/teams')!.body);
    expect(body.attachments[0].contentType).toBe('application/vnd.microsoft.card.adaptive');
    expect(body.attachments[0].content.actions[0].url).toBe('https://vigil.example/ack');
    expect(JSON.stringify(body)).toContain('ref: k-teams');
  });

  it('Telegram bot: sendMessage on the configured base URL, to the channel chat and the person on duty', async () => {
    await createChannel({ name: 'tg', type: 'telegram', botToken: '123:ABC', chatId: '-100', baseUrl: `${http.url}/tg` }, undefined).send(
      { ...message, recipients: { emails: [], telegramChatIds: ['555'] } },
      'k-tg',
    );
    const calls = http.requests.filter((r) => r.path === '/tg/bot123:ABC/sendMessage').map((r) => JSON.parse(r.body));
    expect(calls.map((c) => c.chat_id)).toEqual(['-100', '555']);
    expect(calls[0].text).toContain('CẢNH BÁO');
    // the Bot API has no idempotency key: each message carries the delivery's key so a resend is recognisable
    expect(calls.every((c) => c.text.endsWith('Mã tin / ref: k-tg'))).toBe(true);
  });

  it('email over SMTP: to the list and the person on duty, with a stable Message-ID', async () => {
    const channel = createChannel(
      { name: 'mail', type: 'email', to: ['trucban@example.gov.vn'] },
      { host: '127.0.0.1', port: smtp.port, secure: false, from: 'vigil@example.gov.vn' },
    );
    await channel.send({ ...message, recipients: { emails: ['an@example.gov.vn'], telegramChatIds: [] } }, 'k-mail');
    expect(smtp.mails).toHaveLength(1);
    expect(smtp.mails[0]!.to.sort()).toEqual(['an@example.gov.vn', 'trucban@example.gov.vn']);
    expect(smtp.mails[0]!.raw).toMatch(/Message-ID: <k-mail@vigil\.invalid>/i);
  });
});

describe.each(testDialects())('outbox and alert engine on %s', (dialect) => {
  let t: TestStore;
  let now = Date.parse('2027-02-10T01:00:00.000Z');
  beforeAll(async () => {
    t = await openTestStore(dialect);
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  it('a receiver that is down loses nothing: retried with backoff, delivered once when it is back', async () => {
    const hook = await receiver();
    hook.state.failing = true;
    const outbox = new Outbox(t.store, new Map([['hook', createChannel({ name: 'hook', type: 'webhook', url: hook.url }, undefined)]]), {
      now: () => now,
      baseDelayMs: 1_000,
    });
    expect(await outbox.enqueue('hook', message, 'down-up-1')).toBe(true);
    expect(await outbox.enqueue('hook', message, 'down-up-1')).toBe(false); // idempotent enqueue
    expect(await outbox.deliverDue()).toBe(0);
    expect(await outbox.deliverDue()).toBe(0); // not due yet: backoff
    expect(hook.requests).toHaveLength(1);
    now += 1_000;
    expect(await outbox.deliverDue()).toBe(0);
    expect(hook.requests).toHaveLength(2);
    const row = await t.store.db.selectFrom('watch_outbox').selectAll().where('idempotency_key', '=', 'down-up-1').executeTakeFirstOrThrow();
    expect(row).toMatchObject({ state: 'pending', attempts: 2 });
    expect(Date.parse(row.next_attempt_at) - now).toBe(2_000); // exponential
    hook.state.failing = false;
    now += 2_000;
    expect(await outbox.deliverDue()).toBe(1);
    now += 60_000;
    expect(await outbox.deliverDue()).toBe(0);
    expect(hook.requests).toHaveLength(3);
    expect((await outbox.counts()).sent).toBe(1);
    await hook.close();
  });

  it('alerts: burst grouped, escalation on a fake clock, acknowledgement, maintenance, resolution', async () => {
    const hook = await receiver();
    const channels = new Map<string, Channel>([['hook', createChannel({ name: 'hook', type: 'webhook', url: hook.url }, undefined)]]);
    const outbox = new Outbox(t.store, channels, { now: () => now });
    const start = now;
    const roster = buildRoster({
      rotation: {
        start: new Date(start - 3_600_000).toISOString(),
        end: new Date(start + 86_400_000).toISOString(),
        shiftHours: 12,
        primary: ['An', 'Bình'],
        secondary: ['Cường'],
      },
    });
    const onDuty = (at: number) => whoIsOnDuty(roster, at);
    const settings: AlertSettings = {
      escalation: [
        { after: 0, notify: ['primary'] },
        { after: 15 * 60_000, notify: ['secondary'] },
        { after: 30 * 60_000, notify: ['everyone'] },
      ],
      resendInterval: undefined,
      groupWindow: 10_000,
      sendOnResolved: true,
      maintenance: [{ name: 'Bảo trì Chủ nhật', cron: '0 2 * * 0', duration: 3_600_000, timezone: 'Asia/Ho_Chi_Minh', monitors: ['quiet'] }],
      publicUrl: 'https://vigil.example.gov.vn',
      ackLinkTtl: 86_400_000,
      channels: ['hook'],
      people: [{ name: 'An' }, { name: 'Bình' }, { name: 'Cường' }],
    };
    const log = new WatchLog(t.store, onDuty);
    const secret = await t.store.installationSecret('links');
    const engine = new AlertEngine(t.store, outbox, settings, onDuty, log, () => now, secret);
    const monitor = (id: string): WatchedMonitor => ({
      id,
      config: { name: `Hệ thống ${id}` } as WatchedMonitor['config'],
      source: 'config',
      createdAt: start,
    });
    const down = (id: string, from: 'up' | 'pending' = 'up'): Extract<WatchEvent, { type: 'result' }> => ({
      type: 'result',
      monitor: monitor(id),
      report: { monitor: id, id, type: 'http', status: 'down', reported: 'down', detail: 'ECONNREFUSED', responseMs: 1, defacement: null },
      transition: { from, to: 'down' },
      state: initialState(),
    });

    // three monitors down within seconds → one message
    for (const id of ['a', 'b', 'c']) {
      await engine.handle(down(id));
      now += 1_000;
    }
    await engine.tick();
    expect(await outbox.deliverDue()).toBe(0); // still inside the group window
    now += 10_000;
    await engine.tick();
    expect(await outbox.deliverDue()).toBe(1);
    expect(hook.requests).toHaveLength(1);
    const burst = JSON.parse(hook.requests[0]!.body);
    expect(burst.items.map((i: { monitor: string }) => i.monitor)).toEqual(['Hệ thống a', 'Hệ thống b', 'Hệ thống c']);
    expect(burst.onDuty).toMatchObject({ primary: 'An', secondary: 'Cường', notify: ['An'] });
    const ackUrl = new URL(burst.items[0].ackUrl);
    const alertA = ackUrl.pathname.split('/')[5]!;
    expect(verifyAck(secret, decodeURIComponent(alertA), Number(ackUrl.searchParams.get('exp')), ackUrl.searchParams.get('sig')!, now)).toBe('ok');
    expect(verifyAck(secret, 'other-alert', Number(ackUrl.searchParams.get('exp')), ackUrl.searchParams.get('sig')!, now)).toBe('bad-signature');

    // acknowledge a; b and c escalate to the secondary after 15 minutes, not before
    expect(await engine.acknowledge(decodeURIComponent(alertA), 'An', 'signed link')).toBe('ok');
    now = start + 14 * 60_000;
    await engine.tick();
    now += 11_000;
    await engine.tick();
    expect(await outbox.deliverDue()).toBe(0);
    now = start + 15 * 60_000 + 3_000; // b opened at +1 s, c at +2 s
    await engine.tick();
    now += 10_000;
    await engine.tick();
    expect(await outbox.deliverDue()).toBe(1);
    const escalated = JSON.parse(hook.requests[1]!.body);
    expect(escalated.items.map((i: { phase: string; monitor: string }) => `${i.phase}:${i.monitor}`)).toEqual(['escalated:Hệ thống b', 'escalated:Hệ thống c']);
    expect(escalated.onDuty.notify).toEqual(['Cường']);

    // recovery of b → resolved message
    await engine.handle({ ...down('b'), transition: { from: 'down', to: 'up' } });
    now += 10_000;
    await engine.tick();
    expect(await outbox.deliverDue()).toBe(1);
    expect(JSON.parse(hook.requests[2]!.body).items[0]).toMatchObject({ phase: 'resolved', monitor: 'Hệ thống b' });

    // maintenance: Sunday 02:00–03:00 Vietnam time silences the "quiet" monitor
    now = Date.parse('2027-02-14T02:30:00+07:00');
    await engine.handle(down('quiet'));
    now += 20_000;
    await engine.tick();
    expect(await outbox.deliverDue()).toBe(0);
    expect(hook.requests).toHaveLength(3);

    const entries = await log.list('2000-01-01', '2100-01-01');
    const kinds = entries.map((e) => e.kind);
    expect(kinds.filter((k) => k === 'alert')).toHaveLength(3);
    expect(kinds).toEqual(expect.arrayContaining(['ack', 'escalation', 'resolved', 'silenced']));
    expect(entries.find((e) => e.kind === 'ack')?.actor).toBe('An');
    expect(entries.find((e) => e.kind === 'alert')?.shift_id).toBe(roster.rotation[0]!.id);
    await hook.close();
  });

  it('resend: an unacknowledged, still-down alert is sent again after resendInterval and not before; stops on ack or resolution; resolved sent once', async () => {
    // earlier tests leave alerts open: close them so only this test's alerts are resent
    await t.store.db.updateTable('watch_alerts').set({ resolved_at: '2027-01-01T00:00:00.000Z' }).where('resolved_at', 'is', null).execute();
    const hook = await receiver();
    const outbox = new Outbox(t.store, new Map([['hook', createChannel({ name: 'hook', type: 'webhook', url: hook.url }, undefined)]]), { now: () => now });
    // outside any shift the fallback (the normal duty officer) is the one notified
    const roster = buildRoster({ fallback: { primary: 'Trực ban thường ngày' } });
    const onDuty = (at: number) => whoIsOnDuty(roster, at);
    const settings: AlertSettings = {
      escalation: [{ after: 0, notify: ['primary'] }],
      resendInterval: 30 * 60_000,
      groupWindow: 10_000,
      sendOnResolved: true,
      maintenance: [],
      ackLinkTtl: 86_400_000,
      channels: ['hook'],
      people: [{ name: 'Trực ban thường ngày' }],
    };
    const engine = new AlertEngine(t.store, outbox, settings, onDuty, new WatchLog(t.store, onDuty), () => now, await t.store.installationSecret('links'));
    const event = (id: string, from: 'up' | 'down', to: 'up' | 'down'): WatchEvent => ({
      type: 'result',
      monitor: { id, config: { name: `Hệ thống ${id}` } as WatchedMonitor['config'], source: 'config', createdAt: 0 },
      report: { monitor: id, id, type: 'tcp', status: to, reported: to, detail: to === 'down' ? 'ECONNREFUSED' : 'connected', responseMs: 1, defacement: null },
      transition: { from, to },
      state: initialState(),
    });
    /** The clock reaches `at`: the engine ticks, the group window passes (tick again), the outbox delivers; returns what arrived. */
    const runUntil = async (at: number) => {
      const before = hook.requests.length;
      now = at;
      await engine.tick();
      now += settings.groupWindow; // the group window passes
      await engine.tick();
      await outbox.deliverDue();
      return hook.requests
        .slice(before)
        .flatMap((r) => (JSON.parse(r.body) as { items: { phase: string; monitor: string }[] }).items.map((i) => `${i.phase}:${i.monitor}`));
    };
    const t0 = Date.parse('2027-03-15T03:00:00.000Z');
    now = t0;
    await engine.handle(event('r1', 'up', 'down'));
    await engine.handle(event('r2', 'up', 'down'));
    expect(await runUntil(t0)).toEqual(['open:Hệ thống r1', 'open:Hệ thống r2']);
    expect(JSON.parse(hook.requests[0]!.body).onDuty).toMatchObject({ primary: 'Trực ban thường ngày', notify: ['Trực ban thường ngày'] });
    expect(await runUntil(t0 + 29 * 60_000)).toEqual([]); // not before the interval (the group window ends at 29 min 10 s)
    expect(await runUntil(t0 + 29 * 60_000 + 49_000)).toEqual([]); // 29 min 59 s
    expect(await runUntil(t0 + 30 * 60_000)).toEqual(['reminder:Hệ thống r1', 'reminder:Hệ thống r2']);
    // r1 acknowledged, r2 recovers: the resolved message goes out once, then silence for both
    const r1 = await t.store.db
      .selectFrom('watch_alerts')
      .select('id')
      .where('monitor_id', '=', 'r1')
      .where('resolved_at', 'is', null)
      .executeTakeFirstOrThrow();
    expect(await engine.acknowledge(r1.id, 'Trực ban thường ngày', 'dashboard')).toBe('ok');
    now = t0 + 45 * 60_000;
    await engine.handle(event('r2', 'down', 'up'));
    expect(await runUntil(now)).toEqual(['resolved:Hệ thống r2']);
    await engine.handle(event('r2', 'down', 'up')); // a repeated recovery has nothing left to resolve
    expect(await runUntil(t0 + 60 * 60_000)).toEqual([]);
    expect(await runUntil(t0 + 120 * 60_000)).toEqual([]);
    // while r3 stays down and nobody acknowledges, it keeps coming every interval
    await engine.handle(event('r3', 'up', 'down'));
    expect(await runUntil(now)).toEqual(['open:Hệ thống r3']);
    const opened = now - settings.groupWindow;
    expect(await runUntil(opened + 30 * 60_000 - settings.groupWindow - 1)).toEqual([]); // observed up to 1 ms before the interval
    expect(await runUntil(opened + 30 * 60_000)).toEqual(['reminder:Hệ thống r3']);
    expect(await runUntil(opened + 60 * 60_000)).toEqual(['reminder:Hệ thống r3']);
    await hook.close();
  });
});

describe('outbox across kill -9', () => {
  it('a delivery interrupted by SIGKILL is resent with the same key after restart; nothing sent twice otherwise', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-outbox-kill-'));
    const hook = await receiver({ delayMs: 150 });
    const child = join(repoRoot, 'test', 'support', 'watch-outbox-child.ts');
    const run = (killAtFourth: boolean) =>
      new Promise<{ code: number | null; signal: string | null; stdout: string }>((resolve) => {
        // `node --import tsx` keeps it one process (the tsx CLI would fork a grandchild that SIGKILL misses)
        const proc = spawn(process.execPath, ['--import', 'tsx', child, dir, hook.url, '10'], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'inherit'] });
        let stdout = '';
        proc.stdout.on('data', (c) => (stdout += c));
        // kill -9 while the 4th delivery is in flight (the receiver holds its answer for 150 ms)
        hook.state.onRequest = killAtFourth ? () => hook.requests.length === 4 && proc.kill('SIGKILL') : undefined;
        proc.on('close', (code, signal) => resolve({ code, signal, stdout }));
      });
    try {
      const killed = await run(true);
      expect(killed.signal).toBe('SIGKILL');
      const inFlightKey = hook.requests[3]!.headers['idempotency-key'];
      const second = await run(false);
      expect(second.code).toBe(0);
      expect(second.stdout).toContain('recovered=1');
      const keys = hook.requests.map((r) => String(r.headers['idempotency-key']));
      expect(new Set(keys).size).toBe(10);
      const duplicates = keys.filter((k, i) => keys.indexOf(k) !== i);
      expect(duplicates).toEqual([inFlightKey]);
    } finally {
      await hook.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
