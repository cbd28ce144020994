import { Command, CommanderError } from 'commander';
import { describeError, isVigilError } from '../errors.js';
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
import { CliContext, type RegisterCommand } from './context.js';

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
  const program = new Command('vigil');
  program
    .description('vigil — assess, watch and report on an agency’s mail, web and leaked accounts (directive 4749/BTTTT-CATTT)')
    .option('--config <file>', 'configuration file (default ./vigil.yaml)')
    .option('--data <dir>', 'data folder for the embedded store (default $VIGIL_DATA or ./vigil-data)')
    .option('--json', 'print machine-readable JSON on stdout')
    .showHelpAfterError()
    .exitOverride();
  const ctx = new CliContext(program);
  for (const register of commandModules) register(program, ctx);
  return { program, ctx };
}

export async function main(argv: string[]): Promise<number> {
  const { program, ctx } = buildProgram();
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      // help and version are not errors
      return error.exitCode === 0 ? 0 : 2;
    }
    const json = argv.includes('--json');
    if (json) {
      const body = isVigilError(error) ? error.toJSON() : { error: 'internal', message: error instanceof Error ? error.message : String(error) };
      process.stdout.write(`${JSON.stringify(body)}\n`);
    }
    process.stderr.write(`vigil: ${describeError(error)}\n`);
    if (process.env.VIGIL_DEBUG && error instanceof Error) process.stderr.write(`${error.stack}\n`);
    return isVigilError(error) ? error.exitCode : 2;
  } finally {
    await ctx.close();
  }
}
