import { closeSync, openSync, readSync } from 'node:fs';
import type { FileFormat } from '../formats/parse-line.js';
import type { ScanAccumulator } from './accumulator.js';
import { type ChunkView, censusChunk, domainChunk, type ScanPlan } from './chunk.js';

/** A chunk of a plain file for a scan worker (kept apart from engine.ts so workers load little). */
export interface PlainTask {
  file: string;
  start: number;
  length: number;
  size: number;
  format: FileFormat;
}

/** One chunk of a plain file: read with a byte of look-behind and a line's worth of look-ahead. */
export function scanPlainTask(plan: ScanPlan, acc: ScanAccumulator, task: PlainTask, buf: Buffer, fdCache?: Map<string, number>): void {
  if (task.length <= 0) return;
  const lookBehind = task.start > 0 ? 1 : 0;
  const from = task.start - lookBehind;
  const want = Math.min(task.size - from, lookBehind + task.length + plan.settings.maxLineBytes);
  let fd = fdCache?.get(task.file);
  const ownFd = fd === undefined;
  if (fd === undefined) {
    fd = openSync(task.file, 'r');
    fdCache?.set(task.file, fd);
  }
  try {
    let got = 0;
    while (got < want) {
      const n = readSync(fd, buf, got, want - got, from + got);
      if (n === 0) break;
      got += n;
    }
    const view: ChunkView = {
      buf,
      begin: lookBehind,
      end: lookBehind + Math.min(task.length, got - lookBehind),
      limit: got,
      atInputStart: task.start === 0,
      atInputEnd: from + got >= task.size,
      baseOffset: from,
      file: task.file,
      format: task.format,
    };
    if (plan.settings.census) censusChunk(plan, acc, view);
    else domainChunk(plan, acc, view);
  } finally {
    if (ownFd && !fdCache) closeSync(fd);
  }
}
