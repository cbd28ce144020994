import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Command } from 'commander';
import type cliProgressModule from 'cli-progress';
import { VigilError } from '../../errors.js';
import type { ScanResult } from '../../leaks/scan/engine.js';
import type { importLeaks } from '../../leaks/import/importer.js';
import type { LeakState } from '../../leaks/triage/triage.js';
import { LEAK_STATES } from '../../leaks/triage/states.js';
import type { CliContext, RegisterCommand } from '../context.js';

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

export function parseSize(text: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(b|k|kb|kib|m|mb|mib|g|gb|gib)?$/i.exec(text.trim());
  if (!m) throw new VigilError('leaks.bad-size', `"${text}" is not a size`, { hint: 'write e.g. 100MiB or 1GiB' });
  const unit = (m[2] ?? 'b').toLowerCase();
  const mult = unit.startsWith('k') ? 1024 : unit.startsWith('m') ? 1024 ** 2 : unit.startsWith('g') ? 1024 ** 3 : 1;
  return Math.round(Number(m[1]) * mult);
}

/** A progress bar with bytes/s and ETA on stderr when it is a terminal; nothing otherwise. */
export function progressBar(label: string): { update: (done: number, total: number) => void; stop: () => void } {
  if (!process.stderr.isTTY) return { update: () => {}, stop: () => {} };
  // Required here, not imported: only a terminal needs it, and start-up time counts for a scan.
  const cliProgress = createRequire(import.meta.url)('cli-progress') as typeof cliProgressModule;
  const bar = new cliProgress.SingleBar(
    {
      stream: process.stderr,
      format: `${label} [{bar}] {percentage}% | {doneMiB}/{totalMiB} MiB | {rate} MB/s | ETA {eta_formatted}`,
      hideCursor: true,
    },
    cliProgress.Presets.shades_classic,
  );
  const started = performance.now();
  let running = false;
  return {
    update(done, total) {
      if (!running) {
        bar.start(total, 0, { doneMiB: 0, totalMiB: (total / 1048576).toFixed(0), rate: '0' });
        running = true;
      }
      const seconds = (performance.now() - started) / 1000;
      bar.update(done, {
        doneMiB: (done / 1048576).toFixed(0),
        totalMiB: (total / 1048576).toFixed(0),
        rate: seconds > 0 ? (done / seconds / 1e6).toFixed(0) : '0',
      });
    },
    stop() {
      if (running) bar.stop();
    },
  };
}

export async function orgDomainsOf(ctx: CliContext, command: Command, extra: string[]): Promise<string[]> {
  // No --config and no ./vigil.yaml (the default file): only --domain counts, and the
  // configuration schema need not be loaded (start-up time of a scan).
  if (ctx.globals(command).config === undefined && !existsSync('vigil.yaml')) return [...new Set(extra.map((d) => d.trim().toLowerCase()))];
  const loaded = await ctx.config(command);
  return [...new Set([...(loaded.config.mail?.domains ?? []), ...extra.map((d) => d.trim().toLowerCase())])];
}

export function censusJson(result: ScanResult): Record<string, unknown> {
  return {
    bytes: result.bytes,
    lines: result.lines,
    records: result.records,
    rejected: result.rejected,
    rejectedByReason: result.rejectedByReason,
    uniqueAddresses: result.uniqueAddresses,
    uniqueAddressesEstimated: result.uniqueAddressesEstimated,
    ...(result.uniqueAddressesErrorBound !== null ? { uniqueAddressesErrorBound: result.uniqueAddressesErrorBound } : {}),
    categories: result.categories,
    domains: result.domains,
    matched: result.matches.length,
    files: result.files,
    errors: result.errors,
    durationMs: result.durationMs,
  };
}

