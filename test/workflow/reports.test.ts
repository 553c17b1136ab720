// Regulator reports on the real local parts: county-day counters in DynamoDB Local → the roll-up
// workflow on the local Step Functions (Plan → Map of workers → Publish) → report files and the
// period's manifest in the S3 emulator → the download API behind the (local) JWT authorizer →
// presigned links.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chinaDay } from '../../shared/domain/need-record';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../local/dynamodb-local';
import { startLocalRuntime, type AnyHandler, type LocalRuntime } from '../../local/runtime';
import type { FunctionName } from '../../lib/routes';
import { manifestKey, reportFileKey, type Manifest } from '../../shared/domain/report-publication';
import { validSubmission } from '../support/needs';
import { rollUp } from '../support/rollup';

let runtime: LocalRuntime;
let db: DynamoDBDocumentClient;
let s3: S3Client;
let bucket: string;
const dataDir = mkdtempSync(path.join(tmpdir(), 'smefin-rep-'));
const DAY = '2026-10-15';
const MONTH = '2026-10';
const FORMATS = ['json', 'csv', 'xlsx', 'html'] as const;
/** Small batches, so that a period is several workers of the Map. */
const BATCH_REPORTS = 4;

/** Test hooks around the real handlers: hold the next Publish until released; fail a worker's first attempt at a batch. */
const hooks = { holdPublish: undefined as Promise<void> | undefined, publishReached: () => {}, failOnce: new Set<string>(), workerCalls: [] as string[] };
const wrapHandler = (name: FunctionName, handler: AnyHandler): AnyHandler => {
  if (name === 'rollup-publish') {
    return async (event, context) => {
      const hold = hooks.holdPublish;
      hooks.holdPublish = undefined;
      hooks.publishReached();
      await hold;
      return handler(event, context);
    };
  }
  if (name === 'rollup-worker') {
    return async (event, context) => {
      const { period, batch } = event as { period: string; batch: string };
      hooks.workerCalls.push(`${period}/${batch}`);
      if (hooks.failOnce.delete(`${period}/${batch}`)) throw Object.assign(new Error('injected: the worker ran out of time'), { name: 'TimeoutError' });
      return handler(event, context);
    };
  }
  return handler;
};

async function addCounters(day: string, countyCode: string, counters: Record<string, number>) {
  const names = Object.keys(counters);
  await db.send(
    new UpdateCommand({
      TableName: runtime.tableNames.counters,
      Key: { day, countyCode },
      UpdateExpression: `ADD ${names.map((_, i) => `#c${i} :c${i}`).join(', ')} SET updatedAt = :u`,
      ExpressionAttributeNames: Object.fromEntries(names.map((n, i) => [`#c${i}`, n])),
      ExpressionAttributeValues: {
        ...Object.fromEntries(names.map((n, i) => [`:c${i}`, counters[n]])),
        ':u': `${day}T10:00:00.000Z`,
      },
    }),
  );
}

async function objectBytes(key: string): Promise<Buffer> {
  const answer = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return Buffer.from(await answer.Body!.transformToByteArray());
}

async function manifestOf(period: string): Promise<Manifest> {
  return JSON.parse((await objectBytes(manifestKey(period))).toString('utf8')) as Manifest;
}

/** A report's file in the period's current version. */
async function reportFile(period: string, code: string, format: string, edition: 'full' | 'public' = 'full'): Promise<Buffer> {
  return objectBytes(reportFileKey(period, (await manifestOf(period)).version, code, edition, format));
}

/** Every object under the prefixes, key → bytes. */
async function snapshot(prefixes: string[]): Promise<Map<string, Buffer>> {
  const objects = new Map<string, Buffer>();
  for (const prefix of prefixes) {
    let token: string | undefined;
    do {
      const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
      for (const { Key } of page.Contents ?? []) objects.set(Key!, await objectBytes(Key!));
      token = page.NextContinuationToken;
    } while (token);
  }
  return objects;
}

async function download(token: string | undefined, pathAndQuery: string) {
  return fetch(`${runtime.url}${pathAndQuery}`, {
    redirect: 'manual',
    headers: token ? { Authorization: `Bearer ${token}` } : {},
  });
}

