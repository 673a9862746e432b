import { useCallback, useEffect, useState } from 'react';
import { get } from '../api';

/** GET `path` (again when it changes or on reload()); null path: nothing. */
export function useApi<T>(path: string | null): { data: T | null; error: string | null; loading: boolean; reload: () => void } {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    if (!path) return;
    let live = true;
    setLoading(true);
    get<T>(path)
      .then((d) => live && (setData(d), setError(null)))
      .catch((e: Error) => live && setError(e.message))
      .finally(() => live && setLoading(false));
    return () => {
      live = false;
    };
  }, [path, tick]);
  return { data, error, loading, reload: useCallback(() => setTick((t) => t + 1), []) };
}

export function Status({ error, loading }: { error: string | null; loading: boolean }) {
  if (error) return <p role="alert" className="error">{error}</p>;
  return loading ? <p aria-live="polite">Loading…</p> : null;
}
