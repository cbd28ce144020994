import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { type AddressInfo, createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { runVigil } from './support/cli.js';

/**
 * The `vigil watch --once --json` contract from the issue, for cron jobs and scripts:
 * `[{"monitor", "status": "up"|"down"|"degraded", "detail", "defacement": null|{"level", …}}]`
 * (plus id, type, responseMs, and baseline/event when they apply), exit 1 when any monitor is down
 * or defaced, 0 otherwise. Defacement levels and their exit code are covered against the lab
 * (test/watch-lab.test.ts).
 */
let dir: string;
let tcp: Server;
let web: HttpServer;
let openPort: number;
let closedPort: number;
let webUrl: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'vigil-watch-once-'));
  tcp = createServer((socket) => socket.end());
  await new Promise<void>((r) => tcp.listen(0, '127.0.0.1', r));
  openPort = (tcp.address() as AddressInfo).port;
  const closed = createServer();
  await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
  closedPort = (closed.address() as AddressInfo).port;
  await new Promise((r) => closed.close(r));
  web = createHttpServer((_req, res) => {
    res.setHeader('content-type', 'text/html; charset=utf-8');
    res.end('<html><head><title>Cổng thông tin</title></head><body><h1>Cổng thông tin điện tử</h1></body></html>');
  });
  await new Promise<void>((r) => web.listen(0, '127.0.0.1', r));
  webUrl = `http://127.0.0.1:${(web.address() as AddressInfo).port}/`;
});

afterAll(async () => {
  await new Promise((r) => tcp?.close(r));
  await new Promise((r) => web?.close(r));
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function run(name: string, monitors: unknown[]) {
  const config = join(dir, `${name}.yaml`);
  writeFileSync(config, stringify({ monitors }));
  return runVigil(['--config', config, '--data', join(dir, `${name}-data`), 'watch', '--once', '--json'], { timeoutMs: 60_000 });
}

const CONTRACT = ['defacement', 'detail', 'id', 'monitor', 'responseMs', 'status', 'type'];

describe('vigil watch --once --json', () => {
  it('prints one object per monitor with exactly the documented keys; exit 1 when one is down', async () => {
    const result = await run('mixed', [
      { name: 'Cổng thông tin điện tử', type: 'http', url: webUrl, keyword: 'Cổng thông tin', defacement: false },
      { name: 'Máy chủ thư', type: 'tcp', host: '127.0.0.1', port: openPort },
      { name: 'Máy chủ tắt', type: 'tcp', host: '127.0.0.1', port: closedPort, timeout: '2s' },
    ]);
    expect(result.code, result.stderr).toBe(1);
    const rows = JSON.parse(result.stdout) as Record<string, unknown>[];
    expect(Array.isArray(rows)).toBe(true);
    expect(rows.map((r) => [r.monitor, r.status])).toEqual([
      ['Cổng thông tin điện tử', 'up'],
      ['Máy chủ thư', 'up'],
      ['Máy chủ tắt', 'down'],
    ]);
    for (const row of rows) {
      expect(Object.keys(row).sort()).toEqual(CONTRACT);
      expect(['up', 'down', 'degraded']).toContain(row.status);
      expect(typeof row.detail).toBe('string');
      expect(row.defacement).toBeNull();
    }
    expect(rows[2]!.detail).toMatch(/ECONNREFUSED|refused/i);
    expect(rows[0]).toMatchObject({ id: 'cong-thong-tin-dien-tu', type: 'http' });
    expect(typeof rows[0]!.responseMs).toBe('number');
  }, 90_000);

  it('exit 0 when every monitor is up; an http page opted in to defacement reports its first baseline', async () => {
    const result = await run('healthy', [
      { name: 'Cổng thông tin điện tử', type: 'http', url: webUrl },
      { name: 'Máy chủ thư', type: 'tcp', host: '127.0.0.1', port: openPort },
    ]);
    expect(result.code, result.stderr).toBe(0);
    const rows = JSON.parse(result.stdout) as Record<string, unknown>[];
    expect(rows.map((r) => r.status)).toEqual(['up', 'up']);
    expect(Object.keys(rows[0]!).sort()).toEqual([...CONTRACT, 'baseline'].sort());
    expect(rows[0]).toMatchObject({ defacement: null, baseline: 'taken' });
    expect(Object.keys(rows[1]!).sort()).toEqual(CONTRACT);
  }, 90_000);
});