beforeAll(async () => {
  process.env.ROLLUP_BATCH_REPORTS = String(BATCH_REPORTS);
  runtime = await startLocalRuntime({ port: 0, dataDir, logLevel: 'ERROR', schedules: false, wrapHandler });
  const config = { region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS };
  db = DynamoDBDocumentClient.from(new DynamoDBClient({ ...config, endpoint: runtime.dynamoDbEndpoint }));
  s3 = new S3Client({ ...config, endpoint: runtime.s3Endpoint, forcePathStyle: true });
  bucket = process.env.REPORTS_BUCKET_NAME!;
  // Guangdong: Guangzhou Haizhu 440105 and Dongguan 441900; Zhejiang: Hangzhou Xihu 330106.
  await addCounters(DAY, '440105', { declared: 12, recommended: 10, offers: 10, offersBy_bank_a: 10, accepted: 8, acceptedBy_bank_a: 8, granted: 6, grantedAmountYuan: 3_000_000, grantedRateBpAmountSum: 3_000_000 * 350, creditLoans: 4, creditLoanAmountYuan: 2_000_000 });
  await addCounters(DAY, '441900', { declared: 3, recommended: 2, offers: 2, offersBy_bank_a: 2, declined: 2, declinedBy_tax_arrears: 2 });
  await addCounters(DAY, '330106', { declared: 7, recommended: 7 });
  await addCounters('2026-10-16', '330106', { declared: 1 });
  await rollUp(runtime, [DAY, MONTH]);
}, 180_000);

