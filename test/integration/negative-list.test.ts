// The negative list in the workspace on the real local parts (gateway with the template's authorizer
// and the local OpenID Provider's tokens → the negative-list handler → DynamoDB Local; the routing
// workflow from the needs stream): the county's task force adds an entry and the next need of that
// credit code is not recommended with the entry's reason code; expired, the next one is recommended
// again; an entry expired before it began is withdrawn from screening. Imports of CSV in UTF-8 (BOM)
// and GB18030 with bad rows, formulas as text, a repeated key; imported again, nothing changes. Every
// change has its audit record (the official's sub, the county's partition); refusals write nothing.
// The 403/404/400 matrix: another county, a coordinator writing, a regulator, guessed ids.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalRuntime, type LocalRuntime } from '../../local/runtime';
import { chinaDay } from '../../shared/domain/need-record';
import { shiftDay } from '../../shared/domain/working-days';
import { negativeScreeningKey } from '../../shared/adapters/negative-list-store';
import { encodeGb18030 } from '../support/gb18030';
import { freshCreditCode, validSubmission } from '../support/needs';

const COUNTY = '330106';
const OTHER_COUNTY = '330108';
const dataDir = mkdtempSync(path.join(tmpdir(), 'smefin-negative-list-'));
let runtime: LocalRuntime;
let db: DynamoDBDocumentClient;
const tokens = {} as Record<'xihu' | 'binjiang' | 'hangzhou' | 'regulator' | 'admin', string>;
const today = chinaDay(new Date());
const monthAgo = shiftDay(today, -30);

beforeAll(async () => {
  runtime = await startLocalRuntime({ port: 0, dataDir, logLevel: 'ERROR', schedules: false });
  db = DynamoDBDocumentClient.from(runtime.dynamodbClient);
  tokens.xihu = await runtime.mintToken({ jurisdiction: COUNTY, role: 'task_force', subject: 'xihu-nl-officer' });
  tokens.binjiang = await runtime.mintToken({ jurisdiction: OTHER_COUNTY, role: 'task_force', subject: 'binjiang-nl-officer' });
  tokens.hangzhou = await runtime.mintToken({ jurisdiction: '330100', role: 'task_force' });
  tokens.regulator = await runtime.mintToken({ jurisdiction: COUNTY });
  tokens.admin = await runtime.mintToken({ jurisdiction: '330000', role: 'admin', subject: 'zhejiang-admin' });
}, 240_000);

