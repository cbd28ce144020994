import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, login, type Session } from '../api';
import { Icon } from '../components/Icon';
import { LanguageSwitch } from '../components/LanguageSwitch';

export function LoginPage({ onLogin }: { onLogin: (session: Session) => void }) {
  const { t } = useTranslation();
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      onLogin(await login(name, password));
    } catch (failure) {
      if (failure instanceof ApiError && failure.status === 401) setError(t('login.wrong'));
      else if (failure instanceof ApiError && failure.status === 429) setError(t('login.throttled'));
      else setError(t('login.failed', { message: (failure as Error).message }));
      setPassword('');
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="login-screen">
      <div className="login-language">
        <LanguageSwitch />
      </div>
      <form className="login-card" onSubmit={submit} aria-labelledby="login-title">
        <div className="login-brand">
          <Icon name="shield" size={36} />
          <span>vigil</span>
        </div>
        <p className="muted login-tagline">{t('tagline')}</p>
        <h1 id="login-title">{t('login.title')}</h1>
        <label className="field">
          <span>{t('login.name')}</span>
          <input
            name="username"
            autoComplete="username"
            autoCapitalize="none"
            spellCheck={false}
            required
            value={name}
            onChange={(e) => setName(e.target.value)}
          />
        </label>
        <label className="field">
          <span>{t('login.password')}</span>
          <input name="password" type="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} />
        </label>
        {error ? (
          <p className="error" role="alert">
            {error}
          </p>
        ) : null}
        <button type="submit" className="button primary" disabled={busy}>
          {busy ? t('login.submitting') : t('login.submit')}
        </button>
      </form>
    </div>
  );
}
