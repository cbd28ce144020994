import { resolve } from 'node:path';
import { type Command, Option } from 'commander';
import type { Locale } from '../../checks/types.js';
import { VigilError } from '../../errors.js';
import type { LoadedConfig } from '../../config/load.js';
import type { ProbeContext } from '../../probes/context.js';
import type { AssessmentRepository } from '../../services/assessment/repository.js';
import type { assessOrganisation } from '../../services/assessment/service.js';
import type { CliContext, RegisterCommand } from '../context.js';

interface ProbeOptions {
  resolver?: string;
  dnsTimeout?: string;
  ca?: string[];
  portMap?: string;
  lab?: string;
  concurrency?: string;
  lang?: string;
  store: boolean;
  timeout?: string;
}

function addProbeOptions(command: Command): Command {
  return command
    .option('--resolver <host:port>', 'DNS resolver to query (default: the system resolver)')
    .option('--dns-timeout <ms>', 'per-query DNS timeout in milliseconds (default: the config’s network.dnsTimeoutMs, else 3000)')
    .option('--ca <file>', 'extra trusted root certificate (PEM), e.g. the lab CA; repeatable', (value: string, previous: string[] = []) => [
      ...previous,
      value,
    ])
    .option('--port-map <file|json>', 'the lab port map ({"IP:PORT": realPort}) as a file or inline JSON')
    .option('--lab <file>', 'the JSON line `vigil lab --json` printed (gives resolver, CA and port map at once)')
    .option('--concurrency <n>', 'targets assessed at the same time', '8')
    .option('--timeout <seconds>', 'time limit per target', '120')
    .addOption(new Option('--lang <lang>', 'language of titles, details and remediation').choices(['vi', 'en']).default('vi'))
    .option('--no-store', 'do not store the run (default: store it)');
}

function positiveInt(value: string | undefined, name: string, fallback: number, max = 1_000_000): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > max)
    throw new VigilError('assessment.bad-option', `${name} must be a whole number from 1 to ${max}, got "${value}"`);
  return n;
}

/**
 * The probe settings of an assess command: vigil.yaml's `network:` section (when there is a
 * vigil.yaml), then --lab, then the explicit flags — through the one builder.
 */
async function probeContext(loaded: LoadedConfig | undefined, options: ProbeOptions): Promise<ProbeContext> {
  const { buildProbeContext } = await import('../../config/probe-context.js');
  return buildProbeContext({
    config: loaded,
    area: 'assessment',
    flags: { resolver: options.resolver, dnsTimeout: options.dnsTimeout, ca: options.ca, portMap: options.portMap, lab: options.lab },
  });
}

async function maybeStore(
  ctx: CliContext,
  command: Command,
  options: ProbeOptions,
  save: (repo: AssessmentRepository) => Promise<string>,
): Promise<string | undefined> {
  if (!options.store) return undefined;
  return save(await repository(ctx, command));
}

// The probes, checks, store, renderer and exporters load only when an assess command runs, so
// `vigil --help` and every other command start without them.
const services = () => import('../../services/assessment/service.js');
const render = () => import('../../services/assessment/render.js');
const output = () => import('./assess-output.js');

async function repository(ctx: CliContext, command: Command): Promise<AssessmentRepository> {
  const [{ AssessmentRepository }, store] = await Promise.all([import('../../services/assessment/repository.js'), ctx.store(command)]);
  return new AssessmentRepository(store);
}

