// A need the county task force entered from a visit, with a signed paper consent, through the real
// synthesized workflow (local Step Functions, DynamoDB Local, the local pipe, a bank under the test's
// control answering through the signed events endpoint): in 330106 (review automatic) it is screened
// and offered to the bank the consent names — not to another bank serving the county — on the
// shortest path, accepted (the contact disclosed as for any need) and granted; its timeline says
// the task force entered it. The recompute audit agrees with the counters.
import { randomInt } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../local/dynamodb-local';
import { startLocalRuntime, type LocalRuntime } from '../../local/runtime';
import { RoutingStore } from '../../shared/adapters/routing-store';
import { chinaDay } from '../../shared/domain/need-record';
import { counterRowsFromItems, diffCounters, recomputeCounters, splitItems } from '../../shared/domain/recompute';
import { freshCreditCode, validSubmission } from '../support/needs';
import { scanAll } from '../support/scan';
import { SME_LOAN_PRODUCT, TestBanks } from '../support/test-banks';

const COUNTY = '330106';
const dataDir = mkdtempSync(path.join(tmpdir(), 'smefin-wf-visit-'));
let runtime: LocalRuntime;
let db: DynamoDBDocumentClient;
let banks: TestBanks;
let routing: RoutingStore;

beforeAll(async () => {
  runtime = await startLocalRuntime({ port: 0, dataDir, logLevel: 'ERROR', schedules: false, retryIntervalMs: 10 });
  db = DynamoDBDocumentClient.from(runtime.dynamodbClient);
  routing = new RoutingStore(db, runtime.tableNames);
  banks = new TestBanks(runtime.url, routing, new SecretsManagerClient({ region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS, endpoint: runtime.awsEndpoint }), runtime.bankSecretPrefix);
  await banks.start();
}, 180_000);

afterAll(async () => {
  await banks?.stop();
  await runtime?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

const testBank = (n: number) => ({
  bankId: `wf-visit-bank-${n}-${Date.now().toString(36)}`,
  nameZh: `走访流程测试银行${n}`,
  nameEn: `Visit Workflow Test Bank ${n}`,
  divisions: [COUNTY],
  products: [SME_LOAN_PRODUCT],
  capacity: 10,
  deadlines: { acknowledgeWorkingDays: 30, decideCalendarDays: 60 },
});

async function post(route: string, token: string, body: unknown) {
  const response = await fetch(`${runtime.url}${route}`, { method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  return { status: response.status, body: (await response.json()) as Record<string, any> };
}

describe('a need from a visit with a paper consent', () => {
  it('is screened and offered to the bank the paper consent names (in 330106, review automatic), accepted and granted', async () => {
    // Two banks serve the county with a product that fits: the consent names only the first.
    const named = await banks.add(testBank(1));
    const other = await banks.add(testBank(2));
    const token = await runtime.mintToken({ jurisdiction: COUNTY, role: 'task_force', subject: 'xihu-officer-wf' });
    const today = chinaDay(new Date());
    const creditCode = freshCreditCode();
    const visit = await post(`/v1/counties/${COUNTY}/visits`, token, { creditCode, name: '杭州西湖流程测试有限公司', visitedOn: today, method: 'meeting', outcome: 'need_found' });
    expect(visit.status).toBe(201);

    const { consent: _form, ...form } = validSubmission();
    const mobile = `135${randomInt(10_000_000, 99_999_999)}`;
    const body = { ...form, enterprise: { ...form.enterprise, creditCode }, contact: { name: '流程联系人', mobile }, consent: { kind: 'paper', reference: 'XH-WF-1', textVersion: '2026-12', bankIds: [named.bankId] } };
    const entered = await post(`/v1/counties/${COUNTY}/visits/${today}/${visit.body.visitId}/needs`, token, body);
    expect(entered).toMatchObject({ status: 201, body: { status: 'submitted', source: 'visit' } });
    const needId = entered.body.needId as string;

    const offer = await banks.nextOffer(named.bankId, 60_000);
    expect((await routing.getReferral(offer.body.data.referralId))?.needId).toBe(needId);
    expect(banks.offers.filter((o) => o.bankId === other.bankId)).toEqual([]);
    expect(offer.raw).not.toContain(creditCode);

    const referralId = offer.body.data.referralId;
    const accepted = await banks.send(named.bankId, 'referral.accepted', { referralId });
    expect(accepted.status).toBe(200);
    expect(accepted.body.disclosure).toMatchObject({ enterprise: { creditCode }, contact: { mobile }, consent: { textVersion: '2026-12' } });

    let granted;
    for (let i = 0; i < 100 && granted?.status !== 200; i++) {
      granted = await banks.send(named.bankId, 'referral.granted', { referralId, amountYuan: 500_000, annualRateBp: 360, termMonths: 12, loanType: 'credit', firstLoan: true });
      if (granted.status === 409) await new Promise((resolve) => setTimeout(resolve, 100)); // the decision step is not waiting yet
    }
    expect(granted!.status).toBe(200);
    const execution = runtime.stepFunctions.executions().find((e) => e.name === needId)!;
    await execution.finished;
    const done = runtime.stepFunctions.executions().find((e) => e.name === needId)!;
    expect(done.status).toBe('SUCCEEDED');
    // The shortest granted path, as for a need from the form: Route → Routed? → Offer → AwaitDecision.
    expect(done.stateTransitions - done.retries).toBe(4);

    const need = (await routing.getNeed(needId))!;
    expect(need).toMatchObject({ status: 'granted', source: 'visit', consent: { kind: 'paper', reference: 'XH-WF-1' } });
    expect(need.timeline.map((e) => `${'code' in e ? e.code : ''} ${e.status}`)).toEqual([
      'entered_from_visit submitted',
      'screening screening',
      'recommended recommended',
      'offered offered',
      'accepted accepted',
      'granted granted',
    ]);

    const live = counterRowsFromItems(await scanAll(db, runtime.tableNames.counters));
    const recomputed = recomputeCounters(splitItems(await scanAll(db, runtime.tableNames.needs)));
    expect(diffCounters(live, recomputed)).toEqual([]);
    expect(live.find((row) => row.day === today && row.countyCode === COUNTY)?.counters).toMatchObject({ declared: 1, declaredFromVisits: 1, offers: 1, accepted: 1, granted: 1 });
  });
});
