// The task-force workspace in a real browser (the machine's Chromium) against the whole local system:
// the Xihu task force signs in through the local OpenID Provider on a phone-sized page, records a
// visit (a wrong credit code is said beside its field and nothing is saved; the same enterprise and
// day again is saved once), finds it in the month's visits, reads its declaration list with contacts
// and downloads it as CSV; the Hangzhou coordinator sees every county of the prefecture in the
// progress table, read only (no visit form), and the lists without contacts. axe-core finds no
// serious issue on either view.
import { readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { freshCreditCode, validSubmission } from '../support/needs';
import { launchBrowser, seriousAccessibilityIssues } from './browser';

const baseUrl = inject('baseUrl');
let browser: Browser;
const declaredName = `杭州西湖工作台测试${randomUUID().slice(0, 6)}有限公司`;

beforeAll(async () => {
  // A need on Xihu's lists.
  const submission = validSubmission();
  submission.enterprise.name = declaredName;
  submission.enterprise.countyCode = '330106';
  const submitted = await fetch(`${baseUrl}/v1/needs`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'Idempotency-Key': randomUUID() },
    body: JSON.stringify(submission),
  });
  expect(submitted.status).toBe(201);
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

async function signedIn(username: string, viewport: { width: number; height: number }): Promise<Page> {
  const context = await browser.newContext({ viewport, locale: 'zh-CN', acceptDownloads: true });
  const page = await context.newPage();
  page.on('pageerror', (error) => {
    throw error;
  });
  await page.goto(`${baseUrl}/workspace.html`);
  await page.locator('#signin-button').waitFor({ state: 'visible' });
  await page.click('#signin-button');
  await page.waitForURL((url) => url.pathname.startsWith('/oidc/interaction/'));
  await page.fill('#username', username);
  await page.fill('#password', `${username}-demo`);
  await page.click('button.primary');
  await page.waitForURL((url) => url.pathname === '/workspace.html');
  await page.locator('#identity').waitFor({ state: 'visible' });
  return page;
}

describe('workspace', () => {
  it('lets the county task force record a visit on a phone, see it, and read its lists', async () => {
    const page = await signedIn('xihu-tf', { width: 390, height: 844 });
    await expect.poll(() => page.textContent('#identity-role')).toBe('工作专班');
    await expect.poll(() => page.locator('#ws-nav a').allTextContents()).toEqual(['进展', '走访', '两张清单']);

    // A credit code with a wrong check character: said beside the field, nothing saved.
    const creditCode = freshCreditCode();
    const wrong = `${creditCode.slice(0, 17)}${creditCode.endsWith('0') ? '1' : '0'}`;
    await page.fill('#visit-creditCode', wrong);
    await page.fill('#visit-name', '杭州西湖走访企业有限公司');
    await page.selectOption('#visit-method', 'phone');
    await page.selectOption('#visit-outcome', 'need_found');
    await page.fill('#visit-estimatedAmountYuan', '300000');
    await page.click('#ws-visits button[type=submit]');
    await page.locator('#visit-creditCode-error').waitFor({ state: 'visible' });
    expect(await page.getAttribute('#visit-creditCode', 'aria-invalid')).toBe('true');
    expect(await page.textContent('#ws-visits [role=alert]')).toContain('尚未保存任何内容');
    expect(await page.locator('#ws-visits tbody tr').count()).toBe(0);

    // Corrected: saved, and listed under this month's visits.
    await page.fill('#visit-creditCode', creditCode);
    await page.click('#ws-visits button[type=submit]');
    await expect.poll(() => page.textContent('#ws-visits [role=status]')).toContain('已保存走访：杭州西湖走访企业有限公司');
    expect(await page.isHidden('#visit-creditCode-error')).toBe(true);
    await expect.poll(() => page.locator('#ws-visits tbody tr').allTextContents()).toEqual([expect.stringContaining(creditCode)]);
    expect(await page.textContent('#ws-visits tbody tr')).toContain('电话走访');

    // The same enterprise and day again: recorded once.
    await page.fill('#visit-creditCode', creditCode);
    await page.fill('#visit-name', '杭州西湖走访企业有限公司');
    await page.click('#ws-visits button[type=submit]');
    await expect.poll(() => page.textContent('#ws-visits [role=status]')).toContain('未重复保存');
    expect(await page.locator('#ws-visits tbody tr').count()).toBe(1);

    // The declaration list, with contacts (audited), and its CSV.
    await expect.poll(() => page.textContent('#ws-lists')).toContain(declaredName);
    expect(await page.textContent('#ws-lists [role=status]')).toContain('含联系人信息');
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#ws-lists button[data-format=csv]')]);
    expect(download.suggestedFilename()).toMatch(/\.csv$/);
    const csv = readFileSync((await download.path())!, 'utf8');
    expect(csv.charCodeAt(0)).toBe(0xfeff);
    expect(csv).toContain(declaredName);

    expect(await seriousAccessibilityIssues(page)).toEqual([]);
    await page.context().close();
  });

  it('shows the prefecture coordinator every county’s progress, read only, and the lists without contacts', async () => {
    const page = await signedIn('hangzhou-tf', { width: 1280, height: 900 });
    await expect.poll(() => page.locator('#ws-nav a').allTextContents()).toEqual(['进展', '两张清单']);
    expect(await page.isHidden('#ws-visits')).toBe(true);
    const xihu = page.locator('#ws-progress tbody tr', { hasText: '西湖区' });
    await xihu.waitFor();
    // The need declared above counts in Xihu; every county of Hangzhou has its row.
    await expect.poll(async () => Number((await xihu.locator('td').nth(3).textContent()) ?? 0)).toBeGreaterThanOrEqual(1);
    expect(await page.locator('#ws-progress tbody tr').count()).toBeGreaterThan(10);
    await page.selectOption('#lists-county', '330106');
    await expect.poll(() => page.textContent('#ws-lists')).toContain(declaredName);
    expect(await page.textContent('#ws-lists [role=status]')).toContain('不含联系人信息');
    expect(await seriousAccessibilityIssues(page)).toEqual([]);

    // In English, the same view.
    await page.click('#lang-switch');
    await expect.poll(() => page.locator('#ws-nav a').allTextContents()).toEqual(['Progress', 'The two lists']);
    expect(await page.textContent('#ws-progress thead')).toContain('Enterprises visited');
    await page.context().close();
  });
});
