/**
 * Resolve when the process is told to stop (SIGINT or SIGTERM), or after `afterMs` when given.
 * Long-running commands (serve, lab, watch, demo) await this, then shut down cleanly.
 */
export function untilStopSignal(afterMs?: number): Promise<void> {
  return new Promise<void>((resolve) => {
    let timer: NodeJS.Timeout | undefined;
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      if (timer) clearTimeout(timer);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
    if (afterMs !== undefined) timer = setTimeout(stop, afterMs);
  });
}
