// SMS notices on the real local parts: a need submitted through the API, routed by the synthesized
// workflow to a bank under the test's control that accepts and grants through the signed events
// endpoint; the local pipe (from the template's second pipe on the needs stream) hands each change
// to notify-enterprise, which hands the messages to send-sms, which posts them to the emulated
// provider whose outbox is at /local/sms. The links open the status API beside the receipt's token;
// a stream record delivered again sends nothing; a recovery through status links ends them. A
// notifier that keeps failing holds up no routing: its batch lands in the pipe's dead-letter queue,
// and the redrive command (run as an operator runs it) sends the notice.
import { randomInt } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DescribeStreamCommand, DynamoDBStreamsClient, GetRecordsCommand, GetShardIteratorCommand, type _Record } from '@aws-sdk/client-dynamodb-streams';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NEED_CHANGE_FILTER } from '../../lib/notifications';
import type { FunctionName } from '../../lib/routes';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../local/dynamodb-local';
import { startLocalRuntime, type AnyHandler, type LocalRuntime } from '../../local/runtime';
import { matchesPattern } from '../../local/stream-poller';
import { RoutingStore } from '../../shared/adapters/routing-store';
import { eventually } from '../support/aws-emulator';
import { pointCliAtRuntime, runScript } from '../support/cli';
import { validSubmission } from '../support/needs';
import { SME_LOAN_PRODUCT, TestBanks } from '../support/test-banks';

const dataDir = mkdtempSync(path.join(tmpdir(), 'smefin-notify-'));
const clientConfig = { region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS };
let runtime: LocalRuntime;
let banks: TestBanks;
let db: DynamoDBDocumentClient;
let streams: DynamoDBStreamsClient;

/** Fault injection: notify-enterprise failing (DynamoDB or Lambda unreachable, say). */
const faults = { notifier: false };
const wrapHandler = (name: FunctionName, handler: AnyHandler): AnyHandler =>
  name !== 'notify-enterprise'
    ? handler
    : async (event, context) => {
        if (faults.notifier) throw new Error('injected: notify-enterprise failing');
        return handler(event, context);
      };

beforeAll(async () => {
  runtime = await startLocalRuntime({ port: 0, dataDir, logLevel: 'ERROR', schedules: false, retryIntervalMs: 10, wrapHandler });
  // Where the redrive command finds this runtime, as it finds npm start.
  pointCliAtRuntime(dataDir, runtime);
  db = DynamoDBDocumentClient.from(new DynamoDBClient({ ...clientConfig, endpoint: runtime.dynamoDbEndpoint }));
  streams = new DynamoDBStreamsClient({ ...clientConfig, endpoint: runtime.dynamoDbEndpoint });
  banks = new TestBanks(runtime.url, new RoutingStore(db, runtime.tableNames), new SecretsManagerClient({ ...clientConfig, endpoint: runtime.awsEndpoint }), runtime.bankSecretPrefix);
  await banks.start();
}, 180_000);

afterAll(async () => {
  await banks?.stop();
  await runtime?.stop();
  db?.destroy();
  streams?.destroy();
  rmSync(dataDir, { recursive: true, force: true });
});

interface OutboxMessage {
  to: string;
  text: string;
  at: string;
}

async function outbox(mobile: string): Promise<OutboxMessage[]> {
  const response = await fetch(`${runtime.url}/local/sms`, { headers: { Accept: 'application/json' } });
  return ((await response.json()) as OutboxMessage[]).filter((m) => m.to === mobile).reverse();
}

/** The messages sent to `mobile`, oldest first, once there are `count`. */
const messages = (mobile: string, count: number) =>
  eventually(async () => {
    const mine = await outbox(mobile);
    return mine.length >= count ? mine : undefined;
  }, 30_000);

const status = (needId: string, token: string) => fetch(`${runtime.url}/v1/needs/${needId}`, { headers: { Authorization: `Bearer ${token}` } });

