// The regulator's journey in a real browser (the machine's Chromium) against the whole local system:
// a need is declared in Guangdong (海珠区 440105) and the roll-up run for today and this month; then
// the Guangdong regulator signs in with a demo token, sees the province → 广州市 → 海珠区 tree and no
// other province, opens the HTML report in a new window and downloads CSV and XLSX; Zhejiang's
// regulator sees no Guangdong row and is refused Guangdong's report; a tampered token is refused
// (sign in again); axe-core finds no serious accessibility issue.
import { mkdirSync, readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import AxeBuilder from '@axe-core/playwright';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { chinaDay } from '../../shared/domain/need-record';
import { validSubmission } from '../support/needs';
import { launchBrowser } from './browser';

const baseUrl = inject('baseUrl');
const RESULTS = new URL('../../test-results/', import.meta.url);
const today = chinaDay(new Date());
const month = today.slice(0, 7);
let browser: Browser;

beforeAll(async () => {
  // Reports to look at: one need in 海珠区, rolled up for today and this month.
  const submission = validSubmission();
  submission.enterprise.name = '广州海珠食品有限公司';
  submission.enterprise.countyCode = '440105';
  const submitted = await fetch(`${baseUrl}/v1/needs`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'Idempotency-Key': randomUUID() },
    body: JSON.stringify(submission),
  });
  expect(submitted.status).toBe(201);
  const rollup = await fetch(`${baseUrl}/_local/functions/rollup-coverage/invoke`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ periods: [today, month] }),
  });
  expect(rollup.status).toBe(200);
  mkdirSync(RESULTS, { recursive: true });
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

async function newPage(viewport = { width: 1280, height: 900 }): Promise<Page> {
  const context = await browser.newContext({ viewport, locale: 'zh-CN', acceptDownloads: true });
  const page = await context.newPage();
  page.on('pageerror', (error) => {
    throw error;
  });
  return page;
}

async function seriousAccessibilityIssues(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page }).analyze();
  return results.violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map((violation) => `${violation.id}: ${violation.help} (${violation.nodes.map((n) => n.target.join(' ')).join('; ')})`);
}

/** Signs in with the demo token of a province (or national), or of one of its prefectures. */
async function signIn(page: Page, province: string, prefecture?: string): Promise<void> {
  await page.goto(`${baseUrl}/regulator.html`);
  await page.locator('#demo-form').waitFor({ state: 'visible' });
  await page.selectOption('#demo-province', province);
  if (prefecture) await page.selectOption('#demo-prefecture', prefecture);
  await page.click('#demo-submit');
  await page.locator('#reports').waitFor({ state: 'visible' });
}

/** Shows the reports of this month. */
async function showMonth(page: Page): Promise<void> {
  await page.check('#period-kind-month');
  await page.fill('#period-value', month);
  await page.click('#period-submit');
  await page.waitForFunction(
    (period) => (document.getElementById('reports-status')?.textContent ?? '').startsWith(`${period}：`),
    month,
  );
}

const treeCodes = (page: Page) => page.$$eval('#report-tree li[data-code]', (items) => items.map((item) => item.getAttribute('data-code')));

