// The county's escalation inbox on the real local parts (the gateway with the template's authorizer
// and the local OpenID Provider's tokens → functions/escalations → DynamoDB Local; needs submitted
// through the API and routed by the local workflow to banks under the test's control): the inbox
// lists a need no bank matched and a repairable decline with the repair hint; resolved_offline,
// close and hand_to_bank each resolve it, appear on the status page and are audited in the county's
// partition; a repeat is 409; another county's task force, a regulator and no token are refused,
// the coordinator above reads but cannot act, another county's need or an unknown one is 404, and a
// bad body is 400 per field in Chinese and English with nothing written.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  actOn,
  countyAudit,
  escalationIn,
  escalationItem,
  inbox,
  needItem,
  needStatus,
  startEscalationSystem,
  submitNeed,
  testBank,
  todaysCounters,
  withdraw,
  type EscalationSystem,
} from '../support/escalations';

const COUNTY = '330122'; // 桐庐县
const OTHER = '330127'; // 淳安县
let system: EscalationSystem;
const tokens: Record<string, string> = {};
let declinerId: string;
let holderId: string;
let otherCountyBankId: string;
const needs: Record<string, { needId: string; trackingToken: string }> = {};

/** A need the county's bank declines for `reasonCode`; with a second bank serving the county, the need is offered on to it. */
async function declined(county: string, bankId: string, reasonCode: string) {
  const offered = system.banks.nextOffer(bankId, 90_000);
  const need = await submitNeed(system, county);
  const offer = await offered;
  expect((await system.banks.send(bankId, 'referral.declined', { referralId: offer.body.data.referralId, reasonCode })).status).toBe(200);
  return need;
}

beforeAll(async () => {
  system = await startEscalationSystem('smefin-it-esc-');
  tokens.officer = await system.runtime.mintToken({ jurisdiction: COUNTY, role: 'task_force', subject: 'tonglu-officer' });
  tokens.other = await system.runtime.mintToken({ jurisdiction: OTHER, role: 'task_force', subject: 'chunan-officer' });
  tokens.coordinator = await system.runtime.mintToken({ jurisdiction: '330100', role: 'task_force', subject: 'hangzhou-coordinator' });
  tokens.regulator = await system.runtime.mintToken({ jurisdiction: COUNTY, role: 'regulator' });
  declinerId = (await system.banks.add(testBank(COUNTY))).bankId;
  otherCountyBankId = (await system.banks.add(testBank(OTHER))).bankId;
  // No bank left after the county's bank declines (product_mismatch is not repairable): unmatched.
  needs.unmatched = await declined(COUNTY, declinerId, 'product_mismatch');
  needs.offline = await declined(COUNTY, declinerId, 'product_mismatch');
  needs.elsewhere = await declined(OTHER, otherCountyBankId, 'product_mismatch');
  // A bank of the prefecture (less local: offered second) holds the need after a repairable decline.
  holderId = (await system.banks.add(testBank('330100'))).bankId;
  const holding = system.banks.nextOffer(holderId, 90_000);
  needs.repairable = await declined(COUNTY, declinerId, 'tax_arrears');
  await holding;
  await escalationIn(system, COUNTY, needs.unmatched.needId, 'open', 'unmatched');
  await escalationIn(system, COUNTY, needs.offline.needId, 'open', 'unmatched');
  await escalationIn(system, OTHER, needs.elsewhere.needId, 'open', 'unmatched');
  await escalationIn(system, COUNTY, needs.repairable.needId, 'open', 'declined_repairable');
}, 300_000);

afterAll(async () => {
  await system?.stop();
});

