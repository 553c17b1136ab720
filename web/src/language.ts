// The page language: remembered in localStorage, reflected in <html lang>, applied to every
// element marked `data-i18n="key"`, and switched by the #lang-switch button without a reload.
import { HTML_LANG, initialLanguage, isLanguage, isMessageKey, otherLanguage, t, type Language } from './i18n';

const STORAGE_KEY = 'smefin.language';

function storedLanguage(): string | null {
  try {
    return localStorage.getItem(STORAGE_KEY);
  } catch {
    return null; // storage disabled: fall back to the default
  }
}

function rememberLanguage(language: Language): void {
  try {
    localStorage.setItem(STORAGE_KEY, language);
  } catch {
    // not remembered; the switch still works for this page
  }
}

/** Sets the text of every `[data-i18n]` element under root, and the accessible name of every `[data-i18n-label]`. */
export function translate(root: ParentNode, language: Language): void {
  for (const element of root.querySelectorAll<HTMLElement>('[data-i18n]')) {
    const key = element.dataset.i18n ?? '';
    if (isMessageKey(key)) element.textContent = t(language, key);
  }
  for (const element of root.querySelectorAll<HTMLElement>('[data-i18n-label]')) {
    const key = element.dataset.i18nLabel ?? '';
    if (isMessageKey(key)) element.setAttribute('aria-label', t(language, key));
  }
}

export interface PageLanguage {
  current(): Language;
}

/**
 * Applies the remembered language to the page, wires the switch, and calls `render` now and after
 * every switch so the page can redraw what it builds itself.
 */
export function setupLanguage(render: (language: Language) => void): PageLanguage {
  // A link may carry the language it was made in (`#…&lang=en`): it wins, and is remembered here.
  const fromLink = new URLSearchParams(location.hash.replace(/^#/, '')).get('lang');
  if (isLanguage(fromLink)) rememberLanguage(fromLink);
  let language = initialLanguage(isLanguage(fromLink) ? fromLink : storedLanguage());
  const button = document.getElementById('lang-switch');

  const apply = (): void => {
    document.documentElement.lang = HTML_LANG[language];
    translate(document, language);
    if (button) button.setAttribute('lang', HTML_LANG[otherLanguage(language)]);
    render(language);
  };

  button?.addEventListener('click', () => {
    language = otherLanguage(language);
    rememberLanguage(language);
    apply();
  });
  apply();
  return { current: () => language };
}