function renderScan(result: ScanResult): string {
  const lines = [
    `Đã quét / scanned: ${result.files} file(s), ${(result.bytes / 1e6).toFixed(1)} MB in ${(result.durationMs / 1000).toFixed(2)} s (${(result.bytes / 1e6 / Math.max(result.durationMs / 1000, 0.001)).toFixed(0)} MB/s)`,
  ];
  if (result.lines !== null) lines.push(`Dòng / lines: ${result.lines}   Bản ghi / records: ${result.records}   Bị loại / rejected: ${result.rejected}`);
  for (const [reason, n] of Object.entries(result.rejectedByReason)) lines.push(`  - ${reason}: ${n}`);
  if (result.uniqueAddresses !== null) {
    lines.push(
      `Địa chỉ duy nhất / unique addresses: ${result.uniqueAddresses}${result.uniqueAddressesEstimated ? ` (ước lượng / estimated ±${((result.uniqueAddressesErrorBound ?? 0) * 100).toFixed(2)}%)` : ''}`,
    );
    const c = result.categories;
    lines.push(`  .vn: ${c.vn}   gov.vn: ${c['gov.vn']}   edu.vn: ${c['edu.vn']}   ngân hàng / banks: ${c.bank}   của đơn vị / ours: ${c.org}`);
    const top = Object.entries(result.domains).slice(0, 15);
    if (top.length) lines.push(`Tên miền hàng đầu / top domains: ${top.map(([d, n]) => `${d} ${n}`).join(', ')}`);
  }
  lines.push(`Tài khoản của đơn vị / our accounts: ${result.categories.org} địa chỉ, ${result.matches.length} bản ghi`);
  for (const m of result.matches.slice(0, 50))
    lines.push(`  ${m.email}  ${m.severity}  ${m.passwordKind}${m.passwordMask ? ` ${m.passwordMask}` : ''}${m.url ? `  ${m.url}` : ''}`);
  if (result.matches.length > 50) lines.push(`  … ${result.matches.length - 50} more (use --out FILE.xlsx)`);
  for (const e of result.errors.slice(0, 20)) lines.push(`! ${e.file}: ${e.reason} — ${e.message}`);
  return lines.join('\n');
}

// The capability's modules load only when a command runs, so `vigil --help` and other
// commands start fast.
const scanEngine = () => import('../../leaks/scan/engine.js');
const exporter = () => import('../../leaks/export.js');
const generator = () => import('../../leaks/generate.js');
const importer = () => import('../../leaks/import/importer.js');
const notifier = () => import('../../leaks/notify/notify.js');
const staffDirectory = () => import('../../leaks/import/staff.js');
const triage = () => import('../../leaks/triage/triage.js');

