import { closeSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { ScanAccumulator } from './accumulator.js';
import { ScanPlan, type ScanSettings } from './chunk.js';
import { type PlainTask, plainTaskBufferBytes, scanPlainTask } from './plain-task.js';

/**
 * Scan worker: gets the task list once, claims tasks from a counter shared by every worker
 * (Atomics.add: no round trip to the main thread between tasks), reads each into one reused
 * buffer, reports bytes done for the progress bar and answers with its counts.
 */
const { settings, claimed } = workerData as { settings: ScanSettings; claimed: Int32Array };
const plan = new ScanPlan(settings);
const acc = new ScanAccumulator(settings.exactLimit);
const port = parentPort!;
port.on('message', (message: { type: 'tasks'; tasks: PlainTask[] }) => {
  const { tasks } = message;
  const fds = new Map<string, number>();
  const buf = Buffer.allocUnsafe(plainTaskBufferBytes(settings.maxLineBytes));
  for (let i = Atomics.add(claimed, 0, 1); i < tasks.length; i = Atomics.add(claimed, 0, 1)) {
    scanPlainTask(plan, acc, tasks[i]!, buf, fds);
    port.postMessage({ type: 'done', bytes: tasks[i]!.length });
  }
  for (const fd of fds.values()) closeSync(fd);
  port.postMessage({ type: 'snapshot', snapshot: acc.snapshot() });
});
