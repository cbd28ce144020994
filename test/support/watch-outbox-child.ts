/**
 * Child process for the outbox crash test: opens the store in DATA, registers one webhook
 * channel to URL, enqueues COUNT messages (idempotent: same keys on every start), recovers
 * interrupted deliveries and delivers everything, one at a time. The parent kills it with
 * SIGKILL mid-delivery and starts it again.
 */
import { openStore } from '../../src/store/store.js';
import { createChannel } from '../../src/watch/alerts/channels/index.js';
import { composeMessage } from '../../src/watch/alerts/message.js';
import { Outbox } from '../../src/watch/alerts/outbox.js';

const [dataDir, url, countText] = process.argv.slice(2);
const store = await openStore({ dataDir: dataDir! });
const channel = createChannel({ name: 'hook', type: 'webhook', url: url!, secret: 's3cret' }, undefined);
const outbox = new Outbox(store, new Map([['hook', channel]]), { baseDelayMs: 50, maxDelayMs: 200 });
const recovered = await outbox.recover();
for (let i = 0; i < Number(countText); i++) {
  const message = composeMessage([
    { alertId: `a${i}`, monitor: `m${i}`, kind: 'down', severity: 'critical', phase: 'open', summary: `down ${i}`, at: new Date().toISOString() },
  ]);
  await outbox.enqueue('hook', message, `key-${i}`);
}
process.stdout.write(`ready recovered=${recovered}\n`);
for (;;) {
  await outbox.deliverDue(1);
  const counts = await outbox.counts();
  if ((counts.pending ?? 0) === 0 && (counts.in_flight ?? 0) === 0) break;
  await new Promise((r) => setTimeout(r, 20));
}
process.stdout.write('done\n');
await store.close();
