// Needs from visits on the real local parts (gateway with the template's authorizer and the local
// OpenID Provider's tokens → visit-needs → DynamoDB Local; the local pipes on the needs stream, the
// synthesized workflow on the local Step Functions, a bank under the test's control): the county's
// task force enters a need from its visit — with a signed paper consent it is routed to the bank the
// consent names; without one it waits, offered to no bank and started by no workflow, until the
// enterprise opens the SMS link and confirms its consent, which routes it. Linked both ways, counted
// as declared and declaredFromVisits, on the declaration list; bad input, another county, guessed
// visits and repeats refused with nothing written; the recompute audit agrees with the counters.
import { randomInt } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../local/dynamodb-local';
import { startLocalRuntime, type LocalRuntime } from '../../local/runtime';
import { RoutingStore } from '../../shared/adapters/routing-store';
import type { Bank } from '../../shared/domain/bank';
import { chinaDay, type NeedStatusResponse } from '../../shared/domain/need-record';
import { counterRowsFromItems, diffCounters, recomputeCounters, splitItems } from '../../shared/domain/recompute';
import { eventually } from '../support/aws-emulator';
import { freshCreditCode, validSubmission } from '../support/needs';
import { apiCall } from '../support/api-call';
import { scanAll } from '../support/scan';
import { SME_LOAN_PRODUCT, TestBanks } from '../support/test-banks';

const COUNTY = '330106';
const OTHER_COUNTY = '330108';
const dataDir = mkdtempSync(path.join(tmpdir(), 'smefin-visit-needs-'));
let runtime: LocalRuntime;
let db: DynamoDBDocumentClient;
let banks: TestBanks;
let routing: RoutingStore;
let bank: Bank;
const tokens: Record<string, string> = {};
const today = chinaDay(new Date());

beforeAll(async () => {
  runtime = await startLocalRuntime({ port: 0, dataDir, logLevel: 'ERROR', schedules: false, retryIntervalMs: 10 });
  db = DynamoDBDocumentClient.from(runtime.dynamodbClient);
  routing = new RoutingStore(db, runtime.tableNames);
  banks = new TestBanks(runtime.url, routing, new SecretsManagerClient({ region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS, endpoint: runtime.awsEndpoint }), runtime.bankSecretPrefix);
  await banks.start();
  // Long deadlines: a need offered stays offered while the test runs (the audit compares one moment).
  bank = await banks.add({
    bankId: `visit-need-bank-${Date.now().toString(36)}`,
    nameZh: '走访需求测试银行',
    nameEn: 'Visit Need Test Bank',
    divisions: [COUNTY],
    products: [SME_LOAN_PRODUCT],
    capacity: 20,
    deadlines: { acknowledgeWorkingDays: 30, decideCalendarDays: 60 },
  });
  tokens.xihu = await runtime.mintToken({ jurisdiction: COUNTY, role: 'task_force', subject: 'xihu-officer-7' });
  tokens.binjiang = await runtime.mintToken({ jurisdiction: OTHER_COUNTY, role: 'task_force', subject: 'binjiang-officer-1' });
  tokens.hangzhou = await runtime.mintToken({ jurisdiction: '330100', role: 'task_force' });
  tokens.regulator = await runtime.mintToken({ jurisdiction: COUNTY });
}, 180_000);

