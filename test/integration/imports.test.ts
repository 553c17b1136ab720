// Bulk imports on the real local parts: POST /v1/imports (gateway, the template's authorizer, the
// local OpenID Provider's tokens) → a presigned PUT to the S3 emulator (SigV4 checked) → the
// template's S3 notification → the import worker (invoked asynchronously, as S3 does, then by itself
// chunk by chunk) → visits and plan entries in DynamoDB Local through the visit store → GET
// /v1/imports/{importId}. UTF-8 with BOM, GB18030 and XLSX files; a re-import writes nothing; the
// rejected rows download with their reasons; other counties get 403 / 404; malformed files fail or
// are partly rejected with reasons, never stuck; a restart mid-import resumes from its cursor.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import ExcelJS from 'exceljs';
import { zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalRuntime, type AnyHandler, type LocalRuntime } from '../../local/runtime';
import type { FunctionName } from '../../lib/routes';
import { IMPORT_LIMITS } from '../../shared/domain/import';
import { chinaDay } from '../../shared/domain/need-record';
import { counterRowsFromItems, diffCounters, recomputeCounters, splitItems } from '../../shared/domain/recompute';
import { encodeGb18030 } from '../support/gb18030';
import { freshCreditCode } from '../support/needs';
import { scanAll } from '../support/scan';

// The sweep resumes a running import without a worker after this long (60 s in AWS): the restart test.
process.env.IMPORT_STALLED_SECONDS = '1';

const COUNTY = '330106';
const OTHER_COUNTY = '330108';
const HEADER = '统一社会信用代码,企业名称,走访日期,走访方式,走访结果,预计融资金额（元）,备注';
const dataDir = mkdtempSync(path.join(tmpdir(), 'smefin-imports-'));
let runtime: LocalRuntime;
let db: DynamoDBDocumentClient;
const tokens: Record<string, string> = {};
/** Test switch: drop the worker's next-step invocations (the process "dies" between chunks). */
let dropSteps = false;

