// Visits on the real local parts (gateway with the template's authorizer and the local OpenID
// Provider's tokens → the visits handler → DynamoDB Local): a county's task force records a visit
// (201), the same visit again is the one recorded (200, counters unchanged); the enterprise visited
// again that month is one more visit but not one more visited entity, and in the next month a
// visited entity again. Another county's task force, a regulator, bad input: refused, nothing
// written. The month's list for the county and the coordinators above it. The recompute from raw
// records agrees with the counters.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalRuntime, type LocalRuntime } from '../../local/runtime';
import { BankRegistryStore } from '../../shared/adapters/bank-registry-store';
import { parseBank } from '../../shared/domain/bank';
import { chinaDay } from '../../shared/domain/need-record';
import { counterRowsFromItems, diffCounters, recomputeCounters, splitItems } from '../../shared/domain/recompute';
import { freshCreditCode } from '../support/needs';
import { apiCall } from '../support/api-call';
import { scanAll } from '../support/scan';
import { SME_LOAN_PRODUCT } from '../support/test-banks';

const COUNTY = '330106';
const OTHER_COUNTY = '330108';
const dataDir = mkdtempSync(path.join(tmpdir(), 'smefin-visits-'));
let runtime: LocalRuntime;
let db: DynamoDBDocumentClient;
const tokens: Record<string, string> = {};

