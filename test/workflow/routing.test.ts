// The referral workflow on the real synthesized state machine, run by the local Step Functions
// endpoint with the same handlers as in AWS, DynamoDB Local, the local pipe from the needs stream,
// and banks under the test's control that answer through the public, signed events endpoint.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { DynamoDBDocumentClient, GetCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FunctionName } from '../../lib/routes';
import { parseBank, type BankInput } from '../../shared/domain/bank';
import { chinaDay } from '../../shared/domain/need-record';
import { ProvisionalDeadlinesStore } from '../../shared/adapters/provisional-deadlines-store';
import { RoutingStore } from '../../shared/adapters/routing-store';
import { startLocalRuntime, type AnyHandler, type LocalRuntime } from '../../local/runtime';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../local/dynamodb-local';
import { AwsServiceError } from '../../local/aws-emulator';
import { freshCreditCode, validSubmission } from '../support/needs';
import { SME_LOAN_PRODUCT, TestBanks } from '../support/test-banks';
import type { NeedStatusResponse } from '../../shared/domain/need-record';
import { timelineText } from '../../shared/domain/timeline-text';
import { scanAll } from '../support/scan';

let runtime: LocalRuntime;
let banks: TestBanks;
let store: RoutingStore;
let db: DynamoDBDocumentClient;
const dataDir = mkdtempSync(path.join(tmpdir(), 'smefin-wf-'));

/** Fault injection for the failure paths: which steps throw, for needs of which county. */
const faults: { action: string; county: string; times: number }[] = [];
const wrapHandler = (name: FunctionName, handler: AnyHandler): AnyHandler => {
  if (name !== 'routing-steps') return handler;
  return async (event, context) => {
    const input = event as { action: string; needId?: string };
    const county = input.needId ? (await store.getNeed(input.needId))?.enterprise.countyCode : undefined;
    const fault = faults.find((f) => f.action === input.action && f.county === county && f.times > 0);
    if (fault) {
      fault.times--;
      throw new Error(`injected failure of ${input.action}`);
    }
    return handler(event, context);
  };
};

beforeAll(async () => {
  runtime = await startLocalRuntime({ port: 0, dataDir, logLevel: 'ERROR', daySeconds: 1, retryIntervalMs: 10, wrapHandler });
  const clientConfig = { region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS };
  db = DynamoDBDocumentClient.from(new DynamoDBClient({ ...clientConfig, endpoint: runtime.dynamoDbEndpoint }));
  store = new RoutingStore(db, runtime.tableNames);
  banks = new TestBanks(runtime.url, store, new SecretsManagerClient({ ...clientConfig, endpoint: runtime.awsEndpoint }), runtime.bankSecretPrefix);
  await banks.start();
}, 180_000);

afterAll(async () => {
  await banks?.stop();
  await runtime?.stop();
  db?.destroy();
  rmSync(dataDir, { recursive: true, force: true });
});

let bankCounter = 0;
/** A bank serving only `division`, quick to time out (1 working day). */
function testBank(division: string, extra: Partial<BankInput> = {}): Omit<BankInput, 'webhookUrl'> {
  bankCounter++;
  return {
    bankId: `test-bank-${bankCounter}-${Date.now().toString(36)}`,
    nameZh: `测试银行${bankCounter}`,
    nameEn: `Test Bank ${bankCounter}`,
    divisions: [division],
    products: [SME_LOAN_PRODUCT],
    capacity: 10,
    deadlines: { acknowledgeWorkingDays: 1, decideCalendarDays: 2 },
    ...extra,
  };
}

async function submit(countyCode: string, change: (s: ReturnType<typeof validSubmission>) => void = () => undefined) {
  const submission = validSubmission();
  submission.enterprise.countyCode = countyCode;
  change(submission);
  const response = await fetch(`${runtime.url}/v1/needs`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(submission),
  });
  expect(response.status).toBe(201);
  return { ...((await response.json()) as { needId: string; trackingToken: string }), submission };
}

