/**
 * `vigil spf`: the RFC 7208 check_host() verdict for one (IP, sender, HELO), through vigil's own
 * DNS client. Exit status: 0 pass; 1 fail, softfail, neutral or none (evaluated, not authorised);
 * 2 permerror, temperror or a usage error (no trustworthy verdict).
 */
import { isIP } from '../../net-address.js';
import type { SpfEvaluation } from '../../checks/mail/auth/spf/index.js';
import { VigilError } from '../../errors.js';
import { parseHostPort } from '../../probes/context.js';
import type { RegisterCommand } from '../context.js';

interface SpfOptions {
  ip: string;
  sender?: string;
  helo: string;
  resolver?: string;
  dnsTimeout: string;
  dnsRetries: string;
}

const EXIT_BY_RESULT: Record<SpfEvaluation['result'], number> = { pass: 0, fail: 1, softfail: 1, neutral: 1, none: 1, permerror: 2, temperror: 2 };

export const register: RegisterCommand = (program, ctx) => {
  program
    .command('spf')
    .description('evaluate SPF (RFC 7208 check_host) for a client IP, MAIL FROM and HELO / kiểm tra SPF cho một IP gửi thư')
    .argument('[domain]', 'domain to check (default: the sender’s domain, or HELO when the sender is empty)')
    .requiredOption('--ip <ip>', 'IP address of the SMTP client')
    .option('--sender <address>', 'MAIL FROM address (empty = bounce: postmaster@HELO is checked)', '')
    .requiredOption('--helo <name>', 'HELO/EHLO name the client gave')
    .option('--resolver <host:port>', 'DNS resolver to query (default: the first nameserver of /etc/resolv.conf)')
    .option('--dns-timeout <ms>', 'per-query DNS timeout in milliseconds', '3000')
    .option('--dns-retries <n>', 'retries per DNS query after a timeout', '1')
    .action(async (domain: string | undefined, options: SpfOptions, command) => {
      if (!isIP(options.ip.trim())) throw new VigilError('spf.bad-ip', `--ip "${options.ip}" is not an IPv4 or IPv6 address`, { hint: 'e.g. --ip 192.0.2.10' });
      const timeoutMs = Number(options.dnsTimeout);
      if (!Number.isInteger(timeoutMs) || timeoutMs < 50 || timeoutMs > 60_000) {
        throw new VigilError('spf.bad-option', `--dns-timeout must be a whole number of milliseconds from 50 to 60000, got "${options.dnsTimeout}"`);
      }
      const retries = Number(options.dnsRetries);
      if (!Number.isInteger(retries) || retries < 0 || retries > 5)
        throw new VigilError('spf.bad-option', `--dns-retries must be 0 to 5, got "${options.dnsRetries}"`);
      // The DNS client and the SPF evaluator load only when run, so other commands start fast.
      const [{ evaluateSpf }, { DnsClient }, { defaultResolver }] = await Promise.all([
        import('../../checks/mail/auth/spf/index.js'),
        import('../../probes/dns/client.js'),
        import('../../probes/dns/system.js'),
      ]);
      const server = options.resolver ? parseHostPort(options.resolver, 53) : defaultResolver();
      if (!server.host || !Number.isInteger(server.port) || server.port < 1 || server.port > 65_535) {
        throw new VigilError('spf.bad-resolver', `--resolver "${options.resolver}" is not HOST:PORT`, { hint: 'e.g. --resolver 127.0.0.1:5353' });
      }
      const dns = new DnsClient({ server, timeoutMs, retries });
      const evaluation = await evaluateSpf({ ip: options.ip, sender: options.sender ?? '', helo: options.helo, domain }, dns);
      ctx.print(
        command,
        {
          result: evaluation.result,
          explanation: evaluation.explanation ?? null,
          lookups: evaluation.lookups,
          voidLookups: evaluation.voidLookups,
          trace: evaluation.trace,
        },
        () => renderHuman(evaluation),
      );
      process.exitCode = EXIT_BY_RESULT[evaluation.result];
    });
};

function renderHuman(evaluation: SpfEvaluation): string {
  const lines = [
    `SPF ${evaluation.domain} (${evaluation.sender}): ${evaluation.result}`,
    ...(evaluation.reason ? [`  lý do / reason: ${evaluation.reason}`] : []),
    ...(evaluation.explanation ? [`  exp: ${evaluation.explanation}`] : []),
    `  tra cứu DNS / DNS-querying terms: ${evaluation.lookups}/10, tra cứu rỗng / void lookups: ${evaluation.voidLookups}/2`,
    '  trace:',
    ...evaluation.trace.map((t) => `    ${'  '.repeat(t.depth)}${t.message}`),
  ];
  return lines.join('\n');
}
