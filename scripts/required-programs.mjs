#!/usr/bin/env node
// The programs outside node_modules that the tests and benchmarks call, with the Debian package
// that brings each. `.ci/run` installs the packages and then runs this check; `npm test` runs it
// first too, so a missing program is one clear line up front instead of failures deep in a run.
//
//   node scripts/required-programs.mjs [test|bench]...  check (default both), one line naming what is missing, exit 1
//   node scripts/required-programs.mjs --packages       the Debian package names (for apt-get)
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

/** program → [Debian package, 'test' | 'bench', who calls it] */
export const REQUIRED_PROGRAMS = {
  chromium: ['chromium', 'test', 'dashboard and defacement tests (playwright-core drives /usr/bin/chromium)'],
  pdftotext: ['poppler-utils', 'test', 'report tests read generated PDFs'],
  gzip: ['gzip', 'test', 'leak archive tests'],
  zstd: ['zstd', 'test', 'leak archive tests'],
  bzip2: ['bzip2', 'test', 'leak archive tests'],
  xz: ['xz-utils', 'test', 'leak archive tests'],
  zip: ['zip', 'test', 'leak archive tests'],
  unzip: ['unzip', 'test', 'export tests read XLSX parts'],
  tar: ['tar', 'test', 'leak archive tests'],
  python3: ['python3', 'test', 'leak hostile-input test (zip bomb)'],
  git: ['git', 'test', 'the import-cycle test lists the tracked sources'],
  rg: ['ripgrep', 'bench', 'leak benchmark peer'],
  testssl: ['testssl.sh', 'bench', 'TLS benchmark peer'],
  time: ['time', 'bench', 'benchmarks read peak memory (/usr/bin/time -v)'],
};

function onPath(program) {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    try {
      accessSync(join(dir, program), constants.X_OK);
      return true;
    } catch {}
  }
  return false;
}

export function missingPrograms(uses = ['test', 'bench']) {
  return Object.entries(REQUIRED_PROGRAMS)
    .filter(([program, [, use]]) => uses.includes(use) && !onPath(program))
    .map(([program]) => program);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  if (process.argv.includes('--packages')) {
    console.log([...new Set(Object.values(REQUIRED_PROGRAMS).map(([pkg]) => pkg))].join(' '));
  } else {
    const uses = process.argv.slice(2).filter((arg) => arg === 'test' || arg === 'bench');
    const missing = missingPrograms(uses.length > 0 ? uses : undefined);
    if (missing.length > 0) {
      const packages = [...new Set(missing.map((program) => REQUIRED_PROGRAMS[program][0]))];
      console.error(`missing programs: ${missing.join(', ')} — install them with: apt-get install ${packages.join(' ')} (or run: sudo bash .ci/run)`);
      process.exit(1);
    }
  }
}
