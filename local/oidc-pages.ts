// The local OpenID Provider's own pages: the officials' login form, the sign-out confirmation and
// errors, in Chinese and English, self-contained (one stylesheet allowed by its hash, nothing
// external, nothing inline the CSP would block).
import { createHash } from 'node:crypto';

export type PageLanguage = 'zh' | 'en';

const TEXT = {
  zh: {
    htmlLang: 'zh-CN',
    site: 'smefin 小微企业融资服务',
    loginTitle: '工作人员登录',
    loginIntro: '请使用 npm start 启动时列出的演示账户登录（本地 OpenID 提供方）。',
    username: '用户名',
    password: '密码',
    submit: '登录',
    cancel: '取消',
    wrong: '用户名或密码不正确，请重新输入。',
    missing: '请输入用户名和密码。',
    switchLabel: 'English',
    switchLang: 'en',
    logoutTitle: '退出登录',
    logoutIntro: '确定要退出 smefin 吗？',
    logoutYes: '退出登录',
    logoutNo: '保持登录',
    loggedOutTitle: '已退出登录',
    loggedOutIntro: '您已退出 smefin。',
    errorTitle: '无法完成登录',
    expired: '登录请求已过期或无效。请回到页面重新登录。',
  },
  en: {
    htmlLang: 'en',
    site: 'smefin credit for small enterprises',
    loginTitle: 'Sign in (officials)',
    loginIntro: 'Use one of the demo accounts npm start printed (the local OpenID Provider).',
    username: 'User name',
    password: 'Password',
    submit: 'Sign in',
    cancel: 'Cancel',
    wrong: 'The user name or password is not correct. Please try again.',
    missing: 'Enter a user name and a password.',
    switchLabel: '中文',
    switchLang: 'zh',
    logoutTitle: 'Sign out',
    logoutIntro: 'Sign out of smefin?',
    logoutYes: 'Sign out',
    logoutNo: 'Stay signed in',
    loggedOutTitle: 'Signed out',
    loggedOutIntro: 'You have signed out of smefin.',
    errorTitle: 'Sign-in could not be completed',
    expired: 'The sign-in request has expired or is not valid. Go back to the page and sign in again.',
  },
} as const;

const STYLE = [
  'body{margin:0;font:16px/1.5 system-ui,"PingFang SC","Microsoft YaHei",sans-serif;color:#1b1b1b;background:#f4f5f7}',
  'main{max-width:26rem;margin:3rem auto;padding:1.5rem 2rem;background:#fff;border:1px solid #c9ccd1;border-radius:6px}',
  'h1{font-size:1.5rem;margin:0 0 .5rem}.site{margin:0;color:#454545;font-size:.9rem}',
  'label{display:block;font-weight:600;margin-top:1rem}',
  'input{box-sizing:border-box;width:100%;font:inherit;padding:.5rem;border:1px solid #6b6e73;border-radius:4px}',
  'input:focus,button:focus,a:focus{outline:3px solid #1f5fbf;outline-offset:2px}',
  '.actions{display:flex;gap:.75rem;margin-top:1.5rem;flex-wrap:wrap}',
  'button{font:inherit;padding:.5rem 1.25rem;border-radius:4px;border:1px solid #1f5fbf;background:#fff;color:#1f5fbf;cursor:pointer}',
  'button.primary{background:#1f5fbf;color:#fff}',
  '.error{color:#a4000f;border-left:4px solid #a4000f;padding:.25rem .75rem;margin:1rem 0 0}',
  '.lang{float:right;color:#1f5fbf}',
].join('');

