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
/** How long a poll waits for what a server round trip changes on the page (the machine may be busy). */
const SERVER = { timeout: 30_000, interval: 100 };
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
    await expect.poll(() => page.textContent('#identity-role'), SERVER).toBe('工作专班');
    await expect.poll(() => page.locator('#ws-nav a').allTextContents(), SERVER).toEqual(['进展', '走访', '批量导入', '两张清单', '审核', '待处理', '负面清单']);

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
    await expect.poll(() => page.textContent('#ws-visits [role=status]'), SERVER).toContain('已保存走访：杭州西湖走访企业有限公司');
    expect(await page.isHidden('#visit-creditCode-error')).toBe(true);
    await expect.poll(() => page.locator('#ws-visits tbody tr').allTextContents(), SERVER).toEqual([expect.stringContaining(creditCode)]);
    expect(await page.textContent('#ws-visits tbody tr')).toContain('电话走访');

    // The same enterprise and day again: recorded once.
    await page.fill('#visit-creditCode', creditCode);
    await page.fill('#visit-name', '杭州西湖走访企业有限公司');
    await page.click('#ws-visits button[type=submit]');
    await expect.poll(() => page.textContent('#ws-visits [role=status]'), SERVER).toContain('未重复保存');
    expect(await page.locator('#ws-visits tbody tr').count()).toBe(1);

    // The declaration list, with contacts (audited), and its CSV.
    await expect.poll(() => page.textContent('#ws-lists'), SERVER).toContain(declaredName);
    expect(await page.textContent('#ws-lists [role=status]')).toContain('含联系人信息');
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#ws-lists button[data-format=csv]')]);
    expect(download.suggestedFilename()).toMatch(/\.csv$/);
    const csv = readFileSync((await download.path())!, 'utf8');
    expect(csv.charCodeAt(0)).toBe(0xfeff);
    expect(csv).toContain(declaredName);

    expect(await seriousAccessibilityIssues(page)).toEqual([]);
    await page.context().close();
  });

  it('records a visit with the keyboard alone: from the section link, through every field, to the saved message', async () => {
    const page = await signedIn('xihu-tf', { width: 390, height: 844 });
    const creditCode = freshCreditCode();
    // The section link, then the first field, by Tab and Enter only.
    await page.focus('#ws-nav a[href="#ws-visits"]');
    await page.keyboard.press('Enter');
    await page.focus('#visit-creditCode');
    await page.keyboard.type(creditCode);
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('visit-name');
    await page.keyboard.type('杭州西湖键盘走访有限公司');
    // The visit day (today by default): Chromium tabs through its year, month and day parts.
    const focused = () => page.evaluate(() => document.activeElement?.id);
    for (let i = 0; i < 5 && (await focused()) !== 'visit-method'; i++) await page.keyboard.press('Tab');
    expect(await focused()).toBe('visit-method');
    await page.keyboard.press('ArrowDown'); // 电话走访
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('visit-outcome');
    await page.keyboard.press('ArrowDown'); // 无融资需求
    // On through the banks present and the optional fields to the button, and Enter.
    for (let i = 0; i < 10 && (await page.evaluate(() => document.activeElement?.getAttribute('type'))) !== 'submit'; i++) await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('type'))).toBe('submit');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.textContent('#ws-visits [role=status]'), SERVER).toContain('已保存走访：杭州西湖键盘走访有限公司');
    const row = page.locator('#ws-visits tbody tr', { hasText: creditCode });
    expect(await row.textContent()).toContain('电话走访');
    expect(await row.textContent()).toContain('无融资需求');
    await page.context().close();
  });

  it('imports a 1,000-row CSV with a few bad rows, and gives the rejected rows back with their reasons', async () => {
    const page = await signedIn('xihu-tf', { width: 1280, height: 900 });
    const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
    const lines = ['统一社会信用代码,企业名称,走访日期,走访方式,走访结果,预计融资金额（元）,备注'];
    for (let row = 1; row <= 1000; row++) lines.push(`${freshCreditCode()},杭州西湖导入企业${row}号,${today},实地走访,有融资需求,${row * 1000},`);
    // Five bad rows: a wrong check character, a day that does not exist, an unknown method, no name, a day in the future.
    const bad = freshCreditCode();
    lines[10] = `${bad.slice(0, 17)}${bad.endsWith('0') ? '1' : '0'},坏行一,${today},实地走访,有融资需求,,`;
    lines[20] = `${freshCreditCode()},坏行二,2026-02-30,实地走访,有融资需求,,`;
    lines[30] = `${freshCreditCode()},坏行三,${today},飞鸽传书,有融资需求,,`;
    lines[40] = `${freshCreditCode()},,${today},电话走访,无融资需求,,`;
    lines[50] = `${freshCreditCode()},坏行五,2999-01-01,电话走访,无融资需求,,`;
    await page.click('a[href="#ws-imports"]');
    await page.selectOption('#import-kind', 'visits');
    await page.setInputFiles('#import-file', { name: '12月走访.csv', mimeType: 'text/csv', buffer: Buffer.from(`\uFEFF${lines.join('\r\n')}\r\n`, 'utf8') });
    await page.click('#ws-imports button[type=submit]');
    await expect.poll(() => page.textContent('#import-status'), { timeout: 150_000 }).toBe('导入完成：共 1000 行，接受 995 行，拒绝 5 行。');
    expect(await page.getAttribute('#import-progress', 'value')).toBe(await page.getAttribute('#import-progress', 'max'));
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#import-errors')]);
    const rejected = readFileSync((await download.path())!, 'utf8');
    const rows = rejected.replace(/^\uFEFF/, '').trim().split(/\r?\n/);
    expect(rows).toHaveLength(6);
    expect(rows[0]).toContain('统一社会信用代码');
    for (const name of ['坏行一', '坏行二', '坏行三', '坏行五']) expect(rejected).toContain(name);
    // The reasons, in Chinese and English.
    expect(rejected).toMatch(/校验/);
    expect(rejected).toMatch(/check/i);
    // The accepted rows are this month's visits.
    await page.reload();
    await page.locator('#identity').waitFor({ state: 'visible' });
    await expect.poll(() => page.locator('#ws-visits tbody tr').count(), SERVER).toBeGreaterThanOrEqual(200);
    expect(await seriousAccessibilityIssues(page)).toEqual([]);
    await page.context().close();
  }, 180_000);

  it('enters a need from a visit in a county that reviews by hand, recommends it, and routes a repairable decline again after amending it', async () => {
    const page = await signedIn('binjiang-tf', { width: 1280, height: 900 });
    const name = `杭州滨江走访融资${randomUUID().slice(0, 6)}有限公司`;
    // The visit that found the need.
    await page.fill('#visit-creditCode', freshCreditCode());
    await page.fill('#visit-name', name);
    await page.selectOption('#visit-method', 'on_site');
    await page.selectOption('#visit-outcome', 'need_found');
    await page.fill('#visit-estimatedAmountYuan', '500000');
    await page.click('#ws-visits button[type=submit]');
    const row = page.locator('#ws-visits tbody tr', { hasText: name });
    await row.locator('button[data-visit]').click();

    // The need, entered on the enterprise's behalf: the form's fields, a signed paper consent naming one bank.
    await page.locator('#visit-need').waitFor({ state: 'visible' });
    expect(await page.inputValue('#vn-need-amountYuan')).toBe('500000');
    await page.selectOption('#vn-enterprise-entityType', 'enterprise');
    await page.selectOption('#vn-enterprise-industryCode', 'C14');
    await page.fill('#vn-enterprise-employees', '25');
    await page.fill('#vn-enterprise-annualRevenueYuan', '4000000');
    await page.fill('#vn-enterprise-totalAssetsYuan', '3000000');
    await page.fill('#vn-enterprise-yearsInOperation', '5');
    await page.selectOption('#vn-enterprise-hasFixedPremises', 'true');
    await page.fill('#vn-contact-name', '陈静');
    await page.fill('#vn-contact-mobile', '13900139000');
    await page.fill('#vn-need-termMonths', '12');
    await page.selectOption('#vn-need-purpose', 'working_capital');
    await page.selectOption('#vn-need-guarantee', 'credit');
    await page.selectOption('#vn-need-firstLoan', 'false');
    // A mobile number that is not one is said beside its field; nothing is saved.
    await page.fill('#vn-contact-mobile', '1390013');
    await page.fill('#vn-consent-reference', 'BJ-2026-0001');
    await page.check('#vn-bank-zj-fengshou-rcb');
    await page.click('#visit-need button[type=submit]');
    await page.locator('#vn-contact-mobile-error').waitFor({ state: 'visible' });
    expect(await page.textContent('#visit-need [role=alert]')).toContain('尚未保存任何内容');
    await page.fill('#vn-contact-mobile', '13900139000');
    await page.click('#visit-need button[type=submit]');
    await expect.poll(() => page.textContent('#ws-visits [role=status]'), SERVER).toContain('已登记需求');
    await expect.poll(() => row.textContent(), SERVER).toContain('已登记需求');

    // 330108 reviews by hand: the need waits for the task force's decision.
    const review = page.locator('#ws-reviews tbody tr', { hasText: name });
    await expect.poll(async () => {
      await page.click('#reviews-refresh');
      return review.count();
    }, SERVER).toBe(1);
    await review.locator('input[type=checkbox]').check();
    await page.selectOption('#reviews-decision', 'recommend');
    await page.click('#ws-reviews button[type=submit]');
    await expect.poll(() => page.textContent('#reviews-status'), SERVER).toContain('已处理 1 条');

    // Offered to the bank the consent names, which declines above 300,000 yuan for a reason that can be put right.
    const item = page.locator('#esc-list li', { hasText: name });
    await expect.poll(async () => {
      await page.click('#esc-refresh');
      return item.count();
    }, { timeout: 60_000, interval: 500 }).toBe(1);
    expect(await item.textContent()).toContain('浙江丰收农商银行');
    expect(await item.textContent()).toContain('如何补正');
    expect(await seriousAccessibilityIssues(page)).toEqual([]);

    // Amended with the enterprise's agreement and routed again: granted this time.
    await item.locator('button[data-take]').click();
    await page.selectOption('#esc-action', 'amend');
    await page.fill('#esc-amountYuan', '200000');
    await page.selectOption('#esc-how', 'phone');
    await page.fill('#esc-note', '电话确认调整为20万元');
    await page.click('#esc-form button[type=submit]');
    await expect.poll(() => page.textContent('#esc-status'), SERVER).toContain(`已处理：${name}`);
    // The amended need is screened again and, the county reviewing by hand, reviewed again.
    await expect.poll(async () => {
      await page.click('#reviews-refresh');
      return review.count();
    }, SERVER).toBe(1);
    await review.locator('input[type=checkbox]').check();
    await page.selectOption('#reviews-decision', 'recommend');
    await page.click('#ws-reviews button[type=submit]');
    await expect.poll(() => page.textContent('#reviews-status'), SERVER).toContain('已处理 1 条');
    await page.selectOption('#lists-which', 'recommended');
    const listed = page.locator('#ws-lists tbody tr', { hasText: name });
    await expect.poll(async () => {
      await page.click('#ws-lists button[type=submit]');
      return (await listed.count()) === 1 ? listed.textContent() : '';
    }, { timeout: 90_000, interval: 1_000 }).toContain('已获授信');
    expect(await listed.textContent()).toContain('200,000');
    await page.context().close();
  }, 240_000);

  it('shows the prefecture coordinator every county’s progress, read only, and the lists without contacts', async () => {
    const page = await signedIn('hangzhou-tf', { width: 1280, height: 900 });
    await expect.poll(() => page.locator('#ws-nav a').allTextContents(), SERVER).toEqual(['进展', '两张清单', '审核', '待处理', '负面清单']);
    expect(await page.isHidden('#ws-visits')).toBe(true);
    const xihu = page.locator('#ws-progress tbody tr', { hasText: '西湖区' });
    await xihu.waitFor();
    // The need declared above counts in Xihu; every county of Hangzhou has its row.
    await expect.poll(async () => Number((await xihu.locator('td').nth(3).textContent()) ?? 0), SERVER).toBeGreaterThanOrEqual(1);
    // The enterprises Xihu visited this month (recorded and imported above).
    expect(Number((await xihu.locator('td').nth(0).textContent())?.replace(/,/g, ''))).toBeGreaterThanOrEqual(1);
    expect(await page.locator('#ws-progress tbody tr').count()).toBeGreaterThan(10);
    await page.selectOption('#lists-county', '330106');
    await expect.poll(() => page.textContent('#ws-lists'), SERVER).toContain(declaredName);
    expect(await page.textContent('#ws-lists [role=status]')).toContain('不含联系人信息');
    expect(await seriousAccessibilityIssues(page)).toEqual([]);

    // In English, the same view.
    await page.click('#lang-switch');
    await expect.poll(() => page.locator('#ws-nav a').allTextContents(), SERVER).toEqual(['Progress', 'The two lists', 'Review', 'Escalations', 'Negative list']);
    expect(await page.textContent('#ws-progress thead')).toContain('Enterprises visited');
    await page.context().close();
  });
});