async function execution(needId: string, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = runtime.stepFunctions.executions().find((e) => e.name === needId);
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`no execution for ${needId}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function finished(needId: string) {
  const started = await execution(needId);
  await Promise.race([started.finished, new Promise((_, reject) => setTimeout(() => reject(new Error('execution did not finish')), 60_000))]);
  return runtime.stepFunctions.executions().find((e) => e.name === needId)!;
}

async function status(needId: string, token: string) {
  const response = await fetch(`${runtime.url}/v1/needs/${needId}`, { headers: { Authorization: `Bearer ${token}` } });
  return (await response.json()) as NeedStatusResponse;
}

async function counters(countyCode: string) {
  const { Item } = await db.send(
    new GetCommand({ TableName: runtime.tableNames.counters, Key: { day: chinaDay(new Date()), countyCode }, ConsistentRead: true }),
  );
  return Item ?? {};
}

const costs: Record<string, { stateTransitions: number; lambdaInvocations: number }> = {};
afterAll(() => {
  console.info('state transitions and Lambda invocations per need, by path:', JSON.stringify(costs));
});

describe('referral workflow', () => {
  it('granted at the first bank: offer → accept (contact disclosed) → grant → disburse', async () => {
    const county = '330106';
    const bank = await banks.add(testBank(county));
    const need = await submit(county);
    const offer = await banks.nextOffer(bank.bankId);

    expect(offer.signatureValid).toBe(true);
    expect(offer.body.type).toBe('referral.offered');
    // Least disclosure: nothing that identifies the enterprise or its contact.
    expect(offer.raw).not.toContain(need.submission.enterprise.creditCode);
    expect(offer.raw).not.toContain(need.submission.enterprise.name);
    expect(offer.raw).not.toContain(need.submission.contact.mobile);
    expect(offer.raw).not.toContain(need.submission.contact.name);
    expect(offer.body.data.need).toMatchObject({ countyCode: county, amountYuan: 500_000, sizeClass: 'small' });

    const referralId = offer.body.data.referralId;
    // While the bank considers it, the owner sees that a bank does and by when, not which bank.
    const considering = await status(need.needId, need.trackingToken);
    expect(considering.progress).toEqual({ stage: 'considering', answerDueBy: offer.body.data.deadline });
    expect(JSON.stringify(considering)).not.toContain(bank.nameZh);
    const branch = { name: `${bank.nameZh}西湖支行`, phone: '0571-87000000', address: '杭州市西湖区文三路 1 号' };
    const accepted = await banks.send(bank.bankId, 'referral.accepted', { referralId, branch });
    expect(accepted.status).toBe(200);
    expect(accepted.body.disclosure.contact.mobile).toBe('13800138000');
    expect(accepted.body.disclosure.enterprise.creditCode).toBe(need.submission.enterprise.creditCode);
    const afterAcceptance = await status(need.needId, need.trackingToken);
    expect(afterAcceptance.status).toBe('accepted');
    expect(afterAcceptance.progress).toMatchObject({ stage: 'accepted', bank: { zh: bank.nameZh, en: bank.nameEn }, branch, decisionDueBy: expect.any(String) });

    let granted;
    for (let i = 0; i < 50; i++) {
      granted = await banks.send(bank.bankId, 'referral.granted', {
        referralId,
        amountYuan: 500_000,
        annualRateBp: 345,
        termMonths: 24,
        loanType: 'credit',
        firstLoan: true,
      });
      if (granted.status !== 409) break;
      await new Promise((resolve) => setTimeout(resolve, 100)); // the decision step is not waiting yet
    }
    expect(granted!.status).toBe(200);
    const done = await finished(need.needId);
    expect(done.status).toBe('SUCCEEDED');
    costs.grantedAtFirstBank = { stateTransitions: done.stateTransitions, lambdaInvocations: done.lambdaInvocations };
    // What Step Functions bills, counted by the local engine (states entered and retries): the
    // shortest granted path is Route → Routed? → Offer → AwaitDecision (9 before the route step).
    // A step retried on a busy machine bills one more: the path itself is what is asserted.
    expect(done.stateTransitions - done.retries).toBe(4);
    expect(done.stateTransitions - done.retries).toBeLessThanOrEqual(5);
    expect(done.lambdaInvocations - done.retries).toBe(3);

    const disbursed = await banks.send(bank.bankId, 'referral.disbursed', { referralId, amountYuan: 500_000, disbursedOn: chinaDay(new Date()) });
    expect(disbursed.status).toBe(200);
    const final = await status(need.needId, need.trackingToken);
    expect(final.status).toBe('disbursed');
    expect(final.progress).toEqual({
      stage: 'granted',
      bank: { zh: bank.nameZh, en: bank.nameEn },
      branch,
      terms: { amountYuan: 500_000, annualRateBp: 345, termMonths: 24, loanType: 'credit' },
      disbursement: { amountYuan: 500_000, disbursedOn: chinaDay(new Date()) },
    });
    expect(final.timeline.map((e) => e.status)).toEqual(['submitted', 'screening', 'recommended', 'offered', 'accepted', 'granted', 'disbursed']);
    expect(final.timeline.find((e) => e.status === 'accepted')).toMatchObject({ code: 'accepted', params: { bank: { zh: bank.nameZh, en: bank.nameEn } } });
    // Stored as codes: no entry carries prose, and each reads in one language.
    expect(final.timeline.every((e) => 'code' in e && !('note' in e))).toBe(true);
    expect(final.timeline.map((e) => timelineText(e, 'en')).join(' ')).not.toMatch(/[\u4e00-\u9fff]/u);

    expect(await counters(county)).toMatchObject({
      recommended: expect.any(Number),
      granted: expect.any(Number),
      creditLoans: expect.any(Number),
      firstLoans: expect.any(Number),
      mediumLongTermLoans: expect.any(Number),
      disbursed: expect.any(Number),
    });
    // The disclosure is audited in the append-only audit table, in the need's partition.
    const { Items } = await db.send(
      new (await import('@aws-sdk/lib-dynamodb')).QueryCommand({
        TableName: runtime.tables.find((name) => name.startsWith('DataAudit'))!,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': `NEED#${need.needId}` },
      }),
    );
    expect(Items).toEqual([expect.objectContaining({ kind: 'disclosure', occasion: 'acceptance', bankId: bank.bankId, referralId })]);
    // The enterprise may declare a new need once this one is granted.
    const again = await fetch(`${runtime.url}/v1/needs`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(need.submission),
    });
    expect(again.status).toBe(201);
  });

  it('declined at the first bank (repairable reason), granted at the second', async () => {
    const county = '441900';
    const local = await banks.add(testBank(county));
    const provincial = await banks.add(testBank('440000'));
    const need = await submit(county);

    const first = await banks.nextOffer(local.bankId); // the more local bank ranks first
    const secondOffer = banks.nextOffer(provincial.bankId);
    const declined = await banks.send(local.bankId, 'referral.declined', {
      referralId: first.body.data.referralId,
      reasonCode: 'tax_arrears',
      note: '近三个月有欠税记录',
    });
    expect(declined.status).toBe(200);

    const second = await secondOffer;
    const referralId = second.body.data.referralId;
    expect((await banks.send(provincial.bankId, 'referral.accepted', { referralId })).status).toBe(200);
    for (let i = 0; i < 50; i++) {
      const r = await banks.send(provincial.bankId, 'referral.granted', {
        referralId,
        amountYuan: 400_000,
        annualRateBp: 380,
        termMonths: 12,
        loanType: 'collateral',
        firstLoan: false,
      });
      if (r.status !== 409) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const done = await finished(need.needId);
    expect(done.status).toBe('SUCCEEDED');
    costs.declinedThenGranted = { stateTransitions: done.stateTransitions, lambdaInvocations: done.lambdaInvocations };
    // The decline ends the offer's wait as a caught task failure: Route → Routed? → Offer, then the shortest path.
    expect(done.stateTransitions - done.retries).toBe(7);
    const timeline = (await status(need.needId, need.trackingToken)).timeline;
    expect(timeline).toContainEqual(expect.objectContaining({ code: 'declined', params: expect.objectContaining({ reasonCode: 'tax_arrears', repairable: true }) }));
    expect(timeline.some((e) => timelineText(e, 'zh').includes('存在欠缴税款'))).toBe(true);
    expect(await counters(county)).toMatchObject({ declinedBy_tax_arrears: expect.any(Number), declinedRepairable: expect.any(Number) });
  });

  it('a silent bank misses its deadline; the need moves to the next bank; a late answer is recorded, not applied', async () => {
    const county = '469001';
    const silent = await banks.add(testBank(county));
    const backup = await banks.add(testBank('460000'));
    const need = await submit(county);
    const ignored = await banks.nextOffer(silent.bankId);
    const next = await banks.nextOffer(backup.bankId, 30_000); // after the (scaled) working-day deadline

    const late = await banks.send(silent.bankId, 'referral.accepted', { referralId: ignored.body.data.referralId });
    expect(late.status).toBe(202);
    expect(late.body.status).toBe('late');

    expect((await banks.send(backup.bankId, 'referral.declined', { referralId: next.body.data.referralId, reasonCode: 'outside_service_area' })).status).toBe(200);
    const done = await finished(need.needId);
    expect(done.status).toBe('SUCCEEDED');
    costs.silentThenDeclinedThenUnmatched = { stateTransitions: done.stateTransitions, lambdaInvocations: done.lambdaInvocations };
    expect((await status(need.needId, need.trackingToken)).status).toBe('unmatched');
    const tally = await counters(county);
    expect(tally[`deadlinesMissedBy_${silent.bankId}`]).toBe(1);
    expect(tally.lateAnswers).toBeGreaterThanOrEqual(1);
  });

  it('offers the need only to the banks its consent names: a bank that starts serving the county later is not offered it', async () => {
    const county = '350212';
    const named = await banks.add(testBank(county));
    const need = await submit(county, (s) => (s.consent = { shareWithBanks: true, textVersion: '2026-12', bankIds: [named.bankId] }));
    const offer = await banks.nextOffer(named.bankId);
    const later = await banks.add(testBank(county)); // joins while the named bank considers the need
    expect((await banks.send(named.bankId, 'referral.declined', { referralId: offer.body.data.referralId, reasonCode: 'over_indebted' })).status).toBe(200);
    const done = await finished(need.needId);
    expect(done.status).toBe('SUCCEEDED');
    expect((await status(need.needId, need.trackingToken)).status).toBe('unmatched');
    expect(banks.offers.filter((o) => o.bankId === later.bankId)).toEqual([]);
  });

  it('all banks decline: the need is escalated to the county task force (unmatched)', async () => {
    const county = '659001';
    const a = await banks.add(testBank(county));
    const b = await banks.add(testBank('650000'));
    const need = await submit(county);
    for (const bank of [a, b]) {
      const offer = await banks.nextOffer(bank.bankId);
      expect((await banks.send(bank.bankId, 'referral.declined', { referralId: offer.body.data.referralId, reasonCode: 'over_indebted' })).status).toBe(200);
    }
    const done = await finished(need.needId);
    expect(done.status).toBe('SUCCEEDED');
    costs.allDeclineUnmatched = { stateTransitions: done.stateTransitions, lambdaInvocations: done.lambdaInvocations };
    // (Route → Routed? → Offer) per bank, then Route → Routed? → Unmatched: the route step escalates.
    expect(done.stateTransitions - done.retries).toBe(9);
    const final = await status(need.needId, need.trackingToken);
    expect(final.status).toBe('unmatched');
    expect(final.timeline.at(-1)).toMatchObject({ code: 'unmatched' });
    expect((await counters(county)).unmatched).toBeGreaterThanOrEqual(1);
  });

  it('not recommended: a negative-list entry, and a medium enterprise — no bank is asked', async () => {
    const county = '420106';
    const bank = await banks.add(testBank(county));
    const creditCode = freshCreditCode();
    await store.putNegativeEntries(
      [{ creditCode, jurisdiction: '420000', reasonCode: 'dishonest_judgment_debtor', source: '省高院失信名单', validFrom: '2026-01-01' }],
      new Date(),
    );
    const listed = await submit(county, (s) => (s.enterprise.creditCode = creditCode));
    const medium = await submit(county, (s) => {
      s.enterprise.employees = 400;
      s.enterprise.annualRevenueYuan = 50_000_000;
    });
    for (const need of [listed, medium]) {
      const done = await finished(need.needId);
      expect(done.status).toBe('SUCCEEDED');
      expect((await status(need.needId, need.trackingToken)).status).toBe('not_recommended');
      costs.notRecommended = { stateTransitions: done.stateTransitions, lambdaInvocations: done.lambdaInvocations };
      expect(done.stateTransitions - done.retries).toBe(3);
    }
    expect(banks.offers.filter((o) => o.bankId === bank.bankId)).toEqual([]);
    const tally = await counters(county);
    expect(tally['notRecommendedBy_negative_list.dishonest_judgment_debtor'] ?? tally['notRecommendedBy_negative_list_dishonest_judgment_debtor']).toBe(1);
    expect(tally.notRecommendedBy_size_not_eligible).toBe(1);
  });

  it('a Lambda error is retried and the need carries on', async () => {
    const county = '320106';
    const bank = await banks.add(testBank(county));
    faults.push({ action: 'route', county, times: 2 });
    const need = await submit(county);
    const offer = await banks.nextOffer(bank.bankId);
    expect(offer.body.data.referralId).toBeTruthy();
    expect(faults.filter((f) => f.county === county).map((f) => f.times)).toEqual([0]);
    expect((await status(need.needId, need.trackingToken)).status).toBe('offered');
  });

  it('a step that keeps failing is recorded on the need, and the execution ends instead of hanging', async () => {
    const county = '320205';
    await banks.add(testBank(county));
    faults.push({ action: 'route', county, times: 100 });
    const need = await submit(county);
    const done = await finished(need.needId);
    expect(done.status).toBe('FAILED');
    const final = await status(need.needId, need.trackingToken);
    expect(final.timeline.at(-1)).toMatchObject({ code: 'routing_failed' });
    expect((await counters(county)).routingFailures).toBe(1);
  });
});

