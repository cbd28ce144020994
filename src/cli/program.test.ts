import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { CliContext } from './context.js';
import { buildProgram, commandModules, commandOf } from './program.js';

describe('the command modules of program.ts', () => {
  it('each registers exactly the top-level command it is listed under', async () => {
    for (const [name, load] of Object.entries(commandModules)) {
      const program = new Command('vigil');
      (await load()).register(program, new CliContext(program));
      expect(
        program.commands.map((command) => command.name()),
        name,
      ).toEqual([name]);
    }
  });

  it('the full program lists every command in order; a command line gets only its own', async () => {
    expect((await buildProgram()).program.commands.map((c) => c.name())).toEqual(Object.keys(commandModules));
    expect((await buildProgram(['--help'])).program.commands.map((c) => c.name())).toEqual(Object.keys(commandModules));
    expect((await buildProgram(['--json', 'leaks', 'scan', 'x'])).program.commands.map((c) => c.name())).toEqual(['leaks']);
  });
});

describe('commandOf', () => {
  it('finds the command after the global options', () => {
    expect(commandOf(['leaks', 'scan', 'f.txt'])).toBe('leaks');
    expect(commandOf(['--json', 'leaks', 'scan'])).toBe('leaks');
    expect(commandOf(['--config', 'other.yaml', '--data', 'd', 'watch', '--once'])).toBe('watch');
    expect(commandOf(['--config=other.yaml', '--data=d', 'user', 'list'])).toBe('user');
  });

  it('gives up (every command) for help, unknown words and options, or no command', () => {
    expect(commandOf([])).toBeUndefined();
    expect(commandOf(['--help'])).toBeUndefined();
    expect(commandOf(['-h', 'leaks'])).toBeUndefined();
    expect(commandOf(['help', 'leaks'])).toBeUndefined();
    expect(commandOf(['leak', 'scan'])).toBeUndefined(); // commander suggests "leaks" from the full list
    expect(commandOf(['--bogus', 'leaks'])).toBeUndefined();
    expect(commandOf(['--data', 'leaks', 'scan'])).toBeUndefined(); // "leaks" is the data folder
    expect(commandOf(['--config'])).toBeUndefined();
    expect(commandOf(['constructor'])).toBeUndefined();
  });
});
