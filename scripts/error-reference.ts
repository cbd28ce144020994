/** Writes docs/errors.md from the error catalogue (`npm run docs:errors`). */
import { writeFileSync } from 'node:fs';
import { errorReference } from '../src/errors/reference.js';

writeFileSync(new URL('../docs/errors.md', import.meta.url), errorReference());
console.log('wrote docs/errors.md');
