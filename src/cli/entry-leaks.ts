// Entry of `vigil leaks …` (chosen by bin/vigil.js): the root program with the leaks commands only,
// so a scan does not wait for every other capability's modules to load (~0.5 s of start-up).
import { register } from './commands/leaks.js';
import { createProgram, runProgram } from './root.js';

process.exitCode = await runProgram(createProgram([register]), process.argv);
