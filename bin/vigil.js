#!/usr/bin/env node
// The vigil executable. Runs the compiled CLI from dist/ (built by `npm run build`, which
// `npm ci`/`npm install` run through `prepare`); falls back to the TypeScript sources through
// tsx when dist/ is missing, so a developer's checkout works before its first build.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * Commands with an entry of their own that loads only their modules (start-up time: the full
 * program loads every capability, ~0.5 s before a leak scan could start). Anything else, and
 * `vigil --help`, runs the full program.
 */
const SINGLE_COMMAND_ENTRIES = { leaks: 'entry-leaks' };

/** The first word of the command line that is not a global option or its value. */
function commandWord(args) {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--config' || arg === '--data') i++;
    else if (!arg.startsWith('-')) return arg;
  }
  return undefined;
}

const word = commandWord(process.argv.slice(2));
const entry = word !== undefined && Object.hasOwn(SINGLE_COMMAND_ENTRIES, word) ? SINGLE_COMMAND_ENTRIES[word] : 'main';
const compiled = join(root, 'dist', 'cli', `${entry}.js`);
if (existsSync(compiled) && !process.env.VIGIL_FROM_SOURCE) {
  await import(pathToFileURL(compiled).href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import(pathToFileURL(join(root, 'src', 'cli', `${entry}.ts`)).href);
}
