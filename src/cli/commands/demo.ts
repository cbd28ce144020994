import { VigilError } from '../../errors.js';
import type { RegisterCommand } from '../context.js';
import { untilStopSignal } from '../signals.js';

export const register: RegisterCommand = (program, ctx) => {
  program
    .command('demo')
    .description('start the lab organisation, the dashboard and every capability against the lab, with a fresh data folder')
    .option('--host <address>', 'address the dashboard listens on', '127.0.0.1')
    .option('--port <port>', 'dashboard port (0 = any free port)', '8080')
    .option('--admin-password <password>', 'password of the demo admin (default: random, printed)')
    .option('--incident-after <seconds>', 'seconds until the lab defaces a portal and stops a service (0 = never)', '180')
    .option('--exit-after <seconds>', 'stop by itself after this many seconds (for scripts and tests)')
    .action(async (options: { host: string; port: string; adminPassword?: string; incidentAfter: string; exitAfter?: string }, command) => {
      const port = Number(options.port);
      const incidentAfterSeconds = Number(options.incidentAfter);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new VigilError('demo.bad-port', `--port must be 0–65535, got "${options.port}"`);
      if (!Number.isFinite(incidentAfterSeconds) || incidentAfterSeconds < 0) throw new VigilError('demo.bad-incident', '--incident-after takes seconds ≥ 0');
      const dataDir = ctx.globals(command).data ?? process.env.VIGIL_DATA ?? './vigil-demo';
      const json = ctx.globals(command).json;
      // Loaded only when run: the demo pulls in the server, the lab and every capability.
      const { startDemo } = await import('../../demo/run.js');
      const demo = await startDemo({
        dataDir,
        host: options.host,
        port,
        adminPassword: options.adminPassword,
        incidentAfterSeconds,
        log: (line) => {
          if (!json) process.stderr.write(`${line}\n`);
        },
      });
      ctx.print(
        command,
        {
          url: demo.url,
          admin: demo.admin,
          dataDir: demo.dataDir,
          config: demo.configFile,
          lab: { resolver: demo.lab.resolver, ca: demo.lab.caFile },
          ...demo.summary,
        },
        () =>
          [
            '',
            `  Bảng điều khiển / dashboard:  ${demo.url}`,
            `  Đăng nhập / login:            ${demo.admin.name} / ${demo.admin.password}`,
            `  Cấu hình / config:            ${demo.configFile}`,
            `  Dữ liệu / data:               ${demo.dataDir}`,
            `  Sau ${incidentAfterSeconds}s, một cổng thông tin sẽ bị "tấn công" / after ${incidentAfterSeconds}s the lab defaces a portal`,
            '  Ctrl-C để dừng / to stop',
          ].join('\n'),
      );
      await untilStopSignal(options.exitAfter === undefined ? undefined : Number(options.exitAfter) * 1000);
      await demo.stop();
    });
};
