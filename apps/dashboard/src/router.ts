import { useEffect, useState } from 'react';

/** The page from the location's hash: #/runs/<id> → ['runs', '<id>'] (hash routes need no server fallback). */
export function parseRoute(hash: string): string[] {
  const parts = hash.replace(/^#\/?/, '').split('?')[0].split('/').filter(Boolean).map(decodeURIComponent);
  return parts.length ? parts : ['runs'];
}

export function useRoute(): string[] {
  const [route, setRoute] = useState(() => parseRoute(window.location.hash));
  useEffect(() => {
    const on = () => setRoute(parseRoute(window.location.hash));
    window.addEventListener('hashchange', on);
    return () => window.removeEventListener('hashchange', on);
  }, []);
  return route;
}

export const navigate = (path: string) => {
  window.location.hash = `#/${path}`;
};
