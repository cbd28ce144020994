import type { Command } from 'commander';
import type { CliContext, RegisterCommand } from './context.js';
import { createProgram, runProgram } from './root.js';

/**
 * Every command module, by the top-level command it registers (`register(program, ctx)`), in the
 * order `vigil --help` lists them. Add a capability's commands by adding its module here. A module
 * registers its commands without loading its capability (each action imports that when it runs);
 * and a command line loads only the module of its command (`vigil leaks …` → commands/leaks.js),
 * so start-up does not grow with the number of commands. program.test.ts checks every module
 * registers exactly the command it is listed under.
 */
export const commandModules: Record<string, () => Promise<{ register: RegisterCommand }>> = {
  init: () => import('./commands/init.js'),
  config: () => import('./commands/config.js'),
  backup: () => import('./commands/backup.js'),
  demo: () => import('./commands/demo.js'),
  serve: () => import('./commands/serve.js'),
  user: () => import('./commands/user.js'),
  token: () => import('./commands/token.js'),
  leaks: () => import('./commands/leaks.js'),
  passwords: () => import('./commands/passwords.js'),
  lab: () => import('./commands/lab.js'),
  assess: () => import('./commands/assess.js'),
  spf: () => import('./commands/spf.js'),
  watch: () => import('./commands/watch.js'),
};

/**
 * The command a command line runs, when only its module is needed: the first word after the
 * global options, if a module registers it. Anything else before it (`--help`, an unknown option,
 * `help`, an unknown command, none) needs every command, for the help or the error message.
 */
export function commandOf(args: string[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--config' || arg === '--data') i++;
    else if (arg === '--json' || arg.startsWith('--config=') || arg.startsWith('--data=')) continue;
    else return Object.hasOwn(commandModules, arg) ? arg : undefined;
  }
  return undefined;
}

/** The program with every command, or with only the command `args` runs (see commandOf). */
export async function buildProgram(args?: string[]): Promise<{ program: Command; ctx: CliContext }> {
  const command = args === undefined ? undefined : commandOf(args);
  const names = command === undefined ? Object.keys(commandModules) : [command];
  const modules = await Promise.all(names.map((name) => commandModules[name]!()));
  return createProgram(modules.map((module) => module.register));
}

export async function main(argv: string[]): Promise<number> {
  return runProgram(await buildProgram(argv.slice(2)), argv);
}
