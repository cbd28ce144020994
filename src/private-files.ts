import { chmodSync, closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/**
 * Files vigil writes hold leaked addresses, findings and keys: only the owner may read them.
 * The mode given at creation is filtered by the process umask, so each helper also chmods
 * afterwards (umask-independent).
 */
export const PRIVATE_FILE_MODE = 0o600;
export const PRIVATE_DIR_MODE = 0o700;

/**
 * Tighten `path` to `mode`. A file another user owns (EPERM) is left as it is: vigil can still
 * use it, and refusing to start over someone else's stricter or looser choice helps nobody.
 */
export function restrictMode(path: string, mode = PRIVATE_FILE_MODE): void {
  try {
    chmodSync(path, mode);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EPERM' && code !== 'ENOENT') throw error;
  }
}

/**
 * Create `dir` (and missing parents) 0700. Safe when several processes do it at once. A folder
 * that already existed keeps its mode: it was the administrator's choice.
 */
export function mkdirPrivate(dir: string): void {
  const created = mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  if (created !== undefined) restrictMode(dir, PRIVATE_DIR_MODE);
}

/** Create `path` empty and 0600 if it does not exist yet; an existing file is tightened to 0600. */
export function touchPrivate(path: string): void {
  closeSync(openSync(path, 'a', PRIVATE_FILE_MODE));
  restrictMode(path);
}

/** Write an export (report, spreadsheet, CSV) readable by its owner only. */
export async function writePrivateFile(path: string, data: string | Uint8Array): Promise<void> {
  // Create it 0600 before any byte lands in it, so there is no moment where others may read it.
  touchPrivate(path);
  await writeFile(path, data);
}

/**
 * Replace `path` with `data` atomically: a reader sees the old file or the new one, never half
 * of it; a crash leaves the old one. 0600.
 */
export function writePrivateFileAtomic(path: string, data: string): void {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`);
  const fd = openSync(tmp, 'wx', PRIVATE_FILE_MODE);
  try {
    writeSync(fd, data);
    fsyncSync(fd);
  } catch (error) {
    closeSync(fd);
    rmSync(tmp, { force: true });
    throw error;
  }
  closeSync(fd);
  restrictMode(tmp);
  renameSync(tmp, path);
  try {
    // Make the rename itself durable (Linux allows fsync on a directory opened read-only).
    const dirFd = openSync(dirname(path), 'r');
    try {
      fsyncSync(dirFd);
    } finally {
      closeSync(dirFd);
    }
  } catch {
    // Not every platform can fsync a directory; the file itself is already on disk.
  }
}
