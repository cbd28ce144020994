import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { apiGet } from '../../api';
import { Card } from '../../components/Card';

/** SHA-1 in the browser (WebCrypto): only the first 5 hex digits leave the page. */
async function sha1Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-1', new TextEncoder().encode(text));
  return [...new Uint8Array(digest)]
    .map((b) => b.toString(16).padStart(2, '0'))
    .join('')
    .toUpperCase();
}

/** Directive item 2: a person checks a password against the loaded Pwned Passwords corpus (k-anonymity). */
export function PasswordCheck() {
  const { t } = useTranslation('leaks');
  const [password, setPassword] = useState('');
  const [result, setResult] = useState<{ count: number } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const check = async () => {
    try {
      const hash = await sha1Hex(password);
      const range = await apiGet<{ suffixes: string[] }>(`/passwords/range/${hash.slice(0, 5)}`);
      const hit = range.suffixes.find((line) => line.split(':')[0] === hash.slice(5));
      setResult({ count: hit ? Number(hit.split(':')[1]) : 0 });
      setError(null);
    } catch (e) {
      setError((e as Error).message);
    }
  };
  return (
    <div data-testid="password-check">
      <Card title={t('check.title')} className="leak-password">
        <p className="muted leak-note">{t('check.note')}</p>
        <form
          className="leak-inline-form"
          onSubmit={(e) => {
            e.preventDefault();
            void check();
          }}
        >
          <input
            type="password"
            value={password}
            onChange={(e) => {
              setPassword(e.target.value);
              setResult(null);
            }}
            aria-label="password"
            placeholder={t('check.label')}
            autoComplete="off"
          />
          <button type="submit" className="button primary" disabled={!password}>
            {t('check.button')}
          </button>
        </form>
        {error ? <p className="error">{error}</p> : null}
        {result ? (
          <p data-testid="password-result" className={result.count > 0 ? 'error' : 'notice'}>
            {result.count > 0 ? t('check.pwned', { count: result.count }) : t('check.clean')}
          </p>
        ) : null}
      </Card>
    </div>
  );
}