const today = chinaDay(new Date());
const thisMonth = today.slice(0, 7);
const lastMonth = (() => {
  const [y, m] = thisMonth.split('-').map(Number) as [number, number];
  return m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`;
})();
const DAY = `${lastMonth}-12`;

const wrapHandler = (name: FunctionName, handler: AnyHandler): AnyHandler =>
  name === 'import-worker'
    ? async (event, context) => {
        const step = event as { importId?: unknown; direct?: boolean };
        return dropSteps && typeof step.importId === 'string' && !step.direct ? 'dropped' : handler(event, context);
      }
    : handler;

// Built before the runtime starts: compressing 130 MB blocks the process (and so the local servers) for a while.
const ZIP_BOMB = zipSync({ 'xl/worksheets/sheet1.xml': new Uint8Array(130 * 1024 * 1024) }, { level: 9 });

const start = () => startLocalRuntime({ port: 0, dataDir, logLevel: 'ERROR', schedules: false, wrapHandler });

beforeAll(async () => {
  runtime = await start();
  db = DynamoDBDocumentClient.from(runtime.dynamodbClient);
  tokens.xihu = await runtime.mintToken({ jurisdiction: COUNTY, role: 'task_force', subject: 'xihu-importer' });
  tokens.binjiang = await runtime.mintToken({ jurisdiction: OTHER_COUNTY, role: 'task_force', subject: 'binjiang-importer' });
}, 300_000);

afterAll(async () => {
  await runtime?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

async function api(method: 'GET' | 'POST', pathname: string, token: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const send = () => fetch(`${runtime.url}${pathname}`, {
    method,
    headers: { Authorization: `Bearer ${token}`, 'Accept-Language': 'zh-CN', ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  // A GET is sent again when its keep-alive socket was reset (the worker runs in this process: while
  // it parses a large file the local server's idle sockets time out).
  const response = method === 'GET' ? await send().catch(send) : await send();
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

type Status = Record<string, unknown> & { status: string; rowsTotal: number | null; rowsDone: number; rowsAccepted: number; rowsRejected: number; rowsCreated: number; errorsUrl: string | null };

/** Polls the import until it is done or failed. */
async function finished(importId: string, token = tokens.xihu!): Promise<Status> {
  for (let i = 0; i < 600; i += 1) {
    const answer = await api('GET', `/v1/imports/${importId}`, token);
    expect(answer.status).toBe(200);
    const status = answer.body as Status;
    if (status.status === 'done' || status.status === 'failed') return status;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`import ${importId} did not finish`);
}

/** POST /v1/imports, then the file through the presigned PUT (a plain PUT of the bytes). */
async function importFile(bytes: Uint8Array, args: { kind?: string; fileName?: string; withSize?: boolean } = {}): Promise<string> {
  const created = await api('POST', '/v1/imports', tokens.xihu!, {
    kind: args.kind ?? 'visits',
    countyCode: COUNTY,
    fileName: args.fileName ?? 'visits.csv',
    ...(args.withSize ? { sizeBytes: bytes.length } : {}),
  });
  expect(created.status).toBe(201);
  const { importId, uploadUrl } = created.body as { importId: string; uploadUrl: string };
  expect(importId).toMatch(/^[0-9A-Z]{26}$/);
  expect(new URL(uploadUrl).searchParams.get('X-Amz-Signature')).toBeTruthy();
  const put = await fetch(uploadUrl, { method: 'PUT', body: new Uint8Array(bytes) });
  expect(put.status).toBe(200);
  return importId;
}

const csv = (lines: string[], bom = true) => Buffer.from(`${bom ? '\uFEFF' : ''}${[HEADER, ...lines].join('\r\n')}\r\n`, 'utf8');

async function visitItem(creditCode: string, day = DAY): Promise<Record<string, unknown> | undefined> {
  const { Item } = await db.send(
    new GetCommand({ TableName: runtime.tableNames.needs, Key: { pk: `VISITS#${COUNTY}#${day.slice(0, 7)}`, sk: `VISIT#${day}#${creditCode}` }, ConsistentRead: true }),
  );
  return Item;
}

async function counters(day: string): Promise<Record<string, unknown>> {
  const { Item } = await db.send(new GetCommand({ TableName: runtime.tableNames.counters, Key: { day, countyCode: COUNTY }, ConsistentRead: true }));
  const { day: _d, countyCode: _c, updatedAt: _u, ...rest } = Item ?? {};
  return rest;
}

