import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ENTITY_TYPES, GUARANTEES, PURPOSES } from '../../shared/domain/need';
import { NEED_STATUSES } from '../../shared/domain/need-record';
import {
  DEFAULT_LANGUAGE,
  HTML_LANG,
  MESSAGES,
  initialLanguage,
  isMessageKey,
  otherLanguage,
  t,
} from '../../web/src/i18n';
import {
  chronological,
  guaranteeLabel,
  industryLabel,
  purposeLabel,
  sizeClassLabel,
  statusHelp,
  statusLabel,
} from '../../web/src/need-view';

const pages = ['index.html', 'status.html'].map((file) => ({
  file,
  html: readFileSync(new URL(`../../web/public/${file}`, import.meta.url), 'utf8'),
}));

describe('UI strings', () => {
  it('has every string in both languages, none empty', () => {
    expect(Object.keys(MESSAGES.en).sort()).toEqual(Object.keys(MESSAGES.zh).sort());
    for (const language of ['zh', 'en'] as const) {
      for (const [key, text] of Object.entries(MESSAGES[language])) expect(text.trim(), `${language} ${key}`).not.toBe('');
    }
  });

  it('knows every data-i18n key the pages use', () => {
    for (const { file, html } of pages) {
      const keys = [...html.matchAll(/data-i18n="([^"]+)"/g)].map((m) => m[1]!);
      expect(keys.length, file).toBeGreaterThan(5);
      for (const key of keys) expect(isMessageKey(key), `${file}: ${key}`).toBe(true);
    }
  });

  it('translates every status, size class, entity type, purpose and guarantee', () => {
    for (const status of NEED_STATUSES) {
      expect(statusLabel(status, 'zh')).not.toBe(status);
      expect(statusLabel(status, 'en')).not.toBe(status);
      expect(statusHelp(status, 'en')).not.toBe('');
    }
    expect(['large', 'medium', 'small', 'micro'].map((s) => sizeClassLabel(s, 'zh'))).toEqual([
      '大型企业',
      '中型企业',
      '小型企业',
      '微型企业',
    ]);
    for (const value of ENTITY_TYPES) expect(isMessageKey(`entityType.${value}`)).toBe(true);
    for (const value of PURPOSES) expect(purposeLabel(value, 'en')).not.toBe(value);
    for (const value of GUARANTEES) expect(guaranteeLabel(value, 'zh')).not.toBe(value);
  });

  it('shows values it does not know as they are', () => {
    expect(statusLabel('archived', 'zh')).toBe('archived');
    expect(statusHelp('archived', 'zh')).toBe('');
    expect(sizeClassLabel('giant', 'en')).toBe('giant');
    expect(purposeLabel('toString', 'en')).toBe('toString');
  });

  it('fills placeholders', () => {
    expect(t('en', 'alert.unexpected.detail', { status: 418 })).toContain('status 418');
    expect(t('zh', 'status.updatedAt', { time: '10:00' })).toBe('已于 10:00 更新');
  });

  it('starts in Chinese unless English was chosen', () => {
    expect(DEFAULT_LANGUAGE).toBe('zh');
    expect(initialLanguage(null)).toBe('zh');
    expect(initialLanguage('fr')).toBe('zh');
    expect(initialLanguage('en')).toBe('en');
    expect(otherLanguage('zh')).toBe('en');
    expect(HTML_LANG).toEqual({ zh: 'zh-CN', en: 'en' });
  });
});

describe('need labels', () => {
  it('names the industry', () => {
    expect(industryLabel('C14', 'zh')).toBe('C14 食品制造业');
    expect(industryLabel('C14', 'en')).toMatch(/^C14 \S/);
    expect(industryLabel('Z99', 'en')).toBe('Z99');
  });

  it('orders the timeline oldest first, stable for equal times', () => {
    const entries = [
      { at: '2026-11-06T02:00:00Z', status: 'offered' as const, note: 'c' },
      { at: '2026-11-05T06:03:00Z', status: 'submitted' as const, note: 'a' },
      { at: '2026-11-05T06:03:00Z', status: 'screening' as const, note: 'b' },
    ];
    expect(chronological(entries).map((e) => ('note' in e ? e.note : e.code))).toEqual(['a', 'b', 'c']);
  });
});

describe('status.html', () => {
  const html = pages[1]!.html;
  it('has the ids the e2e tests rely on', () => {
    for (const id of ['status-value', 'timeline', 'refresh', 'lang-switch', 'status-alert']) {
      expect(html).toContain(`id="${id}"`);
    }
    expect(html).toMatch(/<ol id="timeline"/);
    expect(html).not.toMatch(/<style|\sstyle=|<script(?![^>]*\ssrc=)/i);
  });
});