afterAll(async () => {
  await runtime?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

interface Answer {
  status: number;
  type: string;
  body: Record<string, any>;
}

async function call(method: 'GET' | 'POST', pathAndQuery: string, token: string | undefined, body?: unknown, headers: Record<string, string> = {}): Promise<Answer> {
  const raw = body instanceof Uint8Array || typeof body === 'string';
  const response = await fetch(`${runtime.url}${pathAndQuery}`, {
    method,
    headers: {
      ...(token ? { Authorization: `Bearer ${token}` } : {}),
      ...(body === undefined || raw ? {} : { 'Content-Type': 'application/json' }),
      'Accept-Language': 'zh-CN',
      ...headers,
    },
    ...(body === undefined ? {} : { body: raw ? (body as BodyInit) : JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, type: response.headers.get('content-type') ?? '', body: text ? JSON.parse(text) : {} };
}

const list = (county = COUNTY) => `/v1/counties/${county}/negative-list`;
const csvPost = (county: string, token: string, bytes: Uint8Array | string, contentType = 'text/csv') =>
  call('POST', `${list(county)}/imports`, token, bytes, { 'Content-Type': contentType });

const auditTable = () => runtime.tables.find((t) => t.startsWith('DataAudit'))!;
async function auditRecords(county = COUNTY): Promise<Record<string, any>[]> {
  const { Items } = await db.send(
    new QueryCommand({ TableName: auditTable(), KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': `COUNTY#${county}` }, ConsistentRead: true }),
  );
  return (Items ?? []).filter((item) => item.kind === 'negative-list-change');
}
async function registerItems(county = COUNTY): Promise<Record<string, any>[]> {
  const { Items } = await db.send(
    new QueryCommand({ TableName: runtime.tableNames.needs, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': `NEGLIST#${county}` }, ConsistentRead: true }),
  );
  return Items ?? [];
}

/** Submits a need of the credit code in the county and waits for its screening. */
async function screenedNeed(creditCode: string): Promise<{ status: string; screening: { recommended: boolean; reasons: { code: string }[] } }> {
  const submission = validSubmission();
  submission.enterprise.creditCode = creditCode;
  const response = await fetch(`${runtime.url}/v1/needs`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(submission) });
  expect(response.status).toBe(201);
  const { needId } = (await response.json()) as { needId: string };
  const deadline = Date.now() + 60_000;
  for (;;) {
    const { Item } = await db.send(new GetCommand({ TableName: runtime.tableNames.needs, Key: { pk: `NEED#${needId}`, sk: 'NEED' }, ConsistentRead: true }));
    // Screened, and closed or past screening: the credit code is free for the next need.
    if (Item?.screening && ['not_recommended', 'unmatched', 'offered'].includes(Item.status as string)) return Item as never;
    if (Date.now() > deadline) throw new Error(`need ${needId} not screened: ${JSON.stringify(Item?.status)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('an entry added in the workspace', () => {
  const code = freshCreditCode();
  let entryId = '';

  it('is added (201), audited with the officer’s sub, and the next need of the credit code is not recommended with its reason code', async () => {
    const before = (await auditRecords()).length;
    const added = await call('POST', list(), tokens.xihu, { creditCode: code.toLowerCase(), reasonCode: 'abnormal_operation', source: '西湖区市场监管局通报', validFrom: monthAgo, note: '走访中发现' });
    expect(added.status).toBe(201);
    expect(added.body).toMatchObject({
      outcome: 'added',
      entry: { creditCode: code, jurisdiction: COUNTY, reasonCode: 'abnormal_operation', reason: { zh: '经营异常名录' }, validFrom: monthAgo, note: '走访中发现', status: 'in_force', recordedBy: 'xihu-nl-officer' },
    });
    entryId = added.body.entry.entryId;
    const audits = await auditRecords();
    expect(audits).toHaveLength(before + 1);
    expect(audits.at(-1)).toMatchObject({ kind: 'negative-list-change', who: 'xihu-nl-officer', countyCode: COUNTY, action: 'add', entryId, reasonCode: 'abnormal_operation', validFrom: monthAgo, via: 'form' });
    expect(JSON.stringify(audits.at(-1))).not.toContain(code);

    const need = await screenedNeed(code);
    expect(need.status).toBe('not_recommended');
    expect(need.screening.reasons.map((r) => r.code)).toContain('negative_list.abnormal_operation');
  }, 90_000);

  it('added again is the same entry: 200 unchanged, nothing written, no audit record', async () => {
    const before = (await auditRecords()).length;
    const again = await call('POST', list(), tokens.xihu, { creditCode: code, reasonCode: 'abnormal_operation', source: '西湖区市场监管局通报', validFrom: monthAgo });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ outcome: 'unchanged', entry: { entryId, note: '走访中发现' } });
    expect(await auditRecords()).toHaveLength(before);
  });

  it('is listed for the county’s task force and, read only, for the prefecture coordinator', async () => {
    for (const token of [tokens.xihu, tokens.hangzhou, tokens.admin]) {
      const page = await call('GET', `${list()}?creditCode=${code}`, token);
      expect(page.status).toBe(200);
      expect(page.body.entries).toEqual([expect.objectContaining({ entryId, creditCode: code, status: 'in_force' })]);
    }
    expect((await call('POST', list(), tokens.hangzhou, { creditCode: code, reasonCode: 'other', source: 'x' })).status).toBe(403);
  });

  it('expired now: yesterday is its last day, audited, and the next need of the credit code is recommended again', async () => {
    const before = (await auditRecords()).length;
    const expired = await call('POST', `${list()}/${entryId}/expiry`, tokens.xihu);
    expect(expired.status).toBe(200);
    expect(expired.body).toMatchObject({ outcome: 'expired', entry: { entryId, validTo: shiftDay(today, -1), status: 'expired', updatedBy: 'xihu-nl-officer' } });
    const audits = await auditRecords();
    expect(audits).toHaveLength(before + 1);
    expect(audits.at(-1)).toMatchObject({ action: 'expire', entryId, validTo: shiftDay(today, -1), who: 'xihu-nl-officer' });

    const need = await screenedNeed(code);
    expect(need.screening.reasons.map((r) => r.code)).not.toContain('negative_list.abnormal_operation');
    expect(need.screening.recommended).toBe(true);

    const twice = await call('POST', `${list()}/${entryId}/expiry`, tokens.xihu);
    expect(twice.status).toBe(409);
    expect(twice.type).toContain('application/problem+json');
    expect(await auditRecords()).toHaveLength(before + 1);
  }, 90_000);

  it('an entry starting today, expired now, is withdrawn: screening no longer has its item', async () => {
    const other = freshCreditCode();
    const added = await call('POST', list(), tokens.xihu, { creditCode: other, reasonCode: 'illegal_fundraising', source: '公安通报' });
    expect(added.body.entry).toMatchObject({ validFrom: today, status: 'in_force' });
    const key = negativeScreeningKey({ creditCode: other, jurisdiction: COUNTY, reasonCode: 'illegal_fundraising', validFrom: today });
    expect((await db.send(new GetCommand({ TableName: runtime.tableNames.needs, Key: key, ConsistentRead: true }))).Item).toBeDefined();
    const withdrawn = await call('POST', `${list()}/${added.body.entry.entryId}/expiry`, tokens.xihu, {});
    expect(withdrawn.body).toMatchObject({ outcome: 'withdrawn', entry: { status: 'withdrawn' } });
    expect((await db.send(new GetCommand({ TableName: runtime.tableNames.needs, Key: key, ConsistentRead: true }))).Item).toBeUndefined();
    expect((await auditRecords()).at(-1)).toMatchObject({ action: 'withdraw', entryId: added.body.entry.entryId });
  });

  it('an admin of the province may add to the county; a later end date is set by an expiry on a day', async () => {
    const added = await call('POST', list(), tokens.admin, { creditCode: freshCreditCode(), reasonCode: 'other', source: '省级通报', validFrom: monthAgo });
    expect(added.status).toBe(201);
    expect((await auditRecords()).at(-1)).toMatchObject({ who: 'zhejiang-admin', action: 'add' });
    const later = shiftDay(today, 10);
    const onDay = await call('POST', `${list()}/${added.body.entry.entryId}/expiry`, tokens.xihu, { validTo: later });
    expect(onDay.body).toMatchObject({ outcome: 'expired', entry: { validTo: later, status: 'in_force' } });
    const tooLate = await call('POST', `${list()}/${added.body.entry.entryId}/expiry`, tokens.xihu, { validTo: shiftDay(later, 1) });
    expect(tooLate.status).toBe(400);
    expect(tooLate.body.errors).toEqual([expect.objectContaining({ pointer: '/validTo', code: 'negative_list.expiry_later' })]);
  });
});

describe('refusals write nothing', () => {
  it('403 for another county’s task force, a regulator and a coordinator writing; 401 without a token', async () => {
    const entry = { creditCode: freshCreditCode(), reasonCode: 'other', source: 'x' };
    const before = { register: (await registerItems()).length, audit: (await auditRecords()).length };
    expect((await call('POST', list(), tokens.binjiang, entry)).status).toBe(403);
    expect((await call('GET', list(), tokens.binjiang)).status).toBe(403);
    expect((await call('GET', list(), tokens.regulator)).status).toBe(403);
    expect((await call('POST', list(), tokens.hangzhou, entry)).status).toBe(403);
    expect((await csvPost(COUNTY, tokens.binjiang, `creditCode,jurisdiction,reasonCode,source,validFrom,validTo\n${entry.creditCode},${COUNTY},other,x,${today},\n`)).status).toBe(403);
    expect((await call('POST', list(), undefined, entry)).status).toBe(401);
    expect({ register: (await registerItems()).length, audit: (await auditRecords()).length }).toEqual(before);
  });

  it('404 for another county’s entry id and for made-up ids; 403 on the other county’s own path', async () => {
    const theirs = await call('POST', list(OTHER_COUNTY), tokens.binjiang, { creditCode: freshCreditCode(), reasonCode: 'other', source: '滨江通报', validFrom: monthAgo });
    expect(theirs.status).toBe(201);
    const id = theirs.body.entry.entryId as string;
    const guessed = await call('POST', `${list()}/${id}/expiry`, tokens.xihu);
    expect(guessed.status).toBe(404);
    expect(guessed.type).toContain('application/problem+json');
    expect((await call('POST', `${list()}/${'0'.repeat(32)}/expiry`, tokens.xihu)).status).toBe(404);
    expect((await call('POST', `${list()}/not-an-id/expiry`, tokens.xihu)).status).toBe(404);
    expect((await call('POST', `${list(OTHER_COUNTY)}/${id}/expiry`, tokens.xihu)).status).toBe(403);
    expect((await call('GET', list(OTHER_COUNTY), tokens.binjiang)).body.entries).toEqual([expect.objectContaining({ entryId: id, status: 'in_force' })]);
  });

  it('400 per field in Chinese and English, nothing written', async () => {
    const before = { register: (await registerItems()).length, audit: (await auditRecords()).length };
    const body = { creditCode: '91330106ABC', reasonCode: 'gambling', source: '', validFrom: '2026-02-30', extra: 1 };
    const zh = await call('POST', list(), tokens.xihu, body);
    expect(zh.status).toBe(400);
    expect(zh.type).toContain('application/problem+json');
    const pointers = (zh.body.errors as { pointer: string }[]).map((e) => e.pointer).sort();
    expect(pointers).toEqual(['/creditCode', '/extra', '/reasonCode', '/source', '/validFrom']);
    const en = await call('POST', list(), tokens.xihu, body, { 'Accept-Language': 'en' });
    const reason = (en.body.errors as { pointer: string; message: { zh: string; en: string } }[]).find((e) => e.pointer === '/reasonCode')!;
    expect(reason.message.zh).toMatch(/原因代码/);
    expect(reason.message.en).toMatch(/reason code/);
    expect((await call('POST', list(), tokens.xihu, { creditCode: freshCreditCode(), reasonCode: 'other', source: 'x', validFrom: today, validTo: monthAgo })).body.errors).toEqual([
      expect.objectContaining({ pointer: '/validTo', code: 'negative_list.window' }),
    ]);
    expect((await call('POST', `/v1/counties/999999/negative-list`, tokens.xihu, body)).status).toBe(400);
    expect({ register: (await registerItems()).length, audit: (await auditRecords()).length }).toEqual(before);
  });
});

describe('an import of a CSV file', () => {
  const header = 'creditCode,jurisdiction,reasonCode,source,validFrom,validTo';
  const [a, b, c, d] = [freshCreditCode(), freshCreditCode(), freshCreditCode(), freshCreditCode()];
  const rows = [
    header,
    `${a},${COUNTY},dishonest_judgment_debtor,最高人民法院失信被执行人名单,${monthAgo},`,
    `${b},${COUNTY},serious_violation,"=HYPERLINK(""http://x.example"",""点我"")",${monthAgo},${shiftDay(today, 100)}`,
    `91330106XXXXXXXXX0,${COUNTY},other,来源,${monthAgo},`,
    `${c},${OTHER_COUNTY},other,滨江的条目,${monthAgo},`,
    `${d},${COUNTY},unknown_reason,来源,2026-13-01,`,
    `${a},${COUNTY},dishonest_judgment_debtor,最高人民法院（更正）,${monthAgo},`,
  ];
  const csv = rows.join('\r\n') + '\r\n';
  let importAudits = 0;

  it('in GB18030: each row accepted or rejected with its reason in zh and en; formulas kept as text; the last of a repeated key; every written row audited', async () => {
    const gb = encodeGb18030(csv);
    expect(() => new TextDecoder('utf-8', { fatal: true }).decode(gb)).toThrow();
    const before = (await auditRecords()).length;
    const answer = await csvPost(COUNTY, tokens.xihu, gb);
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ countyCode: COUNTY, rowsTotal: 6, rowsAccepted: 2, rowsAdded: 2, rowsRejected: 4, rowsNotProcessed: 0 });
    const byLine = Object.fromEntries((answer.body.rows as { line: number }[]).map((r) => [r.line, r]));
    expect(byLine[2]).toMatchObject({ status: 'rejected', message: { zh: expect.stringContaining('第 7 行'), en: expect.stringContaining('line 7') } });
    expect(byLine[3]).toMatchObject({ status: 'added', creditCode: b });
    expect(byLine[4]).toMatchObject({ status: 'rejected', message: { zh: expect.stringContaining('creditCode'), en: expect.stringContaining('creditCode') } });
    expect(byLine[5]).toMatchObject({ status: 'rejected', message: { en: expect.stringContaining(`must be this county, ${COUNTY}`) } });
    expect(byLine[6]).toMatchObject({ status: 'rejected', message: { zh: expect.stringContaining('reasonCode'), en: expect.stringContaining('validFrom') } });
    expect(byLine[7]).toMatchObject({ status: 'added', creditCode: a });

    const page = await call('GET', `${list()}?creditCode=${b}`, tokens.xihu);
    expect(page.body.entries[0]).toMatchObject({ source: '=HYPERLINK("http://x.example","点我")', reasonCode: 'serious_violation' });
    expect((await call('GET', `${list()}?creditCode=${a}`, tokens.xihu)).body.entries[0]).toMatchObject({ source: '最高人民法院（更正）' });
    expect((await call('GET', `${list(OTHER_COUNTY)}?creditCode=${c}`, tokens.binjiang)).body.entries).toEqual([]);

    const audits = (await auditRecords()).slice(before);
    expect(audits).toHaveLength(2);
    expect(audits.every((r) => r.via === 'import' && r.importId === answer.body.importId && r.who === 'xihu-nl-officer' && r.action === 'add')).toBe(true);
    importAudits = before + 2;

    const need = await screenedNeed(a);
    expect(need.screening.reasons.map((r) => r.code)).toContain('negative_list.dishonest_judgment_debtor');
  }, 90_000);

  it('imported again (UTF-8 with BOM this time): every row unchanged, nothing written, no audit record', async () => {
    const answer = await csvPost(COUNTY, tokens.xihu, `\uFEFF${csv}`);
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ rowsAccepted: 2, rowsUnchanged: 2, rowsAdded: 0, rowsUpdated: 0, rowsRejected: 4 });
    expect(await auditRecords()).toHaveLength(importAudits);
  });

  it('a file that cannot be read is refused whole (400, 413, 415), nothing written', async () => {
    const before = { register: (await registerItems()).length, audit: (await auditRecords()).length };
    const notText = await csvPost(COUNTY, tokens.xihu, new Uint8Array([0x63, 0x72, 0xff, 0xfe, 0x80, 0x00, 0x81]));
    expect(notText.status).toBe(400);
    expect(notText.body.errors).toEqual([expect.objectContaining({ code: 'file.encoding' })]);
    const wrongHeader = await csvPost(COUNTY, tokens.xihu, `code,where\n${a},${COUNTY}\n`);
    expect(wrongHeader.body.errors).toEqual([expect.objectContaining({ code: 'file.header' })]);
    const many = [header, ...Array.from({ length: 5001 }, () => `${freshCreditCode()},${COUNTY},other,批量,${monthAgo},`)].join('\n');
    const tooMany = await csvPost(COUNTY, tokens.xihu, many);
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.errors).toEqual([expect.objectContaining({ code: 'file.rows' })]);
    const tooLarge = await csvPost(COUNTY, tokens.xihu, `${header}\n${a},${COUNTY},other,${'长'.repeat(400_000)},${monthAgo},\n`);
    expect(tooLarge.status).toBe(413);
    expect((await csvPost(COUNTY, tokens.xihu, csv, 'application/json')).status).toBe(415);
    expect({ register: (await registerItems()).length, audit: (await auditRecords()).length }).toEqual(before);
  }, 60_000);
});
