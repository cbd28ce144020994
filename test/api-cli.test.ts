import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { isLoopback, parseTrustProxy } from '../src/cli/commands/serve.js';
import { main } from '../src/cli/program.js';
import { AuthService } from '../src/services/auth/auth-service.js';
import { openStore } from '../src/store/store.js';
import { createScratchDatabase, suiteDialect } from '../src/store/testing.js';
import { repoRoot, runVigil, vigilNodeArgs } from './support/cli.js';

/**
 * Run the CLI in this process (each child process pays several seconds of start-up), capturing
 * stdout. Used for everything that needs no stdin and no signals.
 */
async function vigil(args: string[]): Promise<{ code: number; stdout: string }> {
  let stdout = '';
  const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout += String(chunk);
    return true;
  });
  const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  try {
    const code = await main(['node', 'vigil', '--data', dataDir, ...args]);
    return { code, stdout };
  } finally {
    write.mockRestore();
    stderr.mockRestore();
    process.exitCode = undefined;
  }
}

/** `vigil user`, `vigil token` and `vigil serve` as a person or a service manager runs them. */

const dataDir = mkdtempSync(join(tmpdir(), 'vigil-api-cli-'));
const PASSWORD = 'mật khẩu dài đủ 10';
// In vitest's "postgres" project every command here, in this process and in the children (which
// inherit the environment), uses a scratch PostgreSQL database as an operator's VIGIL_DATABASE_URL would.
let scratch: Awaited<ReturnType<typeof createScratchDatabase>> | undefined;
beforeAll(async () => {
  if (suiteDialect() !== 'postgres') return;
  scratch = await createScratchDatabase('vigil_api_cli');
  process.env.VIGIL_DATABASE_URL = scratch.url;
});
afterAll(async () => {
  delete process.env.VIGIL_DATABASE_URL;
  await scratch?.drop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('vigil user and token', () => {
  let token = '';
  let tokenId = '';

  it('adds users from --password-stdin', async () => {
    const admin = await runVigil(['--data', dataDir, '--json', 'user', 'add', 'Admin', '--role', 'admin', '--password-stdin'], { input: `${PASSWORD}\n` });
    expect(admin.code).toBe(0);
    expect(JSON.parse(admin.stdout)).toMatchObject({ name: 'admin', role: 'admin', disabled: false });
    expect(admin.stdout).not.toContain('scrypt');
    const viewer = await runVigil(['--data', dataDir, 'user', 'add', 'lan', '--role', 'viewer', '--display-name', 'Nguyễn Thị Lan', '--password-stdin'], {
      input: PASSWORD,
    });
    expect(viewer.code).toBe(0);
    expect(viewer.stdout).toContain('lan (viewer)');
    // the store the commands used is the one of this project's dialect
    expect(existsSync(join(dataDir, 'vigil.sqlite'))).toBe(suiteDialect() === 'sqlite');
  }, 120_000);

  it('refuses a bad role, and asks for --password-stdin without a terminal', async () => {
    const role = await vigil(['--json', 'user', 'add', 'x', '--role', 'root', '--password-stdin']);
    expect(role.code).toBe(2);
    expect(JSON.parse(role.stdout).error).toBe('auth.bad-role');
    const noTty = await vigil(['--json', 'user', 'add', 'x', '--role', 'viewer']);
    expect(noTty.code).toBe(2);
    expect(JSON.parse(noTty.stdout).error).toBe('user.no-password');
  }, 120_000);

  it('creates a token shown once, lists and revokes it', async () => {
    const created = await vigil(['--json', 'token', 'create', 'báo cáo hằng đêm', '--user', 'lan']);
    expect(created.code).toBe(0);
    const body = JSON.parse(created.stdout) as { token: string; info: { id: string; userName: string } };
    expect(body.token).toMatch(/^vgl_/);
    expect(body.info.userName).toBe('lan');
    token = body.token;
    tokenId = body.info.id;
    const list = await vigil(['--json', 'token', 'list']);
    expect(JSON.parse(list.stdout).tokens).toHaveLength(1);
    expect(list.stdout).toContain(tokenId);
    expect(list.stdout).not.toContain(token);
  }, 120_000);

  it('serve prints its URL, answers with the CLI-made token, and stops cleanly on SIGTERM', async () => {
    const child = spawn(process.execPath, vigilNodeArgs(['--data', dataDir, '--json', 'serve', '--port', '0', '--no-watch']), {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const line = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`serve did not print its URL: ${stderr}`)), 90_000);
      child.stdout.on('data', (chunk) => {
        stdout += chunk;
        if (stdout.includes('\n')) {
          clearTimeout(timer);
          resolve(stdout.split('\n')[0]!);
        }
      });
    });
    const started = JSON.parse(line) as { url: string; users: number };
    expect(started.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(started.users).toBe(2);
    expect((await fetch(`${started.url}/api/v1/health`)).status).toBe(200);
    const me = await fetch(`${started.url}/api/v1/auth/me`, { headers: { authorization: `Bearer ${token}` } });
    expect(((await me.json()) as { user: { name: string } }).user.name).toBe('lan');
    expect((await fetch(`${started.url}/api/v1/auth/me`)).status).toBe(401);

    const revoked = await vigil(['--json', 'token', 'revoke', tokenId]);
    expect(JSON.parse(revoked.stdout)).toEqual({ id: tokenId, revoked: true });
    expect((await fetch(`${started.url}/api/v1/auth/me`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(401);

    const exit = new Promise<number | null>((resolve) => child.on('close', resolve));
    child.kill('SIGTERM');
    expect(await exit).toBe(0);
    expect(stderr).not.toContain('WARNING');
  }, 120_000);

  it('treats only loopback addresses as local (anything else prints a warning)', () => {
    for (const host of ['127.0.0.1', '127.0.0.2', '::1', 'localhost']) expect(isLoopback(host), host).toBe(true);
    for (const host of ['0.0.0.0', '::', '192.168.1.10', '10.0.0.1', 'vigil.example.gov.vn']) expect(isLoopback(host), host).toBe(false);
  });

  it('unlocks a user locked out after failed sign-ins, from one address or all, and audits it', async () => {
    // The same store the CLI opens (PostgreSQL in the postgres project).
    const store = await openStore({ dataDir, databaseUrl: process.env.VIGIL_DATABASE_URL });
    try {
      const auth = new AuthService(store, {
        loginLimits: { perIp: { limit: 100, windowMs: 60_000 }, perUser: { limit: 1, windowMs: 60_000, firstDelayMs: 60_000 } },
      });
      for (const address of ['10.0.0.5', '10.0.0.6']) await expect(auth.login('admin', 'not the password', address)).rejects.toMatchObject({ status: 401 });
      await expect(auth.login('admin', PASSWORD, '10.0.0.5')).rejects.toMatchObject({ id: 'auth.rate-limited' });
      const one = await vigil(['--json', 'user', 'unlock', 'admin', '--address', '10.0.0.5']);
      expect(one.code).toBe(0);
      expect(JSON.parse(one.stdout)).toEqual({ name: 'admin', address: '10.0.0.5', unlocked: 1 });
      expect((await auth.lockout.locked('admin')).map((pair) => pair.address)).toEqual(['10.0.0.6']);
      expect((await auth.login('admin', PASSWORD, '10.0.0.5')).user.name).toBe('admin');
      const all = await vigil(['--json', 'user', 'unlock', 'admin']);
      expect(JSON.parse(all.stdout)).toMatchObject({ unlocked: 1 });
      expect(await auth.lockout.locked('admin')).toEqual([]);
      const bad = await vigil(['--json', 'user', 'unlock', 'admin', '--address', 'somewhere']);
      expect(bad.code).toBe(2);
      expect(JSON.parse(bad.stdout).error).toBe('auth.bad-address');
      const audit = await store.db.selectFrom('audit_log').selectAll().where('action', '=', 'auth.unlock').orderBy('id').execute();
      expect(audit.map((row) => [row.target, JSON.parse(row.detail ?? '{}').address])).toEqual([
        ['admin', '10.0.0.5'],
        ['admin', 'all'],
      ]);
      expect(audit[0]!.actor).toMatch(/^cli:/);
    } finally {
      await store.close();
    }
  }, 120_000);

  it('takes --trust-proxy as a list of proxy addresses or ranges, never "every hop"', async () => {
    expect(parseTrustProxy('127.0.0.1, 10.0.0.5,10.0.1.0/24,::1,fd00::/8,loopback')).toEqual([
      '127.0.0.1',
      '10.0.0.5',
      '10.0.1.0/24',
      '::1',
      'fd00::/8',
      'loopback',
    ]);
    for (const bad of ['', ',', 'true', '*', '0.0.0.0/0', '::/0', '10.0.0.0/33', 'proxy.example.vn', '10.0.0.1/8/9', '300.1.1.1']) {
      expect(() => parseTrustProxy(bad), bad).toThrow(expect.objectContaining({ id: 'serve.bad-trust-proxy' }));
    }
    const refused = await vigil(['--json', 'serve', '--port', '0', '--no-watch', '--trust-proxy', 'true']);
    expect(refused.code).toBe(2);
    expect(JSON.parse(refused.stdout).error).toBe('serve.bad-trust-proxy');
  });

  it('disables a user, whose sessions end, and keeps the last admin', async () => {
    const disabled = await vigil(['--json', 'user', 'disable', 'lan']);
    expect(JSON.parse(disabled.stdout)).toMatchObject({ name: 'lan', disabled: true });
    const lastAdmin = await vigil(['--json', 'user', 'disable', 'admin']);
    const list = await vigil(['user', 'list']);
    expect(list.stdout).toMatch(/lan\s+viewer\s+disabled\s+Nguyễn Thị Lan/);
    expect(lastAdmin.code).toBe(2);
    expect(JSON.parse(lastAdmin.stdout).error).toBe('auth.last-admin');
  }, 120_000);
});