export const register: RegisterCommand = (program, ctx) => {
  const assess = program.command('assess').description('assess mail domains and websites from outside, as an attacker sees them (directive 4749 item 1)');

  addProbeOptions(
    assess
      .command('mail')
      .argument('<domain>', 'mail domain, e.g. example.gov.vn')
      .description('assess one mail domain: SPF, DMARC, DKIM, MX, STARTTLS, TLS, DANE, MTA-STS, TLS-RPT…'),
  ).action(async (domain: string, options: ProbeOptions, command: Command) => {
    const loaded = await ctx.config(command).catch(() => undefined);
    const probe = await probeContext(loaded, options);
    const { assessMail } = await services();
    const target = await assessMail(domain.trim().toLowerCase().replace(/\.$/, ''), probe, {
      dkimSelectors: loaded?.config.mail?.dkimSelectors ?? [],
      outboundIps: loaded?.config.mail?.outboundIps ?? [],
      timeoutMs: positiveInt(options.timeout, '--timeout', 120, 3600) * 1000,
    });
    const runId = await maybeStore(ctx, command, options, (repo) => repo.saveTargetRun(target, { organisation: loaded?.config.organisation?.name ?? '' }));
    const locale = options.lang as Locale;
    const [{ assessExitCode, renderTarget }, { formatTarget }] = await Promise.all([render(), output()]);
    const rendered = renderTarget(target, locale);
    ctx.print(command, runId ? { ...rendered, runId } : rendered, () => formatTarget(rendered, locale) + (runId ? `\n\nrun ${runId}` : ''));
    // 2 not assessed, 1 something failed, 0 fine (README "Exit codes").
    const code = assessExitCode([rendered]);
    if (code !== 0) process.exitCode = code;
  });

  addProbeOptions(
    assess
      .command('web')
      .argument('<url>', 'site URL, e.g. https://example.gov.vn/')
      .description('assess one website: HTTPS, HSTS, TLS, security headers, cookies, exposed files…'),
  ).action(async (url: string, options: ProbeOptions, command: Command) => {
    let normalised: string;
    try {
      normalised = new URL(/^https?:\/\//i.test(url) ? url : `https://${url}`).toString();
    } catch {
      throw new VigilError('assessment.bad-url', `"${url}" is not a URL`, { hint: 'e.g. https://example.gov.vn/' });
    }
    const loaded = await ctx.config(command).catch(() => undefined);
    const probe = await probeContext(loaded, options);
    const { assessWeb } = await services();
    const target = await assessWeb(normalised, probe, { timeoutMs: positiveInt(options.timeout, '--timeout', 120, 3600) * 1000 });
    const runId = await maybeStore(ctx, command, options, (repo) => repo.saveTargetRun(target, { organisation: loaded?.config.organisation?.name ?? '' }));
    const locale = options.lang as Locale;
    const [{ assessExitCode, renderTarget }, { formatTarget }] = await Promise.all([render(), output()]);
    const rendered = renderTarget(target, locale);
    ctx.print(command, runId ? { ...rendered, runId } : rendered, () => formatTarget(rendered, locale) + (runId ? `\n\nrun ${runId}` : ''));
    // 2 not assessed, 1 something failed, 0 fine (README "Exit codes").
    const code = assessExitCode([rendered]);
    if (code !== 0) process.exitCode = code;
  });

  addProbeOptions(assess.command('org').description('assess every mail domain and website in vigil.yaml'))
    .option('--deadline <seconds>', 'time limit for the whole run; targets not done by then report error', '1800')
    .action(async (options: ProbeOptions & { deadline?: string }, command: Command) => {
      const loaded = await ctx.config(command);
      const probe = await probeContext(loaded, options);
      if (!loaded.config.mail?.domains?.length && !loaded.config.websites?.length) (await import('../../config/load.js')).requireSection(loaded, 'mail');
      const concurrency = positiveInt(options.concurrency, '--concurrency', 8, 256);
      const targetTimeoutMs = positiveInt(options.timeout, '--timeout', 120, 3600) * 1000;
      const deadlineMs = positiveInt(options.deadline, '--deadline', 1800, 86_400) * 1000;
      const total = (loaded.config.mail?.domains.length ?? 0) + (loaded.config.websites?.length ?? 0);
      const [{ assessExitCode, renderOrganisation }, { formatOrganisation, progressBar }] = await Promise.all([render(), output()]);
      const bar = progressBar(total);
      const onTarget = (_done: number, _total: number, target: { target: string }) => bar.tick(target.target);
      const stop = new AbortController();
      const onSignal = () => stop.abort(new Error('interrupted (Ctrl-C)'));
      process.once('SIGINT', onSignal);
      try {
        const probeWithSignal = { ...probe, signal: stop.signal };
        let runId: string | undefined;
        let run: Awaited<ReturnType<typeof assessOrganisation>>;
        if (options.store) {
          const { runAndStoreOrganisation } = await import('../../services/assessment/runs.js');
          const stored = await runAndStoreOrganisation(await ctx.store(command), loaded.config, probeWithSignal, {
            concurrency,
            targetTimeoutMs,
            deadlineMs,
            onTarget,
          });
          runId = stored.runId;
          run = stored.run;
        } else {
          const { assessOrganisation } = await services();
          run = await assessOrganisation(loaded.config, probeWithSignal, { concurrency, targetTimeoutMs, deadlineMs, onTarget });
        }
        bar.stop();
        const locale = options.lang as Locale;
        const rendered = renderOrganisation(run, locale);
        ctx.print(command, runId ? { ...rendered, runId } : rendered, () => formatOrganisation(rendered, locale, runId));
        const code = assessExitCode(rendered.targets);
        if (code !== 0) process.exitCode = code;
      } finally {
        bar.stop();
        process.off('SIGINT', onSignal);
      }
    });

  assess
    .command('runs')
    .description('list stored assessment runs, newest first')
    .option('--limit <n>', 'how many', '20')
    .action(async (options: { limit: string }, command: Command) => {
      const repo = await repository(ctx, command);
      const runs = await repo.listRuns({ limit: positiveInt(options.limit, '--limit', 20, 500) });
      ctx.print(command, { runs }, () =>
        runs.length === 0
          ? 'Chưa có lần đánh giá nào / no runs yet: vigil assess org'
          : runs
              .map(
                (r) =>
                  `${r.id}  ${r.startedAt}  ${r.kind.padEnd(4)} ${r.status.padEnd(7)} ${(r.grade ?? '-').padEnd(2)} ${String(r.score ?? '-').padStart(3)}  ${r.failedChecks} fail${r.notAssessed ? `  ${r.notAssessed} not assessed` : ''}  ${r.scope}`,
              )
              .join('\n'),
      );
    });

  assess
    .command('export')
    .argument('<run-id>', 'a stored run (see `vigil assess runs`)')
    .description('export a run’s findings as XLSX or PDF (Vietnamese headings, one sheet/section per target)')
    .addOption(new Option('--format <format>', 'file format').choices(['xlsx', 'pdf']).makeOptionMandatory())
    .requiredOption('--out <file>', 'where to write')
    .addOption(new Option('--lang <lang>', 'language').choices(['vi', 'en']).default('vi'))
    .action(async (runId: string, options: { format: 'xlsx' | 'pdf'; out: string; lang: Locale }, command: Command) => {
      const store = await ctx.store(command);
      const loaded = await ctx.config(command).catch(() => undefined);
      const { exportFindings } = await import('../../reports/findings/index.js');
      const { AssessmentRepository } = await import('../../services/assessment/repository.js');
      const body = await exportFindings(new AssessmentRepository(store), runId, options.format, {
        locale: options.lang,
        organisation: loaded?.config.organisation,
      });
      const out = resolve(options.out);
      const { writePrivateFile } = await import('../../private-files.js');
      // Findings name the agency's weak points: readable by the owner only (0600).
      await writePrivateFile(out, body);
      ctx.print(command, { file: out, bytes: body.length, format: options.format }, () => `Đã ghi / wrote ${out} (${body.length} bytes)`);
    });
};
