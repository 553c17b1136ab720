// The task force's review (审核) on the real synthesized state machine, run by the local Step
// Functions endpoint with the same handlers as in AWS, DynamoDB Local and the local pipe: a county
// set to `review: manual` holds every need the screening recommends in review until its task force
// decides through POST /v1/counties/{countyCode}/reviews (recommend → a bank; return → the owner
// amends → reviewed again; not recommended), a review past its deadline is counted overdue and still
// waited for, a withdrawal ends the wait. A simulated day lasts a second (the deadlines' time scale).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NeedStatusResponse } from '../../shared/domain/need-record';
import { timelineText } from '../../shared/domain/timeline-text';
import { chinaDay } from '../../shared/domain/need-record';
import { RoutingStore } from '../../shared/adapters/routing-store';
import { ReviewSettingsStore } from '../../shared/adapters/review-settings-store';
import { startLocalRuntime, type LocalRuntime } from '../../local/runtime';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../local/dynamodb-local';
import { validSubmission } from '../support/needs';
import { SME_LOAN_PRODUCT, TestBanks } from '../support/test-banks';
import { scanAll } from '../support/scan';

let runtime: LocalRuntime;
let banks: TestBanks;
let db: DynamoDBDocumentClient;
const dataDir = mkdtempSync(path.join(tmpdir(), 'smefin-review-'));
const tokens: Record<string, string> = {};

/** Counties that review by hand in this run, one per scenario (so no scenario's bank serves another's need). */
const MANUAL = { recommend: '330108', returned: '330109', overdue: '330110', withdrawn: '330111', api: '330112' } as const;

beforeAll(async () => {
  runtime = await startLocalRuntime({ port: 0, dataDir, logLevel: 'ERROR', daySeconds: 1, retryIntervalMs: 10 });
  const clientConfig = { region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS };
  db = DynamoDBDocumentClient.from(new DynamoDBClient({ ...clientConfig, endpoint: runtime.dynamoDbEndpoint }));
  const store = new RoutingStore(db, runtime.tableNames);
  banks = new TestBanks(runtime.url, store, new SecretsManagerClient({ ...clientConfig, endpoint: runtime.awsEndpoint }), runtime.bankSecretPrefix);
  await banks.start();
  const settings = new ReviewSettingsStore(db, runtime.tableNames.needs);
  for (const county of Object.values(MANUAL)) await settings.put(county, 'manual', new Date());
  for (const county of Object.values(MANUAL)) tokens[county] = await runtime.mintToken({ jurisdiction: county, role: 'task_force', subject: `officer-${county}` });
  tokens.xihu = await runtime.mintToken({ jurisdiction: '330106', role: 'task_force' });
  tokens.hangzhou = await runtime.mintToken({ jurisdiction: '330100', role: 'task_force' });
}, 180_000);

afterAll(async () => {
  await banks?.stop();
  await runtime?.stop();
  db?.destroy();
  rmSync(dataDir, { recursive: true, force: true });
});

async function submit(countyCode: string) {
  const submission = validSubmission();
  submission.enterprise.countyCode = countyCode;
  const response = await fetch(`${runtime.url}/v1/needs`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(submission) });
  expect(response.status).toBe(201);
  return (await response.json()) as { needId: string; trackingToken: string };
}

async function status(need: { needId: string; trackingToken: string }) {
  const response = await fetch(`${runtime.url}/v1/needs/${need.needId}`, { headers: { Authorization: `Bearer ${need.trackingToken}` } });
  return (await response.json()) as NeedStatusResponse;
}

