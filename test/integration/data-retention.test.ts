// Erasure of personal data on the real local parts: needs closed through the real API, workflow and
// signed bank answers (granted and disbursed; not recommended; unmatched), one left open; then the
// erasure — the real adapter on DynamoDB Local with the clock moved on, and the deployed handler
// with its template environment — erases exactly the closed needs past the retention time. The
// status page and the task force's lists still work on an erased need; the counters are untouched
// and the recompute from the raw records still agrees with them.
import { execFile } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { DynamoDBDocumentClient, GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../lib/lambda-defaults';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../local/dynamodb-local';
import { startLocalSystem, type LocalSystem } from '../../local/system';
import { scanAll } from '../support/scan';
import { DynamoAuditLog } from '../../shared/adapters/audit-log';
import { PERSONAL_DATA_INDEX, personalDataIndexKey } from '../../shared/adapters/personal-data-index';
import { DynamoPersonalDataStore } from '../../shared/adapters/personal-data-store';
import { RoutingStore } from '../../shared/adapters/routing-store';
import { CREDIT_CODE_ALPHABET, creditCodeCheckCharacter } from '../../shared/domain/credit-code';
import { DEFAULT_RETENTION_DAYS, ERASED_MARKER, erasePersonalData } from '../../shared/domain/data-retention';
import { chinaDay } from '../../shared/domain/need-record';
import { diffCounters, recomputeCounters, splitItems } from '../../shared/domain/recompute';
import { validSubmission } from '../support/needs';
import { SME_LOAN_PRODUCT, TestBanks } from '../support/test-banks';

const DAY = 86_400_000;
const dataDir = mkdtempSync(path.join(tmpdir(), 'smefin-erase-'));
let system: LocalSystem;
let banks: TestBanks;
let db: DynamoDBDocumentClient;
let tables: { needs: string; counters: string; audit: string };

beforeAll(async () => {
  system = await startLocalSystem({ port: 0, dataDir, logLevel: 'ERROR', simulateBanks: false, schedules: false, retryIntervalMs: 10 });
  const { runtime } = system;
  const config = { region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS };
  db = DynamoDBDocumentClient.from(new DynamoDBClient({ ...config, endpoint: runtime.dynamoDbEndpoint }));
  tables = { ...runtime.tableNames, audit: runtime.tables.find((t) => t.startsWith('DataAudit'))! };
  banks = new TestBanks(runtime.url, new RoutingStore(db, runtime.tableNames), new SecretsManagerClient({ ...config, endpoint: runtime.awsEndpoint }), runtime.bankSecretPrefix);
  await banks.start();
}, 180_000);

afterAll(async () => {
  await banks?.stop();
  await system?.stop();
  db?.destroy();
  rmSync(dataDir, { recursive: true, force: true });
});

/** A valid credit code of an individual business (second character 2) registered in 330106. */
function individualBusinessCode(): string {
  let body = '92330106';
  for (let i = 0; i < 9; i++) body += CREDIT_CODE_ALPHABET[randomInt(CREDIT_CODE_ALPHABET.length)];
  return body + creditCodeCheckCharacter(body);
}

type Submission = ReturnType<typeof validSubmission>;
interface Submitted {
  needId: string;
  trackingToken: string;
  submission: Submission;
}

async function submit(county: string, change: (s: Submission) => void = () => undefined): Promise<Submitted> {
  const submission = validSubmission();
  submission.enterprise.countyCode = county;
  submission.contact = { name: `留存${randomInt(1000, 9999)}`, mobile: `139${randomInt(10_000_000, 99_999_999)}` };
  change(submission);
  const response = await fetch(`${system.runtime.url}/v1/needs`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(submission),
  });
  expect(response.status).toBe(201);
  return { ...((await response.json()) as { needId: string; trackingToken: string }), submission };
}

async function statusOf(need: Submitted) {
  const response = await fetch(`${system.runtime.url}/v1/needs/${need.needId}`, { headers: { Authorization: `Bearer ${need.trackingToken}` } });
  return { code: response.status, body: (await response.json()) as { status: string; enterprise: { name: string }; need: { description?: string }; timeline: { status: string }[] } };
}

