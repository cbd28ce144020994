import { createRequire } from 'node:module';
import { createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LoadedConfig } from '../src/config/load.js';
import { configSchema } from '../src/config/schema.js';
import { routeModules } from '../src/http/routes/index.js';
import { startWatchForServer } from '../src/http/routes/watch.js';
import { type RunningServer, startServer } from '../src/http/server.js';
import { AuthService } from '../src/services/auth/auth-service.js';
import { openTestStore, suiteDialect, type TestStore } from '../src/store/testing.js';
import { dejavuFontFile } from '../src/reports/pdf.js';
import { watchLogPdf } from '../src/watch/oncall/export.js';

let testStore: TestStore;
let server: RunningServer;
let tcp: Server;
const tokens: Record<string, string> = {};
const PASSWORD = 'correct horse battery staple';

function auth(role: string): Record<string, string> {
  return { authorization: `Bearer ${tokens[role]}` };
}

beforeAll(async () => {
  tcp = createServer((socket) => socket.end());
  await new Promise<void>((r) => tcp.listen(0, '127.0.0.1', r));
  const port = (tcp.address() as AddressInfo).port;
  testStore = await openTestStore(suiteDialect());
  const authService = new AuthService(testStore.store);
  for (const role of ['admin', 'analyst', 'viewer'] as const) {
    await authService.users.create({ name: role, role, password: PASSWORD }, 'test');
    tokens[role] = (await authService.tokens.create({ name: `${role} script`, user: role }, 'test')).token;
  }
  const config: LoadedConfig = {
    file: undefined,
    baseDir: process.cwd(),
    config: configSchema.parse({
      organisation: { name: 'Sở Thông tin và Truyền thông tỉnh Mẫu', parent: 'Ủy ban nhân dân tỉnh Mẫu' },
      monitors: [
        { id: 'mail', name: 'Máy chủ thư', type: 'tcp', host: '127.0.0.1', port, interval: '1s' },
        { id: 'backup', name: 'Sao lưu hằng đêm', type: 'heartbeat', token: 'backup-token-0123456789', period: '1d' },
        // Paused (never checked, not on the board): only read back to see what each role is shown.
        {
          id: 'secret-portal',
          name: 'Cổng có mật khẩu',
          type: 'http',
          enabled: false,
          url: 'http://portal-user:portal-pass@127.0.0.1:9/status',
          method: 'POST',
          headers: { Authorization: 'Bearer s3cret-header', Accept: 'application/json' },
          body: '{"key":"s3cret-body"}',
        },
      ],
      onCall: {
        people: [{ name: 'Nguyễn Văn An' }],
        rotation: { start: '2027-01-01T07:00:00+07:00', end: '2030-01-01T07:00:00+07:00', shiftHours: 12, primary: ['Nguyễn Văn An'] },
      },
    }),
  };
  server = await startServer({
    store: testStore.store,
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
  await testStore?.cleanup();
  await new Promise((r) => tcp?.close(r));
});

describe('watch API', () => {
  it('lists monitors with their live status, paged', async () => {
    await new Promise((r) => setTimeout(r, 2_500)); // the 1 s tcp monitor has run
    const response = await fetch(`${server.url}/api/v1/watch/monitors?limit=1`, { headers: auth('viewer') });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { total: number; items: { id: string; status: string }[] };
    expect(body.total).toBe(2);
    expect(body.items).toHaveLength(1);
    const all = (await (await fetch(`${server.url}/api/v1/watch/monitors`, { headers: auth('viewer') })).json()) as { items: { id: string; status: string }[] };
    expect(all.items.find((m) => m.id === 'mail')?.status).toBe('up');
  });

  it('adding a monitor needs the analyst role and validates like vigil.yaml', async () => {
    const monitor = { name: 'Cổng mới', type: 'tcp', host: '127.0.0.1', port: 9 };
    const asViewer = await fetch(`${server.url}/api/v1/watch/monitors`, {
      method: 'POST',
      headers: { ...auth('viewer'), 'content-type': 'application/json' },
      body: JSON.stringify(monitor),
    });
    expect(asViewer.status).toBe(403);
    const invalid = await fetch(`${server.url}/api/v1/watch/monitors`, {
      method: 'POST',
      headers: { ...auth('analyst'), 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'x', type: 'tcp' }),
    });
    expect(invalid.status).toBe(400);
    const created = await fetch(`${server.url}/api/v1/watch/monitors`, {
      method: 'POST',
      headers: { ...auth('analyst'), 'content-type': 'application/json' },
      body: JSON.stringify(monitor),
    });
    expect(created.status).toBe(201);
    expect(await created.json()).toEqual({ id: 'cong-moi' });
    const summary = (await (await fetch(`${server.url}/api/v1/watch/summary`, { headers: auth('viewer') })).json()) as { total: number };
    expect(summary.total).toBe(3);
  });

  it('a heartbeat call needs no sign-in, only the monitor token (POST or GET); an unknown token is 404', async () => {
    const ok = await fetch(`${server.url}/api/v1/watch/heartbeat/backup-token-0123456789`, { method: 'POST' });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ monitor: 'backup', status: 'up' });
    const byGet = await fetch(`${server.url}/api/v1/watch/heartbeat/backup-token-0123456789`);
    expect(byGet.status).toBe(200);
    expect(await byGet.json()).toEqual({ monitor: 'backup', status: 'up' });
    // An API token, as the old instructions said, is simply not needed (and changes nothing).
    const withToken = await fetch(`${server.url}/api/v1/watch/heartbeat/backup-token-0123456789`, { method: 'POST', headers: auth('viewer') });
    expect(withToken.status).toBe(200);
    const unknown = await fetch(`${server.url}/api/v1/watch/heartbeat/not-the-token-0000000`, { method: 'POST' });
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { error: string }).error).toBe('watch.no-heartbeat');
  });

  it('heartbeat calls are rate-limited per token', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 14; i++) {
      const response = await fetch(`${server.url}/api/v1/watch/heartbeat/backup-token-0123456789`, { method: 'POST' });
      statuses.push(response.status);
      if (response.status === 429) expect(((await response.json()) as { error: string }).error).toBe('watch.heartbeat-rate-limited');
      else await response.arrayBuffer();
    }
    // 12 a minute per token; the previous test made 3 of them.
    expect(statuses.filter((status) => status === 200)).toHaveLength(9);
    expect(statuses.slice(9).every((status) => status === 429)).toBe(true);
  });

  it('a viewer reading a monitor sees no secrets; an analyst sees headers and body but not the heartbeat token; an admin sees all', async () => {
    const read = async (role: string, id: string) => {
      const response = await fetch(`${server.url}/api/v1/watch/monitors/${id}`, { headers: auth(role) });
      expect(response.status).toBe(200);
      return (await response.json()) as { config: Record<string, unknown>; heartbeatPath?: string };
    };
    const viewer = await read('viewer', 'secret-portal');
    expect(viewer.config).toMatchObject({
      url: 'http://***:***@127.0.0.1:9/status',
      headers: { Authorization: '***', Accept: '***' },
      body: '***',
      method: 'POST',
    });
    const viewerBeat = await read('viewer', 'backup');
    expect(viewerBeat.config.token).toBe('***');
    expect(viewerBeat.heartbeatPath).toBe('/api/v1/watch/heartbeat/***');
    expect(JSON.stringify([viewer, viewerBeat])).not.toMatch(/portal-user|portal-pass|s3cret|backup-token/);

    const analyst = await read('analyst', 'secret-portal');
    expect(analyst.config).toMatchObject({
      url: 'http://portal-user:portal-pass@127.0.0.1:9/status',
      headers: { Authorization: 'Bearer s3cret-header' },
      body: '{"key":"s3cret-body"}',
    });
    const analystBeat = await read('analyst', 'backup');
    expect(JSON.stringify(analystBeat)).not.toContain('backup-token');

    const adminBeat = await read('admin', 'backup');
    expect(adminBeat.config.token).toBe('backup-token-0123456789');
    expect(adminBeat.heartbeatPath).toBe('/api/v1/watch/heartbeat/backup-token-0123456789');
    expect((await read('admin', 'secret-portal')).config.headers).toEqual({ Authorization: 'Bearer s3cret-header', Accept: 'application/json' });
  });

  it('the live board streams over server-sent events', async () => {
    const controller = new AbortController();
    const response = await fetch(`${server.url}/api/v1/watch/stream`, { headers: auth('viewer'), signal: controller.signal });
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const reader = response.body!.getReader();
    let text = '';
    while (!text.includes('event: board')) text += new TextDecoder().decode((await reader.read()).value);
    controller.abort();
    expect(text).toMatch(/"total":3/);
  });

  it('notes and handovers go to the watch log, exported as PDF and XLSX in Vietnamese', async () => {
    const note = await fetch(`${server.url}/api/v1/watch/log`, {
      method: 'POST',
      headers: { ...auth('viewer'), 'content-type': 'application/json' },
      body: JSON.stringify({ kind: 'handover', text: 'Bàn giao ca: hệ thống ổn định, đã kiểm tra sao lưu.' }),
    });
    expect(note.status).toBe(201);
    const pdf = await fetch(`${server.url}/api/v1/watch/log?format=pdf`, { headers: auth('viewer') });
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    expect(
      Buffer.from(await pdf.arrayBuffer())
        .subarray(0, 5)
        .toString(),
    ).toBe('%PDF-');
    const xlsx = await fetch(`${server.url}/api/v1/watch/log?format=xlsx`, { headers: auth('viewer') });
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(Buffer.from(await xlsx.arrayBuffer()) as unknown as ArrayBuffer);
    const rows = book.getWorksheet('Nhật ký trực')!.getSheetValues().flat().map(String);
    expect(rows.some((v) => v.includes('Bàn giao ca: hệ thống ổn định'))).toBe(true);
    expect(rows).toContain('Bàn giao ca');
  });
});

