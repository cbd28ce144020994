import { isIP } from '../../net-address.js';
import { VigilError } from '../../errors.js';
import type { RegisterCommand } from '../context.js';
import { untilStopSignal } from '../signals.js';

export function isLoopback(host: string): boolean {
  if (host === 'localhost') return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  return host === '::1';
}

/** Names proxy-addr (Fastify's trustProxy) knows for whole address ranges. */
const PROXY_RANGE_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

/**
 * `--trust-proxy 127.0.0.1,10.0.0.0/8`: the reverse proxies whose X-Forwarded-For is believed.
 * A list, never "every hop": trusting any sender lets a client write its own address into the
 * header and walk around the per-address login limits.
 */
export function parseTrustProxy(value: string): string[] {
  const entries = value
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry.length > 0);
  if (entries.length === 0) throw new VigilError('serve.bad-trust-proxy', '--trust-proxy needs the address(es) of your reverse proxy');
  for (const entry of entries) {
    const [address, prefix, extra] = entry.split('/');
    const family = isIP(address ?? '');
    // A /0 range is "every hop" again: refused like any other non-address.
    const prefixOk = prefix === undefined || (/^\d{1,3}$/.test(prefix) && Number(prefix) >= 1 && Number(prefix) <= (family === 6 ? 128 : 32));
    if (!(PROXY_RANGE_NAMES.has(entry) || (family !== 0 && prefixOk && extra === undefined))) {
      throw new VigilError('serve.bad-trust-proxy', `--trust-proxy: "${entry}" is not an IP address or CIDR range`, {
        hint: "give your reverse proxy's addresses, e.g. --trust-proxy 127.0.0.1 or --trust-proxy 10.0.0.5,10.0.1.0/24 (or loopback)",
      });
    }
  }
  return entries;
}

export const register: RegisterCommand = (program, ctx) => {
  program
    .command('serve')
    .description('run the HTTP API and the web dashboard (and the watch, unless --no-watch) until Ctrl-C')
    .option('--host <address>', 'address to listen on; anything but loopback exposes vigil to the network', '127.0.0.1')
    .option('--port <port>', 'TCP port', '8080')
    .option('--no-watch', 'do not start the watch scheduler with the server')
    .option(
      '--trust-proxy <addresses>',
      'comma-separated addresses or CIDR ranges of your reverse proxies, whose X-Forwarded-For gives the client address (e.g. 127.0.0.1,10.0.0.0/24)',
    )
    .action(async (options: { host: string; port: string; watch: boolean; trustProxy?: string }, command) => {
      const trustProxy = options.trustProxy === undefined ? undefined : parseTrustProxy(options.trustProxy);
      const port = Number(options.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) {
        throw new VigilError('serve.bad-port', `--port must be a number from 0 to 65535, got "${options.port}"`);
      }
      if (!isLoopback(options.host)) {
        process.stderr.write(
          `vigil: CẢNH BÁO / WARNING: listening on ${options.host} makes vigil reachable from the network. ` +
            'Put it behind HTTPS (a reverse proxy, named with --trust-proxy ADDRESS) and a firewall.\n',
        );
      }
      // Loaded here, not at the top: the server pulls in every capability, and other commands
      // (user, token, …) should not pay for that at start.
      const [{ startServer }, { serveStarters }, { AuthService }, { buildProbeContext }] = await Promise.all([
        import('../../http/server.js'),
        import('../../http/starters.js'),
        import('../../services/auth/auth-service.js'),
        import('../../config/probe-context.js'),
      ]);
      const [store, config] = await Promise.all([ctx.store(command), ctx.config(command)]);
      // Built once from vigil.yaml (network: section and scope): API-started runs and the watch share it.
      const probe = buildProbeContext({ config });
      const starters = serveStarters.filter((starter) => options.watch || starter.name !== 'watch').map((starter) => starter.start);
      const server = await startServer({
        store,
        config,
        probe,
        host: options.host,
        port,
        extraStarters: starters,
        trustProxy,
        logger: true,
      });
      const users = await new AuthService(store).users.count();
      ctx.print(
        command,
        { url: server.url, users, started: serveStarters.filter((s) => options.watch || s.name !== 'watch').map((s) => s.name) },
        () =>
          `vigil đang chạy tại / listening at ${server.url}\n` +
          (users === 0 ? 'Chưa có người dùng / no users yet: vigil user add admin --role admin\n' : '') +
          'Ctrl-C để dừng / to stop',
      );
      await untilStopSignal();
      process.stderr.write('vigil: đang dừng / stopping…\n');
      await server.close();
    });
};
