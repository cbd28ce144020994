import { createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LoadedConfig } from '../src/config/load.js';
import { configSchema } from '../src/config/schema.js';
import { routeModules } from '../src/http/routes/index.js';
import { startWatchForServer, watchRuntime } from '../src/http/routes/watch.js';
import { type RunningServer, startServer } from '../src/http/server.js';
import { AuthService } from '../src/services/auth/auth-service.js';
import { openTestStore, type TestStore, testDialects } from '../src/store/testing.js';
import { signAck } from '../src/watch/oncall/links.js';

/**
 * Monitor update/delete through the API (applied to the running scheduler), vigil.yaml monitors
 * read-only, and the roster over the holiday calendar as the dashboard reads it — on both dialects.
 */
const PASSWORD = 'correct horse battery staple';

describe.each(testDialects())('watch monitors and roster API on %s', (dialect) => {
  let t: TestStore;
  let server: RunningServer;
  let tcp: Server;
  let port: number;
  const tokens: Record<string, string> = {};
  const call = (role: string, method: string, path: string, body?: unknown) =>
    fetch(`${server.url}/api/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${tokens[role]}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });

  beforeAll(async () => {
    tcp = createServer((socket) => socket.end());
    await new Promise<void>((r) => tcp.listen(0, '127.0.0.1', r));
    port = (tcp.address() as AddressInfo).port;
    t = await openTestStore(dialect);
    const auth = new AuthService(t.store);
    for (const role of ['analyst', 'viewer'] as const) {
      await auth.users.create({ name: role, role, password: PASSWORD }, 'test');
      tokens[role] = (await auth.tokens.create({ name: `${role} script`, user: role }, 'test')).token;
    }
    const config: LoadedConfig = {
      file: undefined,
      baseDir: process.cwd(),
      config: configSchema.parse({
        monitors: [{ id: 'mail', name: 'Máy chủ thư', type: 'tcp', host: '127.0.0.1', port, interval: '1h' }],
        onCall: {
          people: [{ name: 'Nguyễn Văn An' }, { name: 'Trần Thị Bình' }, { name: 'Lê Văn Cường' }],
          holidays: [
            { name: 'Giải phóng miền Nam', from: '2027-04-30', to: '2027-04-30' },
            { name: 'Quốc tế Lao động', from: '2027-05-01', to: '2027-05-01' },
            { name: 'Quốc khánh', from: '2027-09-01', to: '2027-09-02' },
          ],
          rotation: { shiftHours: 12, primary: ['Nguyễn Văn An', 'Trần Thị Bình'], secondary: ['Lê Văn Cường'] },
          shifts: [{ start: '2027-05-01T19:00:00+07:00', end: '2027-05-02T07:00:00+07:00', primary: 'Phạm Thị Dung', label: 'đổi ca' }],
          fallback: { primary: 'Lê Văn Cường' },
        },
      }),
    };
    server = await startServer({
      store: t.store,
      config,
      host: '127.0.0.1',
      port: 0,
      webRoot: false,
      modules: routeModules,
      extraStarters: [startWatchForServer],
    });
  }, 60_000);

  afterAll(async () => {
    await server?.close();
    await t?.cleanup();
    await new Promise((r) => tcp?.close(r));
  });

  it('PATCH takes a partial create body, audits it and reschedules the running monitor at once', async () => {
    const created = await call('analyst', 'POST', '/watch/monitors', { name: 'Cổng mới', type: 'tcp', host: '127.0.0.1', port, interval: '1h' });
    expect(created.status).toBe(201);
    const watch = await watchRuntime(server.services);
    expect(watch.scheduler.intervalOf('cong-moi')).toBe(3_600_000);

    const before = (await (await call('viewer', 'GET', '/watch/monitors/cong-moi')).json()) as Record<string, unknown>;
    expect(before).toMatchObject({ id: 'cong-moi', source: 'api', editable: true, enabled: true, status: 'pending' });
    expect(before.config).toMatchObject({ name: 'Cổng mới', type: 'tcp', interval: '1h', timeout: '10s', port });

    const patched = await call('analyst', 'PATCH', '/watch/monitors/cong-moi', { interval: '1s', retries: 2, tags: { unit: 'Văn phòng Sở' } });
    expect(patched.status).toBe(200);
    const body = (await patched.json()) as { config: Record<string, unknown>; name: string };
    expect(body.config).toMatchObject({ interval: '1s', retries: 2, timeout: '10s', tags: { unit: 'Văn phòng Sở' }, host: '127.0.0.1' });
    expect(body.name).toBe('Cổng mới');
    expect(watch.scheduler.intervalOf('cong-moi')).toBe(1_000);
    expect(watch.service.get('cong-moi')?.config).toMatchObject({ interval: 1_000, retries: 2 });
    // it was due in up to an hour; at 1 s it runs within about a second
    const deadline = Date.now() + 8_000;
    while (watch.service.state('cong-moi').reported === 'pending' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(watch.service.state('cong-moi').reported).toBe('up');

    // a GET → PATCH round trip of the whole config changes nothing (durations travel as text)
    const again = (await (await call('viewer', 'GET', '/watch/monitors/cong-moi')).json()) as { config: Record<string, unknown> };
    const roundTrip = await call('analyst', 'PATCH', '/watch/monitors/cong-moi', again.config);
    expect(roundTrip.status).toBe(200);
    expect(watch.service.get('cong-moi')?.config).toMatchObject({ interval: 1_000, timeout: 10_000 });

    const audit = await t.store.db.selectFrom('audit_log').selectAll().where('action', '=', 'watch.monitor.update').orderBy('id').execute();
    expect(audit[0]).toMatchObject({ actor: 'analyst', target: 'cong-moi' });
    expect(JSON.parse(audit[0]!.detail!).changed.sort()).toEqual(['interval', 'retries', 'tags']);
    expect(JSON.parse(audit[1]!.detail!).changed).toEqual([]);
  }, 30_000);

  it('PATCH rejects bad fields, a type change, an id change, an unknown monitor and a viewer', async () => {
    const bad = await call('analyst', 'PATCH', '/watch/monitors/cong-moi', { interval: 'soon' });
    expect(bad.status).toBe(400);
    const badBody = (await bad.json()) as { error: string; message: string };
    expect(badBody.error).toBe('watch.monitor-invalid');
    expect(badBody.message).toMatch(/interval/);
    const foreign = (await (await call('analyst', 'PATCH', '/watch/monitors/cong-moi', { url: 'https://x.example/' })).json()) as {
      error: string;
      message: string;
    };
    expect(foreign.error).toBe('watch.monitor-invalid');
    expect(foreign.message).toMatch(/url/);
    const type = await call('analyst', 'PATCH', '/watch/monitors/cong-moi', { type: 'http', url: 'https://x.example/' });
    expect(type.status).toBe(400);
    expect(((await type.json()) as { error: string }).error).toBe('watch.monitor-type-change');
    const id = await call('analyst', 'PATCH', '/watch/monitors/cong-moi', { id: 'other' });
    expect(((await id.json()) as { error: string }).error).toBe('watch.monitor-id-change');
    expect((await call('analyst', 'PATCH', '/watch/monitors/nothing-here', { retries: 1 })).status).toBe(404);
    expect((await call('viewer', 'PATCH', '/watch/monitors/cong-moi', { retries: 1 })).status).toBe(403);
    // nothing of the above changed the stored monitor
    const watch = await watchRuntime(server.services);
    expect(watch.service.get('cong-moi')?.config).toMatchObject({ type: 'tcp', retries: 2, interval: 1_000 });
  });

  it('a new target starts the monitor afresh: state forgotten, then checked against the new port', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const closedPort = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    const watch = await watchRuntime(server.services);
    const patched = await call('analyst', 'PATCH', '/watch/monitors/cong-moi', { port: closedPort, retries: 0 });
    expect(patched.status).toBe(200);
    const audit = await t.store.db
      .selectFrom('audit_log')
      .select('detail')
      .where('action', '=', 'watch.monitor.update')
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    expect(JSON.parse(audit.detail!).changed.sort()).toEqual(['port', 'retries']);
    const deadline = Date.now() + 8_000;
    while (watch.service.state('cong-moi').reported !== 'down' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(watch.service.state('cong-moi')).toMatchObject({ reported: 'down' });
  }, 20_000);

  it('monitors of vigil.yaml are read-only through the API (409 watch.monitor-from-config, hint: edit vigil.yaml)', async () => {
    const detail = (await (await call('viewer', 'GET', '/watch/monitors/mail')).json()) as { source: string; editable: boolean };
    expect(detail).toMatchObject({ source: 'config', editable: false });
    for (const [method, body] of [
      ['PATCH', { interval: '5s' }],
      ['DELETE', undefined],
    ] as const) {
      const response = await call('analyst', method, '/watch/monitors/mail', body);
      expect(response.status).toBe(409);
      const error = (await response.json()) as { error: string; hint: string };
      expect(error.error).toBe('watch.monitor-from-config');
      expect(error.hint).toMatch(/vigil\.yaml/);
    }
    const watch = await watchRuntime(server.services);
    expect(watch.scheduler.intervalOf('mail')).toBe(3_600_000);
  });

  it('DELETE removes an API monitor from the store and the scheduler, audited', async () => {
    const watch = await watchRuntime(server.services);
    expect((await call('viewer', 'DELETE', '/watch/monitors/cong-moi')).status).toBe(403);
    expect((await call('analyst', 'DELETE', '/watch/monitors/cong-moi')).status).toBe(204);
    expect(watch.scheduler.intervalOf('cong-moi')).toBeUndefined();
    expect(watch.service.get('cong-moi')).toBeUndefined();
    expect((await call('viewer', 'GET', '/watch/monitors/cong-moi')).status).toBe(404);
    expect((await call('analyst', 'DELETE', '/watch/monitors/cong-moi')).status).toBe(404);
    const audit = await t.store.db.selectFrom('audit_log').selectAll().where('action', '=', 'watch.monitor.delete').execute();
    expect(audit.map((a) => a.target)).toEqual(['cong-moi']);
  });

  it('the roster: holiday periods, shifts, who is on duty inside and outside a holiday, overrides', async () => {
    const roster = async (at: string) =>
      (await (await call('viewer', 'GET', `/watch/roster?at=${encodeURIComponent(at)}`)).json()) as {
        timezone: string;
        holidays: { name: string; start: string; end: string }[];
        shifts: { id: string; kind: string; primary: string; holiday?: string }[];
        onDuty: { source: string; primary: string | null; secondary: string | null; holiday: string | null; shiftId: string | null };
        fallback: { primary: string } | null;
        unknownNames: string[];
      };
    const inside = await roster('2027-04-30T20:00:00+07:00');
    expect(inside.timezone).toBe('Asia/Ho_Chi_Minh');
    expect(inside.holidays.map((h) => [h.name, h.start, h.end])).toEqual([
      ['Giải phóng miền Nam + Quốc tế Lao động', '2027-04-30T00:00:00.000Z', '2027-05-02T00:00:00.000Z'],
      ['Quốc khánh', '2027-09-01T00:00:00.000Z', '2027-09-03T00:00:00.000Z'],
    ]);
    expect(inside.shifts.filter((s) => s.kind === 'rotation')).toHaveLength(8); // 2 days + 2 days, 12-hour shifts
    expect(inside.onDuty).toMatchObject({
      source: 'rotation',
      primary: 'Trần Thị Bình',
      secondary: 'Lê Văn Cường',
      holiday: 'Giải phóng miền Nam + Quốc tế Lao động',
    });
    const swapped = await roster('2027-05-01T20:00:00+07:00');
    expect(swapped.onDuty).toMatchObject({ source: 'override', primary: 'Phạm Thị Dung' });
    expect(swapped.unknownNames).toEqual(['Phạm Thị Dung']);
    const ordinary = await roster('2027-06-15T10:00:00+07:00');
    expect(ordinary.onDuty).toEqual({
      at: '2027-06-15T03:00:00.000Z',
      source: 'fallback',
      primary: 'Lê Văn Cường',
      secondary: null,
      shiftId: null,
      holiday: null,
    });
    const window = (await (await call('viewer', 'GET', '/watch/roster?from=2027-09-01T00:00:00Z&to=2027-09-10T00:00:00Z')).json()) as { shifts: unknown[] };
    expect(window.shifts).toHaveLength(4);
  });

  it('the signed acknowledge link: valid once, refused when tampered with or expired, and still needs a signed-in caller', async () => {
    const opened = new Date().toISOString();
    await t.store.db
      .insertInto('watch_alerts')
      .values({
        id: 'alert-link',
        monitor_id: 'mail',
        kind: 'down',
        severity: 'critical',
        summary: 'ECONNREFUSED',
        detail: null,
        evidence: null,
        opened_at: opened,
        last_notified_at: opened,
        resolved_at: null,
        acked_at: null,
        acked_by: null,
        escalation_step: 0,
        escalated_at: null,
      })
      .execute();
    const secret = await t.store.installationSecret('links');
    const { exp, sig } = signAck(secret, 'alert-link', Date.now() + 3_600_000);
    const link = (e: number, s: string) => `/watch/alerts/alert-link/ack?exp=${e}&sig=${s}`;
    expect((await fetch(`${server.url}/api/v1${link(exp, sig)}`)).status).toBe(401);
    const forged = await call('viewer', 'GET', link(exp + 86_400, sig)); // expiry pushed out a day
    expect(forged.status).toBe(403);
    expect(((await forged.json()) as { error: string }).error).toBe('watch.ack-bad-signature');
    const flipped = await call('viewer', 'GET', link(exp, (sig[0] === 'a' ? 'b' : 'a') + sig.slice(1)));
    expect(((await flipped.json()) as { error: string }).error).toBe('watch.ack-bad-signature');
    const old = signAck(secret, 'alert-link', Date.now() - 60_000);
    const expired = await call('viewer', 'GET', link(old.exp, old.sig));
    expect(expired.status).toBe(403);
    expect(((await expired.json()) as { error: string }).error).toBe('watch.ack-expired');
    const row = await t.store.db.selectFrom('watch_alerts').select('acked_at').where('id', '=', 'alert-link').executeTakeFirstOrThrow();
    expect(row.acked_at).toBeNull();
    expect(await (await call('viewer', 'GET', link(exp, sig))).json()).toEqual({ result: 'ok' });
    expect(await (await call('viewer', 'GET', link(exp, sig))).json()).toEqual({ result: 'already' });
    const acked = await t.store.db.selectFrom('watch_alerts').select(['acked_at', 'acked_by']).where('id', '=', 'alert-link').executeTakeFirstOrThrow();
    expect(acked.acked_by).toBe('viewer');
  });

  it('the watch-log XLSX lists the roster with its holiday periods and overrides', async () => {
    const response = await call('viewer', 'GET', '/watch/log?format=xlsx');
    expect(response.status).toBe(200);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(Buffer.from(await response.arrayBuffer()) as unknown as ArrayBuffer);
    const sheet = book.getWorksheet('Lịch trực')!;
    const rows = (sheet.getSheetValues() as unknown[][]).filter(Boolean).map((r) => r.filter((v) => v !== undefined).map(String));
    expect(rows[0]).toEqual(['Bắt đầu', 'Kết thúc', 'Trực chính', 'Trực phụ', 'Dịp lễ', 'Loại ca']);
    expect(rows).toContainEqual([
      '07:00 30/04/2027',
      '19:00 30/04/2027',
      'Nguyễn Văn An',
      'Lê Văn Cường',
      'Giải phóng miền Nam + Quốc tế Lao động',
      'Luân phiên',
    ]);
    expect(rows).toContainEqual(['19:00 01/05/2027', '07:00 02/05/2027', 'Phạm Thị Dung', '', 'Giải phóng miền Nam + Quốc tế Lao động', 'Đổi ca: đổi ca']);
    expect(rows).toHaveLength(1 + 8 + 1);
  });

  it('the OpenAPI document shows the roster and monitor shapes and the PATCH route', async () => {
    const doc = (await (await fetch(`${server.url}/api/v1/openapi.json`)).json()) as {
      paths: Record<
        string,
        Record<string, { responses: Record<string, { content?: { 'application/json': { schema: { properties: Record<string, unknown> } } } }> }>
      >;
    };
    const rosterSchema = doc.paths['/api/v1/watch/roster']!.get!.responses['200']!.content!['application/json'].schema;
    expect(Object.keys(rosterSchema.properties)).toEqual(expect.arrayContaining(['holidays', 'shifts', 'onDuty', 'fallback', 'people']));
    const patch = doc.paths['/api/v1/watch/monitors/{id}']!.patch!;
    expect(Object.keys(patch.responses['200']!.content!['application/json'].schema.properties)).toEqual(
      expect.arrayContaining(['config', 'editable', 'source']),
    );
    expect(doc.paths['/api/v1/watch/monitors/{id}']!.delete).toBeDefined();
  });
});