describe('watch log PDF font', () => {
  it('DejaVu Sans has a glyph for every Vietnamese letter, and the PDF embeds it', async () => {
    const require = createRequire(import.meta.url);
    const fontkit = require('@foliojs-fork/fontkit') as { openSync(path: string): { hasGlyphForCodePoint(cp: number): boolean } };
    const font = fontkit.openSync(dejavuFontFile());
    const letters = 'aàáảãạăằắẳẵặâầấẩẫậbcdđeèéẻẽẹêềếểễệghiìíỉĩịklmnoòóỏõọôồốổỗộơờớởỡợpqrstuùúủũụưừứửữựvxyỳýỷỹỵ';
    const all = [...letters, ...letters.toUpperCase()];
    const missing = all.filter((c) => !font.hasGlyphForCodePoint(c.codePointAt(0)!));
    expect(missing).toEqual([]);
    const pdf = await watchLogPdf({
      organisation: 'Sở TT&TT',
      from: '2027-02-10T00:00:00Z',
      to: '2027-02-11T00:00:00Z',
      shifts: [],
      entries: [{ at: '2027-02-10T01:00:00Z', shift_id: null, kind: 'note', actor: 'Đặng Thị Ữ', text: all.join('') }],
      generatedAt: '2027-02-11T00:00:00Z',
    });
    expect(pdf.toString('latin1')).toContain('DejaVuSans');
  });
});
