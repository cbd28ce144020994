import { createReadStream } from 'node:fs';
import type { Container } from '../formats/detect.js';
import { detectContainer, detectEncoding, detectLineFormat } from '../formats/detect.js';
import { type ArchiveEntry, spoolToTemp, tarEntries, zipEntries } from '../sources/archives.js';
import { BombError, type ByteSource, decompress, utf16ToUtf8 } from '../sources/decompress.js';
import type { ScanAccumulator } from './accumulator.js';
import type { ScanPlan } from './chunk.js';
import type { ScanFileError } from './file-error.js';
import { StreamFeeder } from './feeder.js';

/**
 * Compressed files, archives and UTF-16 text, streamed through the calling thread. Kept apart
 * from engine.ts (and loaded only when such a file is scanned) because the decompressors and
 * archive readers cost start-up time that a scan of plain files does not need.
 */

const MAX_NESTING = 4;

/** Scan one file that is not plain UTF-8/latin-1: failures are recorded, never thrown. */
export async function scanStreamedFile(
  plan: ScanPlan,
  acc: ScanAccumulator,
  file: { path: string; size: number; container: Container; encoding: 'utf8' | 'utf16le' | 'utf16be' },
  chunkBytes: number,
  errors: ScanFileError[],
  progress: (n: number) => void,
): Promise<void> {
  let consumed = 0;
  try {
    const source = countingRead(file.path, (n) => {
      consumed += n;
      progress(n);
    });
    let data: ByteSource = source;
    if (file.container === 'plain' && file.encoding !== 'utf8') data = utf16ToUtf8(source, file.encoding);
    await scanSource(plan, acc, file.path, file.container === 'plain' ? 'plain' : file.container, data, chunkBytes, errors, 0, file.path);
  } catch (error) {
    recordFailure(acc, errors, file.path, error);
  }
  progress(file.size - consumed);
}

function countingRead(path: string, onBytes: (n: number) => void): ByteSource {
  return (async function* () {
    for await (const chunk of createReadStream(path, { highWaterMark: 1024 * 1024 })) {
      onBytes((chunk as Buffer).length);
      yield chunk as Buffer;
    }
  })();
}

function recordFailure(acc: ScanAccumulator, errors: ScanFileError[], file: string, error: unknown): void {
  const message = error instanceof Error ? error.message : String(error);
  const reason =
    error instanceof BombError ? 'compression-bomb' : /unexpected end|truncat|incomplete|premature/i.test(message) ? 'truncated-input' : 'corrupt-input';
  acc.reject(reason);
  errors.push({ file, reason, message });
}

/** Scan a byte stream whose container is known or detected from its first bytes; recurses into archives. */
export async function scanSource(
  plan: ScanPlan,
  acc: ScanAccumulator,
  name: string,
  container: Container | 'detect',
  data: ByteSource,
  chunkBytes: number,
  errors: ScanFileError[],
  depth: number,
  diskPath?: string,
): Promise<void> {
  let kind = container;
  let source = data;
  if (kind === 'detect' || (kind === 'plain' && !diskPath)) {
    const peeked = await peek(data, 1024);
    source = peeked.source;
    const detected = detectContainer(peeked.head);
    if (typeof detected === 'object') {
      acc.reject('unsupported-format');
      errors.push({ file: name, reason: 'unsupported-format', message: `${name} is ${detected.unsupported}-compressed, which vigil cannot read` });
      return;
    }
    kind = detected;
    if (kind === 'plain') {
      const { encoding } = detectEncoding(peeked.head);
      if (encoding !== 'utf8') source = utf16ToUtf8(source, encoding);
    }
  }
  if (kind !== 'plain' && depth >= MAX_NESTING) {
    acc.reject('nesting-too-deep');
    errors.push({ file: name, reason: 'nesting-too-deep', message: `${name}: archives nested more than ${MAX_NESTING} deep` });
    return;
  }
  switch (kind) {
    case 'plain': {
      const peeked = await peek(source, 65536);
      const feeder = new StreamFeeder(plan, acc, name, detectLineFormat(Buffer.from(peeked.head)), chunkBytes);
      try {
        for await (const chunk of peeked.source) feeder.push(chunk);
      } catch (error) {
        // Truncated or corrupt: keep the complete lines read so far, then report the failure.
        feeder.flush(false);
        throw error;
      }
      feeder.flush(true);
      return;
    }
    case 'zip': {
      let spooled: { path: string; cleanup: () => void } | undefined;
      const path = diskPath ?? (spooled = await spoolToTemp(source)).path;
      try {
        for await (const entry of zipEntries(path)) await scanEntry(plan, acc, `${name}!/${entry.name}`, entry, chunkBytes, errors, depth);
      } finally {
        spooled?.cleanup();
      }
      return;
    }
    case 'tar':
      for await (const entry of tarEntries(source)) await scanEntry(plan, acc, `${name}!/${entry.name}`, entry, chunkBytes, errors, depth);
      return;
    case 'gzip':
    case 'zstd':
    case 'bzip2':
    case 'xz':
      // The decompressed bytes may be a tar (.tar.gz) or anything else: detect again.
      await scanSource(plan, acc, name, 'detect', decompress(kind, source), chunkBytes, errors, depth + 1);
      return;
  }
}

async function scanEntry(
  plan: ScanPlan,
  acc: ScanAccumulator,
  name: string,
  entry: ArchiveEntry,
  chunkBytes: number,
  errors: ScanFileError[],
  depth: number,
): Promise<void> {
  if (entry.refused) {
    acc.reject(entry.refused);
    errors.push({ file: name, reason: entry.refused, message: `archive entry refused: ${entry.refused}` });
    return;
  }
  try {
    await scanSource(plan, acc, name, 'detect', entry.data!, chunkBytes, errors, depth + 1);
  } catch (error) {
    recordFailure(acc, errors, name, error);
  }
}

/** Read the first bytes of a stream and give back a stream that still yields them. */
async function peek(source: ByteSource, bytes: number): Promise<{ head: Uint8Array; source: ByteSource }> {
  const iterator = source[Symbol.asyncIterator]();
  const held: Uint8Array[] = [];
  let n = 0;
  while (n < bytes) {
    const next = await iterator.next();
    if (next.done) break;
    held.push(next.value);
    n += next.value.length;
  }
  const head = Buffer.concat(held);
  return {
    head,
    source: (async function* () {
      if (head.length) yield head;
      for (;;) {
        const next = await iterator.next();
        if (next.done) return;
        yield next.value;
      }
    })(),
  };
}
