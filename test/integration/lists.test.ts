// The county lists on the real local parts (gateway with the template's authorizer and the local
// OpenID Provider's tokens → the lists handler → DynamoDB Local; needs submitted through the API and
// screened by the local workflow): the county's task force gets both lists with contacts in JSON,
// CSV (BOM, Chinese headers) and XLSX (read back with exceljs), each answer audited in the county's
// partition; the prefecture coordinator gets them without contacts and unaudited; another county's
// task force and a regulator 403; bad list or format 400 in Chinese and English; an unknown county 404.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalRuntime, type LocalRuntime } from '../../local/runtime';
import { needKey } from '../../shared/adapters/need-repository';
import { eventually } from '../support/aws-emulator';
import { validSubmission } from '../support/needs';

const COUNTY = '330106';
const dataDir = mkdtempSync(path.join(tmpdir(), 'smefin-lists-'));
let runtime: LocalRuntime;
let db: DynamoDBDocumentClient;
const tokens: Record<string, string> = {};
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

interface Submitted {
  needId: string;
  name: string;
  status: string;
}
const submitted: Submitted[] = [];

async function submit(name: string, mobile: string, fixedPremises: boolean): Promise<Submitted> {
  const submission = validSubmission();
  submission.enterprise.name = name;
  submission.enterprise.hasFixedPremises = fixedPremises;
  submission.contact.mobile = mobile;
  const response = await fetch(`${runtime.url}/v1/needs`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(submission) });
  expect(response.status).toBe(201);
  const { needId } = (await response.json()) as { needId: string };
  // Screened by the local workflow: past submitted and screening.
  const status = await eventually(async () => {
    const { Item } = await db.send(new GetCommand({ TableName: runtime.tableNames.needs, Key: needKey(needId), ConsistentRead: true }));
    return Item && !['submitted', 'screening'].includes(String(Item.status)) ? String(Item.status) : undefined;
  }, 30_000);
  return { needId, name, status };
}

beforeAll(async () => {
  runtime = await startLocalRuntime({ port: 0, dataDir, logLevel: 'ERROR', schedules: false });
  db = DynamoDBDocumentClient.from(runtime.dynamodbClient);
  tokens.xihu = await runtime.mintToken({ jurisdiction: COUNTY, role: 'task_force', subject: 'xihu-lists-officer' });
  tokens.binjiang = await runtime.mintToken({ jurisdiction: '330108', role: 'task_force' });
  tokens.hangzhou = await runtime.mintToken({ jurisdiction: '330100', role: 'task_force', subject: 'hangzhou-coordinator' });
  tokens.regulator = await runtime.mintToken({ jurisdiction: COUNTY });
  submitted.push(await submit('杭州西湖清单甲有限公司', '13900000001', true));
  submitted.push(await submit('=HYPERLINK("http://x")清单乙', '13900000002', true));
  submitted.push(await submit('杭州西湖清单丙有限公司', '13900000003', false));
}, 120_000);