const STYLE_HASH = `'sha256-${createHash('sha256').update(STYLE).digest('base64')}'`;

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export const escapeHtml = (value: string): string => value.replace(/[&<>"']/g, (char) => ESCAPES[char]!);

/** The page's headers: only its own stylesheet, forms posted to the provider (and redirected to the pages' origins). */
export function pageHeaders(formOrigins: readonly string[]): Record<string, string> {
  return {
    'Content-Type': 'text/html; charset=utf-8',
    'Cache-Control': 'no-store',
    'Content-Security-Policy': `default-src 'none'; style-src ${STYLE_HASH}; form-action 'self' ${formOrigins.join(' ')}; frame-ancestors 'none'; base-uri 'none'`,
    'X-Frame-Options': 'DENY',
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
  };
}

/** The language a page is shown in: an explicit choice, else `ui_locales`, else Accept-Language; Chinese by default. */
export function pageLanguage(...hints: (string | undefined | null)[]): PageLanguage {
  for (const hint of hints) {
    if (!hint) continue;
    const first = hint.split(/[\s,;]+/)[0]!.toLowerCase();
    if (first.startsWith('en')) return 'en';
    if (first.startsWith('zh')) return 'zh';
  }
  return 'zh';
}

function layout(language: PageLanguage, title: string, body: string, switchHref?: string): string {
  const text = TEXT[language];
  const other = TEXT[text.switchLang];
  const switcher = switchHref
    ? `<a class="lang" href="${escapeHtml(switchHref)}" lang="${other.htmlLang}" hreflang="${other.htmlLang}">${text.switchLabel}</a>`
    : '';
  return `<!doctype html>
<html lang="${text.htmlLang}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="robots" content="noindex">
<title>${escapeHtml(title)} · smefin</title><style>${STYLE}</style></head>
<body><main>${switcher}<p class="site">${text.site}</p>${body}</main></body>
</html>`;
}

export interface LoginPage {
  language: PageLanguage;
  /** Where the form posts (the interaction's login action). */
  action: string;
  abortAction: string;
  switchHref: string;
  username?: string;
  error?: 'wrong' | 'missing';
}

export function loginPage(page: LoginPage): string {
  const text = TEXT[page.language];
  const error = page.error ? `<p id="login-error" class="error" role="alert">${text[page.error]}</p>` : '';
  const invalid = page.error ? ' aria-invalid="true" aria-describedby="login-error"' : '';
  const body = `<h1>${text.loginTitle}</h1><p>${text.loginIntro}</p>${error}
<form method="post" action="${escapeHtml(page.action)}" novalidate>
<input type="hidden" name="lang" value="${page.language}">
<label for="username">${text.username}</label>
<input id="username" name="username" autocomplete="username" autocapitalize="off" spellcheck="false" required value="${escapeHtml(page.username ?? '')}"${invalid}${page.error ? '' : ' autofocus'}>
<label for="password">${text.password}</label>
<input id="password" name="password" type="password" autocomplete="current-password" required${invalid}${page.error ? ' autofocus' : ''}>
<div class="actions"><button type="submit" class="primary">${text.submit}</button>
<button type="submit" formaction="${escapeHtml(page.abortAction)}" formnovalidate>${text.cancel}</button></div>
</form>`;
  return layout(page.language, text.loginTitle, body, page.switchHref);
}

/** The end-session confirmation; `form` is the provider's form (its action and anti-forgery token). */
export function logoutPage(language: PageLanguage, form: string): string {
  const text = TEXT[language];
  const body = `<h1>${text.logoutTitle}</h1><p>${text.logoutIntro}</p>${form}
<div class="actions"><button type="submit" class="primary" form="op.logoutForm" name="logout" value="yes" autofocus>${text.logoutYes}</button>
<button type="submit" form="op.logoutForm">${text.logoutNo}</button></div>`;
  return layout(language, text.logoutTitle, body);
}

export function loggedOutPage(language: PageLanguage): string {
  const text = TEXT[language];
  return layout(language, text.loggedOutTitle, `<h1>${text.loggedOutTitle}</h1><p>${text.loggedOutIntro}</p>`);
}

/** An error page: the provider's error code and description are shown as they are (escaped). */
export function errorPage(language: PageLanguage, detail?: { error: string; description?: string }): string {
  const text = TEXT[language];
  const what = detail
    ? `<p class="error" role="alert"><code>${escapeHtml(detail.error)}</code>${detail.description ? `: ${escapeHtml(detail.description)}` : ''}</p>`
    : `<p class="error" role="alert">${text.expired}</p>`;
  return layout(language, text.errorTitle, `<h1>${text.errorTitle}</h1>${what}`);
}