export const register: RegisterCommand = (program, ctx) => {
  const leaks = program.command('leaks').description('rà soát dữ liệu lộ lọt / leaked-data intake, census and triage (directive 4749 items 2–3)');

  leaks
    .command('scan')
    .description('scan files, folders and archives for the organisation’s addresses (and with --census, count every address)')
    .argument('<paths...>', 'files, folders or archives')
    .option('--domain <domain>', 'an organisation domain to look for (repeatable; adds to mail.domains)', collect, [])
    .option('--census', 'count every address: unique, .vn, gov.vn, edu.vn, banks, top domains')
    .option('--out <file>', 'export matched accounts with masked passwords (.csv or .xlsx)')
    .option('--workers <n>', 'worker threads (default: the cores)', (v) => Number.parseInt(v, 10))
    .action(async (paths: string[], options: { domain: string[]; census?: boolean; out?: string; workers?: number }, command: Command) => {
      const orgDomains = await orgDomainsOf(ctx, command, options.domain);
      if (!options.census && orgDomains.length === 0) {
        throw new VigilError('leaks.no-domains', 'nothing to look for: no --domain given and no mail.domains in the configuration', {
          hint: 'add --domain example.gov.vn, or run with --census to count every address',
        });
      }
      const bar = progressBar('Quét / scan');
      let result: ScanResult;
      try {
        result = await (await scanEngine()).scanPaths(paths, {
          orgDomains,
          census: Boolean(options.census),
          ...(options.workers !== undefined ? { workers: options.workers } : {}),
          onProgress: bar.update,
        });
      } finally {
        bar.stop();
      }
      if (options.out) await (await exporter()).exportMatches(options.out, result.matches);
      ctx.print(command, censusJson(result), () => renderScan(result));
      if (result.matches.length > 0) process.exitCode = 1;
    });

  leaks
    .command('generate')
    .description('write a seeded synthetic combolist for tests and benchmarks (with the organisation’s addresses planted)')
    .requiredOption('--out <file>', 'file to write')
    .option('--size <size>', 'approximate size, e.g. 100MiB, 1GiB', '10MiB')
    .option('--seed <n>', 'random seed', '1')
    .option('--domain <domain>', 'organisation domain to plant (repeatable)', collect, [])
    .action(async (options: { out: string; size: string; seed: string; domain: string[] }, command: Command) => {
      const orgDomains = await orgDomainsOf(ctx, command, options.domain);
      const truth = (await generator()).generateCombolist(options.out, {
        seed: Number(options.seed),
        bytes: parseSize(options.size),
        orgDomains: orgDomains.length ? orgDomains : ['example.gov.vn'],
        trackAll: false,
      });
      const summary = {
        file: options.out,
        lines: truth.lines,
        orgAddresses: truth.org.size,
        vn: truth.categories.vn.size,
        govVn: truth.categories['gov.vn'].size,
      };
      ctx.print(command, summary, () => `Đã tạo / wrote ${options.out}: ${truth.lines} lines, ${truth.org.size} organisation addresses planted`);
    });

  leaks
    .command('import')
    .description('import leak files as a source: the organisation’s accounts with severity, masked password and fingerprint (never the password)')
    .argument('<paths...>', 'files, folders or archives')
    .requiredOption('--source <name>', 'name of the leak source (e.g. "Combolist 2026-11")')
    .option('--title <title>', 'a longer title for the source')
    .option('--breach-date <date>', 'when the breach happened (YYYY-MM-DD)')
    .option('--workers <n>', 'worker threads (default: the cores)', (v) => Number.parseInt(v, 10))
    // Hidden: accounts per transaction (tests make batches small to cut an import in the middle).
    .addOption(
      leaks
        .createOption('--batch-size <n>', 'accounts per transaction')
        .argParser((v) => Number.parseInt(v, 10))
        .hideHelp(),
    )
    .action(async (paths: string[], options: { source: string; title?: string; breachDate?: string; workers?: number }, command: Command) => {
      const loaded = await ctx.config(command);
      const { configPath, requireSection } = await import('../../config/load.js');
      const mail = requireSection(loaded, 'mail');
      const { loadStaffDirectory, StaffDirectory } = await staffDirectory();
      const staff = loaded.config.staff ? loadStaffDirectory(configPath(loaded, loaded.config.staff.directory), mail.domains) : StaffDirectory.empty();
      const store = await ctx.store(command);
      const bar = progressBar('Nhập / import');
      const { batchSize } = options as { batchSize?: number };
      let summary: Awaited<ReturnType<typeof importLeaks>>;
      try {
        summary = await (await importer()).importLeaks(store, paths, {
          source: options.source,
          ...(options.title ? { title: options.title } : {}),
          ...(options.breachDate ? { breachDate: options.breachDate } : {}),
          orgDomains: mail.domains,
          staff,
          actor: process.env.USER ? `cli:${process.env.USER}` : 'cli',
          ...(options.workers !== undefined ? { workers: options.workers } : {}),
          ...(batchSize !== undefined ? { batchSize } : {}),
          onProgress: bar.update,
        });
      } finally {
        bar.stop();
      }
      ctx.print(command, summary, () =>
        [
          `Nguồn / source: ${summary.source}`,
          ...summary.files.map(
            (f) =>
              `  ${f.path}: ${f.skipped ? 'đã nhập trước đó / already imported' : `${f.accounts} tài khoản / accounts`}${f.resumedFromByte !== null ? ` — tiếp tục từ byte / resumed from byte ${f.resumedFromByte} (${f.accounts - f.written} đã lưu / already stored)` : ''}`,
          ),
          `Tài khoản mới / new accounts: ${summary.newAccounts}   mở lại / reopened: ${summary.reopened}   (${summary.durationMs} ms${summary.accountsPerSecond ? `, ${summary.accountsPerSecond} accounts/s written` : ''})`,
        ].join('\n'),
      );
    });

  leaks
    .command('accounts')
    .description('list leaked accounts of the organisation')
    .option('--state <state>', `filter by state (${LEAK_STATES.join(', ')})`)
    .option('--unit <unit>', 'filter by unit')
    .option('--severity <severity>', 'filter by severity (address, hashed, plaintext, stealer)')
    .option('--source <name>', 'filter by source')
    .action(async (options: { state?: string; unit?: string; severity?: string; source?: string }, command: Command) => {
      const store = await ctx.store(command);
      const { listAccounts, STATE_LABELS } = await triage();
      const rows = await listAccounts(store, options);
      ctx.print(command, rows, () =>
        rows.length === 0
          ? 'Không có tài khoản / no accounts'
          : rows
              .map(
                (r) =>
                  `${r.email.padEnd(36)} ${(STATE_LABELS[r.state as LeakState]?.vi ?? r.state).padEnd(24)} ${r.severity.padEnd(9)} ${(r.passwordMask ?? '').padEnd(16)} ${r.unit ?? ''}  [${r.sources.join(', ')}]`,
              )
              .join('\n'),
      );
    });

  leaks
    .command('set-state')
    .description('move accounts to a triage state (bulk); every move is logged with who and when')
    .argument('<state>', LEAK_STATES.join(' | '))
    .argument('<emails...>', 'accounts')
    .option('--note <text>', 'a note for the history')
    .option('--actor <name>', 'who does it (default: $USER)')
    .action(async (state: string, emails: string[], options: { note?: string; actor?: string }, command: Command) => {
      const store = await ctx.store(command);
      const result = await (await triage()).setState(store, emails, state, options.actor ?? `cli:${process.env.USER ?? 'unknown'}`, options.note);
      ctx.print(command, result, () => [`Đã chuyển / moved: ${result.changed.length}`, ...result.refused.map((r) => `  ! ${r.email}: ${r.reason}`)].join('\n'));
      if (result.refused.length > 0) process.exitCode = 1;
    });

  leaks
    .command('assign')
    .description('assign accounts to a unit')
    .argument('<unit>', 'unit name')
    .argument('<emails...>', 'accounts')
    .action(async (unit: string, emails: string[], _options, command: Command) => {
      const store = await ctx.store(command);
      const n = await (await triage()).assignUnit(store, emails, unit, `cli:${process.env.USER ?? 'unknown'}`);
      ctx.print(command, { assigned: n, unit }, () => `Đã giao / assigned ${n} → ${unit}`);
    });

  leaks
    .command('notify')
    .description('email each owner a notice (Vietnamese, with English) for every source not yet notified; idempotent')
    .option('--dry-run', 'list the notices without sending')
    .action(async (options: { dryRun?: boolean }, command: Command) => {
      const loaded = await ctx.config(command);
      const store = await ctx.store(command);
      const result = await (await notifier()).notifyAccounts(store, loaded.config.notifications?.smtp, {
        organisation: loaded.config.organisation?.name ?? 'vigil',
        dryRun: Boolean(options.dryRun),
        actor: `cli:${process.env.USER ?? 'unknown'}`,
      });
      ctx.print(command, result, () =>
        [
          options.dryRun ? `Sẽ gửi / would send ${result.pending.length} thông báo / notices:` : `Đã gửi / sent ${result.sent.length} thông báo / notices`,
          ...(options.dryRun ? result.pending.map((n) => `  ${n.to} ← ${n.sourceName} (${n.severity})`) : result.sent.map((n) => `  ${n.to} ← ${n.source}`)),
          ...result.failed.map((f) => `  ! ${f.email}: ${f.error}`),
        ].join('\n'),
      );
      if (result.failed.length > 0) process.exitCode = 1;
    });
};
