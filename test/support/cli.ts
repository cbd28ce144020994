import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const tsxLoader = pathToFileURL(join(repoRoot, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;
const mainTs = join(repoRoot, 'src', 'cli', 'main.ts');

/**
 * Node arguments that run the CLI from source in ONE process, tsx loaded in-process. Not the
 * tsx command: it runs the CLI as its child and relays a signal only if the child confirms it
 * within 30 ms, else SIGKILLs it and exits 143 — on a loaded 2-core CI machine a clean SIGTERM
 * shutdown of `vigil serve` failed that way.
 */
export function vigilNodeArgs(args: string[]): string[] {
  return ['--import', tsxLoader, mainTs, ...args];
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Run the vigil CLI from source as a child process (what a user or a cron job does), with a
 * time limit so a hung command fails the test instead of stalling CI.
 */
export function runVigil(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; input?: string; timeoutMs?: number } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, vigilNodeArgs(args), {
      cwd: options.cwd ?? repoRoot,
      env: { ...process.env, NO_COLOR: '1', ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`vigil ${args.join(' ')} timed out\nstdout: ${stdout}\nstderr: ${stderr}`));
    }, options.timeoutMs ?? 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(options.input ?? '');
  });
}
