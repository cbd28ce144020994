import { type ReactNode, Suspense, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { roleAllows, useAuth } from '../auth';
import { Icon } from '../components/Icon';
import { LanguageSwitch } from '../components/LanguageSwitch';
import { PlaceholderPage } from '../pages/placeholders';
import { matchPage, pages } from '../pages/registry';
import { Link, useRoute } from '../router';
import { ErrorBoundary } from './ErrorBoundary';

function UserMenu() {
  const { t } = useTranslation();
  const { user, logout } = useAuth();
  const [open, setOpen] = useState(false);
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!open) return;
    const close = (event: MouseEvent | KeyboardEvent) => {
      if (event instanceof KeyboardEvent ? event.key === 'Escape' : !box.current?.contains(event.target as Node)) setOpen(false);
    };
    document.addEventListener('mousedown', close);
    document.addEventListener('keydown', close);
    return () => {
      document.removeEventListener('mousedown', close);
      document.removeEventListener('keydown', close);
    };
  }, [open]);
  return (
    <div className="user-menu" ref={box}>
      <button type="button" className="user-button" aria-haspopup="menu" aria-expanded={open} onClick={() => setOpen((o) => !o)}>
        <Icon name="user" />
        <span className="user-name">{user.displayName ?? user.name}</span>
      </button>
      {open ? (
        <div className="user-dropdown" role="menu">
          <div className="user-info">
            <strong>{user.displayName ?? user.name}</strong>
            <span className="muted">
              {user.name} · {t(`roles.${user.role}`)}
            </span>
          </div>
          <button type="button" role="menuitem" className="menu-item" onClick={() => void logout()}>
            <Icon name="logout" size={18} />
            {t('menu.logout')}
          </button>
        </div>
      ) : null}
    </div>
  );
}

/** The signed-in frame: navigation (a drawer on phones), top bar with language and user menu, the page. */
export function Layout() {
  const { t, i18n } = useTranslation();
  const { user } = useAuth();
  const { path } = useRoute();
  const [navOpen, setNavOpen] = useState(false);
  const language = i18n.language === 'en' ? 'en' : 'vi';
  const visible = pages.filter((page) => !page.hidden && roleAllows(user.role, page.minRole));
  const match = matchPage(path);

  useEffect(() => {
    document.title = match ? `${match.page.title[language]} · vigil` : 'vigil';
  }, [match, language]);

  let content: ReactNode;
  if (!match) {
    content = (
      <div className="card">
        <h1>{t('notFound.title')}</h1>
        <Link to="/">{t('notFound.back')}</Link>
      </div>
    );
  } else if (!roleAllows(user.role, match.page.minRole)) {
    content = <p className="error">{t('forbidden')}</p>;
  } else {
    const Page = match.page.component;
    content = (
      <ErrorBoundary key={match.page.id}>
        <Suspense fallback={<p className="muted">{t('loading')}</p>}>
          {Page ? <Page subpath={match.subpath} /> : <PlaceholderPage id={match.page.id} />}
        </Suspense>
      </ErrorBoundary>
    );
  }

  return (
    <div className={`shell ${navOpen ? 'nav-open' : ''}`}>
      <header className="topbar">
        <button
          type="button"
          className="icon-button nav-toggle"
          aria-label={navOpen ? t('menu.close') : t('menu.open')}
          aria-expanded={navOpen}
          aria-controls="main-nav"
          onClick={() => setNavOpen((o) => !o)}
        >
          <Icon name={navOpen ? 'close' : 'menu'} />
        </button>
        <Link to="/" className="brand" onClick={() => setNavOpen(false)}>
          <Icon name="shield" size={22} />
          <span>vigil</span>
        </Link>
        <div className="topbar-spacer" />
        <LanguageSwitch />
        <UserMenu />
      </header>
      <nav id="main-nav" className="sidebar" aria-label="vigil">
        <ul>
          {visible.map((page) => {
            const active = match?.page.id === page.id;
            return (
              <li key={page.id}>
                <Link
                  to={page.path}
                  className={`nav-link ${active ? 'active' : ''}`}
                  aria-current={active ? 'page' : undefined}
                  onClick={() => setNavOpen(false)}
                >
                  <Icon name={page.icon} />
                  <span>{page.title[language]}</span>
                </Link>
              </li>
            );
          })}
        </ul>
      </nav>
      <div className="scrim" onClick={() => setNavOpen(false)} aria-hidden="true" />
      <main className="content">{content}</main>
    </div>
  );
}
