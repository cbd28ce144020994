import { closeSync, openSync, readFileSync, rmSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { VigilError } from '../errors.js';
import { mkdirPrivate, writePrivateFileAtomic } from '../private-files.js';

/**
 * The installation secrets (the HMAC key of leaked-password fingerprints, the link-signing key,
 * the heartbeat key) live in a file of their own, not in the database whose fingerprints they
 * protect: a copy of the database alone (a backup, a dump, a stolen disk image of the PostgreSQL
 * server) cannot be used to test guessed passwords against the fingerprints.
 *
 * Where: `VIGIL_SECRET_FILE` when set, else `secrets.json` in the data folder (`--data`,
 * `VIGIL_DATA`, default ./vigil-data) — on PostgreSQL too, where the data folder holds nothing
 * else. Several machines on one PostgreSQL store must share the same file.
 *
 * Format: `{"format":"vigil-secrets/1","secrets":{"leaks":"<64 hex>",…}}`, mode 0600.
 */
export const SECRET_FILE_NAME = 'secrets.json';
const FORMAT = 'vigil-secrets/1';
const HEX_KEY = /^[0-9a-f]{64}$/;
const NAME = /^[a-z][a-z0-9-]{0,40}$/;
/** A lock file older than this is left over from a crash (a holder keeps it for milliseconds). */
const STALE_LOCK_MS = 30_000;
const LOCK_WAIT_MS = 60_000;

export type Secrets = Record<string, string>;

export function secretFilePath(dataDir: string, secretFile?: string): string {
  return secretFile ? resolve(secretFile) : resolve(dataDir, SECRET_FILE_NAME);
}

export function checkSecretName(name: string): void {
  if (!NAME.test(name))
    throw new VigilError('store.secret-name', `invalid installation secret name "${name}"`, { hint: 'use lower-case letters, digits and "-"' });
}

/** The secrets in `path`, or undefined when the file does not exist yet. */
export function readSecretFile(path: string): Secrets | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new VigilError('store.secret-file-unreadable', `cannot read the secret file ${path}: ${(error as Error).message}`, {
      hint: 'run vigil as the user that owns the secret file, or point VIGIL_SECRET_FILE at a readable copy',
      cause: error,
    });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  const secrets = (parsed as { format?: unknown; secrets?: unknown } | undefined)?.secrets;
  const valid =
    (parsed as { format?: unknown } | undefined)?.format === FORMAT &&
    typeof secrets === 'object' &&
    secrets !== null &&
    !Array.isArray(secrets) &&
    Object.entries(secrets).every(([name, value]) => NAME.test(name) && typeof value === 'string' && HEX_KEY.test(value));
  if (!valid) {
    throw new VigilError('store.secret-file-invalid', `the secret file ${path} is not a vigil secret file (${FORMAT})`, {
      hint: 'restore it from where it was copied; do not edit it by hand. Without the right file, earlier leak fingerprints and signed links cannot be matched',
    });
  }
  return { ...(secrets as Secrets) };
}

/**
 * Change the secret file under a cross-process lock: `change` gets the current secrets (empty
 * when there is no file) and returns the new ones, or undefined to leave the file alone. Returns
 * what the file holds afterwards. Concurrent first starts thus agree on one key per name.
 */
export async function updateSecretFile(path: string, change: (current: Secrets) => Secrets | undefined | Promise<Secrets | undefined>): Promise<Secrets> {
  return withLock(`${path}.lock`, async () => {
    const current = readSecretFile(path) ?? {};
    const next = await change(current);
    if (!next) return current;
    writePrivateFileAtomic(path, `${JSON.stringify({ format: FORMAT, secrets: next }, null, 2)}\n`);
    return next;
  });
}

/** Create the folder of the default secret file (the data folder, also on PostgreSQL). */
export function ensureSecretFolder(path: string): void {
  try {
    mkdirPrivate(dirname(path));
  } catch (error) {
    throw new VigilError('store.secret-file-folder', `cannot create the folder of the secret file ${path}: ${(error as Error).message}`, {
      hint: 'choose a writable data folder with --data DIR or VIGIL_DATA, or set VIGIL_SECRET_FILE',
      cause: error,
    });
  }
}

async function withLock<T>(lockPath: string, critical: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    let fd: number | undefined;
    try {
      fd = openSync(lockPath, 'wx', 0o600);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'EEXIST') {
        throw new VigilError('store.secret-file-lock', `cannot lock the secret file (${lockPath}): ${(error as Error).message}`, {
          hint: 'the folder of the secret file must be writable by vigil',
          cause: error,
        });
      }
    }
    if (fd !== undefined) {
      try {
        return await critical();
      } finally {
        closeSync(fd);
        rmSync(lockPath, { force: true });
      }
    }
    try {
      if (Date.now() - statSync(lockPath).mtimeMs > STALE_LOCK_MS) rmSync(lockPath, { force: true });
    } catch {
      // The holder just removed it: try again at once.
    }
    if (Date.now() > deadline) {
      throw new VigilError('store.secret-file-locked', `the secret file has been locked by another process for ${LOCK_WAIT_MS / 1000} s (${lockPath})`, {
        hint: `if no other vigil process is running, remove ${lockPath}`,
      });
    }
    await new Promise((r) => setTimeout(r, 10 + Math.random() * 30));
  }
}
