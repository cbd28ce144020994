import type { Command } from 'commander';
import { register as registerAssess } from './commands/assess.js';
import { register as registerBackup } from './commands/backup.js';
import { register as registerConfig } from './commands/config.js';
import { register as registerDemo } from './commands/demo.js';
import { register as registerInit } from './commands/init.js';
import { register as registerLab } from './commands/lab.js';
import { register as registerLeaks } from './commands/leaks.js';
import { register as registerPasswords } from './commands/passwords.js';
import { register as registerServe } from './commands/serve.js';
import { register as registerSpf } from './commands/spf.js';
import { register as registerToken } from './commands/token.js';
import { register as registerUser } from './commands/user.js';
import { register as registerWatch } from './commands/watch.js';
import type { CliContext, RegisterCommand } from './context.js';
import { createProgram, runProgram } from './root.js';

/**
 * Every command module exports `register(program, ctx)`. Add a capability's commands by adding
 * its module here; nothing else in the CLI needs to change.
 */
const commandModules: RegisterCommand[] = [
  registerInit,
  registerConfig,
  registerBackup,
  registerDemo,
  registerServe,
  registerUser,
  registerToken,
  registerLeaks,
  registerPasswords,
  registerLab,
  registerAssess,
  registerSpf,
  registerWatch,
];

export function buildProgram(): { program: Command; ctx: CliContext } {
  return createProgram(commandModules);
}

export async function main(argv: string[]): Promise<number> {
  return runProgram(buildProgram(), argv);
}
