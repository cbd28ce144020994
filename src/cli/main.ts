// Entry point of the `vigil` executable (see bin/vigil.js).
import { main } from './program.js';

// Long-running commands (serve, lab, watch) resolve only when told to stop.
process.exitCode = await main(process.argv);
