import type { Command } from 'commander';
import { VigilError } from '../../errors.js';
import type { CheckReport } from '../../watch/service.js';
import type { RegisterCommand } from '../context.js';
import { untilStopSignal } from '../signals.js';

interface WatchOptions {
  once?: boolean;
  resolver?: string;
  ca?: string[];
  portMap?: string;
  dnsTimeout?: string;
  concurrency?: string;
}

const STATUS_VI: Record<string, string> = { up: 'HOẠT ĐỘNG', degraded: 'CHẬM', down: 'NGỪNG', pending: 'CHỜ' };

export const register: RegisterCommand = (program, ctx) => {
  program
    .command('watch')
    .description('holiday watch: run the monitors of vigil.yaml (continuously, or once with --once) / giám sát trực dịp lễ')
    .option('--once', 'run every monitor once, print the results, exit 1 if any is down or defaced')
    .option('--resolver <host:port>', 'DNS resolver for every lookup (e.g. the lab’s)')
    .option('--ca <file>', 'extra trusted CA certificate (PEM); repeatable', (value: string, previous: string[] = []) => [...previous, value])
    .option('--port-map <json|file>', 'connect IP:PORT to another port: {"127.0.10.80:443": 30443}')
    .option('--dns-timeout <ms>', 'per-query DNS timeout in milliseconds (default: the config’s network.dnsTimeoutMs, else 3000)')
    .option('--concurrency <n>', 'checks in flight at once for --once', '32')
    .action(async (options: WatchOptions, command: Command) => {
      const loaded = await ctx.config(command);
      const monitors = loaded.config.monitors ?? [];
      const store = await ctx.store(command);
      // Loaded only when run (like the watch engine below), so other commands start fast.
      const { buildProbeContext } = await import('../../config/probe-context.js');
      // The config's network section (resolver, CA, port map, scope) first; flags override it.
      const probe = {
        ...buildProbeContext({
          config: loaded,
          area: 'watch',
          flags: { resolver: options.resolver, ca: options.ca, portMap: options.portMap, dnsTimeout: options.dnsTimeout },
        }),
        now: Date.now,
      };
      if (options.once) {
        if (monitors.length === 0) {
          throw new VigilError('watch.no-monitors', 'there are no monitors to run', {
            hint: 'add a monitors: section to vigil.yaml, e.g.\nmonitors:\n  - { name: Cổng thông tin, type: http, url: https://example.gov.vn/ }',
          });
        }
        const { WatchService } = await import('../../watch/service.js');
        const service = new WatchService(store, probe);
        try {
          await service.load(monitors);
          const reports = await service.runOnce({ concurrency: Number(options.concurrency) || 32 });
          const failed = reports.some(isFailure);
          ctx.print(
            command,
            reports.map((r) => ({
              monitor: r.monitor,
              id: r.id,
              type: r.type,
              status: r.status,
              detail: r.detail,
              responseMs: r.responseMs,
              defacement: r.defacement,
              ...(r.baseline ? { baseline: r.baseline } : {}),
              ...(r.event ? { event: r.event } : {}),
            })),
            () => reports.map(renderReport).join('\n'),
          );
          if (failed) process.exitCode = 1;
        } finally {
          await service.close();
        }
        return;
      }
      const { startWatch } = await import('../../watch/start.js');
      const running = await startWatch({ store, config: loaded.config, probe, log: (line: string) => process.stderr.write(`${line}\n`) });
      process.stderr.write(`vigil watch: ${running.service.list().length} monitor(s); Ctrl-C to stop / nhấn Ctrl-C để dừng\n`);
      await untilStopSignal();
      await running.stop();
    });
};

export function isFailure(report: CheckReport): boolean {
  return report.status === 'down' || report.defacement?.level === 'defacement' || report.defacement?.level === 'warning';
}

function renderReport(r: CheckReport): string {
  const mark = r.status === 'up' ? '✓' : r.status === 'degraded' ? '!' : '✗';
  const lines = [`${mark} ${STATUS_VI[r.status]} / ${r.status.padEnd(8)} ${r.monitor} — ${r.detail}${r.baseline ? ' · baseline taken / đã lấy mẫu gốc' : ''}`];
  if (r.defacement) lines.push(`    ⚠ defacement ${r.defacement.level}: ${r.defacement.reasons.join('; ')}`);
  if (r.event) lines.push(`    • ${r.event.summary}`);
  return lines.join('\n');
}
