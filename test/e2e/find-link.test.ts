// Losing the status link and getting it back, in a real browser against the whole local system: the
// status page's "link not valid" answer leads to find.html; the credit code and mobile ask for a code;
// the code arrives in the local SMS outbox (/local/sms, as the emulated provider received it); the
// code opens the status page with a fresh link. axe-core finds no serious issue on the way.
import { randomInt } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
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


/** The code of the newest code message to `mobile` in the local outbox, once one is there. */
async function codeFromOutbox(page: Page, mobile: string): Promise<string> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const messages = (await (await fetch(`${baseUrl}/local/sms`, { headers: { Accept: 'application/json' } })).json()) as { to: string; text: string }[];
    // The code, not the need's SMS notices, which reach the same mobile as the need is routed.
    const mine = messages.find((m) => m.to === mobile && m.text.includes('验证码'));
    if (mine) return /\b(\d{6})\b/.exec(mine.text)![1]!;
    if (Date.now() > deadline) throw new Error(`no SMS reached ${mobile}`);
    await page.waitForTimeout(100);
  }
}

describe('getting the status link back', () => {
  it('leads from a broken link to a code by SMS and on to the status page with a fresh link', async () => {
    const submission = validSubmission();
    const mobile = `13${randomInt(100_000_000, 999_999_999)}`;
    submission.contact.mobile = mobile;
    const created = await fetch(`${baseUrl}/v1/needs`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(submission) });
    expect(created.status).toBe(201);
    const { needId, trackingToken } = (await created.json()) as { needId: string; trackingToken: string };

    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'zh-CN' });
    const page = await context.newPage();
    page.on('pageerror', (error) => {
      throw error;
    });
    // The link is lost: an old or broken one says so and leads to the recovery.
    await page.goto(`${baseUrl}/status.html#needId=${needId}&token=not-the-token`);
    const alert = page.locator('#status-alert');
    await alert.getByRole('link', { name: '找回办理进度链接' }).click();
    await page.waitForURL(/\/find\.html/);
    expect(await seriousAccessibilityIssues(page)).toEqual([]);

    // A bad mobile is shown next to its field, and nothing is sent.
    await page.fill('#find-creditCode', submission.enterprise.creditCode);
    await page.fill('#find-mobile', '12345');
    await page.click('#find-send');
    await expect.poll(() => page.locator('#find-mobile-error').textContent()).toContain('手机号码');
    expect(await page.locator('#find-mobile').getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator('#find-verify').isHidden()).toBe(true);

    await page.fill('#find-mobile', mobile);
    await page.keyboard.press('Enter');
    await page.locator('#find-verify').waitFor({ state: 'visible' });
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('find-code');
    expect(await seriousAccessibilityIssues(page)).toEqual([]);

    // A wrong code is refused next to the code field.
    const code = await codeFromOutbox(page, mobile);
    await page.fill('#find-code', code === '000000' ? '000001' : '000000');
    await page.click('#find-check');
    await expect.poll(() => page.locator('#find-code-error').textContent()).toContain('验证码不正确');

    await page.fill('#find-code', code);
    await page.click('#find-check');
    await page.waitForURL(/\/status\.html#/);
    await page.locator('#status-content').waitFor({ state: 'visible' });
    expect(await page.locator('#status-needId').textContent()).toBe(needId);
    const fresh = new URLSearchParams(new URL(page.url()).hash.slice(1)).get('token')!;
    expect(fresh).not.toBe(trackingToken);
    // The old link stops working.
    expect((await fetch(`${baseUrl}/v1/needs/${needId}`, { headers: { Authorization: `Bearer ${trackingToken}` } })).status).toBe(404);
    await context.close();
  });

  it('shows the local SMS outbox as a page, newest first, and as JSON', async () => {
    const context = await browser.newContext({ locale: 'zh-CN' });
    const page = await context.newPage();
    await page.goto(`${baseUrl}/local/sms`);
    expect(await page.locator('h1').textContent()).toContain('本地短信收件箱');
    expect(await seriousAccessibilityIssues(page)).toEqual([]);
    const list = (await (await fetch(`${baseUrl}/local/sms`, { headers: { Accept: 'application/json' } })).json()) as { at: string }[];
    const times = list.map((m) => Date.parse(m.at));
    expect(times).toEqual([...times].sort((a, b) => b - a));
    await context.close();
  });
});