// Days of last month (CST) and the first of this month: always in the past, within a year.
const today = chinaDay(new Date());
const thisMonth = today.slice(0, 7);
const lastMonth = (() => {
  const [y, m] = thisMonth.split('-').map(Number) as [number, number];
  return m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`;
})();
const DAY_1 = `${lastMonth}-10`;
const DAY_2 = `${lastMonth}-20`;
const NEXT_MONTH_DAY = `${thisMonth}-01`;

beforeAll(async () => {
  runtime = await startLocalRuntime({ port: 0, dataDir, logLevel: 'ERROR', schedules: false });
  db = DynamoDBDocumentClient.from(runtime.dynamodbClient);
  const bank = parseBank({
    bankId: 'xihu-visit-bank',
    nameZh: '西湖走访测试银行',
    nameEn: 'Xihu Visit Test Bank',
    divisions: [COUNTY],
    products: [SME_LOAN_PRODUCT],
    capacity: 10,
    webhookUrl: 'https://xihu-visit-bank.example.cn/hook',
  });
  if (!bank.ok) throw new Error(JSON.stringify(bank.errors));
  await new BankRegistryStore(db, runtime.tableNames.needs).putBank(bank.bank, new Date());
  tokens.xihu = await runtime.mintToken({ jurisdiction: COUNTY, role: 'task_force', subject: 'xihu-officer-1' });
  tokens.binjiang = await runtime.mintToken({ jurisdiction: OTHER_COUNTY, role: 'task_force' });
  tokens.hangzhou = await runtime.mintToken({ jurisdiction: '330100', role: 'task_force' });
  tokens.regulator = await runtime.mintToken({ jurisdiction: COUNTY });
});

afterAll(async () => {
  await runtime?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

const call = apiCall(() => runtime.url);

const record = (body: unknown, token = tokens.xihu, county = COUNTY, language?: string) => call('POST', `/v1/counties/${county}/visits`, token, body, language);

async function counters(day: string, county = COUNTY): Promise<Record<string, unknown>> {
  const { Item } = await db.send(new GetCommand({ TableName: runtime.tableNames.counters, Key: { day, countyCode: county }, ConsistentRead: true }));
  const { day: _d, countyCode: _c, updatedAt: _u, ...rest } = Item ?? {};
  return rest;
}

const scan = (table: string) => scanAll(db, table);

const visit = (creditCode: string, visitedOn: string, extra: Record<string, unknown> = {}) => ({
  creditCode,
  name: '杭州西湖走访测试有限公司',
  visitedOn,
  method: '实地走访',
  outcome: 'need_found',
  ...extra,
});

describe('recording visits', () => {
  const code = freshCreditCode();

  it('a task force records a visit (201); the same visit again answers the one recorded (200), counters unchanged', async () => {
    const first = await record(visit(code, DAY_1, { bankIds: ['xihu-visit-bank'], estimatedAmountYuan: 800_000, note: '扩大产能' }));
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({
      visitId: expect.stringMatching(/^[0-9A-Z]{26}$/),
      countyCode: COUNTY,
      creditCode: code,
      visitedOn: DAY_1,
      method: 'on_site',
      outcome: 'need_found',
      bankIds: ['xihu-visit-bank'],
      estimatedAmountYuan: 800_000,
      note: '扩大产能',
      officer: 'xihu-officer-1',
      recordedAt: expect.any(String),
    });
    expect(await counters(DAY_1)).toEqual({ visits: 1, visitedEntities: 1 });

    const again = await record(visit(code, DAY_1, { method: 'phone', outcome: 'no_need' }));
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    expect(await counters(DAY_1)).toEqual({ visits: 1, visitedEntities: 1 });
  });

  it('the same enterprise another day that month: one visit more, no visited entity more; next month one again', async () => {
    expect((await record(visit(code, DAY_2, { method: 'phone' }))).status).toBe(201);
    expect(await counters(DAY_2)).toEqual({ visits: 1 });
    expect(await counters(DAY_1)).toEqual({ visits: 1, visitedEntities: 1 });

    // Another enterprise the same day counts on its own.
    expect((await record(visit(freshCreditCode(), DAY_2))).status).toBe(201);
    expect(await counters(DAY_2)).toEqual({ visits: 2, visitedEntities: 1 });

    expect((await record(visit(code, NEXT_MONTH_DAY, { outcome: '已获得融资' }))).status).toBe(201);
    expect(await counters(NEXT_MONTH_DAY)).toMatchObject({ visits: 1, visitedEntities: 1 });
  });

  it('refuses another county’s task force, a coordinator and a regulator (403), and a request without a token (401): nothing written', async () => {
    const other = freshCreditCode();
    for (const [token, county] of [
      [tokens.binjiang, COUNTY],
      [tokens.hangzhou, COUNTY],
      [tokens.regulator, COUNTY],
      [tokens.xihu, OTHER_COUNTY],
    ] as const) {
      const answer = await record(visit(other, DAY_1), token, county);
      expect(answer.status).toBe(403);
      expect(answer.type).toMatch(/^application\/problem\+json/);
      expect(answer.body).toMatchObject({ type: '/problems/forbidden', status: 403 });
    }
    expect((await call('POST', `/v1/counties/${COUNTY}/visits`, undefined, visit(other, DAY_1))).status).toBe(401);
    expect(await counters(DAY_1, OTHER_COUNTY)).toEqual({});
    expect(await counters(DAY_1)).toEqual({ visits: 1, visitedEntities: 1 });
    const list = await call('GET', `/v1/counties/${COUNTY}/visits?month=${lastMonth}`, tokens.xihu);
    expect((list.body.visits as { creditCode: string }[]).map((v) => v.creditCode)).not.toContain(other);
  });

  it('answers bad input with 400 problem+json, one error per field in Chinese and English, and writes nothing', async () => {
    const before = await scan(runtime.tableNames.needs);
    for (const language of ['zh-CN', 'en']) {
      const answer = await record(
        { creditCode: '9133010652601815X9', name: '', visitedOn: '2026-02-30', method: 'walk', outcome: 'need_found', estimatedAmountYuan: 10, note: 'a\u202Eb', officer: 'me' },
        tokens.xihu,
        COUNTY,
        language,
      );
      expect(answer.status).toBe(400);
      expect(answer.type).toMatch(/^application\/problem\+json/);
      expect(answer.body).toMatchObject({ type: '/problems/validation', status: 400 });
      expect(answer.body.detail).toMatch(language === 'en' ? /^Correct/ : /字段/);
      const errors = answer.body.errors as { pointer: string; code: string; message: { zh: string; en: string } }[];
      expect(errors.map((e) => `${e.pointer} ${e.code}`).sort()).toEqual(
        ['/creditCode credit_code.check', '/name enterprise.name', '/visitedOn visit.date', '/method visit.method', '/estimatedAmountYuan amount.range', '/note text.bidi', '/officer unknown_field'].sort(),
      );
      for (const error of errors) expect(error.message).toEqual({ zh: expect.stringMatching(/[\u4e00-\u9fff]/), en: expect.stringMatching(/[A-Za-z]/) });
    }
    // A day after today (China time); a bank that does not serve the county.
    const nextYear = `${Number(today.slice(0, 4)) + 1}-01-01`;
    expect(await record(visit(freshCreditCode(), nextYear))).toMatchObject({ status: 400, body: { errors: [{ pointer: '/visitedOn', code: 'visit.date_future' }] } });
    expect(await record(visit(freshCreditCode(), DAY_1, { bankIds: ['silent-national-bank', 'no-such-bank'] }))).toMatchObject({
      status: 400,
      body: { errors: [{ pointer: '/bankIds', code: 'visit.bank_not_serving' }] },
    });
    expect(await record('not an object')).toMatchObject({ status: 400, body: { errors: [{ pointer: '', code: 'type' }] } });
    expect(await scan(runtime.tableNames.needs)).toEqual(before);
  });
});

describe('the month’s visits', () => {
  it('lists the county’s visits of a month to its task force and the prefecture’s coordinator; others 403; a bad month 400', async () => {
    const own = await call('GET', `/v1/counties/${COUNTY}/visits?month=${lastMonth}`, tokens.xihu);
    expect(own.status).toBe(200);
    expect(own.body).toMatchObject({ countyCode: COUNTY, month: lastMonth });
    const visits = own.body.visits as { visitedOn: string; countyCode: string; officer: string }[];
    expect(visits.length).toBe(3);
    expect(visits.every((v) => v.visitedOn.startsWith(lastMonth) && v.countyCode === COUNTY && v.officer === 'xihu-officer-1')).toBe(true);
    expect(visits.map((v) => v.visitedOn)).toEqual([DAY_1, DAY_2, DAY_2]);
    expect(own.body.nextCursor).toBeUndefined();

    const coordinator = await call('GET', `/v1/counties/${COUNTY}/visits?month=${lastMonth}`, tokens.hangzhou);
    expect(coordinator.status).toBe(200);
    expect(coordinator.body.visits).toEqual(own.body.visits);

    expect((await call('GET', `/v1/counties/${COUNTY}/visits?month=${lastMonth}`, tokens.binjiang)).status).toBe(403);
    expect((await call('GET', `/v1/counties/${COUNTY}/visits?month=${lastMonth}`, tokens.regulator)).status).toBe(403);
    expect(await call('GET', `/v1/counties/${COUNTY}/visits?month=2026-13`, tokens.xihu)).toMatchObject({ status: 400, body: { errors: [{ code: 'month.invalid' }] } });
    expect(await call('GET', `/v1/counties/${COUNTY}/visits?month=${lastMonth}&cursor=bm9wZQ`, tokens.xihu)).toMatchObject({ status: 400, body: { errors: [{ code: 'cursor.invalid' }] } });
    const empty = await call('GET', `/v1/counties/${OTHER_COUNTY}/visits?month=${lastMonth}`, tokens.binjiang);
    expect(empty).toMatchObject({ status: 200, body: { countyCode: OTHER_COUNTY, visits: [] } });
  });
});

describe('audit', () => {
  it('the recompute from raw records (visits and their month markers) agrees with the counters', async () => {
    const live = counterRowsFromItems(await scan(runtime.tableNames.counters));
    const items = splitItems(await scan(runtime.tableNames.needs));
    expect(items.visits.length).toBe(4);
    expect(items.visitedEntities.length).toBe(3);
    expect(live.some((row) => row.counters.visitedEntities)).toBe(true);
    expect(diffCounters(live, recomputeCounters(items))).toEqual([]);
  });
});