describe('bank events endpoint', () => {
  async function offeredReferral(county: string) {
    const bank = await banks.add(testBank(county, { deadlines: { acknowledgeWorkingDays: 10, decideCalendarDays: 30 } }));
    const need = await submit(county);
    const offer = await banks.nextOffer(bank.bankId);
    return { bank, need, referralId: offer.body.data.referralId };
  }

  it('refuses forged, stale and unknown-bank events with 401, changing nothing', async () => {
    const { bank, need, referralId } = await offeredReferral('350102');
    const forged = await banks.send(bank.bankId, 'referral.accepted', { referralId }, { secret: `whsec_${Buffer.alloc(32, 7).toString('base64')}` });
    const stale = await banks.send(bank.bankId, 'referral.accepted', { referralId }, { timestamp: new Date(Date.now() - 6 * 60_000) });
    const unknown = await banks.send('no-such-bank', 'referral.accepted', { referralId });
    for (const result of [forged, stale, unknown]) {
      expect(result.status).toBe(401);
      expect(result.body.type).toBe('/problems/unauthorized');
    }
    expect((await status(need.needId, need.trackingToken)).status).toBe('offered');
  });

  it("answers 404 for an unknown referral and for another bank's referral", async () => {
    const { referralId } = await offeredReferral('350103');
    const other = await banks.add(testBank('350103'));
    expect((await banks.send(other.bankId, 'referral.accepted', { referralId })).status).toBe(404);
    expect((await banks.send(other.bankId, 'referral.accepted', { referralId: 'unknown-referral' })).status).toBe(404);
  });

  it('answers 400 problem+json for a malformed event, naming the field', async () => {
    const { bank, referralId } = await offeredReferral('350104');
    const bad = await banks.send(bank.bankId, 'referral.declined', { referralId, reasonCode: 'not-a-reason' });
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toEqual([expect.objectContaining({ pointer: '/data/reasonCode' })]);
    const notJson = await banks.send(bank.bankId, '', {}, { body: '{not json' });
    expect(notJson.status).toBe(400);
  });

  it('applies a duplicate delivery (same webhook-id) once, and answers it with the first answer', async () => {
    const { bank, need, referralId } = await offeredReferral('350105');
    const first = await banks.send(bank.bankId, 'referral.accepted', { referralId });
    const replay = await banks.send(bank.bankId, 'referral.accepted', { referralId }, { webhookId: first.webhookId });
    expect(first.status).toBe(200);
    expect(replay.status).toBe(200);
    expect(replay.body).toEqual(first.body);
    expect(replay.headers.get('x-smefin-duplicate')).toBe('true');
    // The de-duplication records keep no personal data: the disclosure is rebuilt (and audited) on replay.
    const { Items = [] } = await db.send(new ScanCommand({ TableName: runtime.tableNames.idempotency }));
    const kept = JSON.stringify(Items.filter((item) => JSON.stringify(item.data ?? '').includes(referralId)));
    expect(kept).toContain(referralId);
    expect(kept).not.toContain(need.submission.contact.mobile);
    expect(kept).not.toContain(need.submission.enterprise.creditCode);
    // Both disclosures are audited in the append-only audit table: the acceptance and its replay, fields named, no values.
    const auditTable = runtime.tables.find((name) => name.startsWith('DataAudit'))!;
    const { Items: audits = [] } = await db.send(new ScanCommand({ TableName: auditTable }));
    const disclosures = audits.filter((a) => a.needId === need.needId && a.kind === 'disclosure');
    expect(disclosures.map((a) => a.occasion).sort()).toEqual(['acceptance', 'redelivery']);
    expect(disclosures.every((a) => a.pk === `NEED#${need.needId}` && a.bankId === bank.bankId)).toBe(true);
    expect(JSON.stringify(disclosures)).not.toContain(need.submission.contact.mobile);
    // A second, distinct acceptance is a conflict, not a second state change.
    expect((await banks.send(bank.bankId, 'referral.accepted', { referralId })).status).toBe(409);
    const accepted = (await status(need.needId, need.trackingToken)).timeline.filter((e) => e.status === 'accepted');
    expect(accepted).toHaveLength(1);
    expect((await counters('350105')).accepted).toBe(1);
  });

  it('retries an offer the bank could not take (5xx) with the same webhook-id, and records every attempt', async () => {
    const county = '350121';
    const bank = await banks.add(testBank(county));
    banks.failNext(bank.bankId, 2);
    await submit(county);
    const offer = await banks.nextOffer(bank.bankId, 30_000);
    const attempts = banks.deliveries.filter((d) => d.bankId === bank.bankId);
    expect(attempts.map((a) => a.status)).toEqual([503, 503, 200]);
    expect(new Set(attempts.map((a) => a.webhookId)).size).toBe(1);
    let referral = await store.getReferral(offer.body.data.referralId);
    const recorded = () => (referral as unknown as { deliveries?: { status: number }[] }).deliveries?.map((d) => d.status);
    for (let i = 0; i < 50 && recorded()?.length !== 3; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100)); // the last attempt is recorded after the bank answered
      referral = await store.getReferral(offer.body.data.referralId);
    }
    expect(recorded()).toEqual([503, 503, 200]);
    // The token stays on the server.
    expect(offer.raw).not.toContain((referral as unknown as { taskToken: string }).taskToken);
  });

  it('a bank retrying after the workflow could not be resumed gets its answer applied once, not a conflict', async () => {
    const { bank, need, referralId } = await offeredReferral('350122');
    const sfn = runtime.stepFunctions as unknown as { handle: (op: string, input: Record<string, unknown>) => Promise<unknown> };
    const original = sfn.handle.bind(runtime.stepFunctions);
    let failures = 0;
    sfn.handle = async (op, input) => {
      if (op === 'SendTaskSuccess' && failures < 3) {
        failures++;
        throw new AwsServiceError('ServiceUnavailable', 'injected outage', 503);
      }
      return original(op, input);
    };
    try {
      const first = await banks.send(bank.bankId, 'referral.accepted', { referralId });
      expect(first.status).toBe(503);
      const retry = await banks.send(bank.bankId, 'referral.accepted', { referralId }, { webhookId: first.webhookId });
      expect(retry.status).toBe(200);
      expect(retry.body.disclosure.contact.mobile).toBe('13800138000');
    } finally {
      sfn.handle = original;
    }
    const timeline = (await status(need.needId, need.trackingToken)).timeline.filter((e) => e.status === 'accepted');
    expect(timeline).toHaveLength(1);
    // The workflow took the answer: it now waits for the decision.
    let referral = await store.getReferral(referralId);
    for (let i = 0; i < 50 && referral?.waitingFor !== 'decision'; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      referral = await store.getReferral(referralId);
    }
    expect(referral?.waitingFor).toBe('decision');
    expect(referral?.resumePending).toBeUndefined();
  });

  /** Sends as a bank does: again after a "not ready" answer, honouring Retry-After (bounded). */
  async function sendUntilSettled(bankId: string, type: string, data: Record<string, unknown>, webhookId?: string) {
    for (let attempt = 0; attempt < 200; attempt++) {
      const result = await banks.send(bankId, type, data, webhookId ? { webhookId } : {});
      if (result.status !== 409 || result.body.type !== '/problems/referral-not-ready') return result;
      expect(Number(result.headers.get('retry-after'))).toBeGreaterThan(0);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`${type} for ${String(data.referralId)} never settled`);
  }

  it('20 concurrent deliveries of one webhook-id: the state changes once, every delivery gets the first answer or a retry-later', async () => {
    const county = '350123';
    const { bank, need, referralId } = await offeredReferral(county);
    const webhookId = `msg_${randomUUID()}`;
    const burst = await Promise.all(Array.from({ length: 20 }, () => banks.send(bank.bankId, 'referral.accepted', { referralId }, { webhookId })));
    for (const result of burst) {
      expect([200, 409]).toContain(result.status);
      if (result.status === 409) {
        expect(result.body.type).toBe('/problems/referral-not-ready');
        expect(Number(result.headers.get('retry-after'))).toBeGreaterThan(0);
      }
    }
    // Exactly one delivery did the work; the others are replays of its answer (or were told to retry).
    expect(burst.filter((r) => r.status === 200 && r.headers.get('x-smefin-duplicate') !== 'true')).toHaveLength(1);
    const settled = await Promise.all(burst.map((r) => (r.status === 200 ? r : sendUntilSettled(bank.bankId, 'referral.accepted', { referralId }, webhookId))));
    for (const result of settled) {
      expect(result.status).toBe(200);
      expect(result.body).toEqual(settled[0]!.body);
      expect(result.body.disclosure.contact.mobile).toBe(need.submission.contact.mobile);
    }
    expect((await status(need.needId, need.trackingToken)).timeline.filter((e) => e.status === 'accepted')).toHaveLength(1);
    const tally = await counters(county);
    expect(tally.accepted).toBe(1);
    expect(tally.lateAnswers).toBeUndefined();
  });

  it('accepted and declined sent at once (5 races): one applies first, the other follows or is refused; never stuck, never late', async () => {
    for (const county of ['350124', '350125', '350128', '350181', '350112']) {
      const { bank, need, referralId } = await offeredReferral(county);
      const [accept, decline] = await Promise.all([
        sendUntilSettled(bank.bankId, 'referral.accepted', { referralId }),
        sendUntilSettled(bank.bankId, 'referral.declined', { referralId, reasonCode: 'tax_arrears' }),
      ]);
      expect(decline.status).toBe(200);
      expect(decline.body.status).toBe('declined');
      // Accepted first (then the decline is the credit decision), or refused after the decline.
      expect([200, 409]).toContain(accept.status);
      if (accept.status === 409) expect(accept.body.type).toBe('/problems/referral-conflict');
      const done = await finished(need.needId);
      expect(done.status).toBe('SUCCEEDED');
      const final = await status(need.needId, need.trackingToken);
      expect(final.status).toBe('unmatched');
      const statuses = final.timeline.map((e) => e.status).filter((s) => ['offered', 'accepted', 'recommended', 'unmatched'].includes(s));
      const afterOffer = statuses.slice(statuses.indexOf('offered'));
      expect(afterOffer).toEqual(accept.status === 200 ? ['offered', 'accepted', 'recommended', 'unmatched'] : ['offered', 'recommended', 'unmatched']);
      const tally = await counters(county);
      expect(tally.lateAnswers).toBeUndefined();
      expect(tally.declined).toBe(1);
      expect((await store.getReferral(referralId))?.stage).toBe('declined');
    }
  });

  it('refuses a 2 KB webhook-id with 400, not a retryable error', async () => {
    const { bank, referralId } = await offeredReferral('350103');
    const long = await banks.send(bank.bankId, 'referral.accepted', { referralId }, { webhookId: `msg_${'x'.repeat(2048)}` });
    expect(long.status).toBe(400);
    expect(long.body.errors).toEqual([expect.objectContaining({ code: 'webhook_id.invalid' })]);
    expect((await store.getReferral(referralId))?.stage).toBe('offered');
  });

  it('a bank whose signing secret is gone is skipped at once, with the reason recorded, and the next bank is offered the need', async () => {
    const county = '360102';
    const parsed = parseBank({ ...testBank(county), webhookUrl: 'https://bank.invalid/webhook' });
    if (!parsed.ok) throw new Error('invalid bank');
    await store.putBank(parsed.bank, new Date()); // in the registry, with no secret
    const backup = await banks.add(testBank('360000'));
    const need = await submit(county);
    const offer = await banks.nextOffer(backup.bankId, 10_000); // well before the skipped bank's deadline
    const skipped = (await Promise.all(((await store.getNeed(need.needId))?.referralIds ?? []).map((id) => store.getReferral(id)))).find(
      (r) => r?.bankId === parsed.bank.bankId,
    );
    expect(skipped).toMatchObject({ stage: 'skipped', skipped: { reason: 'bank_secret_missing' } });
    expect(offer.body.data.referralId).not.toBe(skipped?.referralId);
    expect((await status(need.needId, need.trackingToken)).timeline.some((e) => 'code' in e && e.code === 'bank_unavailable')).toBe(true);
    expect((await store.listBanks()).find((b) => b.bank.bankId === parsed.bank.bankId)?.openReferrals).toBe(0);
  });

  it('a deadline moved later (a holiday arrangement loaded) does not fire early: the workflow waits on and the answer is in time', async () => {
    const county = '360104';
    const bank = await banks.add(testBank(county)); // 1 working day: a second or three here
    await submit(county);
    const offer = await banks.nextOffer(bank.bankId);
    const referralId = offer.body.data.referralId as string;
    const before = await store.getReferral(referralId);
    const later = new Date(Date.now() + 60_000).toISOString();
    expect(await new ProvisionalDeadlinesStore(db, runtime.tableNames.needs).moveDeadline(referralId, later, false, new Date())).toBe('written');
    // The original timer fires; the workflow finds the deadline not due and waits again with a new token.
    let referral = await store.getReferral(referralId);
    for (let i = 0; i < 200 && (referral?.taskToken === before?.taskToken || !referral?.taskToken); i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      referral = await store.getReferral(referralId);
    }
    expect(referral).toMatchObject({ stage: 'offered', waitingFor: 'offer', deadline: later });
    expect(Date.now()).toBeGreaterThan(Date.parse(before!.deadline));
    const answer = await sendUntilSettled(bank.bankId, 'referral.accepted', { referralId });
    expect(answer.status).toBe(200);
    expect(answer.body.status).toBe('accepted');
    expect(banks.offers.filter((o) => o.bankId === bank.bankId)).toHaveLength(1); // waiting on sends nothing again
    expect((await counters(county)).deadlinesMissed).toBeUndefined();
  });

  it('refuses a grant before acceptance, and disbursement before a grant', async () => {
    const { bank, referralId } = await offeredReferral('350111');
    const grant = { referralId, amountYuan: 100_000, annualRateBp: 350, termMonths: 12, loanType: 'credit', firstLoan: false };
    expect((await banks.send(bank.bankId, 'referral.granted', grant)).status).toBe(409);
    expect((await banks.send(bank.bankId, 'referral.disbursed', { referralId, amountYuan: 1, disbursedOn: '2026-11-30' })).status).toBe(409);
  });
});

