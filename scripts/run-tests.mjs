#!/usr/bin/env node
// Runs the whole test suite with vitest and ends with the plain closing line CI reads:
// "N passed, N failed" (and ", N skipped" when any were skipped). Exit code is vitest's.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { missingPrograms, REQUIRED_PROGRAMS } from './required-programs.mjs';

// Programs the tests call (chromium, pdftotext, archivers…): say at once which are missing
// rather than fail deep inside the run.
const missing = missingPrograms(['test']);
if (missing.length > 0) {
  const packages = [...new Set(missing.map((program) => REQUIRED_PROGRAMS[program][0]))];
  console.error(`missing programs: ${missing.join(', ')} — install them with: apt-get install ${packages.join(' ')} (or run: sudo bash .ci/run)`);
  console.log('\n0 passed, 1 failed');
  process.exit(2);
}

const out = '.vitest-results.json';
rmSync(out, { force: true });
const args = ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${out}`, ...process.argv.slice(2)];
const run = spawnSync('npx', args, { stdio: 'inherit' });
let passed = 0;
let failed = 0;
let skipped = 0;
if (existsSync(out)) {
  const report = JSON.parse(readFileSync(out, 'utf8'));
  passed = report.numPassedTests ?? 0;
  failed = (report.numFailedTests ?? 0) + (report.numFailedTestSuites ?? 0) - (report.numFailedTests > 0 ? 0 : 0);
  skipped = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
  failed = report.numFailedTests ?? 0;
  const brokenFiles = (report.testResults ?? []).filter((file) => file.status === 'failed' && (file.assertionResults ?? []).length === 0).length;
  failed += brokenFiles;
} else {
  failed = 1;
}
const code = run.status ?? 1;
if (code !== 0 && failed === 0) failed = 1;
console.log(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
if (process.env.CI && skipped > 0) {
  console.error('CI runs every test: skipped tests are failures here');
  process.exit(1);
}
process.exit(code);