afterAll(async () => {
  await runtime?.stop();
  db?.destroy();
  s3?.destroy();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('roll-up', () => {
  it('writes every division with activity at every level, in four formats and two editions, under the version its manifest names', async () => {
    const manifest = await manifestOf(MONTH);
    expect(manifest.version).toMatch(/^v[0-9a-f]{16}$/);
    expect(manifest.reports.map((r) => r.code)).toEqual(expect.arrayContaining(['000000', '440000', '440100', '441900', '330000', '330100']));
    expect(manifest.files).toBe(manifest.reports.length * 2 * FORMATS.length);
    const { Contents = [] } = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: `reports/${MONTH}/${manifest.version}/` }));
    const keys = Contents.map((o) => o.Key!);
    for (const { code } of manifest.reports) {
      for (const format of FORMATS) expect(keys).toContain(`reports/${MONTH}/${manifest.version}/${code}.${format}`);
    }
    const publicKeys = (await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: `public-reports/${MONTH}/${manifest.version}/` }))).Contents ?? [];
    expect(publicKeys).toHaveLength(keys.length);
    expect(publicKeys.map((o) => o.Key)).toContain(`public-reports/${MONTH}/${manifest.version}/000000.html`);

    const national = JSON.parse((await reportFile(MONTH, '000000', 'json')).toString('utf8'));
    expect(national.totals.declared).toBe(12 + 3 + 7 + 1);
    expect(national.totals.granted).toEqual({ count: 6, amountYuan: 3_000_000 });
    expect(national.totals.weightedAnnualRateBp).toBe(350);
    const guangdong = national.children.find((c: { division: { code: string } }) => c.division.code === '440000');
    expect(guangdong.totals.declared).toBe(15);
  });

  it('fans a period out to several workers of the Map, small references only between the states', async () => {
    const execution = runtime.stepFunctions.executions().find((e) => e.stateMachineArn === runtime.rollupStateMachineArn && e.input.includes(DAY))!;
    const [day, month] = (JSON.parse(execution.output!) as { results: { period: string; reports: number; files: number; bytes: number }[] }).results;
    expect(month).toMatchObject({ period: MONTH, outcome: 'published' });
    expect(day).toMatchObject({ period: DAY, outcome: 'published' });
    // Plan, Map, Publish and one worker per batch of BATCH_REPORTS reports.
    const batches = Math.ceil(month!.reports / BATCH_REPORTS) + Math.ceil(day!.reports / BATCH_REPORTS);
    expect(batches).toBeGreaterThan(2);
    expect(execution.lambdaInvocations).toBe(2 + batches);
    expect(month!.files).toBe(month!.reports * 8);
    expect(month!.bytes).toBeGreaterThan(0);
  });

  it('gives byte-identical objects, under the same keys, when a period is rolled up again', async () => {
    const prefixes = [`reports/${MONTH}/`, `public-reports/${MONTH}/`, manifestKey(MONTH)];
    const before = await snapshot(prefixes);
    await rollUp(runtime, [MONTH]);
    const after = await snapshot(prefixes);
    expect([...after.keys()].sort()).toEqual([...before.keys()].sort());
    for (const [key, bytes] of after) expect(bytes.equals(before.get(key)!), key).toBe(true);
  });

  it('retries a failed worker alone: its batch again, no other', async () => {
    const manifest = await manifestOf(MONTH);
    hooks.failOnce.add(`${MONTH}/batch-001`);
    hooks.workerCalls.length = 0;
    const [result] = await rollUp(runtime, [MONTH]);
    expect(result).toMatchObject({ period: MONTH, version: manifest.version, outcome: 'published' });
    const batches = Math.ceil(manifest.reports.length / BATCH_REPORTS);
    expect(hooks.workerCalls.filter((c) => c === `${MONTH}/batch-001`)).toHaveLength(2);
    expect(hooks.workerCalls).toHaveLength(batches + 1);
    expect(new Set(hooks.workerCalls).size).toBe(batches);
  });

  it('shows readers the old complete period while a re-publish with changed counters is under way, then the new one', async () => {
    const token = await runtime.mintToken({ jurisdiction: '000000' });
    const nationalDeclared = async () => {
      const link = (await download(token, `/v1/reports/${MONTH}/000000?format=json`)).headers.get('location')!;
      return JSON.parse(await (await fetch(link)).text()).totals.declared as number;
    };
    const listed = async () => ((await (await download(token, `/v1/reports?period=${MONTH}`)).json()) as { reports: { division: { code: string } }[] }).reports.map((r) => r.division.code).sort();
    const old = await manifestOf(MONTH);
    const oldDeclared = await nationalDeclared();
    const oldListed = await listed();

    // New activity in a county without any so far (Jiangsu, Nanjing Xuanwu): new reports, new figures.
    await addCounters('2026-10-20', '320102', { declared: 9, recommended: 9 });
    let release!: () => void;
    hooks.holdPublish = new Promise<void>((resolve) => (release = resolve));
    const reached = new Promise<void>((resolve) => (hooks.publishReached = resolve));
    const run = rollUp(runtime, [MONTH]);
    try {
      await reached;
      // Every worker is done: the new version's files are all in the bucket...
      const { Contents = [] } = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: `reports/${MONTH}/` }));
      const versions = new Set(Contents.map((o) => o.Key!.split('/')[2]));
      expect(versions.size).toBe(2);
      // ...and readers still get the old complete period: same manifest, same list, same figures.
      expect(await manifestOf(MONTH)).toEqual(old);
      expect(await listed()).toEqual(oldListed);
      expect(await nationalDeclared()).toBe(oldDeclared);
      expect((await download(token, `/v1/reports/${MONTH}/320000?format=json`)).status).toBe(404);
    } finally {
      release();
    }
    const [published] = await run;
    expect(published).toMatchObject({ period: MONTH, outcome: 'published' });
    expect(published!.version).not.toBe(old.version);
    expect((await manifestOf(MONTH)).version).toBe(published!.version);
    expect(await nationalDeclared()).toBe(oldDeclared + 9);
    expect(await listed()).toEqual(expect.arrayContaining([...oldListed, '320000', '320100', '320102']));
    // The old version's files stay readable (links handed out before the switch keep working).
    expect((await objectBytes(reportFileKey(MONTH, old.version, '000000', 'full', 'json'))).length).toBeGreaterThan(0);
  });

  it('leaves the manifest of a run with counters in place when a run that read none finishes after it', async () => {
    const day = '2026-10-25';
    let release!: () => void;
    hooks.holdPublish = new Promise<void>((resolve) => (release = resolve));
    const reached = new Promise<void>((resolve) => (hooks.publishReached = resolve));
    // The early run reads the day before any activity, and is held before its Publish...
    const early = rollUp(runtime, [day]);
    await reached;
    // ...while a need's counters arrive and a later run publishes them.
    await addCounters(day, '330106', { declared: 6, recommended: 6 });
    const [later] = await rollUp(runtime, [day]);
    expect(later).toMatchObject({ outcome: 'published' });
    release();
    const [stale] = await early;
    expect(stale).toMatchObject({ period: day, outcome: 'kept' });
    expect(stale!.version).not.toBe(later!.version);
    expect((await manifestOf(day)).version).toBe(later!.version);
    expect(JSON.parse((await reportFile(day, '330106', 'json')).toString('utf8')).totals.declared).toBe(6);
  });

  it('counts a need submitted through the API in the next roll-up', async () => {
    const today = chinaDay(new Date());
    const submission = validSubmission();
    const response = await fetch(`${runtime.url}/v1/needs`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(submission),
    });
    expect(response.status).toBe(201);
    await rollUp(runtime, [today]);
    const report = JSON.parse((await reportFile(today, '330106', 'json')).toString('utf8'));
    expect(report.totals.declared).toBeGreaterThanOrEqual(1);
  });
});

