import { type AnchorHTMLAttributes, createContext, type MouseEvent, type ReactNode, useContext, useEffect, useState } from 'react';

/**
 * A tiny history-API router: the dashboard needs path → page and links, nothing more, so a
 * routing library would be weight without benefit. The server answers every non-API path with
 * index.html (SPA fallback), so deep links and reloads work.
 */

const RouteContext = createContext<{ path: string; search: string; navigate: (to: string, options?: { replace?: boolean }) => void }>({
  path: '/',
  search: '',
  navigate: () => {},
});

export function navigate(to: string, options: { replace?: boolean } = {}): void {
  if (options.replace) history.replaceState(null, '', to);
  else history.pushState(null, '', to);
  window.dispatchEvent(new PopStateEvent('popstate'));
}

export function RouterProvider({ children }: { children: ReactNode }) {
  const [location, setLocation] = useState({ path: window.location.pathname, search: window.location.search });
  useEffect(() => {
    const update = () => setLocation({ path: window.location.pathname, search: window.location.search });
    window.addEventListener('popstate', update);
    return () => window.removeEventListener('popstate', update);
  }, []);
  return <RouteContext.Provider value={{ ...location, navigate }}>{children}</RouteContext.Provider>;
}

/** The current path, query string and navigate(). */
export function useRoute() {
  return useContext(RouteContext);
}

/** The query string as an object: `const { tab } = useQuery()`. */
export function useQuery(): Record<string, string> {
  const { search } = useRoute();
  return Object.fromEntries(new URLSearchParams(search));
}

export function Link({ to, children, onClick, ...rest }: { to: string; children: ReactNode } & AnchorHTMLAttributes<HTMLAnchorElement>) {
  const handle = (event: MouseEvent<HTMLAnchorElement>) => {
    onClick?.(event);
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    navigate(to);
  };
  return (
    <a href={to} onClick={handle} {...rest}>
      {children}
    </a>
  );
}
