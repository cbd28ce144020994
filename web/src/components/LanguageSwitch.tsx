import { useContext } from 'react';
import { useTranslation } from 'react-i18next';
import { apiPatch } from '../api';
import { AuthContext } from '../auth';
import { LANGUAGES, type Language, setLanguage } from '../i18n';
import { Icon } from './Icon';

/** Tiếng Việt / English, remembered in this browser and, once signed in, in the user's profile. */
export function LanguageSwitch() {
  const { t, i18n } = useTranslation();
  const auth = useContext(AuthContext);
  const choose = (language: Language) => {
    setLanguage(language);
    if (auth) void apiPatch('/auth/me', { locale: language }).catch(() => undefined);
  };
  return (
    <label className="language-switch">
      <Icon name="globe" size={18} />
      <span className="visually-hidden">{t('menu.language')}</span>
      <select value={i18n.language === 'en' ? 'en' : 'vi'} onChange={(event) => choose(event.target.value as Language)} data-testid="language">
        {LANGUAGES.map((language) => (
          <option key={language.code} value={language.code}>
            {language.label}
          </option>
        ))}
      </select>
    </label>
  );
}
