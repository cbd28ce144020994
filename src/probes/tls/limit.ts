/** Run at most `concurrency` async tasks at a time (handshakes to one endpoint, MX hosts…). */
export function createLimiter(concurrency: number): <T>(task: () => Promise<T>) => Promise<T> {
  let active = 0;
  const queue: (() => void)[] = [];
  const release = () => {
    active--;
    queue.shift()?.();
  };
  return <T>(task: () => Promise<T>) =>
    new Promise<T>((resolve, reject) => {
      const start = () => {
        active++;
        task().then(resolve, reject).finally(release);
      };
      if (active < concurrency) start();
      else queue.push(start);
    });
}

/** Map over items with bounded concurrency, keeping order. */
export async function mapLimited<T, R>(items: readonly T[], concurrency: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const limit = createLimiter(Math.max(1, concurrency));
  return Promise.all(items.map((item, index) => limit(() => fn(item, index))));
}
