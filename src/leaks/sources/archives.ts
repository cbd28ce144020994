import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import tar from 'tar-stream';
import yauzl from 'yauzl';
import { BOMB_MIN_BYTES, BOMB_RATIO, BombError, type ByteSource } from './decompress.js';

/** One file inside an archive, or a reason it was refused. */
export interface ArchiveEntry {
  name: string;
  data?: ByteSource;
  refused?: 'path-traversal' | 'zip-bomb' | 'encrypted';
}

/** `../x`, `/etc/x`, `C:\x`: entries that would escape an extraction folder are refused, never read. */
export function isTraversal(name: string): boolean {
  const n = name.replace(/\\/g, '/');
  return n.startsWith('/') || /^[a-zA-Z]:/.test(n) || n.split('/').includes('..');
}

/** Entries of a ZIP file (yauzl reads the central directory; entries stream one at a time). */
export async function* zipEntries(path: string, limits = { ratio: BOMB_RATIO, minBytes: BOMB_MIN_BYTES }): AsyncGenerator<ArchiveEntry> {
  const zip = await new Promise<yauzl.ZipFile>((resolve, reject) =>
    // decodeStrings: false — yauzl would reject the whole archive over one `../` entry; we refuse just that entry.
    yauzl.open(path, { lazyEntries: true, autoClose: false, decodeStrings: false, validateEntrySizes: true }, (err, z) => (err ? reject(err) : resolve(z!))),
  );
  try {
    for (;;) {
      const entry = await new Promise<yauzl.Entry | null>((resolve, reject) => {
        const onEntry = (e: yauzl.Entry) => {
          cleanup();
          resolve(e);
        };
        const onEnd = () => {
          cleanup();
          resolve(null);
        };
        const onError = (err: Error) => {
          cleanup();
          reject(err);
        };
        const cleanup = () => {
          zip.off('entry', onEntry);
          zip.off('end', onEnd);
          zip.off('error', onError);
        };
        zip.on('entry', onEntry);
        zip.on('end', onEnd);
        zip.on('error', onError);
        zip.readEntry();
      });
      if (!entry) return;
      const name = Buffer.isBuffer(entry.fileName) ? (entry.fileName as Buffer).toString('utf8') : String(entry.fileName);
      if (name.endsWith('/')) continue;
      if (isTraversal(name)) {
        yield { name, refused: 'path-traversal' };
        continue;
      }
      if ((entry.generalPurposeBitFlag & 1) === 1) {
        yield { name, refused: 'encrypted' };
        continue;
      }
      const declared = entry.uncompressedSize;
      if (declared > limits.minBytes && declared > limits.ratio * Math.max(entry.compressedSize, 1)) {
        yield { name, refused: 'zip-bomb' };
        continue;
      }
      const stream = await new Promise<Readable>((resolve, reject) => zip.openReadStream(entry, (err, s) => (err ? reject(err) : resolve(s!))));
      yield { name, data: guardSize(stream, declared, name) };
    }
  } finally {
    zip.close();
  }
}

/** yauzl checks sizes too; this keeps a lying header from expanding past what it declared. */
async function* guardSize(stream: Readable, declared: number, name: string): ByteSource {
  let n = 0;
  for await (const chunk of stream) {
    n += (chunk as Buffer).length;
    if (n > declared) {
      stream.destroy();
      throw new BombError(`${name} expands beyond its declared ${declared} bytes`);
    }
    yield chunk as Buffer;
  }
}

/** Entries of a tar stream (plain or already decompressed). */
export async function* tarEntries(input: ByteSource): AsyncGenerator<ArchiveEntry> {
  const extract = tar.extract();
  const feeding = pipeline(Readable.from(input), extract).catch((error: unknown) => {
    extract.destroy(error as Error);
  });
  for await (const entry of extract) {
    const name = entry.header.name;
    if (entry.header.type !== 'file' && entry.header.type !== 'contiguous-file') {
      entry.resume();
      continue;
    }
    if (isTraversal(name)) {
      entry.resume();
      yield { name, refused: 'path-traversal' };
      continue;
    }
    let consumed = false;
    const data = (async function* () {
      consumed = true;
      for await (const chunk of entry) yield chunk as Buffer;
    })();
    yield { name, data };
    if (!consumed) entry.resume();
  }
  await feeding;
}

/** A ZIP nested in a stream needs random access: spool it to a private temporary file. */
export async function spoolToTemp(data: ByteSource): Promise<{ path: string; cleanup: () => void }> {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-leak-'));
  const path = join(dir, 'nested.zip');
  await pipeline(Readable.from(data), createWriteStream(path, { mode: 0o600 }));
  return { path, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
