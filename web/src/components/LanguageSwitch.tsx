import { useTranslation } from 'react-i18next';
import { LANGUAGES, type Language, setLanguage } from '../i18n';
import { Icon } from './Icon';

/** Tiếng Việt / English, remembered in this browser. */
export function LanguageSwitch() {
  const { t, i18n } = useTranslation();
  return (
    <label className="language-switch">
      <Icon name="globe" size={18} />
      <span className="visually-hidden">{t('menu.language')}</span>
      <select value={i18n.language === 'en' ? 'en' : 'vi'} onChange={(event) => setLanguage(event.target.value as Language)} data-testid="language">
        {LANGUAGES.map((language) => (
          <option key={language.code} value={language.code}>
            {language.label}
          </option>
        ))}
      </select>
    </label>
  );
}
