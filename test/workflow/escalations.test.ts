// The county's escalations on the real local state machine (the synthesized referral workflow on the
// local Step Functions, the real handlers, DynamoDB Local, the pipe) with banks under the test's
// control: a repairable decline lands in the inbox with its repair hint, the task force amends the
// need with the enterprise's agreement and it is routed again and granted; a need no bank matched is
// handed to a named bank, which alone is offered it. Each ends with no execution running, and the
// recompute audit agrees with the live counters, escalation counters included.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { timelineText } from '../../shared/domain/timeline-text';
import { scanAll } from '../support/scan';
import {
  actOn,
  countyAudit,
  escalationIn,
  finished,
  inbox,
  needItem,
  needStatus,
  noExecutionRunning,
  startEscalationSystem,
  submitNeed,
  testBank,
  todaysCounters,
  withdraw,
  type EscalationSystem,
} from '../support/escalations';

let system: EscalationSystem;
beforeAll(async () => {
  system = await startEscalationSystem('smefin-wf-esc-');
}, 180_000);
afterAll(async () => {
  await system?.stop();
});

const codes = (timeline: readonly { code?: string }[]) => timeline.map((e) => e.code ?? '');

describe('escalations on the real workflow', () => {
  it('a repairable decline → in the inbox with the repair hint → amended with the agreement → routed again → granted', async () => {
    const county = '330110';
    const officer = await system.runtime.mintToken({ jurisdiction: county, role: 'task_force', subject: 'yuhang-officer' });
    const local = await system.banks.add(testBank(county));
    const prefecture = await system.banks.add(testBank('330100'));
    const firstOffer = system.banks.nextOffer(local.bankId);
    const need = await submitNeed(system, county);
    const offer = await firstOffer;
    const secondOffer = system.banks.nextOffer(prefecture.bankId);
    expect((await system.banks.send(local.bankId, 'referral.declined', { referralId: offer.body.data.referralId, reasonCode: 'collateral_insufficient' })).status).toBe(200);
    const pending = await secondOffer; // the next bank holds the need while the task force looks at the decline

    await escalationIn(system, county, need.needId, 'open', 'declined_repairable');
    const listed = await inbox(system, county, officer);
    expect(listed.status).toBe(200);
    const item = listed.body.escalations.find((e) => e.needId === need.needId)!;
    expect(item).toMatchObject({
      kind: 'declined_repairable',
      state: 'open',
      reason: { code: 'collateral_insufficient', en: 'Insufficient collateral', repairable: true, repair: { zh: expect.stringContaining('抵押'), en: expect.stringContaining('collateral') } },
      bank: { bankId: local.bankId },
      need: { status: 'offered' },
    });
    expect(item.actions).toContain('amend');

    // The enterprise agreed by phone to a lower amount: the offer the second bank holds is withdrawn, the need routed again.
    const told = system.banks.nextOffer(prefecture.bankId);
    const again = system.banks.nextOffer(local.bankId);
    let amended: Awaited<ReturnType<typeof actOn>> | undefined;
    for (let i = 0; i < 50; i++) {
      amended = await actOn(system, county, need.needId, officer, { action: 'amend', need: { amountYuan: 300_000 }, agreement: { how: 'phone', note: '企业同意降低金额' } });
      if (!(amended.status === 409 && amended.body.reason === 'busy')) break;
      await new Promise((resolve) => setTimeout(resolve, 100)); // the second bank's wait not registered yet
    }
    expect(amended!.status).toBe(200);
    expect(amended!.body).toMatchObject({ state: 'resolved', resolution: { action: 'amend', resolution: 'amended', who: 'yuhang-officer', fields: ['/need/amountYuan'], agreement: { how: 'phone' } } });
    expect((await told).body).toMatchObject({ type: 'referral.withdrawn', data: { referralId: pending.body.data.referralId, reason: 'need_amended' } });
    const repaired = await again;
    expect(repaired.body.data.need).toMatchObject({ amountYuan: 300_000 });
    const referralId = repaired.body.data.referralId;
    expect((await system.banks.send(local.bankId, 'referral.accepted', { referralId })).status).toBe(200);
    let granted: { status: number } | undefined;
    for (let i = 0; i < 50; i++) {
      granted = await system.banks.send(local.bankId, 'referral.granted', { referralId, amountYuan: 400_000, annualRateBp: 380, termMonths: 12, loanType: 'collateral', firstLoan: false });
      if (granted.status !== 409) break;
      await new Promise((resolve) => setTimeout(resolve, 100)); // the decision's wait not registered yet
    }
    expect(granted!.status).toBe(200);
    expect((await finished(system, need.needId)).status).toBe('SUCCEEDED');

    const status = await needStatus(system, need);
    expect(status.status).toBe('granted');
    const timeline = codes(status.timeline as { code?: string }[]);
    expect(timeline.slice(timeline.indexOf('task_force_taken_up'))).toEqual(['task_force_taken_up', 'task_force_amended', 'screening', 'recommended', 'offered', 'accepted', 'granted']);
    const amendedEntry = status.timeline.find((e) => 'code' in e && e.code === 'task_force_amended')!;
    expect(timelineText(amendedEntry, 'zh')).toContain('经您同意（电话确认）');
    expect(timelineText(amendedEntry, 'en')).toContain('with your agreement (by phone');
    expect(await countyAudit(system, county)).toContainEqual(expect.objectContaining({ action: 'amend', needId: need.needId, who: 'yuhang-officer', agreement: 'phone', escalationKind: 'declined_repairable' }));
    expect(await todaysCounters(system, county)).toMatchObject({ escalationsOpened: 1, escalationsOpenedBy_declined_repairable: 1, escalationsResolved: 1, escalationsResolvedBy_amended: 1 });
  });

  it('no bank matched → handed to a named bank, which alone is offered it; the status page does not name it before it accepts', async () => {
    const county = '330381';
    const officer = await system.runtime.mintToken({ jurisdiction: county, role: 'task_force', subject: 'ruian-officer' });
    const named = await system.banks.add(testBank(county));
    const other = await system.banks.add(testBank('330300'));
    const first = system.banks.nextOffer(named.bankId);
    const need = await submitNeed(system, county);
    expect((await system.banks.send(named.bankId, 'referral.declined', { referralId: (await first).body.data.referralId, reasonCode: 'product_mismatch' })).status).toBe(200);
    const second = await system.banks.nextOffer(other.bankId);
    expect((await system.banks.send(other.bankId, 'referral.declined', { referralId: second.body.data.referralId, reasonCode: 'over_indebted' })).status).toBe(200);
    expect((await finished(system, need.needId)).status).toBe('SUCCEEDED');
    await escalationIn(system, county, need.needId, 'open', 'unmatched');
    expect((await needStatus(system, need)).status).toBe('unmatched');

    const offered = system.banks.nextOffer(named.bankId);
    const handed = await actOn(system, county, need.needId, officer, { action: 'hand_to_bank', bankId: named.bankId, note: '已与该行客户经理沟通' });
    expect(handed.status).toBe(200);
    expect(handed.body).toMatchObject({ state: 'resolved', resolution: { resolution: 'handed_to_bank', bankId: named.bankId } });
    const offer = await offered;
    expect(offer.body.type).toBe('referral.offered');
    expect((await needItem(system, need.needId))?.status).toBe('offered');
    // The status page shows the hand-over without naming the bank.
    const before = await needStatus(system, need);
    expect(before.timeline.at(-1)).toMatchObject({ code: 'offered' });
    expect(codes(before.timeline as { code?: string }[])).toContain('task_force_handed_to_bank');
    const sinceHandOver = JSON.stringify(before.timeline.slice(codes(before.timeline as { code?: string }[]).indexOf('task_force_handed_to_bank')));
    expect(sinceHandOver).not.toContain(named.nameZh);
    expect(sinceHandOver).not.toContain(named.nameEn);
    expect(sinceHandOver).not.toContain(named.bankId);
    expect(before.progress).toEqual({ stage: 'considering', answerDueBy: expect.any(String) });
    // Only the named bank was offered the need in the new round.
    expect(system.banks.offers.filter((o) => o.body.type === 'referral.offered' && o.body.data?.referralId !== second.body.data.referralId && o.bankId === other.bankId)).toEqual([]);
    expect((await system.banks.send(named.bankId, 'referral.accepted', { referralId: offer.body.data.referralId })).status).toBe(200);
    const accepted = await needStatus(system, need);
    expect(accepted.timeline.at(-1)).toMatchObject({ code: 'accepted', params: { bank: { zh: named.nameZh } } });
    expect(await todaysCounters(system, county)).toMatchObject({ escalationsOpenedBy_unmatched: 1, escalationsResolvedBy_handed_to_bank: 1 });

    // Not left routing in the background (the audit below): withdrawn, its round ends.
    await withdraw(system, need);
    expect((await finished(system, `${need.needId}-a1`)).status).toBe('SUCCEEDED');
  });
});

describe('audit: recompute from raw records', () => {
  it('agrees with the live county-day counters, escalations included, with no execution running', async () => {
    await noExecutionRunning(system);
    const { recomputeCounters, diffCounters, splitItems } = await import('../../shared/domain/recompute');
    const live = (await scanAll(system.db, system.runtime.tableNames.counters)).map(({ day, countyCode, updatedAt: _, ...counters }) => ({
      day: String(day),
      countyCode: String(countyCode),
      counters: counters as Record<string, number>,
    }));
    const items = await scanAll(system.db, system.runtime.tableNames.needs);
    const split = splitItems(items);
    expect(split.escalations.length).toBeGreaterThanOrEqual(2);
    expect(diffCounters(live, recomputeCounters(split))).toEqual([]);
  });
});
