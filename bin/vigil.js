#!/usr/bin/env node
// The vigil executable. Runs the compiled CLI from dist/ (built by `npm run build`, which
// `npm ci`/`npm install` run through `prepare`); falls back to the TypeScript sources through
// tsx when dist/ is missing, so a developer's checkout works before its first build.
// One entry for every command: command modules register their commands without loading their
// capability, which each action imports when it runs (docs/architecture.md, src/cli).
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

const compiled = join(root, 'dist', 'cli', 'main.js');
if (existsSync(compiled) && !process.env.VIGIL_FROM_SOURCE) {
  await import(pathToFileURL(compiled).href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import(pathToFileURL(join(root, 'src', 'cli', 'main.ts')).href);
}
