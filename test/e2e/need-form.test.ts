// The enterprise's journey in a real browser (the machine's Chromium) against the whole local system:
// fill the form in Chinese, submit, see the receipt, open the status page; bad input shows its error
// next to the field; axe-core finds no serious accessibility issue.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { freshCreditCode } from '../support/needs';
import { launchBrowser, seriousAccessibilityIssues } from './browser';

const baseUrl = inject('baseUrl');
let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

async function newPage(viewport = { width: 1280, height: 900 }): Promise<Page> {
  const context = await browser.newContext({ viewport, locale: 'zh-CN' });
  const page = await context.newPage();
  page.on('pageerror', (error) => {
    throw error;
  });
  return page;
}

async function fillValidForm(page: Page, creditCode: string): Promise<void> {
  await page.fill('#enterprise-name', '杭州西湖食品有限公司');
  await page.fill('#enterprise-creditCode', creditCode);
  await page.selectOption('#enterprise-entityType', 'enterprise');
  await page.selectOption('#enterprise-province', { label: '浙江省' });
  await page.selectOption('#enterprise-prefecture', { label: '杭州市' });
  await page.selectOption('#enterprise-countyCode', '330106');
  await page.selectOption('#enterprise-industrySection', 'C');
  await page.selectOption('#enterprise-industryCode', 'C14');
  await page.fill('#enterprise-employees', '25');
  await page.fill('#enterprise-annualRevenueYuan', '4000000');
  await page.fill('#enterprise-totalAssetsYuan', '3000000');
  await page.fill('#enterprise-yearsInOperation', '5');
  await page.check('#enterprise-hasFixedPremises-true');
  await page.fill('#contact-name', '王丽');
  await page.fill('#contact-mobile', '13800138000');
  await page.fill('#need-amountYuan', '500000');
  await page.fill('#need-termMonths', '12');
  await page.selectOption('#need-purpose', 'working_capital');
  await page.selectOption('#need-guarantee', 'credit');
  await page.check('#need-firstLoan-true');
  await page.fill('#need-description', '采购原料');
  await page.check('#consent-shareWithBanks');
}