async function until(need: Submitted, status: string, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const current = (await statusOf(need)).body.status;
    if (current === status) return;
    if (Date.now() > deadline) throw new Error(`${need.needId} is ${current}, not ${status}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const needItem = async (needId: string) =>
  (await db.send(new GetCommand({ TableName: tables.needs, Key: { pk: `NEED#${needId}`, sk: 'NEED' }, ConsistentRead: true }))).Item!;

const scan = (table: string) => scanAll(db, table);

const liveCounters = async () =>
  (await scan(tables.counters)).map(({ day, countyCode, updatedAt: _, ...counters }) => ({
    day: String(day),
    countyCode: String(countyCode),
    counters: counters as Record<string, number>,
  }));

function cli(script: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', path.join(PROJECT_ROOT, 'scripts', script), ...args],
      { cwd: PROJECT_ROOT, env: { ...process.env, SMEFIN_DATA_DIR: dataDir, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' }, timeout: 60_000 },
      (error, stdout, stderr) => resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe('erasure of personal data after the retention time', () => {
  let granted: Submitted;
  let notRecommended: Submitted;
  let unmatched: Submitted;
  let open: Submitted;

  beforeAll(async () => {
    const grantingBank = await banks.add({
      bankId: 'retention-granting-bank',
      nameZh: '留存测试银行',
      nameEn: 'Retention Test Bank',
      divisions: ['330106'],
      products: [SME_LOAN_PRODUCT],
      capacity: 10,
      deadlines: { acknowledgeWorkingDays: 30, decideCalendarDays: 60 },
    });
    await banks.add({
      bankId: 'retention-silent-bank',
      nameZh: '留存静默银行',
      nameEn: 'Retention Silent Bank',
      divisions: ['441900'],
      products: [SME_LOAN_PRODUCT],
      capacity: 10,
      deadlines: { acknowledgeWorkingDays: 30, decideCalendarDays: 60 },
    });

    // Granted and disbursed at the first bank (the contact disclosed on acceptance).
    granted = await submit('330106');
    const offer = await banks.nextOffer(grantingBank.bankId, 60_000);
    const referralId = offer.body.data.referralId;
    expect((await banks.send(grantingBank.bankId, 'referral.accepted', { referralId })).status).toBe(200);
    let answer;
    for (let i = 0; i < 100; i++) {
      answer = await banks.send(grantingBank.bankId, 'referral.granted', { referralId, amountYuan: 500_000, annualRateBp: 350, termMonths: 12, loanType: 'credit', firstLoan: true });
      if (answer.status !== 409) break;
      await new Promise((resolve) => setTimeout(resolve, 100)); // the decision step is not waiting yet
    }
    expect(answer!.status).toBe(200);
    expect((await banks.send(grantingBank.bankId, 'referral.disbursed', { referralId, amountYuan: 500_000, disbursedOn: chinaDay(new Date()) })).status).toBe(200);

    // Not recommended (amount above three times the revenue): an individual business, whose name and code are personal data.
    notRecommended = await submit('330106', (s) => {
      s.enterprise.entityType = 'individual_business';
      s.enterprise.name = `西湖区王丽${randomInt(100, 999)}小吃店`;
      s.enterprise.creditCode = individualBusinessCode();
      s.need.amountYuan = 5_000_000;
      s.enterprise.annualRevenueYuan = 1_000_000;
    });
    // Unmatched: no bank serves the county.
    unmatched = await submit('659001');
    // Open: offered to a bank that has not answered yet.
    open = await submit('441900');

    await Promise.all([until(granted, 'disbursed'), until(notRecommended, 'not_recommended'), until(unmatched, 'unmatched'), until(open, 'offered')]);
  }, 240_000);

  it('erases exactly the closed needs past the retention time, keeps the counters, and the recompute still agrees', async () => {
    const shardOf = async (needId: string) =>
      (
        await db.send(
          new QueryCommand({
            TableName: tables.needs,
            IndexName: PERSONAL_DATA_INDEX,
            KeyConditionExpression: 'pdShard = :s',
            ExpressionAttributeValues: { ':s': personalDataIndexKey(needId).pdShard },
          }),
        )
      ).Items!.map(({ pk, updatedAt, status }) => ({ pk, updatedAt, status }));
    const store = new DynamoPersonalDataStore(db, tables.needs, new DynamoAuditLog(db, tables.audit));
    const countersBefore = await liveCounters();
    const closed = [granted, notRecommended, unmatched];

    // Just closed: within the retention time, nothing is erased, even a day before it ends.
    const early = await erasePersonalData(store, { now: new Date(Date.now() + (DEFAULT_RETENTION_DAYS - 1) * DAY), retentionDays: DEFAULT_RETENTION_DAYS });
    expect(early.erased).toBe(0);
    for (const need of [...closed, open]) expect((await needItem(need.needId)).contact).toEqual(need.submission.contact);

    // Only the closed needs are in the index (an open need enters it when it closes, so its status
    // changes never wrote to it), each under its last change.
    for (const need of closed) {
      const item = await needItem(need.needId);
      expect(await shardOf(need.needId)).toContainEqual({ pk: `NEED#${need.needId}`, updatedAt: item.updatedAt, status: item.status });
    }
    expect((await shardOf(open.needId)).map((i) => i.pk)).not.toContain(`NEED#${open.needId}`);

    // A day after it ends: the three closed needs are erased, the open one is not.
    const later = new Date(Date.now() + (DEFAULT_RETENTION_DAYS + 1) * DAY);
    const run = await erasePersonalData(store, { now: later, retentionDays: DEFAULT_RETENTION_DAYS });
    expect(run).toMatchObject({ erased: 3, complete: true });
    for (const need of closed) {
      const item = await needItem(need.needId);
      expect(item.contact).toEqual({ name: ERASED_MARKER, mobile: ERASED_MARKER });
      expect(item.need.description).toBe(ERASED_MARKER);
      expect(item.personalDataErasedAt).toBe(later.toISOString());
      expect(item.pdShard).toBeUndefined();
      const text = JSON.stringify(item);
      for (const value of [need.submission.contact.name, need.submission.contact.mobile, need.submission.need.description!]) expect(text).not.toContain(value);
      // Everything the lists, reports and recompute read is still there.
      expect(item).toMatchObject({ status: expect.any(String), submittedDay: expect.any(String), enterprise: { countyCode: need.submission.enterprise.countyCode } });
    }
    const individual = await needItem(notRecommended.needId);
    expect(individual.enterprise).toMatchObject({ name: ERASED_MARKER, creditCode: ERASED_MARKER, entityType: 'individual_business' });
    expect((await needItem(granted.needId)).enterprise.name).toBe(granted.submission.enterprise.name); // a company's name is not personal data
    const openItem = await needItem(open.needId);
    expect(openItem.contact).toEqual(open.submission.contact);
    expect(openItem.personalDataErasedAt).toBeUndefined();

    // The erased needs have left the index; the open one was never in it.
    for (const need of [...closed, open]) expect((await shardOf(need.needId)).map((i) => i.pk)).not.toContain(`NEED#${need.needId}`);

    // Each erasure is audited with its fields, nothing else.
    const audits = async (needId: string) =>
      (await db.send(new QueryCommand({ TableName: tables.audit, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': `NEED#${needId}` } }))).Items!;
    expect((await audits(notRecommended.needId)).map(({ pk: _, sk: __, ...record }) => record)).toEqual([
      {
        kind: 'personal-data-erased',
        at: later.toISOString(),
        needId: notRecommended.needId,
        erased: ['contact.name', 'contact.mobile', 'need.description', 'enterprise.name', 'enterprise.creditCode'],
        retentionDays: DEFAULT_RETENTION_DAYS,
      },
    ]);

    // Once only: a second run finds nothing.
    expect((await erasePersonalData(store, { now: later, retentionDays: DEFAULT_RETENTION_DAYS })).erased).toBe(0);

    // Counts kept: the counters are as they were, and the recompute from the records agrees with them.
    const countersAfter = await liveCounters();
    expect(countersAfter).toEqual(countersBefore);
    const recomputed = recomputeCounters(splitItems(await scan(tables.needs)));
    expect(diffCounters(countersAfter, recomputed)).toEqual([]);
    expect(countersAfter.find((row) => row.countyCode === '330106')?.counters).toMatchObject({ declared: 2, granted: 1, disbursed: 1, notRecommended: 1 });
  });

  it('the status page and the task force lists still work on an erased need', async () => {
    const page = await statusOf(notRecommended);
    expect(page.code).toBe(200);
    expect(page.body).toMatchObject({ status: 'not_recommended', enterprise: { name: ERASED_MARKER }, need: { description: ERASED_MARKER } });
    expect(page.body.timeline.map((e) => e.status)).toEqual(['submitted', 'screening', 'not_recommended']);
    expect((await statusOf(granted)).body.status).toBe('disbursed');

    const run = await cli('lists.ts', ['--county', '330106', '--list', 'declared', '--json']);
    expect(run.code, run.stderr).toBe(0);
    const listed = (JSON.parse(run.stdout) as { needs: { needId: string; enterpriseName: string; status: string }[] }).needs;
    expect(listed.find((n) => n.needId === notRecommended.needId)).toMatchObject({ enterpriseName: ERASED_MARKER, status: 'not_recommended' });
    expect(listed.find((n) => n.needId === granted.needId)).toMatchObject({ status: 'disbursed' });
  });

  it('the deployed function, with its own settings, erases a need whose last change is past the retention time', async () => {
    // Today's run: every need here changed today, nothing is due.
    const today = (await system.runtime.invoke('erase-personal-data', { source: 'schedule' })) as { erased: number; complete: boolean };
    expect(today).toMatchObject({ erased: 0, complete: true });

    // A need that closed (unmatched) longer ago than the retention time.
    const old = await submit('659001');
    await until(old, 'unmatched');
    const longAgo = new Date(Date.now() - (DEFAULT_RETENTION_DAYS + 2) * DAY).toISOString();
    await db.send(
      new UpdateCommand({
        TableName: tables.needs,
        Key: { pk: `NEED#${old.needId}`, sk: 'NEED' },
        UpdateExpression: 'SET updatedAt = :t',
        ExpressionAttributeValues: { ':t': longAgo },
      }),
    );
    const run = (await system.runtime.invoke('erase-personal-data', { source: 'schedule' })) as { erased: number };
    expect(run.erased).toBe(1);
    expect((await needItem(old.needId)).contact).toEqual({ name: ERASED_MARKER, mobile: ERASED_MARKER });
    expect((await needItem(open.needId)).contact).toEqual(open.submission.contact);
  });
});
