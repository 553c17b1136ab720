// Places in English, in the machine's Chromium against the whole local system: the form's pickers
// name provinces, prefectures and counties in English (the Chinese name beside them), loading one
// province's division file when it is chosen; the status page names the county in the page's
// language from that file, not from its own script; axe-core finds no serious issue.
import { randomUUID } from 'node:crypto';
import type { Browser, Page, Request } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { validSubmission } from '../support/needs';
import { launchBrowser, seriousAccessibilityIssues } from './browser';

const baseUrl = inject('baseUrl');
let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

/** A page with its requests for division files recorded. */
async function newPage(): Promise<{ page: Page; divisionFiles: string[] }> {
  const context = await browser.newContext({ viewport: { width: 412, height: 823 }, locale: 'zh-CN' });
  const page = await context.newPage();
  page.on('pageerror', (error) => {
    throw error;
  });
  const divisionFiles: string[] = [];
  page.on('request', (request: Request) => {
    const { pathname } = new URL(request.url());
    if (pathname.startsWith('/divisions/')) divisionFiles.push(pathname);
  });
  return { page, divisionFiles };
}

const optionLabels = (page: Page, select: string) => page.$$eval(`${select} option`, (options) => options.map((o) => o.textContent));

describe('division names', () => {
  it('the form offers places in English, one province loaded when chosen, and keeps the choice across a switch back to Chinese', async () => {
    const { page, divisionFiles } = await newPage();
    await page.goto(`${baseUrl}/`);
    // Provinces are in the page as built; no division file is fetched before a province is chosen.
    expect(await optionLabels(page, '#enterprise-province')).toContain('浙江省');
    await page.click('#lang-switch');
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    expect(await optionLabels(page, '#enterprise-province')).toContain('Zhejiang (浙江省)');
    expect(divisionFiles).toEqual([]);

    await page.selectOption('#enterprise-province', { label: 'Zhejiang (浙江省)' });
    await page.selectOption('#enterprise-prefecture', { label: 'Hangzhou (杭州市)' });
    await page.selectOption('#enterprise-countyCode', { label: 'Xihu District (西湖区)' });
    expect(await page.inputValue('#enterprise-countyCode')).toBe('330106');
    expect(await optionLabels(page, '#enterprise-countyCode')).toContain('Jiande City (建德市)');
    expect(divisionFiles).toEqual(['/divisions/33.json']);
    expect(await seriousAccessibilityIssues(page)).toEqual([]);

    await page.click('#lang-switch');
    expect(await page.inputValue('#enterprise-countyCode')).toBe('330106');
    expect(await page.$eval('#enterprise-countyCode', (s: HTMLSelectElement) => s.selectedOptions[0]?.textContent)).toBe('西湖区');

    // A municipality: its districts directly under the province's own group.
    await page.selectOption('#enterprise-province', { label: '北京市' });
    await page.selectOption('#enterprise-countyCode', { label: '朝阳区' });
    expect(await page.inputValue('#enterprise-countyCode')).toBe('110105');
    expect(divisionFiles).toEqual(['/divisions/33.json', '/divisions/11.json']);
  });

  it('the status page names the county in English from its province file', async () => {
    const response = await fetch(new URL('/v1/needs', baseUrl), {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'Idempotency-Key': randomUUID() },
      body: JSON.stringify(validSubmission()),
    });
    expect(response.status).toBe(201);
    const { needId, trackingToken } = (await response.json()) as { needId: string; trackingToken: string };

    const { page, divisionFiles } = await newPage();
    await page.goto(`${baseUrl}/status.html#${new URLSearchParams({ needId, token: trackingToken, lang: 'en' }).toString()}`);
    await page.waitForFunction(() => document.getElementById('status-county')?.textContent === 'Xihu District, Hangzhou, Zhejiang');
    expect(divisionFiles).toEqual(['/divisions/33.json']);
    expect(await seriousAccessibilityIssues(page)).toEqual([]);
    await page.click('#lang-switch');
    expect(await page.textContent('#status-county')).toBe('浙江省 杭州市 西湖区');
  });
});