/** The status link at the end of a notice: the need and the token it opens. */
function linkOf(text: string): { needId: string; token: string } {
  const url = new URL(/(https?:\/\/\S+)$/.exec(text)![1]!);
  expect(`${url.origin}${url.pathname}`).toBe(`${runtime.url}/status.html`);
  const params = new URLSearchParams(url.hash.slice(1));
  return { needId: params.get('needId')!, token: params.get('token')! };
}

async function postJson(route: string, body: unknown) {
  const response = await fetch(`${runtime.url}${route}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  return { status: response.status, body: (await response.json()) as Record<string, any> };
}

/** Every record of the needs stream so far that the notifier's pipe passes on, for this need. */
async function changesOf(needId: string): Promise<_Record[]> {
  const { Table } = await runtime.dynamodbClient.send(new DescribeTableCommand({ TableName: runtime.tableNames.needs }));
  const { StreamDescription } = await streams.send(new DescribeStreamCommand({ StreamArn: Table!.LatestStreamArn! }));
  const found: _Record[] = [];
  for (const shard of StreamDescription?.Shards ?? []) {
    let { ShardIterator: iterator } = await streams.send(
      new GetShardIteratorCommand({ StreamArn: Table!.LatestStreamArn!, ShardId: shard.ShardId!, ShardIteratorType: 'TRIM_HORIZON' }),
    );
    while (iterator) {
      const page = await streams.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 1000 }));
      const records = page.Records ?? [];
      found.push(...records.filter((r) => matchesPattern(NEED_CHANGE_FILTER, r) && r.dynamodb?.NewImage?.needId?.S === needId));
      // An open shard's iterator goes on for ever: stop at its end as it is now.
      iterator = records.length > 0 ? page.NextShardIterator : undefined;
    }
  }
  return found;
}

/** A bank under the test's control serving only `county`, with long deadlines. */
const bankFor = (county: string) =>
  banks.add({
    bankId: `notify-bank-${county}-${Date.now().toString(36)}`,
    nameZh: '通知测试银行',
    nameEn: 'Notice Test Bank',
    divisions: [county],
    products: [SME_LOAN_PRODUCT],
    capacity: 10,
    deadlines: { acknowledgeWorkingDays: 30, decideCalendarDays: 60 },
  });

/** A need in `county` with a mobile of its own, through the API. */
async function submitIn(county: string) {
  const submission = validSubmission();
  submission.enterprise.countyCode = county;
  const mobile = `137${randomInt(10_000_000, 99_999_999)}`;
  submission.contact = { name: '通知测试', mobile };
  const created = await postJson('/v1/needs', submission);
  expect(created.status).toBe(201);
  return { submission, mobile, needId: created.body.needId as string, trackingToken: created.body.trackingToken as string };
}

const redrive = (...args: string[]) => runScript('redrive.ts', ['--data-dir', dataDir, ...args], dataDir);

describe('SMS notices', () => {
  it('tell the owner that the need was recommended, accepted and granted, with links that open it beside the receipt’s token; a replay sends nothing; a recovery ends the links', async () => {
    const bank = await bankFor('330110');
    const { submission, mobile, needId, trackingToken } = await submitIn('330110');

    const offer = await banks.nextOffer(bank.bankId, 30_000);
    const [recommended] = await messages(mobile, 1);
    expect(recommended!.text).toMatch(/^【.+】您的融资需求已列入推荐清单，查看进度：http/);

    const referralId = offer.body.data.referralId;
    expect((await banks.send(bank.bankId, 'referral.accepted', { referralId })).status).toBe(200);
    const accepted = (await messages(mobile, 2))[1]!;
    expect(accepted.text).toMatch(/】银行已受理您的融资需求，查看进度：http/);

    let granted;
    for (let i = 0; i < 100; i++) {
      granted = await banks.send(bank.bankId, 'referral.granted', { referralId, amountYuan: 480_000, annualRateBp: 385, termMonths: 12, loanType: 'credit', firstLoan: true });
      if (granted.status !== 409) break;
      await new Promise((resolve) => setTimeout(resolve, 100)); // the decision step is not waiting yet
    }
    expect(granted!.status).toBe(200);
    const notices = await messages(mobile, 3);
    expect(notices[2]!.text).toMatch(/】您的融资需求已获银行批准，查看详情：http/);

    // Nothing personal: no name, no bank, no amount, no credit code.
    for (const notice of notices) {
      for (const secret of [submission.contact.name, submission.enterprise.name, submission.enterprise.creditCode, bank.nameZh, '480', '48 万']) {
        expect(notice.text).not.toContain(secret);
      }
    }
    // Each link opens the need, and the receipt's token still does.
    const links = notices.map((n) => linkOf(n.text));
    expect(new Set(links.map((l) => l.token)).size).toBe(3);
    for (const link of links) {
      expect(link.needId).toBe(needId);
      expect(link.token).not.toBe(trackingToken);
      const opened = await status(needId, link.token);
      expect(opened.status).toBe(200);
      expect(((await opened.json()) as { status: string }).status).toBe('granted');
    }
    expect((await status(needId, trackingToken)).status).toBe(200);

    // The pipe delivering the need's changes again (as a retried batch would) sends nothing more.
    const changes = await changesOf(needId);
    expect(changes.length).toBeGreaterThanOrEqual(3);
    expect(await runtime.invoke('notify-enterprise', changes)).toEqual({ notices: 3, handedOff: 0 });

    // The owner recovers the link by code: a fresh token, and every earlier link stops working.
    expect((await postJson('/v1/status-links', { creditCode: submission.enterprise.creditCode, mobile })).status).toBe(202);
    const afterCode = await messages(mobile, 4);
    // The code is the fourth message: the replay above added none.
    expect(afterCode).toHaveLength(4);
    const code = /验证码为 (\d{6})/.exec(afterCode[3]!.text)![1]!;
    const verified = await postJson('/v1/status-links/verify', { creditCode: submission.enterprise.creditCode, mobile, code });
    expect(verified.status).toBe(200);
    const fresh = new URLSearchParams(new URL(verified.body.statusUrl as string).hash.slice(1)).get('token')!;
    expect((await status(needId, fresh)).status).toBe(200);
    expect((await status(needId, trackingToken)).status).toBe(404);
    for (const link of links) expect((await status(needId, link.token)).status).toBe(404);
  });
  it('hold up no routing when the notifier keeps failing: the batch goes to the pipe’s dead-letter queue, and redrive sends the notice', async () => {
    const queue = runtime.sqs.queueNames().find((name) => name.startsWith('NotificationsNotifyEnterpriseDeadLetters'))!;
    expect(queue).toBeDefined();
    const bank = await bankFor('330108');
    faults.notifier = true;
    const { mobile, needId } = await submitIn('330108');
    // Routing goes on: the bank is offered the need while no notice can be sent.
    await banks.nextOffer(bank.bankId, 30_000);
    // Every change written so far (the recommendation with it) delivered: failed, and given up on.
    await runtime.streams.drain();
    expect(runtime.sqs.depth(queue)).toBeGreaterThanOrEqual(1);
    faults.notifier = false;
    expect(await outbox(mobile)).toEqual([]);

    const dryRun = await redrive('--queue', queue, '--dry-run');
    expect(dryRun.code, dryRun.stdout + dryRun.stderr).toBe(0);
    expect(dryRun.stdout).toContain('would invoke notify-enterprise');
    expect(await outbox(mobile)).toEqual([]);

    const run = await redrive('--queue', queue);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toMatch(/need change\(s\) for SMS notices: invoked notify-enterprise again/);
    expect(runtime.sqs.depth(queue)).toBe(0);
    const [recommended] = await messages(mobile, 1);
    expect(recommended!.text).toMatch(/】您的融资需求已列入推荐清单，查看进度：http/);
    expect(linkOf(recommended!.text).needId).toBe(needId);
  });
});