describe('regulator page', () => {
  it('shows the Guangdong regulator their tree, opens the HTML report and downloads CSV and XLSX', async () => {
    const page = await newPage();
    await page.goto(`${baseUrl}/regulator.html`);
    expect(await page.getAttribute('html', 'lang')).toBe('zh-CN');
    await page.locator('#demo-form').waitFor({ state: 'visible' });
    expect(await seriousAccessibilityIssues(page)).toEqual([]);
    await signIn(page, '440000');
    // The period starts at the previous month.
    expect(await page.inputValue('#period-value')).toMatch(/^\d{4}-\d{2}$/);
    expect(await page.inputValue('#period-value')).not.toBe(month);
    expect(await page.textContent('#identity-jurisdiction')).toContain('广东省（440000，省级）');
    expect(await page.evaluate(() => sessionStorage.getItem('smefin.regulatorToken'))).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(await page.evaluate(() => localStorage.getItem('smefin.regulatorToken'))).toBeNull();

    await showMonth(page);
    const codes = await treeCodes(page);
    expect(codes).toEqual(expect.arrayContaining(['440000', '440100', '440105']));
    expect(codes.every((code) => code?.startsWith('44'))).toBe(true);
    // The tree: 广东省 › 广州市 › 海珠区.
    expect(await page.locator('li[data-code="440000"] > ul > li[data-code="440100"] > ul > li[data-code="440105"]').count()).toBe(1);
    expect(await page.textContent('li[data-code="440105"] .reg-name')).toBe('海珠区');
    expect(await seriousAccessibilityIssues(page)).toEqual([]);
    await page.screenshot({ path: new URL('regulator.png', RESULTS).pathname, fullPage: true });

    // The HTML report in a new window.
    const [popup] = await Promise.all([
      page.waitForEvent('popup'),
      page.click('button[data-code="440000"][data-format="html"]'),
    ]);
    await popup.waitForURL((url) => url.pathname.endsWith(`/reports/${month}/440000.html`));
    await popup.waitForSelector('svg');
    expect(await popup.title()).toContain('广东省');
    expect(await popup.evaluate(() => window.opener)).toBeNull();
    await popup.screenshot({ path: new URL('report.png', RESULTS).pathname, fullPage: true });
    await popup.close();
    expect(await page.textContent('#reports-status')).toContain('已在新窗口打开广东省的报告');

    // CSV (UTF-8 with BOM) and XLSX, through the short-lived links.
    // By keyboard: the button keeps the focus.
    await page.focus('button[data-code="440105"][data-format="csv"]');
    const [csv] = await Promise.all([page.waitForEvent('download'), page.keyboard.press('Enter')]);
    expect(csv.suggestedFilename()).toBe(`smefin-${month}-440105.csv`);
    const csvBytes = readFileSync(await csv.path());
    expect([...csvBytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(csvBytes.toString('utf8')).toContain('海珠区');
    expect(await page.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset.format)).toBe('csv');

    await page.check('#edition-public');
    const [xlsx] = await Promise.all([
      page.waitForEvent('download'),
      page.click('button[data-code="440100"][data-format="xlsx"]'),
    ]);
    expect(xlsx.suggestedFilename()).toBe(`smefin-${month}-440100-public.xlsx`);
    expect(readFileSync(await xlsx.path()).subarray(0, 2).toString('latin1')).toBe('PK');
    expect(await page.textContent('#reports-status')).toContain('公开版');
    await page.context().close();
  });

  it("does not show Guangdong to Zhejiang's regulator, and the API refuses it", async () => {
    const page = await newPage({ width: 390, height: 844 }); // a phone
    await signIn(page, '330000');
    await showMonth(page);
    expect(await page.textContent('#identity-jurisdiction')).toContain('浙江省');
    const codes = await treeCodes(page);
    expect(codes.every((code) => code?.startsWith('33'))).toBe(true);
    expect(await page.locator('#report-tree li[data-code^="44"]').count()).toBe(0);
    // Asking for Guangdong's report with this token anyway: 403.
    const status = await page.evaluate(async (period) => {
      const token = sessionStorage.getItem('smefin.regulatorToken') ?? '';
      const response = await fetch(`/v1/reports/${period}/440000?format=csv`, {
        headers: { Authorization: `Bearer ${token}`, Accept: 'application/json' },
      });
      return response.status;
    }, month);
    expect(status).toBe(403);
    expect(await seriousAccessibilityIssues(page)).toEqual([]);
    await page.context().close();
  });

  it('asks to sign in again when the token was tampered with, and rejects what is not a token', async () => {
    const demo = (await (await fetch(`${baseUrl}/_local/demo-token/330000`, { method: 'POST' })).json()) as { token: string };
    const [header, payload, signature] = demo.token.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
    const tampered = [header, Buffer.from(JSON.stringify({ ...claims, 'custom:jurisdiction': '000000' })).toString('base64url'), signature].join('.');

    const page = await newPage();
    const requests: string[] = [];
    page.on('request', (request) => {
      if (request.url().includes('/v1/reports')) requests.push(request.url());
    });
    await page.goto(`${baseUrl}/regulator.html`);
    await page.fill('#token-input', 'not-a-token');
    await page.click('#token-submit');
    await page.locator('#token-input-error').waitFor({ state: 'visible' });
    expect(await page.getAttribute('#token-input', 'aria-invalid')).toBe('true');
    expect(requests).toEqual([]);

    await page.fill('#token-input', `Bearer ${tampered}\n`);
    await page.click('#token-submit');
    await page.waitForSelector('#reg-alert[data-problem="unauthorized"]');
    expect(await page.textContent('#reg-alert')).toContain('请重新登录');
    expect(await page.locator('#signin').isVisible()).toBe(true);
    expect(await page.locator('#reports').isVisible()).toBe(false);
    expect(await page.evaluate(() => sessionStorage.getItem('smefin.regulatorToken'))).toBeNull();
    expect(requests.length).toBeGreaterThan(0);
    expect(await seriousAccessibilityIssues(page)).toEqual([]);
    await page.context().close();
  });

  it('switches to English without reloading, and says when a period has no reports yet', async () => {
    const page = await newPage();
    await signIn(page, '440000', '440100');
    expect(await page.textContent('#identity-jurisdiction')).toContain('广东省 › 广州市（440100，地市级）');
    await showMonth(page);
    expect(await treeCodes(page)).toEqual(expect.arrayContaining(['440100', '440105']));
    expect(await treeCodes(page)).not.toContain('440000');
    await page.click('#lang-switch');
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    expect(await page.textContent('h1')).toContain('regulator reports');
    expect(await page.textContent('button[data-code="440105"][data-format="csv"]')).toContain('Download CSV');

    await page.fill('#period-value', '2001-01');
    await page.click('#period-submit');
    await page.waitForSelector('#reg-alert[data-problem="not-found"]');
    expect(await page.textContent('#reg-alert')).toContain('npm run rollup -- --period 2001-01');
    expect(await page.locator('#report-tree li').count()).toBe(0);
    await page.click('#lang-switch');
    await page.context().close();
  });
});
