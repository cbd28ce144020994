import i18n from 'i18next';
import { initReactI18next } from 'react-i18next';

/**
 * Vietnamese first, English second. The shell's own words live here under the `common`
 * namespace; each page registers its own namespace with `registerMessages('<page id>', {vi, en})`
 * and reads it with `useTranslation('<page id>')`.
 */

export type Language = 'vi' | 'en';
export const LANGUAGES: { code: Language; label: string }[] = [
  { code: 'vi', label: 'Tiếng Việt' },
  { code: 'en', label: 'English' },
];
const STORAGE_KEY = 'vigil.language';

const common = {
  vi: {
    appName: 'vigil',
    tagline: 'Giám sát an toàn thông tin theo Chỉ thị 4749/BTTTT-CATTT',
    login: {
      title: 'Đăng nhập',
      name: 'Tên đăng nhập',
      password: 'Mật khẩu',
      submit: 'Đăng nhập',
      submitting: 'Đang đăng nhập…',
      wrong: 'Sai tên đăng nhập hoặc mật khẩu.',
      throttled: 'Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau ít phút.',
      failed: 'Không đăng nhập được: {{message}}',
    },
    menu: { open: 'Mở menu', close: 'Đóng menu', user: 'Tài khoản', logout: 'Đăng xuất', language: 'Ngôn ngữ', role: 'Vai trò' },
    roles: { admin: 'Quản trị', analyst: 'Chuyên viên', viewer: 'Xem' },
    placeholder: { soon: 'Trang này sẽ gồm:' },
    notFound: { title: 'Không tìm thấy trang', back: 'Về trang Tổng quan' },
    forbidden: 'Bạn không có quyền xem trang này.',
    loading: 'Đang tải…',
    error: 'Đã có lỗi: {{message}}',
    retry: 'Thử lại',
    empty: 'Chưa có dữ liệu.',
    status: { ok: 'Đạt', warn: 'Cảnh báo', fail: 'Không đạt', info: 'Thông tin', unknown: 'Chưa rõ', running: 'Đang chạy' },
  },
  en: {
    appName: 'vigil',
    tagline: 'Security watch for directive 4749/BTTTT-CATTT',
    login: {
      title: 'Sign in',
      name: 'User name',
      password: 'Password',
      submit: 'Sign in',
      submitting: 'Signing in…',
      wrong: 'Wrong user name or password.',
      throttled: 'Too many failed sign-ins. Please try again in a few minutes.',
      failed: 'Could not sign in: {{message}}',
    },
    menu: { open: 'Open menu', close: 'Close menu', user: 'Account', logout: 'Sign out', language: 'Language', role: 'Role' },
    roles: { admin: 'Admin', analyst: 'Analyst', viewer: 'Viewer' },
    placeholder: { soon: 'This page will hold:' },
    notFound: { title: 'Page not found', back: 'Back to the overview' },
    forbidden: 'You may not see this page.',
    loading: 'Loading…',
    error: 'Something went wrong: {{message}}',
    retry: 'Try again',
    empty: 'No data yet.',
    status: { ok: 'Pass', warn: 'Warning', fail: 'Fail', info: 'Info', unknown: 'Unknown', running: 'Running' },
  },
};

function storedLanguage(): Language {
  try {
    return localStorage.getItem(STORAGE_KEY) === 'en' ? 'en' : 'vi';
  } catch {
    return 'vi';
  }
}

void i18n.use(initReactI18next).init({
  resources: { vi: { common: common.vi }, en: { common: common.en } },
  lng: storedLanguage(),
  fallbackLng: 'vi',
  defaultNS: 'common',
  ns: ['common'],
  interpolation: { escapeValue: false }, // React escapes
  initAsync: false,
});
document.documentElement.lang = i18n.language;

export function setLanguage(language: Language): void {
  try {
    localStorage.setItem(STORAGE_KEY, language);
  } catch {
    // private mode: the choice lasts for this visit only
  }
  document.documentElement.lang = language;
  void i18n.changeLanguage(language);
}

/** Adopt the signed-in user's saved language when this browser has no choice of its own. */
export function adoptUserLanguage(locale: string): void {
  let chosen: string | null = null;
  try {
    chosen = localStorage.getItem(STORAGE_KEY);
  } catch {
    // no storage: fall through
  }
  if (!chosen && (locale === 'en' || locale === 'vi') && locale !== i18n.language) setLanguage(locale);
}

/** Add a page's messages under its own namespace (call at the top of the page module). */
export function registerMessages(namespace: string, messages: { vi: Record<string, unknown>; en: Record<string, unknown> }): void {
  i18n.addResourceBundle('vi', namespace, messages.vi, true, true);
  i18n.addResourceBundle('en', namespace, messages.en, true, true);
}

export default i18n;