afterAll(async () => {
  await runtime?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

const get = (query: string, token: string | undefined, headers: Record<string, string> = {}, county = COUNTY) =>
  fetch(`${runtime.url}/v1/lists/${county}${query}`, { headers: { ...(token ? { Authorization: `Bearer ${token}` } : {}), 'Accept-Language': 'zh-CN', ...headers } });

async function auditRecords(): Promise<Record<string, unknown>[]> {
  const { Items } = await db.send(
    new QueryCommand({ TableName: runtime.tables.find((t) => t.startsWith('DataAudit'))!, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': `COUNTY#${COUNTY}` }, ConsistentRead: true }),
  );
  return Items ?? [];
}

interface JsonList {
  countyCode: string;
  list: string;
  contacts: boolean;
  needs: { needId: string; status: string; enterpriseName: string; screening: { outcome: string; reasons: { code: string; zh: string }[] }; contact?: { name: string; mobile: string } }[];
}

describe('the county task force', () => {
  it('the needs were screened: the one without fixed premises not recommended, the others recommended or beyond', () => {
    expect(submitted[2]!.status).toBe('not_recommended');
    expect(submitted.slice(0, 2).map((s) => s.status)).not.toContain('not_recommended');
  });

  it('gets the declaration list in JSON: every screened need with its outcome, reasons and contact; audited', async () => {
    const before = (await auditRecords()).length;
    const response = await get('?list=declared&format=json', tokens.xihu);
    expect(response.status).toBe(200);
    const body = (await response.json()) as JsonList;
    expect(body).toMatchObject({ countyCode: COUNTY, list: 'declared', contacts: true });
    expect(body.needs.map((n) => n.needId)).toEqual(submitted.map((s) => s.needId));
    const rejected = body.needs[2]!;
    expect(rejected.screening).toEqual({ outcome: 'not_recommended', reasons: [{ code: 'no_fixed_premises', zh: '无固定经营场所' }] });
    expect(rejected.contact).toEqual({ name: '王丽', mobile: '13900000003' });
    expect(body.needs[0]!.screening.outcome).toBe('recommended');
    const records = await auditRecords();
    expect(records.length).toBe(before + 1);
    expect(records.at(-1)).toMatchObject({ kind: 'list-export', who: 'xihu-lists-officer', countyCode: COUNTY, list: 'declared', format: 'json', needCount: 3 });
  });

  it('gets the recommendation list: the recommended needs only', async () => {
    const body = (await (await get('?list=recommended', tokens.xihu)).json()) as JsonList;
    expect(body.needs.map((n) => n.needId)).toEqual(submitted.slice(0, 2).map((s) => s.needId));
    expect(body.needs.every((n) => n.contact?.name === '王丽')).toBe(true);
  });

  it('downloads CSV: UTF-8 with BOM, Chinese headers, contacts, formulas defused; audited', async () => {
    const before = (await auditRecords()).length;
    const response = await get('?list=declared&format=csv', tokens.xihu);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/csv; charset=utf-8/);
    expect(response.headers.get('content-disposition')).toMatch(/^attachment; filename="smefin-330106-declared-\d{4}-\d{2}-\d{2}\.csv"$/);
    const bytes = Buffer.from(await response.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = bytes.toString('utf8').slice(1).split('\r\n');
    expect(lines[0]).toBe(
      '需求编号,提交时间（北京时间）,企业名称,统一社会信用代码,行业代码,行业,企业规模,融资金额（元）,期限（月）,用途,担保方式,状态,初筛结果,初筛原因代码,初筛原因,审核结果,审核期限（北京时间）,审核原因,联系人,联系电话',
    );
    expect(lines[2]).toContain(`"'=HYPERLINK(""http://x"")清单乙"`);
    expect(lines[3]).toContain('不予推荐,no_fixed_premises,无固定经营场所,,,,王丽,13900000003');
    expect((await auditRecords()).at(-1)).toMatchObject({ kind: 'list-export', format: 'csv' });
    expect((await auditRecords()).length).toBe(before + 1);
  });

  it('downloads XLSX, read back with exceljs: headers, rows, contacts', async () => {
    const response = await get('?list=recommended&format=xlsx', tokens.xihu, { Accept: XLSX });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe(XLSX);
    expect(response.headers.get('content-disposition')).toMatch(/filename="smefin-330106-recommended-[\d-]+\.xlsx"/);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(Buffer.from(await response.arrayBuffer()) as unknown as ArrayBuffer);
    const sheet = workbook.worksheets[0]!;
    expect(sheet.name).toBe('推荐清单');
    const row = (n: number) => (sheet.getRow(n).values as unknown[]).slice(1);
    expect(row(1)[0]).toBe('需求编号');
    expect(row(1).at(-1)).toBe('联系电话');
    expect(row(2)[0]).toBe(submitted[0]!.needId);
    expect(row(2)[2]).toBe('杭州西湖清单甲有限公司');
    expect(row(2)[7]).toBe(500_000);
    expect(row(2).at(-1)).toBe('13900000001');
    expect(sheet.rowCount).toBe(3);
    expect((await auditRecords()).at(-1)).toMatchObject({ kind: 'list-export', list: 'recommended', format: 'xlsx', needCount: 2 });
  });
});

describe('everyone else', () => {
  it('the prefecture coordinator gets the lists without contact details, and no audit record', async () => {
    const before = (await auditRecords()).length;
    const body = (await (await get('?list=declared', tokens.hangzhou)).json()) as JsonList;
    expect(body.contacts).toBe(false);
    expect(body.needs.map((n) => n.needId)).toEqual(submitted.map((s) => s.needId));
    expect(body.needs.every((n) => n.contact === undefined)).toBe(true);
    const csv = await (await get('?list=declared&format=csv', tokens.hangzhou)).text();
    expect(csv).not.toMatch(/联系人|1390000000/);
    expect((await auditRecords()).length).toBe(before);
  });

  it('another county’s task force and a regulator: 403, nothing disclosed', async () => {
    for (const token of [tokens.binjiang, tokens.regulator]) {
      const response = await get('?list=declared', token);
      expect(response.status).toBe(403);
      expect(await response.text()).not.toContain(submitted[0]!.needId);
    }
    expect((await get('?list=declared', undefined)).status).toBe(401);
  });

  it('a bad list or format: 400 problem+json in Chinese and English', async () => {
    const zh = await get('?list=all&format=pdf', tokens.xihu);
    expect(zh.status).toBe(400);
    expect(zh.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const body = (await zh.json()) as { detail: string; errors: { code: string; message: { zh: string; en: string } }[] };
    expect(body.detail).toBe('请求参数有误');
    expect(body.errors.map((e) => e.code)).toEqual(['list.invalid', 'format.invalid']);
    expect(body.errors[1]!.message).toEqual({ zh: '格式应为 json、csv 或 xlsx', en: 'format must be json, csv or xlsx' });
    const en = await get('?format=csv', tokens.xihu, { 'Accept-Language': 'en' });
    expect(en.status).toBe(400);
    const enBody = (await en.json()) as { detail: string; errors: { code: string; message: { en: string } }[] };
    expect(enBody.detail).toBe('Invalid parameters');
    expect(enBody.errors.map((e) => [e.code, e.message.en])).toEqual([['list.invalid', 'list must be declared or recommended']]);
  });

  it('an unknown county: 404', async () => {
    expect((await get('?list=declared', tokens.xihu, {}, '339999')).status).toBe(404);
  });
});
