import { closeSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { ScanAccumulator } from './accumulator.js';
import { ScanPlan, type ScanSettings } from './chunk.js';
import { type PlainTask, plainTaskBufferBytes, scanPlainTask } from './plain-task.js';

/** Scan worker: receives chunk tasks, reads them into one reused buffer, answers with its counts. */
const { settings } = workerData as { settings: ScanSettings };
const plan = new ScanPlan(settings);
const acc = new ScanAccumulator(settings.exactLimit);
const buf = Buffer.allocUnsafe(plainTaskBufferBytes(settings.maxLineBytes));
const fds = new Map<string, number>();
const port = parentPort!;
port.on('message', (message: { type: 'task' | 'finish'; task?: PlainTask }) => {
  if (message.type === 'task') {
    scanPlainTask(plan, acc, message.task!, buf, fds);
    port.postMessage({ type: 'done', bytes: message.task!.length });
  } else {
    for (const fd of fds.values()) closeSync(fd);
    port.postMessage({ type: 'snapshot', snapshot: acc.snapshot() });
  }
});
port.postMessage({ type: 'ready' });
