import { resolve } from 'node:path';
import { VigilError } from '../../errors.js';
import type { RunningLab } from '../../lab/index.js';
import type { RegisterCommand } from '../context.js';
import { untilStopSignal } from '../signals.js';

interface LabOptions {
  world?: string;
  dir?: string;
  portBase?: string;
}

function parsePortBase(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 1024 || port > 65_000) {
    throw new VigilError('lab.port-base', `--port-base must be a whole number from 1024 to 65000, not "${value}"`, {
      hint: 'the lab listens on PORT-BASE, PORT-BASE+1, … (52 ports for the default world); omit it for free ports',
    });
  }
  return port;
}

/** One line per host: address, names, and world port → real port of each service. */
function renderTable(lab: RunningLab): string {
  const lines = [
    `Tổ chức giả lập / lab organisation: ${lab.world.organisation.name}`,
    `DNS resolver: ${lab.resolver.host}:${lab.resolver.port}   (--resolver ${lab.resolver.host}:${lab.resolver.port})`,
    `CA: ${lab.caFile}   (--ca ${lab.caFile})`,
    `Thư mục / folder: ${lab.dir}`,
    '',
    `${'ADDRESS'.padEnd(14)} ${'NAMES'.padEnd(48)} SERVICES (world port → real port)`,
  ];
  for (const host of lab.hosts) {
    const services = host.services.map((s) => `${s.kind} ${s.standardPort}→${s.port}`).join(', ');
    lines.push(`${host.ip.padEnd(14)} ${host.names.join(', ').padEnd(48)} ${services}`);
  }
  lines.push('', `Tên miền / domains: ${lab.domains.join(', ')}`, `Trang web / sites: ${lab.sites.length}`, '', 'Ctrl-C để dừng / to stop.');
  return lines.join('\n');
}

export const register: RegisterCommand = (program, ctx) => {
  program
    .command('lab')
    .description('serve the simulated agency on loopback (DNS, mail, web, lab CA) for the demo, tests and benchmarks')
    .option('--world <file>', 'world file (YAML); default: the built-in world (docs/lab.md)')
    .option('--dir <dir>', 'folder for ca.pem, ca-key.pem and staff.csv (default: a temporary folder)')
    .option('--port-base <n>', 'listen on fixed ports N, N+1, … instead of free ports')
    .action(async (options: LabOptions, command) => {
      const portBase = parsePortBase(options.portBase);
      // Loaded only when run, so other commands start fast.
      const { startLab } = await import('../../lab/index.js');
      const lab = await startLab({
        ...(options.world ? { world: resolve(options.world) } : {}),
        ...(options.dir ? { dir: resolve(options.dir) } : {}),
        ...(portBase !== undefined ? { portBase } : {}),
      });
      ctx.print(
        command,
        {
          resolver: `${lab.resolver.host}:${lab.resolver.port}`,
          ca: lab.caFile,
          portMap: lab.portMap,
          domains: lab.domains,
          sites: lab.sites,
        },
        () => renderTable(lab),
      );
      await untilStopSignal();
      process.stderr.write('vigil: đang dừng lab / stopping the lab…\n');
      await lab.stop();
    });
};
