import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { fetchMe, logout as apiLogout, type Me, onUnauthorized, type Session } from './api';
import { AuthContext } from './auth';
import { adoptUserLanguage } from './i18n';
import { Layout } from './layout/Layout';
import { LoginPage } from './pages/LoginPage';
import { preloadPage } from './pages/registry';
import { RouterProvider } from './router';

type State = { phase: 'loading' } | { phase: 'signed-out' } | { phase: 'signed-in'; user: Me } | { phase: 'error'; message: string };

export function App() {
  const { t } = useTranslation();
  const [state, setState] = useState<State>({ phase: 'loading' });

  const check = useCallback(() => {
    setState({ phase: 'loading' });
    // The page's chunk loads while we ask who the user is, so a signed-in first visit renders without a fallback.
    void preloadPage(window.location.pathname);
    fetchMe()
      .then((session) => {
        if (session) adoptUserLanguage(session.user.locale);
        setState(session ? { phase: 'signed-in', user: session.user } : { phase: 'signed-out' });
      })
      .catch((error: Error) => setState({ phase: 'error', message: error.message }));
  }, []);

  useEffect(() => {
    // Any API call that meets a 401 (session expired, user disabled) returns here to the login page.
    onUnauthorized(() => setState({ phase: 'signed-out' }));
    check();
  }, [check]);

  const onLogin = (session: Session) => {
    void preloadPage(window.location.pathname);
    adoptUserLanguage(session.user.locale);
    setState({ phase: 'signed-in', user: session.user });
  };
  const logout = async () => {
    await apiLogout().catch(() => undefined);
    setState({ phase: 'signed-out' });
  };

  if (state.phase === 'loading') return <p className="boot muted">{t('loading')}</p>;
  if (state.phase === 'error') {
    return (
      <div className="boot">
        <p className="error" role="alert">
          {t('error', { message: state.message })}
        </p>
        <button type="button" className="button" onClick={check}>
          {t('retry')}
        </button>
      </div>
    );
  }
  if (state.phase === 'signed-out') return <LoginPage onLogin={onLogin} />;
  return (
    <AuthContext.Provider value={{ user: state.user, logout }}>
      <RouterProvider>
        <Layout />
      </RouterProvider>
    </AuthContext.Provider>
  );
}