describe('a CSV of visits (UTF-8 with BOM)', () => {
  const codes = [freshCreditCode(), freshCreditCode(), freshCreditCode()];
  const lines = [
    `${codes[0]},杭州导入一号有限公司,${DAY},实地走访,有融资需求,300000,扩大产能`,
    `${codes[1]},杭州导入二号有限公司,${DAY.replace(/-/g, '/')},phone,no_need,,`,
    // The same visit twice in the file: one visit.
    `${codes[0]},杭州导入一号有限公司,${DAY},实地走访,有融资需求,300000,扩大产能`,
    `${codes[2]},杭州导入三号有限公司,2026-02-30,实地走访,有融资需求,,`,
    `=HYPERLINK("http://evil.example"),@SUM(A1),${DAY},飞行,有融资需求,,`,
  ];
  let importId = '';
  let before: Record<string, unknown> = {};

  it('is imported: valid rows become visits by the importer, the others are rejected with reasons', async () => {
    before = await counters(DAY);
    importId = await importFile(csv(lines), { withSize: true });
    const status = await finished(importId);
    expect(status).toMatchObject({ status: 'done', rowsTotal: 5, rowsDone: 5, rowsAccepted: 3, rowsRejected: 2, rowsCreated: 2 });
    expect(await visitItem(codes[0]!)).toMatchObject({ itemType: 'visit', officer: 'xihu-importer', method: 'on_site', outcome: 'need_found', estimatedAmountYuan: 300000, note: '扩大产能', countedEntity: true });
    expect(await visitItem(codes[1]!)).toMatchObject({ method: 'phone', outcome: 'no_need', visitedOn: DAY });
    expect(await visitItem(codes[2]!, '2026-02-30')).toBeUndefined();
    const after = await counters(DAY);
    expect(Number(after.visits ?? 0) - Number(before.visits ?? 0)).toBe(2);
    expect(Number(after.visitedEntities ?? 0) - Number(before.visitedEntities ?? 0)).toBe(2);
  });

  it('the rejected rows download as CSV with the original columns and reasons in Chinese and English, formulas defused', async () => {
    const status = await finished(importId);
    const download = await fetch(status.errorsUrl!);
    expect(download.status).toBe(200);
    const bytes = Buffer.from(await download.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const rows = bytes.subarray(3).toString('utf8').trim().split('\r\n');
    expect(rows[0]).toBe(`行号 Row,${HEADER},原因,Reason`);
    expect(rows).toHaveLength(3);
    expect(rows[1]).toContain('2026-02-30');
    expect(rows[1]).toContain('走访日期');
    expect(rows[1]).toContain('visitedOn');
    // Line 6 of the file: the formula cells kept as text and defused; the bad method named.
    expect(rows[2]).toMatch(/^6,"'=HYPERLINK\(""http:\/\/evil\.example""\)",'@SUM\(A1\),/);
    expect(rows[2]).toContain('走访方式');
  });

  it('importing the same file again creates no visit and changes no counter', async () => {
    const again = await finished(await importFile(csv(lines)));
    expect(again).toMatchObject({ status: 'done', rowsAccepted: 3, rowsRejected: 2, rowsCreated: 0 });
    const after = await counters(DAY);
    expect(Number(after.visits)).toBe(Number(before.visits ?? 0) + 2);
  });
});

describe('encodings and formats', () => {
  it('a GB18030 CSV without BOM (what Chinese Excel writes)', async () => {
    const code = freshCreditCode();
    const text = `${HEADER}\r\n${code},杭州国标编码有限公司,${DAY},电话走访,无融资需求,,龘\r\n`;
    const bytes = encodeGb18030(text);
    expect(() => new TextDecoder('utf-8', { fatal: true }).decode(bytes)).toThrow();
    const status = await finished(await importFile(bytes));
    expect(status).toMatchObject({ status: 'done', rowsAccepted: 1, rowsCreated: 1 });
    expect(await visitItem(code)).toMatchObject({ name: '杭州国标编码有限公司', method: 'phone', note: '龘' });
  });

  it('an XLSX file: a date cell as a day, a formula cell as its text (never evaluated)', async () => {
    const [a, b] = [freshCreditCode(), freshCreditCode()];
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('走访');
    sheet.addRow(HEADER.split(','));
    sheet.addRow([a, '杭州表格一号有限公司', new Date(`${DAY}T00:00:00Z`), '座谈会', '已获得融资', 500000, '']);
    sheet.addRow([b, { formula: 'CONCAT("杭州","公式")', result: '杭州公式' }, DAY, '线上走访', '未能联系']);
    const bytes = new Uint8Array(await workbook.xlsx.writeBuffer());
    const status = await finished(await importFile(bytes, { fileName: '走访.xlsx' }));
    expect(status).toMatchObject({ status: 'done', rowsTotal: 2, rowsAccepted: 2 });
    expect(await visitItem(a)).toMatchObject({ method: 'meeting', outcome: 'already_financed', estimatedAmountYuan: 500000 });
    expect(await visitItem(b)).toMatchObject({ name: '=CONCAT("杭州","公式")', method: 'online', outcome: 'unreachable' });
  });

  it('a visit plan: one entry per enterprise and month, plannedEntities counted once', async () => {
    const [a, b] = [freshCreditCode(), freshCreditCode()];
    const plan = Buffer.from(`creditCode,name\r\n${a},计划一号\r\n${b},计划二号\r\n${a},计划一号\r\n`, 'utf8');
    const before = await counters(today);
    const status = await finished(await importFile(plan, { kind: 'visit_plan' }));
    expect(status).toMatchObject({ status: 'done', rowsAccepted: 3, rowsCreated: 2 });
    const { Items } = await db.send(
      new QueryCommand({ TableName: runtime.tableNames.needs, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': `PLANS#${COUNTY}#${thisMonth}` }, ConsistentRead: true }),
    );
    expect(Items!.map((i) => i.sk)).toEqual(expect.arrayContaining([`PLANNED#${a}`, `PLANNED#${b}`]));
    expect(Number((await counters(today)).plannedEntities ?? 0) - Number(before.plannedEntities ?? 0)).toBe(2);
    // Again: nothing new.
    expect(await finished(await importFile(plan, { kind: 'visit_plan' }))).toMatchObject({ status: 'done', rowsCreated: 0 });
    expect(Number((await counters(today)).plannedEntities ?? 0) - Number(before.plannedEntities ?? 0)).toBe(2);
  });
});

describe('who may import', () => {
  it('another county’s task force: 403 for its import, 404 for ours and for guessed ids', async () => {
    const refused = await api('POST', '/v1/imports', tokens.binjiang!, { kind: 'visits', countyCode: COUNTY, fileName: 'x.csv' });
    expect(refused.status).toBe(403);
    const importId = await importFile(csv([`${freshCreditCode()},杭州权限有限公司,${DAY},实地走访,有融资需求,,`]));
    await finished(importId);
    expect((await api('GET', `/v1/imports/${importId}`, tokens.binjiang!)).status).toBe(404);
    expect((await api('GET', '/v1/imports/01JZZZZZZZZZZZZZZZZZZZZZZZ', tokens.xihu!)).status).toBe(404);
    expect((await api('GET', '/v1/imports/not-an-id', tokens.xihu!)).status).toBe(404);
  });

  it('a bad request: 400 per field in Chinese, nothing created', async () => {
    const answer = await api('POST', '/v1/imports', tokens.xihu!, { kind: 'people', countyCode: COUNTY, fileName: '', extra: 1 });
    expect(answer.status).toBe(400);
    const pointers = (answer.body.errors as { pointer: string }[]).map((e) => e.pointer);
    expect(pointers).toEqual(expect.arrayContaining(['/kind', '/fileName']));
  });

  it('templates download with Chinese headers (CSV and XLSX)', async () => {
    const response = await fetch(`${runtime.url}/v1/imports/templates/visits.csv`, { headers: { Authorization: `Bearer ${tokens.xihu}` } });
    expect(response.status).toBe(200);
    expect((await response.text()).split('\r\n')[0]).toBe(HEADER);
    const xlsx = await fetch(`${runtime.url}/v1/imports/templates/visit_plan.xlsx`, {
      headers: { Authorization: `Bearer ${tokens.xihu}`, Accept: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' },
    });
    expect(xlsx.status).toBe(200);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(await xlsx.arrayBuffer());
    expect(workbook.worksheets[0]!.getRow(1).values).toEqual([undefined, '统一社会信用代码', '企业名称']);
  });
});

describe('malformed files end failed or partly rejected, with reasons', () => {
  const failure = async (bytes: Uint8Array, fileName = 'bad.csv') => {
    const status = await finished(await importFile(bytes, { fileName }));
    expect(status.status).toBe('failed');
    const reason = status.failure as { code: string; zh: string; en: string };
    expect(reason.zh).toMatch(/[\u4e00-\u9fff]/);
    expect(reason.en.length).toBeGreaterThan(10);
    return reason.code;
  };

  it('missing columns', async () => {
    expect(await failure(Buffer.from('统一社会信用代码,企业名称\r\n91330106MA27XK0Q3M,某公司\r\n'))).toBe('missing_columns');
  });

  it('bytes that are neither UTF-8 nor GB18030', async () => {
    expect(await failure(Buffer.from([0xef, 0xbb, 0xbf, 0x61, 0x0a, 0x81, 0x20, 0xff, 0xff, 0x0a]))).toBe('encoding');
  });

  it('more rows than allowed: failed before anything is written', async () => {
    const code = freshCreditCode();
    const row = `${code},杭州超限有限公司,${DAY},实地走访,有融资需求,,`;
    expect(await failure(csv(Array.from({ length: 50_001 }, () => row)))).toBe('too_many_rows');
    expect(await visitItem(code)).toBeUndefined();
  });

  it('a zip bomb named .xlsx', async () => {
    expect(ZIP_BOMB.length).toBeLessThan(1024 * 1024);
    expect(await failure(ZIP_BOMB, 'bomb.xlsx')).toBe('xlsx_too_large');
  });

  it('a file over 20 MB', async () => {
    expect(await failure(Buffer.alloc(20 * 1024 * 1024 + 1, 0x41))).toBe('file_too_large');
  });

  it('a huge single cell: that row rejected, the others imported', async () => {
    const code = freshCreditCode();
    const status = await finished(
      await importFile(csv([`${freshCreditCode()},杭州长单元格有限公司,${DAY},实地走访,有融资需求,,${'长'.repeat(3_000_000)}`, `${code},杭州正常有限公司,${DAY},实地走访,有融资需求,,`])),
    );
    expect(status).toMatchObject({ status: 'done', rowsAccepted: 1, rowsRejected: 1 });
    const text = await (await fetch(status.errorsUrl!)).text();
    expect(text).toContain('单元格超过 2000 个字符');
    expect(text.length).toBeLessThan(10_000);
  });
});

describe('an import whose worker stopped between chunks', () => {
  it('is resumed by the sweep from its cursor: every row once, counters exact', async () => {
    const rows = Array.from({ length: 5_000 }, () => `${freshCreditCode()},杭州续传有限公司,${DAY},实地走访,无融资需求,,`);
    const before = await counters(DAY);
    // The worker's next-step invocations are lost (as when the runtime stops between two steps).
    dropSteps = true;
    const importId = await importFile(csv(rows));
    let status: Status;
    for (;;) {
      status = (await api('GET', `/v1/imports/${importId}`, tokens.xihu!)).body as Status;
      if (status.rowsTotal === 5_000) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(status).toMatchObject({ status: 'running', rowsDone: 0 });
    // One chunk runs (its hand-over lost again): the cursor moves by one chunk.
    await runtime.invoke('import-worker', { importId, direct: true });
    expect((await api('GET', `/v1/imports/${importId}`, tokens.xihu!)).body).toMatchObject({ status: 'running', rowsDone: IMPORT_LIMITS.chunkRows });
    dropSteps = false;
    // The scheduled sweep (every 5 minutes) finds it stalled and resumes it.
    for (;;) {
      const sweep = (await runtime.invoke('import-worker', { source: 'schedule' })) as { toContinue: string[] };
      if (sweep.toContinue.includes(importId)) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const done = await finished(importId);
    expect(done).toMatchObject({ status: 'done', rowsDone: 5_000, rowsAccepted: 5_000, rowsCreated: 5_000 });
    const after = await counters(DAY);
    expect(Number(after.visits) - Number(before.visits ?? 0)).toBe(5_000);
  }, 120_000);

  it('the counters agree with the records (recompute audit, plannedEntities included)', async () => {
    const [needs, counterItems] = await Promise.all([scanAll(db, runtime.tableNames.needs), scanAll(db, runtime.tableNames.counters)]);
    const items = splitItems(needs);
    expect(items.plannedEntities.length).toBeGreaterThan(0);
    const live = counterRowsFromItems(counterItems);
    expect(live.some((row) => row.counters.plannedEntities)).toBe(true);
    expect(diffCounters(live, recomputeCounters(items))).toEqual([]);
  });
});