describe('need form', () => {
  it('submits a need in Chinese, shows the receipt, and the status page shows its timeline', async () => {
    const page = await newPage();
    await page.goto(`${baseUrl}/`);
    expect(await page.getAttribute('html', 'lang')).toBe('zh-CN');
    expect(await seriousAccessibilityIssues(page)).toEqual([]);

    const creditCode = freshCreditCode();
    await fillValidForm(page, creditCode);
    await page.click('#submit');

    await page.waitForSelector('#receipt:visible');
    const needId = (await page.textContent('#receipt-needId'))?.trim() ?? '';
    expect(needId).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
    const statusHref = (await page.getAttribute('#receipt-status-link', 'href')) ?? '';
    expect(statusHref).toContain(`/status.html#needId=${needId}&token=`);
    expect(statusHref).not.toContain('?');
    expect(await seriousAccessibilityIssues(page)).toEqual([]);

    await page.click('#receipt-status-link');
    await page.waitForURL(/status\.html#/);
    await page.waitForSelector('#timeline li');
    // Routing starts at once (simulated banks), so the need may already have moved on.
    expect((await page.textContent('#status-value'))?.trim()).toMatch(/^(已提交|初步核查中|已列入推荐清单|已推送银行|银行已受理|已获授信|已放款)$/);
    expect(await page.locator('#timeline li').first().textContent()).toContain('已提交');
    expect(await page.textContent('#status-enterpriseName')).toContain('杭州西湖食品有限公司');
    expect(await seriousAccessibilityIssues(page)).toEqual([]);
    await page.context().close();
  });

  it('shows a bad credit code next to its field, and sends nothing while the form is invalid', async () => {
    const page = await newPage();
    const requests: string[] = [];
    page.on('request', (request) => {
      if (request.url().includes('/v1/needs')) requests.push(request.method());
    });
    await page.goto(`${baseUrl}/`);
    const code = freshCreditCode();
    await fillValidForm(page, code.slice(0, 17) + (code.endsWith('0') ? '1' : '0'));
    await page.click('#submit');

    const error = page.locator('#enterprise-creditCode-error');
    await error.waitFor({ state: 'visible' });
    expect(await error.textContent()).toContain('校验位');
    expect(await page.getAttribute('#enterprise-creditCode', 'aria-invalid')).toBe('true');
    expect(await page.getAttribute('#enterprise-creditCode', 'aria-describedby')).toContain('enterprise-creditCode-error');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('enterprise-creditCode');
    expect(requests).toEqual([]);
    // The summary above the form names the field and leads to it.
    const summary = page.locator('#form-error-summary');
    expect(await summary.isVisible()).toBe(true);
    const link = summary.getByRole('link', { name: /统一社会信用代码.*校验位/ });
    await page.focus('#enterprise-name');
    await link.click();
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('enterprise-creditCode');
    expect(await seriousAccessibilityIssues(page)).toEqual([]);
    await page.context().close();
  });

  it('takes amounts in 万元, shows the yuan they make, and sends yuan', async () => {
    const page = await newPage({ width: 390, height: 844 });
    await page.goto(`${baseUrl}/`);
    await fillValidForm(page, freshCreditCode());
    await page.selectOption('#need-amountYuan-unit', 'wan');
    await page.fill('#need-amountYuan', '50');
    expect(await page.textContent('#need-amountYuan-reading')).toBe('= 500,000 元');
    // The unit is said once: by its control, not in the label.
    expect(await page.textContent('label[for="need-amountYuan"]')).not.toContain('元');
    expect(await page.getAttribute('#need-amountYuan-unit', 'aria-label')).toBe('金额单位');
    await page.click('#submit');
    await page.waitForSelector('#receipt:visible');
    await page.click('#receipt-status-link');
    await page.waitForSelector('#timeline li');
    expect(await page.textContent('#status-amount')).toContain('500,000');
    expect(await seriousAccessibilityIssues(page)).toEqual([]);
    await page.context().close();
  });

  it('shows a character nobody types (a right-to-left override) next to its field, and sends nothing', async () => {
    const page = await newPage();
    const requests: string[] = [];
    page.on('request', (request) => {
      if (request.url().includes('/v1/needs')) requests.push(request.method());
    });
    await page.goto(`${baseUrl}/`);
    await fillValidForm(page, freshCreditCode());
    await page.fill('#enterprise-name', '杭州西湖\u202e司公限有品食');
    await page.click('#submit');
    const error = page.locator('#enterprise-name-error');
    await error.waitFor({ state: 'visible' });
    expect(await error.textContent()).toContain('文字显示方向');
    expect(await page.getAttribute('#enterprise-name', 'aria-invalid')).toBe('true');
    expect(requests).toEqual([]);
    await page.context().close();
  });

  it('retries with the same Idempotency-Key when the answer is lost, and shows the receipt of the need the server stored', async () => {
    const page = await newPage();
    const keys: string[] = [];
    let stored: { needId: string } | undefined;
    await page.route('**/v1/needs', async (route) => {
      keys.push(route.request().headers()['idempotency-key'] ?? '');
      if (keys.length > 1) return route.continue();
      // The server stores the need; its answer is lost on the way back.
      stored = (await (await route.fetch()).json()) as { needId: string };
      await route.abort('connectionreset');
    });
    await page.goto(`${baseUrl}/`);
    await fillValidForm(page, freshCreditCode());
    await page.click('#submit');

    await page.waitForSelector('#receipt:visible');
    expect(keys).toHaveLength(2);
    expect(keys[1]).toBe(keys[0]);
    expect(keys[0]).toMatch(/^[0-9a-f-]{36}$/);
    expect((await page.textContent('#receipt-needId'))?.trim()).toBe(stored?.needId);
    await page.click('#receipt-status-link');
    await page.waitForSelector('#timeline li');
    expect(await page.textContent('#status-enterpriseName')).toContain('杭州西湖食品有限公司');
    await page.context().close();
  });

  it('says it is confirming while the server answers "outcome unknown", and keeps retrying with the same key', async () => {
    const page = await newPage();
    const keys: string[] = [];
    await page.route('**/v1/needs', async (route) => {
      keys.push(route.request().headers()['idempotency-key'] ?? '');
      if (keys.length > 2) return route.continue();
      // What the API answers when DynamoDB stalls: the first attempt does reach the server.
      if (keys.length === 1) await route.fetch();
      await route.fulfill({
        status: 503,
        headers: { 'Content-Type': 'application/problem+json', 'Retry-After': '1' },
        body: JSON.stringify({ type: '/problems/outcome-unknown', title: '无法确认请求是否已保存', status: 503, detail: '请重试' }),
      });
    });
    await page.goto(`${baseUrl}/`);
    await fillValidForm(page, freshCreditCode());
    await page.click('#submit');
    await page.waitForFunction(() => document.getElementById('submit')?.textContent === '正在确认提交结果…');
    await page.waitForSelector('#receipt:visible');
    expect(keys).toHaveLength(3);
    expect(new Set(keys).size).toBe(1);
    expect(await page.isVisible('#receipt-earlier')).toBe(false);
    await page.context().close();
  });

  it("shows the server's refusal: a second open need for the same enterprise", async () => {
    const page = await newPage({ width: 390, height: 844 }); // a phone
    const creditCode = freshCreditCode();
    await page.goto(`${baseUrl}/`);
    await fillValidForm(page, creditCode);
    // A need only the silent simulated bank can take, so it stays open while the test runs.
    await page.fill('#enterprise-annualRevenueYuan', '10000000');
    await page.fill('#need-amountYuan', '25000000');
    await page.selectOption('#need-guarantee', 'collateral');
    await page.selectOption('#need-purpose', 'equipment');
    await page.click('#submit');
    await page.waitForSelector('#receipt:visible');

    const second = await newPage({ width: 390, height: 844 });
    await second.goto(`${baseUrl}/`);
    await fillValidForm(second, creditCode);
    await second.click('#submit');
    const alert = second.locator('#form-alert');
    await alert.waitFor({ state: 'visible' });
    expect(await alert.textContent()).toContain('已有一笔办理中的融资需求');
    // It leads to getting the link back, with the credit code filled in.
    await alert.getByRole('link', { name: /找回办理进度链接/ }).click();
    await second.waitForURL(/\/find\.html#/);
    expect(await second.inputValue('#find-creditCode')).toBe(creditCode);
    await page.context().close();
    await second.context().close();
  });

  it('finds the industry by everyday words, keyboard only, and hides the sections no small enterprise belongs to', async () => {
    const page = await newPage({ width: 390, height: 844 });
    await page.goto(`${baseUrl}/`);
    const sections = await page.locator('#enterprise-industrySection option').evaluateAll((options) => options.map((o) => (o as HTMLOptionElement).value));
    expect(sections).not.toContain('S');
    expect(sections).not.toContain('T');
    await page.focus('#industry-search');
    await page.keyboard.type('面馆');
    const first = page.locator('#industry-results button').first();
    expect(await first.textContent()).toContain('H62 餐饮业');
    expect(await seriousAccessibilityIssues(page)).toEqual([]);
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-code'))).toBe('H62');
    await page.keyboard.press('Enter');
    expect(await page.inputValue('#enterprise-industrySection')).toBe('H');
    expect(await page.inputValue('#enterprise-industryCode')).toBe('H62');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('enterprise-industryCode');
    expect(await page.locator('#industry-search-status').textContent()).toContain('H62');
    // Enter in the search box takes the best result (and does not submit the form).
    await page.fill('#industry-search', '民宿');
    await page.press('#industry-search', 'Enter');
    expect(await page.inputValue('#enterprise-industryCode')).toBe('H61');
    expect(await page.locator('#form-alert').textContent()).toBe('');
    // Finance is explained when chosen.
    await page.selectOption('#enterprise-industrySection', 'J');
    expect(await page.locator('#industry-finance-note').textContent()).toContain('小额贷款公司');
    await page.context().close();
  });

  it('opens the status page in the language the form was filled in, on another host name too', async () => {
    const page = await newPage();
    await page.goto(`${baseUrl}/`);
    await fillValidForm(page, freshCreditCode());
    await page.click('#lang-switch');
    await page.click('#submit');
    await page.waitForSelector('#receipt:visible');
    const href = (await page.getAttribute('#receipt-status-link', 'href')) ?? '';
    expect(new URLSearchParams(new URL(href).hash.slice(1)).get('lang')).toBe('en');
    // localhost and 127.0.0.1 keep separate storage: the link itself carries the language.
    const other = new URL(href);
    other.hostname = other.hostname === 'localhost' ? '127.0.0.1' : 'localhost';
    const fresh = await newPage();
    await fresh.goto(other.href);
    await fresh.waitForSelector('#timeline li');
    expect(await fresh.getAttribute('html', 'lang')).toBe('en');
    expect(await fresh.textContent('h1')).toBe('Progress of your financing need');
    await page.context().close();
    await fresh.context().close();
  });

  it("names the chosen county's banks in the consent (zh and en), sends their ids, and the status page gives the county's task force", async () => {
    const page = await newPage();
    const sent: { consent: { textVersion: string; bankIds?: string[] } }[] = [];
    page.on('request', (request) => {
      if (request.method() === 'POST' && request.url().endsWith('/v1/needs')) sent.push(request.postDataJSON() as (typeof sent)[number]);
    });
    await page.goto(`${baseUrl}/`);
    const consent = page.locator('#consent-body');
    expect(await consent.textContent()).toContain('选择注册所在地后');

    // Dongguan: a prefecture with one county, chosen for the person; the Zhejiang bank does not serve it.
    await page.selectOption('#enterprise-province', { label: '广东省' });
    await page.selectOption('#enterprise-prefecture', { label: '东莞市' });
    await expect.poll(() => consent.textContent()).toContain('惠民银行（模拟）');
    expect(await consent.textContent()).not.toContain('浙江丰收农商银行');

    await fillValidForm(page, freshCreditCode());
    await expect.poll(() => consent.textContent()).toContain('浙江丰收农商银行（模拟）、长江银行（模拟）、惠民银行（模拟）');
    expect(await seriousAccessibilityIssues(page)).toEqual([]);
    await page.click('#lang-switch');
    expect(await consent.textContent()).toContain('Zhejiang Fengshou Rural Commercial Bank (simulated), Changjiang Bank (simulated), Huimin Bank (simulated)');
    await page.click('#lang-switch');

    await page.click('#submit');
    await page.waitForSelector('#receipt:visible');
    expect(sent.map((body) => body.consent)).toEqual([{ shareWithBanks: true, textVersion: '2026-12', bankIds: ['zj-fengshou-rcb', 'changjiang-bank', 'huimin-bank'] }]);

    await page.click('#receipt-status-link');
    await page.waitForURL(/status\.html#/);
    const card = page.locator('#status-task-force');
    await card.waitFor({ state: 'visible' });
    expect(await card.textContent()).toContain('西湖区小微企业融资协调工作专班（模拟）');
    expect(await card.locator('a[href^="tel:"]').getAttribute('href')).toBe('tel:057100000106');
    expect(await seriousAccessibilityIssues(page)).toEqual([]);
    await page.context().close();
  });

  it('switches to English without reloading and keeps what was typed', async () => {
    const page = await newPage();
    await page.goto(`${baseUrl}/`);
    await page.fill('#enterprise-name', 'Hangzhou Xihu Foods');
    await page.click('#lang-switch');
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    expect(await page.inputValue('#enterprise-name')).toBe('Hangzhou Xihu Foods');
    expect(await page.textContent('label[for="enterprise-creditCode"]')).toMatch(/credit code/i);
    expect(await seriousAccessibilityIssues(page)).toEqual([]);
    await page.context().close();
  });
});

describe('the whole loop, as npm start runs it', () => {
  it('a need submitted in the form is routed to a simulated bank and reaches granted on its own, step by step on the status page', async () => {
    const page = await newPage();
    await page.goto(`${baseUrl}/`);
    await fillValidForm(page, freshCreditCode());
    // A credit loan of 2.5 million only the granting simulated bank offers: the path is deterministic.
    await page.fill('#need-amountYuan', '2500000');
    await page.click('#submit');
    await page.waitForSelector('#receipt:visible');
    await page.click('#receipt-status-link');
    await page.waitForSelector('#timeline li');

    const seen = new Set<string>();
    const deadline = Date.now() + 90_000;
    for (;;) {
      const status = (await page.getAttribute('#status-value', 'data-status')) ?? '';
      seen.add(status);
      if (status === 'granted' || status === 'disbursed' || Date.now() > deadline) break;
      // Nobody clicks "refresh": the page fetches an open need again on its own.
      await page.waitForTimeout(500);
    }
    expect(['granted', 'disbursed']).toContain(await page.getAttribute('#status-value', 'data-status'));
    const steps = await page.locator('#timeline li').allTextContents();
    expect(steps.length).toBeGreaterThanOrEqual(6); // submitted, screening, recommended, offered, accepted, granted
    expect(steps.join('\n')).toContain('模拟'); // the (simulated) bank's name, shown once it accepted
    // The bank card: the bank, the branch it named, and the terms granted.
    const card = page.locator('#status-bank');
    expect(await card.isVisible()).toBe(true);
    expect(await card.textContent()).toContain('服务网点');
    expect(await card.textContent()).toMatch(/年利率\s*\d+\.\d{2}%/);
    expect(await card.getByRole('link', { name: '400-000-0000' }).getAttribute('href')).toBe('tel:4000000000');
    expect(await seriousAccessibilityIssues(page)).toEqual([]);

    // Followed in English: the same history, every line in English (the bank's English name, amounts formatted).
    await page.click('#lang-switch');
    await page.waitForFunction(() => document.documentElement.lang === 'en');
    const english = await page.locator('#timeline li').allTextContents();
    expect(english).toHaveLength(steps.length);
    expect(english.join('\n')).not.toMatch(/[\u4e00-\u9fff]/u);
    expect(english.join('\n')).toMatch(/granted 2,500,000 yuan at \d+\.\d{2}% a year for \d+ months/);
    await page.context().close();
  }, 120_000);
});

describe('acting on a decline', () => {
  it('a bank declines for a reason that can be put right; the owner amends the amount on the status page, prefilled, and the need is routed again to a grant', async () => {
    const page = await newPage({ width: 390, height: 844 });
    await page.goto(`${baseUrl}/`);
    await fillValidForm(page, freshCreditCode());
    // Only the Zhejiang simulated bank lends on a guarantor for 3 months; above 300,000 yuan it
    // declines for repayment capacity (repairable), and no other bank fits: unmatched.
    await page.selectOption('#need-guarantee', 'guarantor');
    await page.fill('#need-termMonths', '3');
    await page.click('#submit');
    await page.waitForSelector('#receipt:visible');
    await page.click('#receipt-status-link');
    await page.waitForFunction(() => document.querySelector('#status-value')?.getAttribute('data-status') === 'unmatched', undefined, { timeout: 60_000 });
    expect((await page.locator('#timeline li').allTextContents()).join('\n')).toContain('该情形可以补正');

    await page.click('#amend-open');
    expect(await page.inputValue('#amend-amountYuan')).toBe('500000');
    expect(await page.inputValue('#amend-guarantee')).toBe('guarantor');
    expect(await page.isChecked('#amend-hasFixedPremises')).toBe(true);
    expect(await seriousAccessibilityIssues(page)).toEqual([]);
    // An amount the API refuses: its message next to the field, nothing changed.
    await page.fill('#amend-amountYuan', '10');
    await page.click('#amend-submit');
    await page.waitForSelector('#amend-amountYuan-error:visible');
    expect(await page.textContent('#amend-amountYuan-error')).toContain('1,000');
    expect(await page.getAttribute('#status-value', 'data-status')).toBe('unmatched');

    await page.fill('#amend-amountYuan', '300000');
    await page.click('#amend-submit');
    await page.waitForFunction(() => (document.querySelector('#actions-done')?.textContent ?? '') !== '');
    expect(await page.textContent('#actions-done')).toContain('已提交修改');
    // The page follows the new round by itself: screened, offered to the bank that declined, granted.
    await page.waitForFunction(() => ['granted', 'disbursed'].includes(document.querySelector('#status-value')?.getAttribute('data-status') ?? ''), undefined, { timeout: 90_000 });
    const steps = (await page.locator('#timeline li').allTextContents()).join('\n');
    expect(steps).toMatch(/已修改需求（融资金额）/);
    expect(await page.textContent('#status-amount')).toContain('300,000');
    expect(await page.locator('#amend-block').isHidden()).toBe(true);
    expect(await seriousAccessibilityIssues(page)).toEqual([]);
    await page.context().close();
  }, 180_000);
});
