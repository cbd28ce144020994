/**
 * Child process for the concurrent-open test: loads vigil's store code, says "ready", waits for
 * "go" on stdin (so all children open the store at the same moment), opens and migrates the
 * store in DATA (PostgreSQL when URL is given), reads the leaks installation secret and prints
 * it as one JSON line. Exit code 0 only when all of that worked.
 */
import { openStore } from '../../src/store/store.js';

const [dataDir, databaseUrl] = process.argv.slice(2);
process.stdout.write('ready\n');
await new Promise<void>((resolve) => {
  let input = '';
  process.stdin.on('data', (chunk) => {
    input += chunk;
    if (input.includes('go')) resolve();
  });
});
try {
  const store = await openStore({ dataDir: dataDir!, databaseUrl: databaseUrl || undefined });
  const leaks = (await store.installationSecret('leaks')).toString('hex');
  await store.close();
  process.stdout.write(`${JSON.stringify({ leaks })}\n`);
  process.exit(0);
} catch (error) {
  // One line the parent can show: the VigilError id and message, not a source frame.
  const e = error as Error & { id?: string };
  process.stderr.write(`${e.id ?? e.name}: ${e.message}\n`);
  process.exit(1);
}
