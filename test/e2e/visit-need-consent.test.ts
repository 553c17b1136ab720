// A need the county task force entered from a visit without a signed consent, confirmed by the
// enterprise in a real browser against the whole local system: the SMS link opens the status page,
// which shows the need waiting for the owner's consent, the consent text naming the banks serving the
// county and a confirm button; confirming records the consent and the need is routed (the simulated
// banks take it up). axe-core finds no serious issue before or after.
import { randomInt, randomUUID } from 'node:crypto';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { chinaDay } from '../../shared/domain/need-record';
import { freshCreditCode, validSubmission } from '../support/needs';
import { launchBrowser, seriousAccessibilityIssues } from './browser';

const baseUrl = inject('baseUrl');
let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

/**
 * A function of the running system invoked as API Gateway invokes it, with the context the officials'
 * authorizer passes for the Xihu task force (the workspace signs in through the OpenID Provider; the
 * page under test here is the enterprise's).
 */
async function asXihuTaskForce(fn: string, resource: string, pathParameters: Record<string, string>, body: unknown) {
  const path = Object.entries(pathParameters).reduce((p, [name, value]) => p.replace(`{${name}}`, value), resource);
  const event = {
    httpMethod: 'POST',
    resource,
    path,
    pathParameters,
    queryStringParameters: null,
    headers: { 'content-type': 'application/json', 'accept-language': 'zh-CN' },
    body: JSON.stringify(body),
    isBase64Encoded: false,
    requestContext: { requestId: randomUUID(), authorizer: { sub: 'xihu-officer-e2e', role: 'task_force', jurisdiction: '330106' } },
  };
  const response = await fetch(`${baseUrl}/_local/functions/${fn}/invoke`, { method: 'POST', body: JSON.stringify(event) });
  const answer = (await response.json()) as { statusCode: number; body: string };
  return { status: answer.statusCode, body: JSON.parse(answer.body) as Record<string, any> };
}

async function smsLink(mobile: string): Promise<string> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const messages = (await (await fetch(`${baseUrl}/local/sms`, { headers: { Accept: 'application/json' } })).json()) as { to: string; text: string }[];
    const mine = messages.find((m) => m.to === mobile && m.text.includes('请确认授权'));
    if (mine) return /(https?:\/\/\S+)$/.exec(mine.text)![1]!;
    if (Date.now() > deadline) throw new Error(`no SMS reached ${mobile}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('confirming the consent of a need entered from a visit', () => {
  it('shows the need waiting with the consent naming the banks; the confirm button records it and the need is routed', async () => {
    const creditCode = freshCreditCode();
    const visitedOn = chinaDay(new Date());
    const visit = await asXihuTaskForce('visits', '/v1/counties/{countyCode}/visits', { countyCode: '330106' }, { creditCode, name: '杭州西湖走访食品有限公司', visitedOn, method: 'on_site', outcome: 'need_found' });
    expect(visit.status).toBe(201);
    const { consent: _form, ...form } = validSubmission();
    const mobile = `139${randomInt(10_000_000, 99_999_999)}`;
    const entered = await asXihuTaskForce(
      'visit-needs',
      '/v1/counties/{countyCode}/visits/{visitedOn}/{visitId}/needs',
      { countyCode: '330106', visitedOn, visitId: visit.body.visitId as string },
      { ...form, enterprise: { ...form.enterprise, creditCode }, contact: { name: '走访联系人', mobile } },
    );
    expect(entered).toMatchObject({ status: 201, body: { status: 'awaiting_consent' } });
    const banks = (await (await fetch(`${baseUrl}/v1/counties/330106/banks`)).json()) as { banks: { nameZh: string }[] };
    expect(banks.banks.length).toBeGreaterThan(0);

    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'zh-CN' });
    const page = await context.newPage();
    page.on('pageerror', (error) => {
      throw error;
    });
    await page.goto(await smsLink(mobile));
    await expect.poll(() => page.locator('#status-value').textContent(), { timeout: 15_000 }).toBe('等待您确认授权');
    const button = page.getByRole('button', { name: '我已阅读并同意，推送给以上银行' });
    await button.waitFor({ state: 'visible', timeout: 15_000 });
    const text = (await page.locator('#consent-renewal-text').textContent()) ?? '';
    for (const bank of banks.banks) expect(text).toContain(bank.nameZh);
    expect(await page.locator('#consent-new-banks').textContent()).toContain('县级工作专班根据走访为您登记了本需求');
    expect(await page.locator('#timeline').textContent()).toContain('等待企业确认授权');
    expect(await page.getByRole('button', { name: '修改需求' }).count()).toBe(0);
    expect(await seriousAccessibilityIssues(page)).toEqual([]);

    await button.click();
    await expect.poll(() => page.locator('#actions-done').textContent(), { timeout: 15_000 }).toBe('已记录您的授权同意，正在为您匹配银行。');
    expect(await page.locator('#consent-block').isHidden()).toBe(true);
    expect(await page.locator('#status-value').textContent()).not.toBe('等待您确认授权');
    expect(await page.locator('#timeline').textContent()).toContain('企业已确认授权同意');
    expect(await seriousAccessibilityIssues(page)).toEqual([]);

    // Routed: the simulated banks take the need up (the page's refresh shows it offered or beyond).
    await expect
      .poll(
        async () => {
          await page.click('#refresh');
          return page.locator('#timeline').textContent();
        },
        { timeout: 60_000, interval: 1_000 },
      )
      .toMatch(/已推荐给服务本地区的银行|已受理|未能提供授信|已授信/);
    await context.close();
  }, 150_000);
});
