/**
 * CLI start-up: a command loads its own command module and, until its action runs, nothing of its
 * capability. Checked by the modules a run loads, not by a clock (a loaded 2-core CI machine makes
 * any time limit flaky): the CLI runs from source with a tiny recorder after tsx, which writes every
 * module the program resolves (ESM loader hook) and, at exit, every CommonJS module in the cache
 * (packages required through createRequire do not pass the ESM hooks).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { commandModules } from '../src/cli/program.js';
import { repoRoot, vigilNodeArgs } from './support/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'vigil-cli-startup-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// The recorder: module.register() runs the hooks on the loader thread, which appends each URL to
// the file it is given; the main thread adds the CommonJS cache when the process exits.
writeFileSync(
  join(dir, 'hooks.mjs'),
  `import { appendFileSync } from 'node:fs';
let out;
export function initialize(data) { out = data.out; }
export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context);
  appendFileSync(out, resolved.url + '\\n');
  return resolved;
}
`,
);
writeFileSync(
  join(dir, 'record.mjs'),
  `import { appendFileSync } from 'node:fs';
import { createRequire, register } from 'node:module';
const out = process.env.VIGIL_MODULE_RECORD;
register(new URL('./hooks.mjs', import.meta.url), { data: { out } });
const require = createRequire(import.meta.url);
process.on('exit', () => appendFileSync(out, Object.keys(require.cache).map((file) => file + '\\n').join('')));
`,
);

/** The packages of the TypeScript loader the test runs the sources with: not the CLI's. */
const TOOLCHAIN = new Set(['tsx', 'esbuild', 'get-tsconfig', 'resolve-pkg-maps']);

/** Packages a command must not load before its action runs: the capabilities' heavy dependencies. */
const HEAVY = [
  'pdfmake',
  'exceljs',
  'fastify',
  'playwright-core',
  '@peculiar/x509',
  'better-sqlite3',
  'pg',
  'pg-boss',
  'kysely',
  'zod',
  'yaml',
  'cheerio',
  'undici',
  'nodemailer',
  'smtp-server',
  'mailauth',
  'dns-packet',
  'cli-progress',
];

interface Loaded {
  code: number | null;
  stdout: string;
  stderr: string;
  /** npm packages (outside the toolchain), e.g. "commander", "@peculiar/x509" */
  packages: Set<string>;
  /** repository sources, e.g. "src/cli/commands/leaks.ts" */
  sources: Set<string>;
}

let runs = 0;

/** Run `vigil ARGS` from source (as test/support/cli.ts does) and return what it loaded. */
function loadedBy(args: string[]): Promise<Loaded> {
  const record = join(dir, `modules-${++runs}.txt`);
  writeFileSync(record, '');
  const [importFlag, tsx, ...rest] = vigilNodeArgs(args);
  // After tsx, so the hook sees the URLs tsx resolved (src/….ts, not ….js).
  const nodeArgs = [importFlag!, tsx!, '--import', pathToFileURL(join(dir, 'record.mjs')).href, ...rest];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, nodeArgs, {
      cwd: dir,
      env: { ...process.env, NO_COLOR: '1', VIGIL_MODULE_RECORD: record },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), 50_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      const packages = new Set<string>();
      const sources = new Set<string>();
      for (const line of readFileSync(record, 'utf8').split('\n')) {
        if (!line || line.startsWith('node:')) continue;
        const file = line.startsWith('file:') ? fileURLToPath(line) : line;
        const inModules = file.lastIndexOf(`${sep}node_modules${sep}`);
        if (inModules >= 0) {
          const parts = file.slice(inModules + 14).split(sep);
          const name = parts[0]!.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]!;
          if (!TOOLCHAIN.has(name) && !name.startsWith('@esbuild/')) packages.add(name);
        } else if (file.startsWith(repoRoot + sep)) {
          sources.add(relative(repoRoot, file).split(sep).join('/'));
        }
      }
      resolve({ code, stdout, stderr, packages, sources });
    });
  });
}

const commandModuleFiles = Object.keys(commandModules).map((name) => `src/cli/commands/${name}.ts`);
const loadedCommandModules = (run: Loaded) => commandModuleFiles.filter((file) => run.sources.has(file));
/**
 * Sources outside the CLI: only the error type and its catalogue (data, no imports), the probe defaults (option parsing) and the lists
 * that help text names (leak states, user roles: modules without imports) are allowed.
 */
// src/net-address.ts: the pure IP-literal test (no imports) that `vigil serve` validates its flags with.
const LIGHT_SOURCES = new Set([
  'src/errors.ts',
  'src/errors/catalogue.ts',
  'src/probes/context.ts',
  'src/leaks/triage/states.ts',
  'src/services/auth/roles.ts',
  'src/net-address.ts',
]);
const capabilitySources = (run: Loaded) => [...run.sources].filter((file) => !file.startsWith('src/cli/') && !LIGHT_SOURCES.has(file));

describe('CLI start-up loads no capability before a command runs', () => {
  it('`vigil --help` loads every command module, commander and nothing else', async () => {
    const run = await loadedBy(['--help']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('leaks');
    // The recorder sees the CLI's own sources: without this the checks below would pass vacuously.
    expect(loadedCommandModules(run)).toEqual(commandModuleFiles);
    expect([...run.packages]).toEqual(['commander']);
    expect(capabilitySources(run)).toEqual([]);
  });

  it('`vigil leaks scan --help` loads the leaks command module only', async () => {
    const run = await loadedBy(['--json', 'leaks', 'scan', '--help']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('--domain <domain>');
    expect(loadedCommandModules(run)).toEqual(['src/cli/commands/leaks.ts']);
    expect([...run.packages]).toEqual(['commander']);
    expect(capabilitySources(run)).toEqual([]);
  });

  it('every command’s --help loads its module and commander only', async () => {
    // Two at a time: the test machine has two cores.
    const names = Object.keys(commandModules);
    const results: Array<[string, Loaded]> = [];
    for (let i = 0; i < names.length; i += 2) {
      const pair = names.slice(i, i + 2);
      results.push(...(await Promise.all(pair.map(async (name) => [name, await loadedBy([name, '--help'])] as [string, Loaded]))));
    }
    for (const [name, run] of results) {
      expect(run.code, `${name}: ${run.stderr}`).toBe(0);
      expect(run.stdout, name).toContain(`Usage: vigil ${name}`);
      expect(loadedCommandModules(run), name).toEqual([`src/cli/commands/${name}.ts`]);
      expect([...run.packages], name).toEqual(['commander']);
      expect(capabilitySources(run), name).toEqual([]);
    }
  }, 120_000);

  it('`vigil leaks scan FILE --json` loads the scan engine but no store, configuration, report or server code', async () => {
    const dump = join(dir, 'dump.txt');
    writeFileSync(dump, 'a.person@lab.gov.vn:secret1\nsomeone@gmail.com:x\n');
    const run = await loadedBy(['leaks', 'scan', dump, '--domain', 'lab.gov.vn', '--json']);
    expect(run.code, run.stderr).toBe(1); // an account of ours was found
    expect(JSON.parse(run.stdout)).toMatchObject({ matched: 1 });
    expect(run.sources).toContain('src/leaks/scan/engine.ts');
    expect(HEAVY.filter((name) => run.packages.has(name))).toEqual([]);
    expect([...run.sources].filter((file) => /^src\/(store|config|reports|http|services|watch|lab|demo)\//.test(file))).toEqual([]);
  });
});
