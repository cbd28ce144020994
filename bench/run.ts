/**
 * `npm run bench [-- NAME...]`: runs every bench/*.bench.ts (or those named) and prints their
 * figures. Benchmarks live apart from tests; each compares vigil with the peer tool named in its
 * issue, measured in the same run, and prints figures and ratios.
 */
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
// The peers and meters the benchmarks call (rg, testssl, /usr/bin/time): one line up front.
const { missingPrograms } = (await import(pathToFileURL(join(here, '../scripts/required-programs.mjs')).href)) as {
  missingPrograms: (uses: string[]) => string[];
};
const missing = missingPrograms(['bench']);
if (missing.length > 0) {
  console.error(`missing programs: ${missing.join(', ')} — run: node scripts/required-programs.mjs --packages | xargs apt-get install -y`);
  process.exit(2);
}
const wanted = process.argv.slice(2);
const suites = readdirSync(here)
  .filter((file) => file.endsWith('.bench.ts'))
  .filter((file) => wanted.length === 0 || wanted.some((name) => file.startsWith(name)))
  .sort();

if (suites.length === 0) {
  console.error(`no benchmark matches ${wanted.join(' ')}`);
  process.exit(2);
}
for (const file of suites) {
  console.log(`\n=== ${file}`);
  const suite = (await import(pathToFileURL(join(here, file)).href)) as { default: () => Promise<void> };
  await suite.default();
}