describe('download API', () => {
  it("gives a province regulator its province's XLSX and HTML through a 5-minute presigned link, and audits it", async () => {
    const token = await runtime.mintToken({ jurisdiction: '440000', subject: 'gd-regulator' });
    const xlsx = await download(token, `/v1/reports/${MONTH}/440000?format=xlsx`);
    expect(xlsx.status).toBe(302);
    const location = xlsx.headers.get('location')!;
    expect(location).toContain('X-Amz-Expires=300');
    const file = await fetch(location);
    expect(file.status).toBe(200);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(Buffer.from(await file.arrayBuffer()) as unknown as ArrayBuffer);
    expect(workbook.worksheets.length).toBeGreaterThanOrEqual(3);

    const html = await fetch((await download(token, `/v1/reports/${MONTH}/440100?format=html`)).headers.get('location')!);
    const page = await html.text();
    expect(page).toContain('<svg');
    expect(page).not.toMatch(/<script/i);

    const csv = Buffer.from(await (await fetch((await download(token, `/v1/reports/${MONTH}/440000?format=csv`)).headers.get('location')!)).arrayBuffer());
    expect([...csv.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(csv.toString('utf8')).toContain('\r\n');

    // Audit records live in the append-only audit table, by CST month (shared/domain/audit.ts).
    const { Items = [] } = await db.send(
      new QueryCommand({
        TableName: runtime.tables.find((t) => t.startsWith('DataAudit'))!,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': `REPORT_DOWNLOADS#${chinaDay(new Date()).slice(0, 7)}` },
      }),
    );
    expect(Items.filter((i) => i.who === 'gd-regulator').map((i) => i.what)).toEqual(
      expect.arrayContaining([`reports/${MONTH}/440000.xlsx`, `reports/${MONTH}/440100.html`]),
    );
  });

  it.each([
    ['national', '000000', [['000000', 302], ['440000', 302], ['441900', 302], ['330100', 302]]],
    ['province', '440000', [['440000', 302], ['440100', 302], ['441900', 302], ['330000', 403], ['000000', 403]]],
    ['prefecture', '440100', [['440100', 302], ['440000', 403], ['441900', 403]]],
    ['county-level city', '441900', [['441900', 302], ['440000', 403], ['440100', 403]]],
  ] as const)('a %s regulator (%s) sees its own jurisdiction and below, nothing else', async (_, jurisdiction, cases) => {
    const token = await runtime.mintToken({ jurisdiction });
    for (const [division, status] of cases) {
      const response = await download(token, `/v1/reports/${MONTH}/${division}?format=json`);
      expect(`${division}:${response.status}`).toBe(`${division}:${status}`);
      if (status === 403) expect((await response.json()).type).toBe('/problems/forbidden');
    }
  });

  it('refuses missing, tampered, expired and foreign-key tokens (401), and a token without the regulator role (403)', async () => {
    const good = await runtime.mintToken({ jurisdiction: '440000' });
    const [header, payload, signature] = good.split('.');
    const widened = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(payload!, 'base64url').toString()), 'custom:jurisdiction': '000000' })).toString('base64url');
    const expired = await runtime.mintToken({ jurisdiction: '440000', expiresInSeconds: -60 });
    for (const token of [undefined, `${header}.${widened}.${signature}`, expired, `${header}.${payload}.`, 'not-a-jwt']) {
      expect((await download(token, `/v1/reports/${MONTH}/440000?format=json`)).status).toBe(401);
    }
    const clerk = await runtime.mintToken({ jurisdiction: '440000', role: 'bank' });
    expect((await download(clerk, `/v1/reports/${MONTH}/440000?format=json`)).status).toBe(403);
  });

  it('answers with the link as JSON to a page that asks for JSON, and shows HTML inline', async () => {
    const token = await runtime.mintToken({ jurisdiction: '440000' });
    const response = await fetch(`${runtime.url}/v1/reports/${MONTH}/440000?format=html`, {
      headers: { Authorization: `Bearer ${token}`, Accept: 'application/json' },
    });
    expect(response.status).toBe(200);
    const { url, expiresAt } = (await response.json()) as { url: string; expiresAt: string };
    expect(Date.parse(expiresAt) - Date.now()).toBeGreaterThan(290_000);
    const page = await fetch(url);
    expect(page.headers.get('content-disposition')).toMatch(/^inline/);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
  });

  it('answers 404 for a report not produced, and 400 for a malformed request', async () => {
    const token = await runtime.mintToken({ jurisdiction: '000000' });
    expect((await download(token, `/v1/reports/2020-01/000000?format=json`)).status).toBe(404);
    expect((await download(token, `/v1/reports/${MONTH}/000000?format=pdf`)).status).toBe(400);
  });

  it('lists the reports of a period within the caller’s jurisdiction', async () => {
    const token = await runtime.mintToken({ jurisdiction: '440000' });
    const response = await download(token, `/v1/reports?period=${MONTH}`);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { reports: { division: { code: string } }[] };
    const codes = body.reports.map((r) => r.division.code).sort();
    expect(codes).toEqual(['440000', '440100', '440105', '441900']);
  });

  it('presigned links expire', async () => {
    const { ReportStore } = await import('../../shared/adapters/report-store');
    const store = new ReportStore(s3, bucket);
    const link = await store.presignedGet(reportFileKey(MONTH, (await manifestOf(MONTH)).version, '440000', 'full', 'json'), 1, 'x.json');
    expect((await fetch(link)).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 2_100));
    expect((await fetch(link)).status).toBe(403);
  });
});
