/**
 * Writes docs/cli.md from the CLI itself (`npx tsx scripts/cli-reference.ts`), so the reference
 * never drifts from what `vigil --help` says.
 */
import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { buildProgram } from '../src/cli/program.js';

function walk(command: Command, prefix: string[], out: string[]): void {
  const name = [...prefix, command.name()].join(' ');
  if (prefix.length > 0) {
    out.push(`### \`${name}${command.usage() ? ` ${command.usage()}` : ''}\``, '', command.description(), '');
    const options = command.options.filter((o) => !o.hidden);
    if (options.length) {
      out.push('| option | meaning |', '|---|---|');
      for (const o of options)
        out.push(
          `| \`${o.flags}\` | ${o.description.replaceAll('|', '\\|')}${o.defaultValue !== undefined ? ` (default ${JSON.stringify(o.defaultValue)})` : ''} |`,
        );
      out.push('');
    }
  }
  for (const sub of command.commands) walk(sub, [...prefix, command.name()], out);
}

const { program } = await buildProgram();
const out = [
  '# CLI reference',
  '',
  'Generated from the CLI by `npx tsx scripts/cli-reference.ts`. Global options (before the command):',
  '',
  '| option | meaning |',
  '|---|---|',
  ...program.options.map((o) => `| \`${o.flags}\` | ${o.description} |`),
  '',
  'Exit codes: 0 fine, 1 something failed or was found, 2 usage or runtime error — or, for `vigil assess`, a target that could not be assessed (every check `error`: no grade).',
  '',
];
walk(program, [], out);
writeFileSync(new URL('../docs/cli.md', import.meta.url), `${out.join('\n')}\n`);
console.log('wrote docs/cli.md');