describe("the owner's changes: withdraw, amend", () => {
  const change = (needId: string, token: string, kind: 'amendments' | 'withdrawal', body?: unknown) =>
    fetch(`${runtime.url}/v1/needs/${needId}/${kind}`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  const needItem = async (needId: string) =>
    (await db.send(new GetCommand({ TableName: runtime.tableNames.needs, Key: { pk: `NEED#${needId}`, sk: 'NEED' }, ConsistentRead: true }))).Item!;

  it('withdrawn mid-offer: the wait ends, the bank is told, the contact is erased, the withdrawal audited, the credit code free again', async () => {
    const county = '370102';
    const bank = await banks.add(testBank(county));
    const need = await submit(county);
    const offer = await banks.nextOffer(bank.bankId);
    const told = banks.nextOffer(bank.bankId);

    const response = await change(need.needId, need.trackingToken, 'withdrawal');
    expect(response.status).toBe(200);
    expect(((await response.json()) as NeedStatusResponse).status).toBe('withdrawn');
    const withdrawn = await told;
    expect(withdrawn.signatureValid).toBe(true);
    expect(withdrawn.body).toMatchObject({ type: 'referral.withdrawn', data: { referralId: offer.body.data.referralId, reason: 'need_withdrawn' } });
    const done = await finished(need.needId);
    expect(done.status).toBe('SUCCEEDED');

    const item = await needItem(need.needId);
    expect(item.contact).toEqual({ name: '[已删除 erased]', mobile: '[已删除 erased]' });
    expect(item).toMatchObject({ status: 'withdrawn', personalDataErasedAt: expect.any(String), consent: expect.objectContaining({ withdrawnAt: expect.any(String) }) });
    expect(item.routingPhase).toBeUndefined();
    const audit = await db.send(new ScanCommand({ TableName: runtime.tables.find((name) => name.startsWith('DataAudit'))!, ConsistentRead: true }));
    expect(audit.Items).toContainEqual(expect.objectContaining({ kind: 'need-withdrawn', needId: need.needId, referralId: offer.body.data.referralId, bankId: bank.bankId }));
    // The bank's late acceptance is refused and discloses nothing.
    const late = await banks.send(bank.bankId, 'referral.accepted', { referralId: offer.body.data.referralId });
    expect(late.status).toBe(409);
    expect(JSON.stringify(late.body)).not.toContain('13800138000');
    // A repeat answers the same; the timeline says it; the enterprise may declare anew.
    expect((await change(need.needId, need.trackingToken, 'withdrawal')).status).toBe(200);
    expect((await status(need.needId, need.trackingToken)).timeline.at(-1)).toMatchObject({ code: 'withdrawn', status: 'withdrawn' });
    expect((await store.listBanks()).find((b) => b.bank.bankId === bank.bankId)?.openReferrals).toBe(0);
    const again = await submit(county, (s) => (s.enterprise.creditCode = need.submission.enterprise.creditCode));
    // Not left routing in the background: the audit below compares the counters with the needs at one moment.
    expect((await change(again.needId, again.trackingToken, 'withdrawal')).status).toBe(200);
    expect((await finished(again.needId)).status).toBe('SUCCEEDED');
  });

  it('amended after a repairable decline left it unmatched: screened and routed again, the bank that declined offered the amended need', async () => {
    const county = '370103';
    const bank = await banks.add(testBank(county));
    const need = await submit(county);
    const first = await banks.nextOffer(bank.bankId);
    expect((await banks.send(bank.bankId, 'referral.declined', { referralId: first.body.data.referralId, reasonCode: 'amount_above_repayment_capacity' })).status).toBe(200);
    await finished(need.needId);
    const before = await status(need.needId, need.trackingToken);
    expect(before).toMatchObject({ status: 'unmatched', actions: { amend: true, withdraw: true } });

    // Invalid: nothing changes.
    const invalid = await change(need.needId, need.trackingToken, 'amendments', { need: { amountYuan: 5 } });
    expect(invalid.status).toBe(400);
    expect(((await invalid.json()) as { errors: { pointer: string }[] }).errors[0]?.pointer).toBe('/need/amountYuan');
    expect((await status(need.needId, need.trackingToken)).timeline).toEqual(before.timeline);
    // Another token: as if there were no need.
    expect((await change(need.needId, 'not-the-token', 'amendments', { need: { amountYuan: 300_000 } })).status).toBe(404);

    const second = banks.nextOffer(bank.bankId);
    const amended = await change(need.needId, need.trackingToken, 'amendments', { need: { amountYuan: 300_000 } });
    expect(amended.status).toBe(200);
    expect(((await amended.json()) as NeedStatusResponse).status).toBe('submitted');
    const offer = await second;
    expect(offer.body.type).toBe('referral.offered');
    expect(offer.body.data.need).toMatchObject({ amountYuan: 300_000 });
    expect((await banks.send(bank.bankId, 'referral.accepted', { referralId: offer.body.data.referralId })).status).toBe(200);
    const final = await status(need.needId, need.trackingToken);
    expect(final.status).toBe('accepted');
    const codes = final.timeline.map((e) => ('code' in e ? e.code : ''));
    expect(codes.slice(codes.indexOf('amended'))).toEqual(['amended', 'screening', 'recommended', 'offered', 'accepted']);
    expect(runtime.stepFunctions.executions().map((e) => e.name)).toContain(`${need.needId}-a1`);
    // Accepted by a bank: no more amendments, and the answer says why.
    const refused = await change(need.needId, need.trackingToken, 'amendments', { need: { termMonths: 6 } });
    expect(refused.status).toBe(409);
    expect(await refused.json()).toMatchObject({ reason: 'bank_deciding' });
    // Not left routing in the background (the audit below): withdrawn, its round ends.
    expect((await change(need.needId, need.trackingToken, 'withdrawal')).status).toBe(200);
    expect((await finished(`${need.needId}-a1`)).status).toBe('SUCCEEDED');
  });

  it('amended while offered to a second bank after the first declined for a repairable reason: that offer is withdrawn and the need routed again', async () => {
    const county = '370104';
    const first = await banks.add(testBank(county));
    const second = await banks.add(testBank('370100'));
    const need = await submit(county);
    const offer1 = await banks.nextOffer(first.bankId);
    const offer2 = banks.nextOffer(second.bankId);
    expect((await banks.send(first.bankId, 'referral.declined', { referralId: offer1.body.data.referralId, reasonCode: 'tax_arrears' })).status).toBe(200);
    const pending = await offer2;
    // The second bank's wait has begun once its offer arrived; the page offers the amendment.
    let current = await status(need.needId, need.trackingToken);
    for (let i = 0; i < 50 && !current.actions.amend; i++) current = await status(need.needId, need.trackingToken);
    expect(current.actions.amend).toBe(true);

    const told = banks.nextOffer(second.bankId);
    const again = banks.nextOffer(first.bankId);
    let response: Response | undefined;
    for (let i = 0; i < 50; i++) {
      response = await change(need.needId, need.trackingToken, 'amendments', { need: { guarantee: 'collateral' } });
      if (response.status !== 409) break;
      await new Promise((resolve) => setTimeout(resolve, 100)); // the second bank's wait not registered yet
    }
    expect(response!.status).toBe(200);
    expect((await told).body).toMatchObject({ type: 'referral.withdrawn', data: { referralId: pending.body.data.referralId, reason: 'need_amended' } });
    // A fresh round: the first bank, which declined, sees the repaired need again.
    const repaired = await again;
    expect(repaired.body.data.need).toMatchObject({ guarantee: 'collateral' });
    expect((await banks.send(second.bankId, 'referral.accepted', { referralId: pending.body.data.referralId })).status).toBe(409);
    const timeline = (await status(need.needId, need.trackingToken)).timeline;
    expect(timeline).toContainEqual(expect.objectContaining({ code: 'amended', params: { fields: ['/need/guarantee'] } }));
    expect((await change(need.needId, need.trackingToken, 'withdrawal')).status).toBe(200);
    expect((await finished(need.needId)).status).toBe('SUCCEEDED');
  });
});

describe("the owner's renewed consent", () => {
  it('a bank that began serving the county after the submission is offered the need only once the owner consents again (an amendment with consent)', async () => {
    const county = '370105';
    const named = await banks.add(testBank(county));
    const need = await submit(county, (s) => (s.consent = { shareWithBanks: true, textVersion: '2026-12', bankIds: [named.bankId] }));
    const offer = await banks.nextOffer(named.bankId);
    expect((await banks.send(named.bankId, 'referral.declined', { referralId: offer.body.data.referralId, reasonCode: 'over_indebted' })).status).toBe(200);
    await finished(need.needId);
    const later = await banks.add(testBank(county));
    const unmatched = await status(need.needId, need.trackingToken);
    expect(unmatched).toMatchObject({ status: 'unmatched', consentBankIds: [named.bankId] });

    const offered = banks.nextOffer(later.bankId);
    const renewal = await fetch(`${runtime.url}/v1/needs/${need.needId}/amendments`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${need.trackingToken}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ consent: { shareWithBanks: true, textVersion: '2026-12', bankIds: [named.bankId, later.bankId] } }),
    });
    expect(renewal.status).toBe(200);
    expect(((await renewal.json()) as NeedStatusResponse).consentBankIds?.sort()).toEqual([named.bankId, later.bankId].sort());
    expect((await offered).body.type).toBe('referral.offered');
    const timeline = (await status(need.needId, need.trackingToken)).timeline;
    expect(timeline).toContainEqual(expect.objectContaining({ code: 'amended', params: { fields: ['/consent'] } }));
    // Not left routing in the background (the audit below): withdrawn, its round ends.
    const withdrawn = await fetch(`${runtime.url}/v1/needs/${need.needId}/withdrawal`, { method: 'POST', headers: { Authorization: `Bearer ${need.trackingToken}` } });
    expect(withdrawn.status).toBe(200);
    expect((await finished(`${need.needId}-a1`)).status).toBe('SUCCEEDED');
  });
});

describe('audit: recompute from raw records', () => {
  it('agrees with the live county-day counters after every scenario above', async () => {
    const { recomputeCounters, diffCounters, splitItems } = await import('../../shared/domain/recompute');
    const scan = (table: string) => scanAll(db, table);
    const live = (await scan(runtime.tableNames.counters)).map(({ day, countyCode, updatedAt: _, ...counters }) => ({
      day: String(day),
      countyCode: String(countyCode),
      counters: counters as Record<string, number>,
    }));
    const recomputed = recomputeCounters(splitItems(await scan(runtime.tableNames.needs)));
    expect(live.length).toBeGreaterThan(5);
    expect(diffCounters(live, recomputed)).toEqual([]);
  });
});
