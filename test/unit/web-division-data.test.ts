// The pages' division names, loaded per province (web/src/division-data.ts) from the files the build
// writes (web/build.ts), and the default language's text put into the pages at build time.
import { readFileSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { prerenderHtml, provinceFiles } from '../../web/build';
import { countyLabel, loadedProvince, loadProvince, pickerLabel, provinceFilePath, type ProvinceNames } from '../../web/src/division-data';
import { MESSAGES } from '../../web/src/i18n';

const files = new Map(provinceFiles().map((p) => [provinceFilePath(p.code), p]));
const province = (code: string): ProvinceNames => files.get(provinceFilePath(code))!;

afterEach(() => vi.unstubAllGlobals());

describe('province division files', () => {
  it('one per province, every county in Chinese and English, none of them larger than 40 KB', () => {
    expect(files.size).toBe(31);
    for (const [file, names] of files) {
      expect(JSON.stringify(names).length, file).toBeLessThan(40_000);
      for (const group of names.prefectures) for (const county of group.counties) expect(county.nameEn, county.code).toMatch(/^[A-Z]/);
    }
  });

  it.each([
    ['330106', '浙江省 杭州市 西湖区', 'Xihu District, Hangzhou, Zhejiang'],
    ['330182', '浙江省 杭州市 建德市', 'Jiande City, Hangzhou, Zhejiang'],
    ['110105', '北京市 朝阳区', 'Chaoyang District, Beijing'],
    ['419001', '河南省 济源市', 'Jiyuan City, Henan'],
    ['441900', '广东省 东莞市', 'Dongguan, Guangdong'],
    ['610113', '陕西省 西安市 雁塔区', "Yanta District, Xi'an, Shaanxi"],
  ])('name %s: %s / %s', (code, zh, en) => {
    expect(countyLabel(code, 'zh', province(code))).toBe(zh);
    expect(countyLabel(code, 'en', province(code))).toBe(en);
  });

  it('gives the bare code for an unknown county or while the names are not loaded', () => {
    expect(countyLabel('330199', 'en', province('330106'))).toBe('330199');
    expect(countyLabel('330106', 'en', undefined)).toBe('330106');
  });

  it('labels picker options in English with the Chinese name beside them', () => {
    const hangzhou = province('330000').prefectures.find((p) => p.code === '330100')!;
    expect(pickerLabel(hangzhou, 'en')).toBe('Hangzhou (杭州市)');
    expect(pickerLabel(hangzhou, 'zh')).toBe('杭州市');
  });
});

describe('loadProvince', () => {
  it('fetches a province once and keeps it; a failed load is tried again', async () => {
    const fetchMock = vi.fn<typeof fetch>().mockRejectedValueOnce(new TypeError('offline'));
    fetchMock.mockImplementation(async (url) => new Response(JSON.stringify(files.get(String(url))), { status: files.has(String(url)) ? 200 : 404 }));
    vi.stubGlobal('fetch', fetchMock);

    expect(await loadProvince('520203')).toBeUndefined();
    expect(loadedProvince('520203')).toBeUndefined();
    const [a, b] = await Promise.all([loadProvince('520203'), loadProvince('520100')]);
    expect(a?.name).toBe('贵州省');
    expect(b).toBe(a);
    expect(await loadProvince('520000')).toBe(a);
    expect(loadedProvince('520203')).toBe(a);
    expect(fetchMock.mock.calls.map(([url]) => url)).toEqual(['divisions/52.json', 'divisions/52.json']);
    expect(countyLabel('520203', 'en')).toBe('Liuzhi Special District, Liupanshui, Guizhou');
  });

  it('refuses a malformed code, an unknown province and a body that is not a division file', async () => {
    const fetchMock = vi.fn<typeof fetch>(async (url) =>
      String(url) === 'divisions/98.json' ? new Response('{"code":"980000"}', { status: 200 }) : new Response('', { status: 404 }),
    );
    vi.stubGlobal('fetch', fetchMock);
    expect(await loadProvince('33010')).toBeUndefined();
    expect(await loadProvince('990000')).toBeUndefined();
    expect(await loadProvince('980000')).toBeUndefined();
    expect(fetchMock).toHaveBeenCalledTimes(2);
  });
});

describe('the pages as built', () => {
  const publicDir = path.join(import.meta.dirname, '..', '..', 'web', 'public');
  const pages = readdirSync(publicDir).filter((f) => f.endsWith('.html'));

  it.each(pages)('%s: every marked text is in Chinese in the HTML, not filled in after load', (file) => {
    const html = prerenderHtml(readFileSync(path.join(publicDir, file), 'utf8'));
    const marked = [...html.matchAll(/<([a-z][a-z0-9]*)\s[^>]*\bdata-i18n="([^"]+)"[^>]*>([^<]*)<\/\1>/g)];
    expect(marked.length).toBeGreaterThan(5);
    for (const [, , key, text] of marked) {
      const expected = (MESSAGES.zh as Record<string, string>)[key!];
      if (expected !== undefined) expect(text, key).toBe(expected.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;'));
    }
    for (const [, key, label] of html.matchAll(/data-i18n-label="([^"]+)"[^>]*aria-label="([^"]*)"|aria-label="([^"]*)"[^>]*data-i18n-label="([^"]+)"/g)) {
      if (key) expect(label, key).toBe((MESSAGES.zh as Record<string, string>)[key]);
    }
  });

  it('puts the provinces into the form, with their English names for the switch', () => {
    const html = prerenderHtml(readFileSync(path.join(publicDir, 'index.html'), 'utf8'));
    const select = /<select id="enterprise-province"[^>]*>([\s\S]*?)<\/select>/.exec(html)![1]!;
    const options = [...select.matchAll(/<option value="(\d*)"(?: data-name-en="([^"]*)")?>([^<]*)<\/option>/g)].map(([, code, en, zh]) => [code, en, zh]);
    expect(options).toHaveLength(32);
    expect(options[0]).toEqual(['', undefined, MESSAGES.zh['choose.province']]);
    expect(options).toContainEqual(['330000', 'Zhejiang', '浙江省']);
    expect(options).toContainEqual(['540000', 'Xizang', '西藏自治区']);
  });

  it('escapes what it puts in and leaves unknown keys as they are', () => {
    expect(prerenderHtml('<p data-i18n="no.such.key">keep</p><span class="x" data-i18n="site.name"></span>')).toBe(
      `<p data-i18n="no.such.key">keep</p><span class="x" data-i18n="site.name">${MESSAGES.zh['site.name']}</span>`,
    );
    expect(prerenderHtml('<select aria-label="old" data-i18n-label="unit.choose"></select>')).toBe(
      `<select data-i18n-label="unit.choose" aria-label="${MESSAGES.zh['unit.choose']}"></select>`,
    );
  });
});
