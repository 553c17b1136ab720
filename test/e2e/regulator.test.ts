// The regulator's journey in a real browser (the machine's Chromium) against the whole local system:
// a need is declared in Zhejiang (西湖区 330106) and the roll-up run for today and this month; then
// the Zhejiang regulator signs in through the local OpenID Provider's login page (Authorization Code
// + PKCE) with a demo account, sees who they are and the province → 杭州市 → 西湖区 tree, opens the
// HTML report in a new window and downloads CSV and XLSX, is signed in again silently on a reload
// and signs out through end-session; the Xihu county regulator sees only the county and the API
// refuses them the province's report (403); a wrong password is said next to the form; axe-core
// finds no serious accessibility issue on the page or on the login page.
import { mkdirSync, readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { chinaDay } from '../../shared/domain/need-record';
import { validSubmission } from '../support/needs';
import { rollUp } from '../support/rollup';
import { launchBrowser, seriousAccessibilityIssues } from './browser';

const baseUrl = inject('baseUrl');
const RESULTS = new URL('../../test-results/', import.meta.url);
const today = chinaDay(new Date());
const month = today.slice(0, 7);
let browser: Browser;

beforeAll(async () => {
  // Reports to look at: one need in 西湖区, rolled up for today and this month.
  const submission = validSubmission();
  submission.enterprise.name = '杭州西湖食品有限公司';
  submission.enterprise.countyCode = '330106';
  const submitted = await fetch(`${baseUrl}/v1/needs`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'Idempotency-Key': randomUUID() },
    body: JSON.stringify(submission),
  });
  expect(submitted.status).toBe(201);
  await rollUp(inject('rollup'), [today, month]);
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


/** Signs in on the provider's login page with a demo account (npm start prints them). */
async function signIn(page: Page, username: string, check?: (login: Page) => Promise<void>): Promise<void> {
  await page.goto(`${baseUrl}/regulator.html`);
  await page.locator('#signin-button').waitFor({ state: 'visible' });
  await page.click('#signin-button');
  await page.waitForURL((url) => url.pathname.startsWith('/oidc/interaction/'));
  if (check) await check(page);
  await page.fill('#username', username);
  await page.fill('#password', `${username}-demo`);
  await page.click('button.primary');
  await page.waitForURL((url) => url.pathname === '/regulator.html');
  await page.locator('#reports').waitFor({ state: 'visible' });
}

/** The bearer token the page sends to the API (it keeps it in memory only). */
function bearerSent(page: Page): () => string | undefined {
  let token: string | undefined;
  page.on('request', (request) => {
    const header = request.headers().authorization;
    if (request.url().includes('/v1/reports') && header) token = header.replace(/^Bearer /, '');
  });
  return () => token;
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
  it('signs the Zhejiang regulator in at the provider, shows their tree, opens and downloads reports, and signs out', async () => {
    const page = await newPage();
    await page.goto(`${baseUrl}/regulator.html`);
    expect(await page.getAttribute('html', 'lang')).toBe('zh-CN');
    await page.locator('#signin-button').waitFor({ state: 'visible' });
    expect(await page.locator('#token-input').count()).toBe(0); // no pasted tokens any more
    expect(await seriousAccessibilityIssues(page)).toEqual([]);
    const token = bearerSent(page);
    await signIn(page, 'zhejiang', async (login) => {
      expect(await login.getAttribute('html', 'lang')).toBe('zh-CN');
      expect(await login.textContent('label[for="username"]')).toBe('用户名');
      expect(await seriousAccessibilityIssues(login)).toEqual([]);
      // A wrong password: said on the form, and still on the login page.
      await login.fill('#username', 'zhejiang');
      await login.fill('#password', 'wrong');
      await login.click('button.primary');
      await login.waitForSelector('#login-error');
      expect(await login.textContent('#login-error')).toContain('用户名或密码不正确');
      expect(await login.getAttribute('#password', 'aria-invalid')).toBe('true');
      expect(await seriousAccessibilityIssues(login)).toEqual([]);
    });
    // The address no longer carries the code; who is signed in, their role and jurisdiction.
    expect(new URL(page.url()).search).toBe('');
    expect(await page.textContent('#identity-name')).toContain('浙江省监管员');
    expect(await page.textContent('#identity-role')).toBe('监管人员');
    expect(await page.textContent('#identity-jurisdiction')).toContain('浙江省（330000，省级）');
    // Tokens in memory only: nothing that looks like a token in either storage.
    const stored = await page.evaluate(() => JSON.stringify({ ...sessionStorage, ...localStorage }));
    expect(stored).not.toMatch(/eyJ[\w-]+\.[\w-]+\.[\w-]+/);
    // The period starts at the previous month.
    expect(await page.inputValue('#period-value')).toMatch(/^\d{4}-\d{2}$/);
    expect(await page.inputValue('#period-value')).not.toBe(month);

    await showMonth(page);
    const codes = await treeCodes(page);
    expect(codes).toEqual(expect.arrayContaining(['330000', '330100', '330106']));
    expect(codes.every((code) => code?.startsWith('33'))).toBe(true);
    expect(await page.locator('li[data-code="330000"] > ul > li[data-code="330100"] > ul > li[data-code="330106"]').count()).toBe(1);
    expect(await page.textContent('li[data-code="330106"] .reg-name')).toBe('西湖区');
    expect(token()).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/); // the ID token, as the bearer token
    expect(await seriousAccessibilityIssues(page)).toEqual([]);
    await page.screenshot({ path: new URL('regulator.png', RESULTS).pathname, fullPage: true });

    // The HTML report in a new window.
    const [popup] = await Promise.all([page.waitForEvent('popup'), page.click('button[data-code="330000"][data-format="html"]')]);
    // The file of the period's current version (its manifest names it).
    await popup.waitForURL((url) => new RegExp(`/reports/${month}/v[0-9a-f]{16}/330000\\.html$`).test(url.pathname));
    await popup.waitForSelector('svg');
    expect(await popup.title()).toContain('浙江省');
    expect(await popup.evaluate(() => window.opener)).toBeNull();
    await popup.screenshot({ path: new URL('report.png', RESULTS).pathname, fullPage: true });
    await popup.close();
    expect(await page.textContent('#reports-status')).toContain('已在新窗口打开浙江省的报告');

    // CSV (UTF-8 with BOM) by keyboard, and XLSX of the public edition.
    await page.focus('button[data-code="330106"][data-format="csv"]');
    const [csv] = await Promise.all([page.waitForEvent('download'), page.keyboard.press('Enter')]);
    expect(csv.suggestedFilename()).toBe(`smefin-${month}-330106.csv`);
    const csvBytes = readFileSync(await csv.path());
    expect([...csvBytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(csvBytes.toString('utf8')).toContain('西湖区');
    expect(await page.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset.format)).toBe('csv');
    await page.check('#edition-public');
    const [xlsx] = await Promise.all([page.waitForEvent('download'), page.click('button[data-code="330100"][data-format="xlsx"]')]);
    expect(xlsx.suggestedFilename()).toBe(`smefin-${month}-330100-public.xlsx`);
    expect(readFileSync(await xlsx.path()).subarray(0, 2).toString('latin1')).toBe('PK');

    // A reload forgets the tokens and signs in again without the form (the provider's session).
    const logins: string[] = [];
    page.on('framenavigated', (frame) => {
      if (frame === page.mainFrame() && frame.url().includes('/oidc/interaction/')) logins.push(frame.url());
    });
    await page.reload();
    await page.locator('#reports').waitFor({ state: 'visible' });
    expect(await page.textContent('#identity-jurisdiction')).toContain('浙江省');
    expect(logins).toEqual([]);

    // Sign out: the provider's confirmation, then back on the page, signed out for good.
    await page.click('#signout');
    await page.waitForURL((url) => url.pathname.startsWith('/oidc/session/end'));
    expect(await seriousAccessibilityIssues(page)).toEqual([]);
    await page.click('button[name="logout"][value="yes"]');
    await page.waitForURL((url) => url.pathname === '/regulator.html');
    await page.locator('#signin-button').waitFor({ state: 'visible' });
    expect(await page.locator('#reports').isVisible()).toBe(false);
    await page.reload();
    await page.locator('#signin-button').waitFor({ state: 'visible' });
    expect(await page.locator('#identity').isVisible()).toBe(false);
    // The provider's session is gone: a new sign-in asks for the password again.
    await page.click('#signin-button');
    await page.waitForURL((url) => url.pathname.startsWith('/oidc/interaction/'));
    expect(await page.locator('#password').isVisible()).toBe(true);
    await page.context().close();
  });

  it("shows the Xihu county regulator only their county, and the API refuses them the province's report", async () => {
    const page = await newPage({ width: 390, height: 844 }); // a phone
    const token = bearerSent(page);
    await signIn(page, 'xihu');
    expect(await page.textContent('#identity-jurisdiction')).toContain('浙江省 › 杭州市 › 西湖区（330106，县级）');
    await showMonth(page);
    expect(await treeCodes(page)).toEqual(['330106']);
    // Asking for the province's report with this official's token anyway: 403.
    const status = await page.evaluate(
      async ({ period, bearer }) => {
        const response = await fetch(`/v1/reports/${period}/330000?format=csv`, { headers: { Authorization: `Bearer ${bearer}`, Accept: 'application/json' } });
        return response.status;
      },
      { period: month, bearer: token() ?? '' },
    );
    expect(status).toBe(403);
    expect(await seriousAccessibilityIssues(page)).toEqual([]);
    await page.context().close();
  });

  it('switches to English without reloading, and says when a period has no reports yet', async () => {
    const page = await newPage();
    await signIn(page, 'hangzhou');
    expect(await page.textContent('#identity-jurisdiction')).toContain('浙江省 › 杭州市（330100，地市级）');
    await showMonth(page);
    expect(await treeCodes(page)).toEqual(expect.arrayContaining(['330100', '330106']));
    expect(await treeCodes(page)).not.toContain('330000');
    await page.click('#lang-switch');
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    expect(await page.textContent('h1')).toContain('regulator reports');
    expect(await page.textContent('#identity-role')).toBe('Regulator');
    expect(await page.textContent('button[data-code="330106"][data-format="csv"]')).toContain('Download CSV');

    await page.fill('#period-value', '2001-01');
    await page.click('#period-submit');
    await page.waitForSelector('#reg-alert[data-problem="not-found"]');
    expect(await page.textContent('#reg-alert')).toContain('npm run rollup -- --period 2001-01');
    expect(await page.locator('#report-tree li').count()).toBe(0);
    await page.click('#lang-switch');
    await page.context().close();
  });
});