describe('the escalation inbox', () => {
  it('lists a need no bank matched and a repairable decline with the bank’s reason and what would repair it', async () => {
    const { status, body } = await inbox(system, COUNTY, tokens.officer!);
    expect(status).toBe(200);
    const unmatched = body.escalations.find((e) => e.needId === needs.unmatched!.needId);
    expect(unmatched).toMatchObject({ kind: 'unmatched', state: 'open', need: { status: 'unmatched' }, actions: ['amend', 'hand_to_bank', 'resolved_offline', 'close'] });
    const repairable = body.escalations.find((e) => e.needId === needs.repairable!.needId);
    expect(repairable).toMatchObject({
      kind: 'declined_repairable',
      kindLabel: { zh: '银行以可补正的原因拒绝' },
      reason: { code: 'tax_arrears', zh: '存在欠缴税款', repairable: true, repair: { zh: expect.stringContaining('完税证明'), en: expect.stringContaining('tax clearance') } },
      bank: { bankId: declinerId },
      need: { status: 'offered' },
    });
    // Only this county's escalations, and no contact details.
    expect(body.escalations.map((e) => e.needId)).not.toContain(needs.elsewhere!.needId);
    expect(JSON.stringify(body)).not.toContain('13800138000');
  });

  it('the coordinator above reads it; another county, a regulator, no token are refused; bad parameters are 400', async () => {
    expect((await inbox(system, COUNTY, tokens.coordinator!)).status).toBe(200);
    expect((await inbox(system, COUNTY, tokens.other!)).status).toBe(403);
    expect((await inbox(system, COUNTY, tokens.regulator!)).status).toBe(403);
    expect((await fetch(`${system.runtime.url}/v1/counties/${COUNTY}/escalations`)).status).toBe(401);
    const bad = await inbox(system, COUNTY, tokens.officer!, '?state=maybe');
    expect(bad.status).toBe(400);
    expect(bad.body.errors?.[0]).toMatchObject({ code: 'state.invalid', message: { en: 'state must be open or resolved', zh: expect.any(String) } });
    expect((await inbox(system, COUNTY, tokens.officer!, '?cursor=bm9wZQ')).status).toBe(400);
    expect((await inbox(system, '999999', tokens.officer!)).status).toBe(404);
  });
});