afterAll(async () => {
  await banks?.stop();
  await runtime?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

const call = apiCall(() => runtime.url);

/** A visit the task force of `county` records today (its enterprise registered there). */
async function visit(county = COUNTY, token = tokens.xihu, creditCode = freshCreditCode(), visitedOn = today) {
  const answer = await call('POST', `/v1/counties/${county}/visits`, token, { creditCode, name: '杭州西湖走访食品有限公司', visitedOn, method: 'on_site', outcome: 'need_found' });
  expect(answer.status).toBe(201);
  return answer.body as { visitId: string; creditCode: string; visitedOn: string; countyCode: string };
}

/** The form's body for the visit's enterprise, with a mobile of its own; `consent` the task force's. */
function needBody(v: { creditCode: string; countyCode: string }, consent?: unknown) {
  const { consent: _form, ...rest } = validSubmission();
  return {
    ...rest,
    enterprise: { ...rest.enterprise, creditCode: v.creditCode, countyCode: v.countyCode },
    contact: { name: '走访联系人', mobile: `136${randomInt(10_000_000, 99_999_999)}` },
    ...(consent === undefined ? {} : { consent }),
  };
}

const paper = (bankIds: string[]) => ({ kind: 'paper', reference: `XH-${randomInt(1000, 9999)}`, textVersion: '2026-12', bankIds });
const enter = (v: { visitedOn: string; visitId: string }, body: unknown, token = tokens.xihu, county = COUNTY, language?: string) =>
  call('POST', `/v1/counties/${county}/visits/${v.visitedOn}/${v.visitId}/needs`, token, body, language);

const needItem = async (needId: string) =>
  (await db.send(new GetCommand({ TableName: runtime.tableNames.needs, Key: { pk: `NEED#${needId}`, sk: 'NEED' }, ConsistentRead: true }))).Item!;

async function countersToday(): Promise<Record<string, number>> {
  const { Item } = await db.send(new GetCommand({ TableName: runtime.tableNames.counters, Key: { day: today, countyCode: COUNTY }, ConsistentRead: true }));
  return (Item ?? {}) as Record<string, number>;
}

/** The next offer to the test bank, and the need it is for. */
async function nextOffer() {
  const offer = await banks.nextOffer(bank.bankId, 60_000);
  const referral = await routing.getReferral(offer.body.data.referralId);
  return { offer, needId: referral!.needId };
}

async function sms(mobile: string) {
  return eventually(async () => {
    const response = await fetch(`${runtime.url}/local/sms`, { headers: { Accept: 'application/json' } });
    return ((await response.json()) as { to: string; text: string }[]).find((m) => m.to === mobile);
  }, 30_000);
}

/**
 * The needs table as far as a refused request could have written it: every item but the referrals
 * (whose delivery records the offers of earlier needs still add), without the notice tokens the SMS
 * notifier keeps on the needs routed earlier (both run beside the test).
 */
const needsTable = async () =>
  (await scanAll(db, runtime.tableNames.needs)).filter((item) => item.itemType !== 'referral').map(({ noticeTokenHashes: _tokens, ...item }) => item);

const executionsOf = (needId: string) =>
  runtime.stepFunctions
    .executions()
    .filter((e) => e.name === needId || e.name.startsWith(`${needId}-`))
    .map((e) => e.name);

describe('a need entered from a visit with a signed paper consent', () => {
  it('201 with source visit, linked both ways, counted as declared and from visits, offered to the bank the consent names', async () => {
    const v = await visit();
    const before = await countersToday();
    const answer = await enter(v, needBody(v, paper([bank.bankId])));
    expect(answer.status).toBe(201);
    expect(answer.body).toMatchObject({
      needId: expect.stringMatching(/^[0-9A-Z]{26}$/),
      status: 'submitted',
      source: 'visit',
      visitId: v.visitId,
      enteredBy: 'xihu-officer-7',
      consent: { onRecord: true, kind: 'paper', reference: expect.stringMatching(/^XH-/), bankIds: [bank.bankId] },
    });
    expect(answer.body).not.toHaveProperty('trackingToken');
    const needId = answer.body.needId as string;
    expect(await needItem(needId)).toMatchObject({ source: 'visit', visitId: v.visitId, enteredBy: 'xihu-officer-7', consent: { kind: 'paper', shareWithBanks: true } });
    const listed = await call('GET', `/v1/counties/${COUNTY}/visits?month=${today.slice(0, 7)}`, tokens.xihu);
    expect((listed.body.visits as { visitId: string; needId?: string }[]).find((x) => x.visitId === v.visitId)?.needId).toBe(needId);
    const after = await countersToday();
    expect(after.declared).toBe((before.declared ?? 0) + 1);
    expect(after.declaredFromVisits).toBe((before.declaredFromVisits ?? 0) + 1);

    const { needId: offered } = await nextOffer();
    expect(offered).toBe(needId);
  });
});

describe('a need entered from a visit without consent', () => {
  let waiting: { needId: string; mobile: string; link: { needId: string; token: string } };

  it('waits: awaiting_consent, no workflow and no bank, the enterprise asked by SMS; the status link shows it waiting, the declaration list lists it', async () => {
    const v = await visit();
    const body = needBody(v);
    const answer = await enter(v, body);
    expect(answer.status).toBe(201);
    expect(answer.body).toMatchObject({ status: 'awaiting_consent', source: 'visit', visitId: v.visitId, consent: { onRecord: false, bankIds: [] } });
    const needId = answer.body.needId as string;

    const message = await sms(body.contact.mobile);
    expect(message.text).toMatch(/工作专班已为您登记融资需求，请确认授权：http/);
    const url = new URL(/(https?:\/\/\S+)$/.exec(message.text)![1]!);
    const params = new URLSearchParams(url.hash.slice(1));
    waiting = { needId, mobile: body.contact.mobile, link: { needId: params.get('needId')!, token: params.get('token')! } };
    expect(waiting.link.needId).toBe(needId);

    // A need entered after it, with a paper consent, is offered: the pipes have read past the waiting one by then.
    const later = await visit();
    const laterNeed = await enter(later, needBody(later, paper([bank.bankId])));
    expect((await nextOffer()).needId).toBe(laterNeed.body.needId);
    expect(executionsOf(needId)).toEqual([]);
    expect(await needItem(needId)).toMatchObject({ status: 'awaiting_consent' });
    expect((await needItem(needId)).referralIds).toBeUndefined();
    expect((await needItem(needId)).routingPhase).toBeUndefined();

    const shown = await call('GET', `/v1/needs/${needId}`, waiting.link.token);
    expect(shown.status).toBe(200);
    const view = shown.body as NeedStatusResponse;
    expect(view).toMatchObject({ status: 'awaiting_consent', source: 'visit', consentBankIds: [], actions: { amend: false, withdraw: true, confirmConsent: true } });
    expect(view.timeline.map((e) => ('code' in e ? e.code : ''))).toEqual(['awaiting_consent']);

    const list = await call('GET', `/v1/lists/${COUNTY}?list=declared`, tokens.xihu);
    expect(list.status).toBe(200);
    expect((list.body.needs as { needId: string }[]).find((row) => row.needId === needId)).toMatchObject({ status: 'awaiting_consent', source: 'visit', screening: { outcome: 'pending' } });
  });

  it('the enterprise confirms through the status link: the consent recorded naming the bank, routed in a new round, offered to the bank', async () => {
    const confirmed = await call('POST', `/v1/needs/${waiting.needId}/amendments`, waiting.link.token, { consent: { shareWithBanks: true, textVersion: '2026-12', bankIds: [bank.bankId] } });
    expect(confirmed.status).toBe(200);
    expect(confirmed.body).toMatchObject({ status: 'submitted', consentBankIds: [bank.bankId], actions: { amend: false, withdraw: true } });
    expect(confirmed.body.actions).not.toHaveProperty('confirmConsent');
    expect((confirmed.body.timeline as { code: string }[]).map((e) => e.code)).toEqual(['awaiting_consent', 'consent_confirmed']);

    expect((await nextOffer()).needId).toBe(waiting.needId);
    expect(executionsOf(waiting.needId)).toEqual([`${waiting.needId}-a1`]);
    expect(await needItem(waiting.needId)).toMatchObject({ status: 'offered', consent: { shareWithBanks: true, recipients: [{ bankId: bank.bankId }] } });
  });
});

describe('refusals', () => {
  it('400 per field (zh and en), a credit code or county not the visit’s, a paper consent naming a bank that does not serve the county: nothing written', async () => {
    const v = await visit();
    const before = await needsTable();
    const countersBefore = await countersToday();
    for (const language of ['zh-CN', 'en']) {
      const bad = needBody(v, { ...paper([bank.bankId]), reference: '' });
      bad.enterprise.employees = -1;
      bad.contact.mobile = '12345';
      const answer = await enter(v, { ...bad, extra: true }, tokens.xihu, COUNTY, language);
      expect(answer.status).toBe(400);
      expect(answer.type).toMatch(/^application\/problem\+json/);
      expect(answer.body).toMatchObject({ type: '/problems/validation', status: 400 });
      const errors = answer.body.errors as { pointer: string; code: string; message: { zh: string; en: string } }[];
      expect(errors.map((e) => `${e.pointer} ${e.code}`).sort()).toEqual(
        ['/enterprise/employees employees.range', '/contact/mobile mobile.invalid', '/consent/reference consent.paper_reference', '/extra unknown_field'].sort(),
      );
      for (const error of errors) expect(error.message).toEqual({ zh: expect.stringMatching(/[\u4e00-\u9fff]/), en: expect.stringMatching(/[A-Za-z]/) });
    }
    const otherCode = needBody(v);
    otherCode.enterprise.creditCode = freshCreditCode();
    expect(await enter(v, otherCode)).toMatchObject({ status: 400, body: { errors: [{ pointer: '/enterprise/creditCode', code: 'visit_need.credit_code' }] } });
    const otherCounty = needBody(v);
    otherCounty.enterprise.countyCode = OTHER_COUNTY;
    expect(await enter(v, otherCounty)).toMatchObject({ status: 400, body: { errors: [{ pointer: '/enterprise/countyCode', code: 'visit_need.county' }] } });
    expect(await enter(v, needBody(v, paper(['no-such-bank'])))).toMatchObject({ status: 400, body: { errors: [{ pointer: '/consent/bankIds', code: 'consent.bank_not_serving' }] } });
    expect(await needsTable()).toEqual(before);
    expect(await countersToday()).toEqual(countersBefore);
  });

  it('403 for another county’s task force, a coordinator and a regulator; 404 for a guessed, malformed or other county’s visit: nothing written', async () => {
    const v = await visit();
    const theirs = await visit(OTHER_COUNTY, tokens.binjiang);
    const before = await needsTable();
    for (const token of [tokens.binjiang, tokens.hangzhou, tokens.regulator]) {
      expect(await enter(v, needBody(v), token)).toMatchObject({ status: 403, body: { type: '/problems/forbidden' } });
    }
    expect(await enter(theirs, needBody(theirs), tokens.xihu, OTHER_COUNTY)).toMatchObject({ status: 403 });
    expect((await call('POST', `/v1/counties/${COUNTY}/visits/${v.visitedOn}/${v.visitId}/needs`, undefined, needBody(v))).status).toBe(401);
    for (const guess of [
      { visitedOn: v.visitedOn, visitId: '01JE0000000000000000000000' },
      { visitedOn: v.visitedOn, visitId: 'not-a-visit' },
      { visitedOn: '2026-02-30', visitId: v.visitId },
      // Another county's visit, under one's own county: as unknown.
      { visitedOn: theirs.visitedOn, visitId: theirs.visitId },
    ]) {
      const answer = await enter(guess, needBody(v));
      expect(answer).toMatchObject({ status: 404, body: { type: '/problems/not-found', detail: '未找到该走访记录' } });
      expect(JSON.stringify(answer.body)).not.toContain(theirs.creditCode);
    }
    expect(await needsTable()).toEqual(before);
  });

  it('409 for a visit that has its need (with its id), and for an enterprise with an open need', async () => {
    const v = await visit();
    const first = await enter(v, needBody(v));
    expect(first.status).toBe(201);
    expect(await enter(v, needBody(v))).toMatchObject({ status: 409, body: { type: '/problems/visit-has-need', needId: first.body.needId } });
    // The same enterprise visited again (yesterday's visit recorded now), or declaring on the form: its need is open (awaiting its consent).
    const yesterday = chinaDay(new Date(Date.now() - 86_400_000));
    const again = await visit(COUNTY, tokens.xihu, v.creditCode, yesterday);
    expect(await enter(again, needBody(again))).toMatchObject({ status: 409, body: { type: '/problems/open-need-exists' } });
    const form = validSubmission();
    form.enterprise.creditCode = v.creditCode;
    expect((await call('POST', '/v1/needs', undefined, form)).status).toBe(409);
  });
});

describe('audit', () => {
  it('the recompute from raw records agrees with the counters (declaredFromVisits included)', async () => {
    const live = counterRowsFromItems(await scanAll(db, runtime.tableNames.counters));
    const recomputed = recomputeCounters(splitItems(await scanAll(db, runtime.tableNames.needs)));
    expect(diffCounters(live, recomputed)).toEqual([]);
    expect(recomputed.find((row) => row.day === today && row.countyCode === COUNTY)?.counters.declaredFromVisits).toBe(4);
  });
});
