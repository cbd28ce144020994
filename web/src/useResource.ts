import { useCallback, useEffect, useState } from 'react';
import { apiGet } from './api';

/**
 * Load a resource from the API; `reload()` fetches it again (after an action on the page).
 * `path` null = nothing to load yet. A newer load aborts the one still running.
 */
export function useResource<T>(path: string | null, query?: Record<string, string | number | undefined>) {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<string | null>(null);
  const key = JSON.stringify(query ?? {});
  const reload = useCallback(() => {
    if (!path) return;
    const controller = new AbortController();
    apiGet<T>(path, JSON.parse(key), controller.signal)
      .then((value) => {
        setData(value);
        setError(null);
      })
      .catch((e: Error) => {
        if (e.name !== 'AbortError') setError(e.message);
      });
    return () => controller.abort();
  }, [path, key]);
  useEffect(() => reload(), [reload]);
  return { data, error, reload };
}