describe('the task force’s actions', () => {
  it('refuses other callers (403), another county’s need or an unknown one (404), and bad bodies per field (400), writing nothing', async () => {
    const needId = needs.unmatched!.needId;
    const before = await escalationItem(system, COUNTY, needId);
    const close = { action: 'close', outcome: 'unreachable' };
    expect((await actOn(system, COUNTY, needId, tokens.other, close)).status).toBe(403);
    expect((await actOn(system, COUNTY, needId, tokens.coordinator, close)).status).toBe(403);
    expect((await actOn(system, COUNTY, needId, tokens.regulator, close)).status).toBe(403);
    expect((await actOn(system, COUNTY, needId, undefined, close)).status).toBe(401);
    // Another county's need through this county's path, an unknown id, a malformed id: all the same 404.
    const elsewhere = await actOn(system, COUNTY, needs.elsewhere!.needId, tokens.officer, close);
    const unknown = await actOn(system, COUNTY, '01JDZ8Q8Y3M3B3X9N7W1V2C4D5', tokens.officer, close);
    expect(elsewhere).toEqual(expect.objectContaining({ status: 404 }));
    expect(unknown.status).toBe(404);
    expect(elsewhere.body.detail).toBe(unknown.body.detail);
    expect((await actOn(system, COUNTY, 'not-a-need', tokens.officer, close)).status).toBe(404);
    expect((await escalationItem(system, OTHER, needs.elsewhere!.needId))?.state).toBe('open');

    const cases: [unknown, string, string][] = [
      [{ action: 'fly' }, '/action', 'escalation.action'],
      [{ action: 'amend', need: { amountYuan: 5 }, agreement: { how: 'phone' } }, '/need/amountYuan', 'amount.range'],
      [{ action: 'amend', need: { amountYuan: 300_000 }, agreement: { how: 'by_pigeon' } }, '/agreement/how', 'escalation.agreement'],
      [{ action: 'close', outcome: 'bored' }, '/outcome', 'escalation.outcome'],
      [{ action: 'resolved_offline' }, '/note', 'required'],
      [{ action: 'hand_to_bank', bankId: otherCountyBankId }, '/bankId', 'escalation.bank_not_serving'],
    ];
    for (const [body, pointer, code] of cases) {
      const answer = await actOn(system, COUNTY, needId, tokens.officer, body, 'en');
      expect(answer.status, JSON.stringify(body)).toBe(400);
      expect(answer.body.errors[0], JSON.stringify(body)).toMatchObject({ pointer, code, message: { zh: expect.stringMatching(/[\u4e00-\u9fff]/u), en: expect.any(String) } });
    }
    expect((await actOn(system, COUNTY, needId, tokens.officer, '{not json')).status).toBe(400);
    expect(await escalationItem(system, COUNTY, needId)).toEqual(before);
    expect(await countyAudit(system, COUNTY)).toEqual([]);
  });

  it('resolved_offline: resolved, on the status page, audited, counted; a second action is 409', async () => {
    const needId = needs.offline!.needId;
    const done = await actOn(system, COUNTY, needId, tokens.officer, { action: 'resolved_offline', note: '已陪同企业到银行网点线下办理' });
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ needId, state: 'resolved', actions: [], resolution: { action: 'resolved_offline', who: 'tonglu-officer', note: '已陪同企业到银行网点线下办理' } });
    const timeline = (await needStatus(system, needs.offline!)).timeline;
    expect(timeline.slice(-2)).toMatchObject([{ code: 'task_force_taken_up' }, { code: 'task_force_resolved_offline' }]);
    const again = await actOn(system, COUNTY, needId, tokens.officer, { action: 'close', outcome: 'unreachable' }, 'en');
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ type: '/problems/escalation-conflict', reason: 'escalation_resolved' });
    const audit = await countyAudit(system, COUNTY);
    expect(audit).toEqual([expect.objectContaining({ kind: 'escalation-action', needId, action: 'resolved_offline', who: 'tonglu-officer', escalationKind: 'unmatched' })]);
    // The note stays on the escalation, never in the audit record.
    expect(JSON.stringify(audit)).not.toContain('网点');
    const resolved = await inbox(system, COUNTY, tokens.officer!, '?state=resolved');
    expect(resolved.body.escalations.map((e) => e.needId)).toContain(needId);
    expect((await inbox(system, COUNTY, tokens.officer!)).body.escalations.map((e) => e.needId)).not.toContain(needId);
  });

  it('close on the repairable decline: closed with its outcome while the next bank still holds the need', async () => {
    const needId = needs.repairable!.needId;
    const done = await actOn(system, COUNTY, needId, tokens.officer, { action: 'close', outcome: 'financed_elsewhere', note: '企业已获他行贷款' });
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ state: 'resolved', resolution: { action: 'close', resolution: 'closed', outcome: 'financed_elsewhere' } });
    expect((await needStatus(system, needs.repairable!)).timeline.at(-1)).toMatchObject({ code: 'task_force_closed', params: { outcome: 'financed_elsewhere' } });
    expect(await countyAudit(system, COUNTY)).toContainEqual(expect.objectContaining({ needId, action: 'close', outcome: 'financed_elsewhere', escalationKind: 'declined_repairable' }));
    // The owner withdraws it (the holder is told): nothing left routing.
    await withdraw(system, needs.repairable!);
  });

  it('hand_to_bank: a new round offered to the named bank alone; audited and counted', async () => {
    const needId = needs.unmatched!.needId;
    const offered = system.banks.nextOffer(declinerId);
    const done = await actOn(system, COUNTY, needId, tokens.officer, { action: 'hand_to_bank', bankId: declinerId });
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ state: 'resolved', resolution: { action: 'hand_to_bank', resolution: 'handed_to_bank', bankId: declinerId } });
    expect((await offered).body.type).toBe('referral.offered');
    expect((await needItem(system, needId))?.handedTo).toMatchObject({ bankId: declinerId, round: 1 });
    // The county's other bank had only the repairable need's offer (and its withdrawal), never this one.
    expect(system.banks.offers.filter((o) => o.bankId === holderId && o.body.type === 'referral.offered')).toHaveLength(1);
    expect(await countyAudit(system, COUNTY)).toContainEqual(expect.objectContaining({ needId, action: 'hand_to_bank', bankId: declinerId }));
    expect(await todaysCounters(system, COUNTY)).toMatchObject({
      escalationsOpened: 3,
      escalationsOpenedBy_unmatched: 2,
      escalationsOpenedBy_declined_repairable: 1,
      escalationsResolved: 3,
      escalationsResolvedBy_resolved_offline: 1,
      escalationsResolvedBy_closed: 1,
      escalationsResolvedBy_handed_to_bank: 1,
    });
    await withdraw(system, needs.unmatched!);
  });
});
