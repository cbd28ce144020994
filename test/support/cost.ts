/**
 * CPU time of synchronous work (user + system of this process, `process.cpuUsage`), in ms.
 * Unlike wall time it does not grow when other processes share the cores, so a bound on it does
 * not flake on a loaded 2-core CI machine. Tests keep such bounds generous (at least 10× the
 * figure measured on the work as it is) and say the figure; what they guard against — quadratic
 * parsing of hostile input — costs minutes, not milliseconds.
 */
export function cpuTimed<T>(work: () => T): { value: T; cpuMs: number } {
  const before = process.cpuUsage();
  const value = work();
  const used = process.cpuUsage(before);
  const cpuMs = (used.user + used.system) / 1_000;
  if (process.env.VIGIL_REPORT_CPU) process.stderr.write(`cpu ${cpuMs.toFixed(1)} ms\n`);
  return { value, cpuMs };
}
