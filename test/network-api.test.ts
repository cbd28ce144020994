import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LoadedConfig } from '../src/config/load.js';
import { configSchema } from '../src/config/schema.js';
import { type RunningServer, startServer } from '../src/http/server.js';
import { AuthService } from '../src/services/auth/auth-service.js';
import { openTestStore, type TestStore } from '../src/store/testing.js';

/**
 * Monitors created or changed through the API stay inside the network scope (vigil.yaml's
 * declared targets + network.targets), whatever the caller's role: even an admin gets 403
 * network.out-of-scope with a hint naming the key to change.
 */
let testStore: TestStore;
let server: RunningServer;
let adminToken = '';

function post(path: string, body: unknown, method = 'POST'): Promise<Response> {
  return fetch(`${server.url}/api/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

beforeAll(async () => {
  testStore = await openTestStore('sqlite');
  const auth = new AuthService(testStore.store);
  await auth.users.create({ name: 'admin', role: 'admin', password: 'correct horse battery staple' }, 'test');
  adminToken = (await auth.tokens.create({ name: 'admin', user: 'admin' }, 'test')).token;
  const config: LoadedConfig = {
    file: undefined,
    baseDir: process.cwd(),
    config: configSchema.parse({
      network: { targets: ['127.0.42.0/24'] },
      mail: { domains: ['so-demo.gov.vn.test'] },
      websites: [{ url: 'https://congdichvu.gov.vn.test/' }],
    }),
  };
  server = await startServer({ store: testStore.store, config, host: '127.0.0.1', port: 0, webRoot: false });
}, 60_000);

afterAll(async () => {
  await server?.close();
  await testStore?.cleanup();
});

describe('network scope in the API', () => {
  it('an admin creating a monitor to an out-of-scope host is refused with network.out-of-scope', async () => {
    for (const monitor of [
      { name: 'Ngoài phạm vi 1', type: 'tcp', host: 'intranet.example.com', port: 22 },
      { name: 'Ngoài phạm vi 2', type: 'http', url: 'http://169.254.169.254/latest/meta-data/' },
      { name: 'Ngoài phạm vi 3', type: 'tcp', host: '127.0.0.1', port: 5432 },
      { name: 'Ngoài phạm vi 4', type: 'dns', host: 'so-demo.gov.vn.test', recordType: 'A', resolver: '192.168.1.1:53' },
      { name: 'Ngoài phạm vi 5', type: 'tls', host: '[fd00:ec2::254]', port: 443 },
    ]) {
      const refused = await post('/watch/monitors', monitor);
      expect(refused.status, monitor.name).toBe(403);
      const body = (await refused.json()) as { error: string; hint: string };
      expect(body.error).toBe('network.out-of-scope');
      expect(body.hint).toContain('network.targets');
    }
    const list = (await (await fetch(`${server.url}/api/v1/watch/monitors`, { headers: { authorization: `Bearer ${adminToken}` } })).json()) as {
      items: unknown[];
    };
    expect(list.items).toHaveLength(0);
  });

  it('hosts inside the scope are accepted, and a PATCH may not move one out', async () => {
    const inside = await post('/watch/monitors', { name: 'Cổng dịch vụ', type: 'http', url: 'https://www.congdichvu.gov.vn.test/' });
    expect(inside.status).toBe(201);
    const { id } = (await inside.json()) as { id: string };
    const internal = await post('/watch/monitors', { name: 'Máy chủ nội bộ', type: 'tcp', host: '127.0.42.6', port: 25 });
    expect(internal.status).toBe(201);

    const moved = await post(`/watch/monitors/${id}`, { url: 'http://metadata.google.internal/' }, 'PATCH');
    expect(moved.status).toBe(403);
    expect(((await moved.json()) as { error: string }).error).toBe('network.out-of-scope');
    const kept = (await (await fetch(`${server.url}/api/v1/watch/monitors/${id}`, { headers: { authorization: `Bearer ${adminToken}` } })).json()) as {
      config: { url: string };
    };
    expect(kept.config.url).toBe('https://www.congdichvu.gov.vn.test/');
    const renamed = await post(`/watch/monitors/${id}`, { url: 'https://mail.so-demo.gov.vn.test/' }, 'PATCH');
    expect(renamed.status).toBe(200);
  });
});
