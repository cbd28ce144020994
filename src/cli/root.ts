import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { describeError, isVigilError } from '../errors.js';
import { CliContext, type RegisterCommand } from './context.js';

/**
 * The root `vigil` program (global options) with the given command modules (program.ts lists
 * them), and how it runs.
 */
export function createProgram(modules: RegisterCommand[]): { program: Command; ctx: CliContext } {
  const program = new Command('vigil');
  program
    .description('vigil — assess, watch and report on an agency’s mail, web and leaked accounts (directive 4749/BTTTT-CATTT)')
    .option('--config <file>', 'configuration file (default ./vigil.yaml)')
    .option('--data <dir>', 'data folder for the embedded store (default $VIGIL_DATA or ./vigil-data)')
    .option('--json', 'print machine-readable JSON on stdout')
    .version(packageVersion(), '-V, --version', 'print the version of vigil')
    .showHelpAfterError()
    .exitOverride();
  const ctx = new CliContext(program);
  for (const register of modules) register(program, ctx);
  return { program, ctx };
}

/** The version in package.json (src/cli and dist/cli are both two folders below it). */
function packageVersion(): string {
  try {
    return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

/** Parse and run; returns the exit code (0 ok, 1 found/failed, 2 usage or runtime error). */
export async function runProgram({ program, ctx }: { program: Command; ctx: CliContext }, argv: string[]): Promise<number> {
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
