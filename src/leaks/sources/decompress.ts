import { pipeline, Readable } from 'node:stream';
import { ReadableStream } from 'node:stream/web';
import { createGunzip } from 'node:zlib';
import { createRequire } from 'node:module';
import { Decompress as ZstdDecompress } from 'fzstd';
import unbzip2 from 'unbzip2-stream';
import type { Container } from '../formats/detect.js';

export type ByteSource = AsyncIterable<Uint8Array>;

/** A decompression that expands past this ratio (and this size) is treated as a bomb. */
export const BOMB_RATIO = 200;
export const BOMB_MIN_BYTES = 64 * 1024 * 1024;

export class BombError extends Error {}

/** Stream-decompress one layer. Errors (truncated or corrupt input) surface as iteration errors. */
export function decompress(container: Exclude<Container, 'plain' | 'zip' | 'tar'>, input: ByteSource): ByteSource {
  let inBytes = 0;
  const counted = (async function* () {
    for await (const chunk of input) {
      inBytes += chunk.length;
      yield chunk;
    }
  })();
  const output = decompressLayer(container, counted);
  return (async function* () {
    let outBytes = 0;
    for await (const chunk of output) {
      outBytes += chunk.length;
      if (outBytes > BOMB_MIN_BYTES && outBytes > BOMB_RATIO * Math.max(inBytes, 1)) {
        throw new BombError(`${container} stream expands more than ${BOMB_RATIO}:1 (${outBytes} bytes from ${inBytes})`);
      }
      yield chunk;
    }
  })();
}

function decompressLayer(container: Exclude<Container, 'plain' | 'zip' | 'tar'>, input: ByteSource): ByteSource {
  switch (container) {
    case 'gzip': {
      const gunzip = createGunzip();
      pipeline(Readable.from(input), gunzip, () => {});
      return gunzip;
    }
    case 'bzip2': {
      // unbzip2-stream is a classic `through` stream: wrap it for async iteration.
      const bz = unbzip2();
      pipeline(Readable.from(input), bz, () => {});
      return new Readable({ read() {} }).wrap(bz);
    }
    case 'xz': {
      // xz-decompress is CommonJS without named ESM exports; load it (and its WebAssembly) on demand.
      const { XzReadableStream } = createRequire(import.meta.url)('xz-decompress') as typeof import('xz-decompress');
      return new XzReadableStream(ReadableStream.from(input) as unknown as globalThis.ReadableStream<Uint8Array>) as unknown as ByteSource;
    }
    case 'zstd':
      return zstdStream(input);
  }
}

/** fzstd is push-based; adapt it to an async iterator (its output arrives synchronously per push). */
async function* zstdStream(input: ByteSource): ByteSource {
  const out: Uint8Array[] = [];
  const decoder = new ZstdDecompress((data) => {
    out.push(data);
  });
  let last: Uint8Array | undefined;
  for await (const chunk of input) {
    if (last) decoder.push(last);
    last = chunk;
    while (out.length) yield out.shift()!;
  }
  if (last) decoder.push(last, true);
  else throw new Error('empty zstd stream');
  while (out.length) yield out.shift()!;
}

/** Decode UTF-16 text into UTF-8 bytes so the byte scanner sees ASCII addresses. */
export async function* utf16ToUtf8(input: ByteSource, encoding: 'utf16le' | 'utf16be'): ByteSource {
  const decoder = new TextDecoder(encoding === 'utf16le' ? 'utf-16le' : 'utf-16be');
  for await (const chunk of input) yield Buffer.from(decoder.decode(chunk, { stream: true }), 'utf8');
  const tail = decoder.decode();
  if (tail) yield Buffer.from(tail, 'utf8');
}