/** Polls the status page until the need is in `wanted` (the workflow runs beside the test). */
async function statusBecomes(need: { needId: string; trackingToken: string }, wanted: string, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const seen = await status(need);
    if (seen.status === wanted) return seen;
    if (Date.now() > deadline) throw new Error(`need ${need.needId} is ${seen.status}, not ${wanted}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function execution(name: string) {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const found = runtime.stepFunctions.executions().find((e) => e.name === name);
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`no execution ${name}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function finished(name: string) {
  const started = await execution(name);
  await Promise.race([started.finished, new Promise((_, reject) => setTimeout(() => reject(new Error(`execution ${name} did not finish`)), 60_000))]);
  return runtime.stepFunctions.executions().find((e) => e.name === name)!;
}

interface Answer {
  status: number;
  body: Record<string, unknown> & { results?: { needId: string; result: string; reason?: string; status?: string }[] };
}

async function call(method: 'GET' | 'POST', pathAndQuery: string, token: string, body?: unknown, language = 'zh-CN'): Promise<Answer> {
  const response = await fetch(`${runtime.url}${pathAndQuery}`, {
    method,
    headers: { Authorization: `Bearer ${token}`, 'Accept-Language': language, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: (await response.json()) as Answer['body'] };
}

const decide = (county: string, decisions: unknown[], token = tokens[county]!) => call('POST', `/v1/counties/${county}/reviews`, token, { decisions });

async function counters(countyCode: string) {
  const { Item } = await db.send(new GetCommand({ TableName: runtime.tableNames.counters, Key: { day: chinaDay(new Date()), countyCode }, ConsistentRead: true }));
  return Item ?? {};
}

async function auditOf(needId: string) {
  const { Items = [] } = await db.send(
    new QueryCommand({
      TableName: runtime.tables.find((name) => name.startsWith('DataAudit'))!,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': `NEED#${needId}` },
    }),
  );
  return Items;
}

describe('manual review in the workflow', () => {
  it('in review → the task force recommends → offered to a bank; a repeat is already decided, another decision refused', async () => {
    const county = MANUAL.recommend;
    const bank = await banks.add({
      bankId: `review-bank-${Date.now().toString(36)}`,
      nameZh: '审核测试银行',
      nameEn: 'Review Test Bank',
      divisions: [county],
      products: [SME_LOAN_PRODUCT],
      capacity: 10,
      deadlines: { acknowledgeWorkingDays: 30, decideCalendarDays: 60 },
    });
    const need = await submit(county);
    const inReview = await statusBecomes(need, 'in_review');
    expect(inReview.timeline.map((e) => ('code' in e ? e.code : ''))).toEqual(['submitted', 'screening', 'in_review']);
    expect(timelineText(inReview.timeline.at(-1)!, 'zh')).toContain('等待县级工作专班审核');
    expect(banks.offers.filter((o) => o.bankId === bank.bankId)).toEqual([]); // nothing reaches a bank before the review

    // The workspace's list of pending reviews, and the declaration list.
    const pending = await call('GET', `/v1/counties/${county}/reviews?state=pending`, tokens[county]!);
    expect(pending.status).toBe(200);
    expect(pending.body.reviews).toContainEqual({
      needId: need.needId,
      enterpriseName: '杭州西湖食品有限公司',
      amountYuan: 500_000,
      declaredAt: expect.any(String),
      dueAt: expect.any(String),
      overdue: false,
    });
    const declared = await call('GET', `/v1/lists/${county}?list=declared`, tokens[county]!);
    expect((declared.body.needs as { needId: string; status: string; review?: unknown }[]).find((n) => n.needId === need.needId)).toMatchObject({
      status: 'in_review',
      review: { outcome: 'pending', dueAt: expect.any(String), overdue: false },
    });

    const offered = banks.nextOffer(bank.bankId);
    const decision = await decide(county, [{ needId: need.needId, decision: 'recommend' }]);
    expect(decision.status).toBe(200);
    expect(decision.body.results).toEqual([{ needId: need.needId, result: 'applied', status: 'recommended' }]);
    expect((await offered).body.type).toBe('referral.offered');
    const afterOffer = await statusBecomes(need, 'offered');
    expect(afterOffer.timeline).toContainEqual(expect.objectContaining({ code: 'review_decided', status: 'recommended', params: { decision: 'recommend', reasons: [] } }));

    expect((await decide(county, [{ needId: need.needId, decision: 'recommend' }])).body.results).toEqual([{ needId: need.needId, result: 'already_decided', status: 'offered' }]);
    expect((await decide(county, [{ needId: need.needId, decision: 'return', reasonCodes: ['revenue_evidence'] }])).body.results).toEqual([
      { needId: need.needId, result: 'refused', reason: 'decided_otherwise', status: 'offered' },
    ]);
    expect(await counters(county)).toMatchObject({ reviewsMade: 1, reviewsMadeBy_recommend: 1, reviewWorkingDaysBucket_0: 1, recommended: 1, offers: 1 });
    expect(await auditOf(need.needId)).toContainEqual(
      expect.objectContaining({ kind: 'review-decision', decision: 'recommend', countyCode: county, who: `officer-${county}`, reasonCodes: [] }),
    );
    // Not left routing in the background (the audit below): withdrawn, the bank told, the execution ends.
    expect((await fetch(`${runtime.url}/v1/needs/${need.needId}/withdrawal`, { method: 'POST', headers: { Authorization: `Bearer ${need.trackingToken}` } })).status).toBe(200);
    const done = await finished(need.needId);
    expect(done.status).toBe('SUCCEEDED');
  });

  it('returned with what is needed → the owner amends → in review again → not recommended with reasons', async () => {
    const county = MANUAL.returned;
    const need = await submit(county);
    await statusBecomes(need, 'in_review');
    const returned = await decide(county, [{ needId: need.needId, decision: 'return', reasonCodes: ['revenue_evidence', 'other'], note: '请补充近三个月的纳税证明' }]);
    expect(returned.body.results).toEqual([{ needId: need.needId, result: 'applied', status: 'returned' }]);
    expect((await finished(need.needId)).status).toBe('SUCCEEDED');
    const afterReturn = await status(need);
    expect(afterReturn.status).toBe('returned');
    expect(afterReturn.actions.amend).toBe(true);
    const entry = afterReturn.timeline.at(-1)!;
    expect(entry).toMatchObject({ code: 'returned', params: { needed: ['revenue_evidence', 'other'] } });
    expect(timelineText(entry, 'en')).toContain('Evidence of the revenue');

    const amended = await fetch(`${runtime.url}/v1/needs/${need.needId}/amendments`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${need.trackingToken}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ need: { amountYuan: 400_000 } }),
    });
    expect(amended.status).toBe(200);
    await statusBecomes(need, 'in_review'); // the new round is reviewed again
    const refused = await decide(county, [{ needId: need.needId, decision: 'not_recommended', reasonCodes: ['not_genuine_need'], note: '经核实，采购合同与经营范围不符' }]);
    expect(refused.body.results).toEqual([{ needId: need.needId, result: 'applied', status: 'not_recommended' }]);
    expect((await finished(`${need.needId}-a1`)).status).toBe('SUCCEEDED');
    const final = await status(need);
    expect(final.status).toBe('not_recommended');
    expect(final.timeline.at(-1)).toMatchObject({ code: 'review_decided', params: { decision: 'not_recommended', reasons: ['not_genuine_need'] } });
    expect(await counters(county)).toMatchObject({
      reviewsMade: 2,
      reviewsMadeBy_return: 1,
      reviewsMadeBy_not_recommended: 1,
      notRecommended: 1,
      notRecommendedBy_review_not_genuine_need: 1,
    });
  });

  it('past its deadline the review is counted overdue, shown so, and still waited for; then decided', async () => {
    const county = MANUAL.overdue;
    const need = await submit(county);
    await statusBecomes(need, 'in_review');
    // 5 working days at a second a day: poll the counter, never a sleep.
    const deadline = Date.now() + 60_000;
    while (!(await counters(county)).reviewsOverdue) {
      if (Date.now() > deadline) throw new Error('the review never became overdue');
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect((await status(need)).status).toBe('in_review');
    const running = await execution(need.needId);
    expect(running.status, `${running.error}: ${running.cause}`).toBe('RUNNING');
    const pending = await call('GET', `/v1/counties/${county}/reviews?state=pending`, tokens[county]!);
    expect(pending.body.reviews).toContainEqual(expect.objectContaining({ needId: need.needId, overdue: true }));
    const decided = await decide(county, [{ needId: need.needId, decision: 'not_recommended', reasonCodes: ['duplicate'] }]);
    expect(decided.body.results).toEqual([{ needId: need.needId, result: 'applied', status: 'not_recommended' }]);
    expect((await finished(need.needId)).status).toBe('SUCCEEDED');
    expect(await counters(county)).toMatchObject({ reviewsOverdue: 1, reviewsMadeBy_not_recommended: 1 });
  });

  it('a withdrawal ends the wait for the review; a decision after it is refused', async () => {
    const county = MANUAL.withdrawn;
    const need = await submit(county);
    await statusBecomes(need, 'in_review');
    expect((await fetch(`${runtime.url}/v1/needs/${need.needId}/withdrawal`, { method: 'POST', headers: { Authorization: `Bearer ${need.trackingToken}` } })).status).toBe(200);
    expect((await finished(need.needId)).status).toBe('SUCCEEDED');
    expect((await decide(county, [{ needId: need.needId, decision: 'recommend' }])).body.results).toEqual([
      { needId: need.needId, result: 'refused', reason: 'withdrawn', status: 'withdrawn' },
    ]);
  });
});

describe('POST /v1/counties/{countyCode}/reviews on the local parts', () => {
  it('answers 403 to another county’s task force and to a coordinator, not_found for another county’s need or a guessed id, 400 per field with nothing written', async () => {
    const county = MANUAL.api;
    const need = await submit(county);
    await statusBecomes(need, 'in_review');
    for (const token of [tokens.xihu!, tokens.hangzhou!]) {
      const refused = await decide(county, [{ needId: need.needId, decision: 'recommend' }], token);
      expect(refused.status).toBe(403);
    }
    // The need of another county, asked through this county's task force (and the other way round): nothing revealed.
    const elsewhere = await submit(MANUAL.withdrawn);
    await statusBecomes(elsewhere, 'in_review');
    const guessed = '01JZZZZZZZZZZZZZZZZZZZZZZZ';
    const answer = await decide(county, [
      { needId: elsewhere.needId, decision: 'recommend' },
      { needId: guessed, decision: 'recommend' },
    ]);
    expect(answer.status).toBe(200);
    expect(answer.body.results).toEqual([
      { needId: elsewhere.needId, result: 'not_found' },
      { needId: guessed, result: 'not_found' },
    ]);

    const bad = await call('POST', `/v1/counties/${county}/reviews`, tokens[county]!, {
      decisions: [
        { needId: need.needId, decision: 'not_recommended' },
        { needId: need.needId, decision: 'approve' },
      ],
    }, 'en');
    expect(bad.status).toBe(400);
    const errors = bad.body.errors as { pointer: string; code: string; message: { zh: string; en: string } }[];
    expect(errors).toContainEqual(expect.objectContaining({ pointer: '/decisions/0/reasonCodes', code: 'required' }));
    expect(errors).toContainEqual(expect.objectContaining({ pointer: '/decisions/1/decision', code: 'review.decision' }));
    expect(errors.every((e) => e.message.zh.length > 0 && e.message.en.length > 0)).toBe(true);
    expect((await call('POST', `/v1/counties/${county}/reviews`, tokens[county]!, { decisions: [] })).status).toBe(400);
    expect((await status(need)).status).toBe('in_review'); // nothing written
    expect(await auditOf(need.needId)).toEqual([]);

    // Both end without leaving a workflow waiting (the audit below).
    for (const [c, n] of [[county, need], [MANUAL.withdrawn, elsewhere]] as const) {
      expect((await decide(c, [{ needId: n.needId, decision: 'not_recommended', reasonCodes: ['outside_mechanism'] }])).body.results?.[0]?.result).toBe('applied');
      expect((await finished(n.needId)).status).toBe('SUCCEEDED');
    }
  });
});

describe('audit: recompute from raw records', () => {
  it('agrees with the live county-day counters after every scenario above, and no execution is left running', async () => {
    const { recomputeCounters, diffCounters, splitItems } = await import('../../shared/domain/recompute');
    const scan = (table: string) => scanAll(db, table);
    const live = (await scan(runtime.tableNames.counters)).map(({ day, countyCode, updatedAt: _, ...counters }) => ({
      day: String(day),
      countyCode: String(countyCode),
      counters: counters as Record<string, number>,
    }));
    const recomputed = recomputeCounters(splitItems(await scan(runtime.tableNames.needs)));
    expect(diffCounters(live, recomputed)).toEqual([]);
    expect(runtime.stepFunctions.executions().filter((e) => e.status === 'RUNNING').map((e) => e.name)).toEqual([]);
  });
});
