// The escalation inbox's rules and the task force's actions, on a fake port (in memory, with the
// store's conditions: the escalation's version, the need as read): transitions, races and refusals.
import { describe, expect, it } from 'vitest';
import {
  actOnEscalation,
  availableActions,
  handedBankOf,
  handToBankErrors,
  inboxItem,
  lateAnswerEscalates,
  openEscalation,
  resolveEscalation,
  type Escalation,
  type EscalationCommand,
  type EscalationDeps,
  type EscalationStore,
  type HandedTo,
  type ResolutionWrite,
} from '../../shared/domain/escalation';
import { parseEscalationAction } from '../../shared/domain/escalation-schema';
import { NEED_AMENDED_ERROR, type AmendmentWrite, type ChangeableNeed } from '../../shared/domain/need-changes';
import { needSubmissionSchema } from '../../shared/domain/need';
import { createNeedRecord, type NeedStatus } from '../../shared/domain/need-record';
import type { Referral } from '../../shared/domain/referral';
import { DECLINE_REASONS } from '../../shared/domain/reasons';
import { timelineEntry } from '../../shared/domain/timeline';
import { timelineText } from '../../shared/domain/timeline-text';
import { validSubmission } from '../support/needs';

const now = new Date('2026-11-20T02:00:00Z');
const later = new Date('2026-11-21T03:00:00Z');
const NEED_ID = '01JDZ8Q8Y3M3B3X9N7W1V2C4D5';
const COUNTY = '330106';
const recipients = [
  { bankId: 'huimin-bank', nameZh: '惠民银行', nameEn: 'Huimin Bank' },
  { bankId: 'changjiang-bank', nameZh: '长江银行', nameEn: 'Changjiang Bank' },
];

function need(status: NeedStatus, extra: Partial<ChangeableNeed> = {}): ChangeableNeed {
  const record = createNeedRecord({ input: needSubmissionSchema.parse(validSubmission()), needId: NEED_ID, now, trackingTokenHash: 'hash', recipients: recipients.slice(0, 1) });
  return { ...record, status, ...extra };
}

function referral(stage: Referral['stage'], extra: Partial<Referral> = {}): Referral {
  return {
    referralId: `r-${stage}`,
    needId: NEED_ID,
    bankId: 'huimin-bank',
    bankNameZh: '惠民银行',
    bankNameEn: 'Huimin Bank',
    productId: 'p',
    countyCode: COUNTY,
    stage,
    offeredAt: now.toISOString(),
    deadline: now.toISOString(),
    decideWithinDays: 30,
    explanation: [],
    ...extra,
  };
}

const opened = (kind: Escalation['kind'] = 'unmatched', facts = {}) => openEscalation(undefined, { needId: NEED_ID, countyCode: COUNTY, kind, facts }, now).escalation;

/** An in-memory store with the conditions of the real one, and a hook that runs just before each write (a racing writer). */
class FakeStore implements EscalationStore {
  escalations = new Map<string, Escalation>();
  needs = new Map<string, ChangeableNeed>();
  referrals = new Map<string, Referral>();
  counters: Record<string, number> = {};
  audits: ResolutionWrite['audit'][] = [];
  rerouted: { change: AmendmentWrite; handedTo?: HandedTo }[] = [];
  beforeWrite: (() => void) | undefined;
  claimTaken = false;

  async getEscalation(countyCode: string, needId: string) {
    return this.escalations.get(`${countyCode}#${needId}`);
  }
  async getNeed(needId: string) {
    return this.needs.get(needId);
  }
  async getReferral(referralId: string) {
    return this.referrals.get(referralId);
  }
  private race() {
    const hook = this.beforeWrite;
    this.beforeWrite = undefined;
    hook?.();
  }
  private escalationCurrent(write: ResolutionWrite) {
    const current = this.escalations.get(`${write.escalation.countyCode}#${write.escalation.needId}`);
    return current?.version === write.expectedVersion;
  }
  private apply(write: ResolutionWrite) {
    this.escalations.set(`${write.escalation.countyCode}#${write.escalation.needId}`, write.escalation);
    for (const [name, value] of Object.entries(write.counters)) this.counters[name] = (this.counters[name] ?? 0) + value;
    this.audits.push(write.audit);
  }
  async resolve(n: ChangeableNeed, write: ResolutionWrite, at: Date) {
    this.race();
    const current = this.needs.get(n.needId);
    if (!current || !this.escalationCurrent(write)) return 'condition_failed' as const;
    this.needs.set(n.needId, { ...current, updatedAt: at.toISOString(), timeline: [...current.timeline, ...write.entries] });
    this.apply(write);
    return 'written' as const;
  }
  async reroute(n: ChangeableNeed, change: AmendmentWrite, write: ResolutionWrite, at: Date, handedTo?: HandedTo) {
    this.race();
    const current = this.needs.get(n.needId);
    if (!current || current.status !== n.status || current.updatedAt !== n.updatedAt || !this.escalationCurrent(write)) return 'condition_failed' as const;
    if (this.claimTaken && !change.retracted) return 'claim_taken' as const;
    this.needs.set(n.needId, {
      ...current,
      need: change.need,
      status: 'submitted',
      routingRound: change.round,
      referralIds: [],
      updatedAt: at.toISOString(),
      timeline: [...current.timeline, ...write.entries],
      ...(handedTo ? { handedTo } : {}),
    } as ChangeableNeed);
    this.rerouted.push({ change, ...(handedTo ? { handedTo } : {}) });
    this.apply(write);
    return 'written' as const;
  }
}

function setup(n: ChangeableNeed, escalation: Escalation | null = opened(), referrals: Referral[] = []) {
  const store = new FakeStore();
  store.needs.set(n.needId, { ...n, referralIds: referrals.map((r) => r.referralId) });
  for (const r of referrals) store.referrals.set(r.referralId, r);
  if (escalation) store.escalations.set(`${COUNTY}#${NEED_ID}`, escalation);
  const calls: { fail: [string, string][]; start: [string, string][] } = { fail: [], start: [] };
  const deps: EscalationDeps = {
    store,
    workflow: {
      fail: async (token, error) => (calls.fail.push([token, error]), 'resumed'),
      start: async (needId, name) => (calls.start.push([needId, name]), 'started'),
    },
    servingBanks: async () => recipients,
  };
  return { store, deps, calls };
}

const act = (deps: EscalationDeps, command: EscalationCommand, countyCode = COUNTY, needId = NEED_ID) => actOnEscalation(deps, { countyCode, needId, who: 'officer-1', command }, later);

const codes = (n: ChangeableNeed | undefined) => (n?.timeline ?? []).map((e) => ('code' in e ? e.code : ''));

describe('opening an escalation', () => {
  it('opens one per need, counted once by kind; an event while it is open updates it without counting', () => {
    const first = openEscalation(undefined, { needId: NEED_ID, countyCode: COUNTY, kind: 'declined_repairable', facts: { reasonCode: 'tax_arrears' } }, now);
    expect(first.expectedVersion).toBeUndefined();
    expect(first.counters).toEqual({ escalationsOpened: 1, escalationsOpenedBy_declined_repairable: 1 });
    expect(first.escalation).toMatchObject({ state: 'open', kind: 'declined_repairable', version: 1, openings: [{ kind: 'declined_repairable', at: now.toISOString() }] });
    const again = openEscalation(first.escalation, { needId: NEED_ID, countyCode: COUNTY, kind: 'late_answer', facts: { bankId: 'huimin-bank' } }, later);
    expect(again.counters).toEqual({});
    expect(again.expectedVersion).toBe(1);
    expect(again.escalation).toMatchObject({ state: 'open', kind: 'late_answer', facts: { bankId: 'huimin-bank' }, version: 2, openedAt: now.toISOString(), openings: first.escalation.openings });
  });

  it('keeps a repairable decline, with the bank’s reason, when no bank is left after it', () => {
    const declined = openEscalation(undefined, { needId: NEED_ID, countyCode: COUNTY, kind: 'declined_repairable', facts: { reasonCode: 'tax_arrears', bankId: 'zj-fengshou-rcb' } }, now);
    const unmatched = openEscalation(declined.escalation, { needId: NEED_ID, countyCode: COUNTY, kind: 'unmatched' }, later);
    expect(unmatched.counters).toEqual({});
    expect(unmatched.escalation).toMatchObject({ state: 'open', kind: 'declined_repairable', facts: { reasonCode: 'tax_arrears', bankId: 'zj-fengshou-rcb' }, version: 2 });
    expect(inboxItem(unmatched.escalation, undefined).reason).toMatchObject({ code: 'tax_arrears', repairable: true, repair: expect.objectContaining({ zh: expect.any(String) }) });
  });

  it('opens a resolved escalation again, counted again, its earlier resolution kept in the history', () => {
    const resolved = resolveEscalation(opened(), { action: 'close', resolution: 'closed', at: now.toISOString(), who: 'o', outcome: 'unreachable' });
    expect(resolved.counters).toEqual({ escalationsResolved: 1, escalationsResolvedBy_closed: 1 });
    const reopened = openEscalation(resolved.escalation, { needId: NEED_ID, countyCode: COUNTY, kind: 'late_answer', facts: { bankId: 'huimin-bank' } }, later);
    expect(reopened.counters).toEqual({ escalationsOpened: 1, escalationsOpenedBy_late_answer: 1 });
    expect(reopened.escalation.state).toBe('open');
    expect(reopened.escalation.resolution).toBeUndefined();
    expect(reopened.escalation.openings).toHaveLength(2);
    expect(reopened.escalation.resolutions).toEqual([{ resolution: 'closed', at: now.toISOString() }]);
  });

  it('a late answer escalates only an acceptance while the need still has no bank', () => {
    expect(lateAnswerEscalates('referral.accepted', 'offered')).toBe(true);
    expect(lateAnswerEscalates('referral.accepted', 'unmatched')).toBe(true);
    expect(lateAnswerEscalates('referral.declined', 'unmatched')).toBe(false);
    for (const status of ['accepted', 'granted', 'disbursed', 'withdrawn'] as const) expect(lateAnswerEscalates('referral.accepted', status)).toBe(false);
  });
});

describe('the inbox', () => {
  it('shows a repairable decline with the bank’s reason and what would repair it, in both languages', () => {
    const item = inboxItem(opened('declined_repairable', { reasonCode: 'tax_arrears', bankId: 'huimin-bank', bankNameZh: '惠民银行' }), need('offered'));
    expect(item.reason).toMatchObject({ code: 'tax_arrears', zh: '存在欠缴税款', repairable: true, repair: { zh: expect.stringContaining('完税证明'), en: expect.stringContaining('tax') } });
    expect(item.bank).toEqual({ bankId: 'huimin-bank', zh: '惠民银行' });
    expect(item.need).toMatchObject({ status: 'offered', consentBankIds: ['huimin-bank'] });
  });

  it('has a repair hint for every repairable decline reason, and none for the others', async () => {
    const { declineRepair } = await import('../../shared/domain/reasons');
    for (const reason of DECLINE_REASONS) expect(Boolean(declineRepair(reason.code)), reason.code).toBe(reason.repairable);
  });

  it('offers amend and hand_to_bank only where the need can be routed again; nothing once resolved', () => {
    const escalation = opened();
    expect(availableActions(escalation, need('unmatched'))).toEqual(['amend', 'hand_to_bank', 'resolved_offline', 'close']);
    expect(availableActions(escalation, need('accepted'))).toEqual(['resolved_offline', 'close']);
    const declinedThenOffered = need('offered', { timeline: [timelineEntry('declined', now.toISOString(), 'recommended', { bank: { zh: 'x', en: 'x' }, reasonCode: 'tax_arrears', repairable: true })] });
    expect(availableActions(escalation, declinedThenOffered)).toContain('amend');
    expect(availableActions({ state: 'resolved' }, need('unmatched'))).toEqual([]);
    expect(availableActions(escalation, undefined)).toEqual([]);
  });
});

describe('the action body', () => {
  it('takes the four actions, each with its fields', () => {
    expect(parseEscalationAction({ action: 'amend', need: { amountYuan: 300_000 }, agreement: { how: 'phone' } }).ok).toBe(true);
    expect(parseEscalationAction({ action: 'hand_to_bank', bankId: 'huimin-bank' }).ok).toBe(true);
    expect(parseEscalationAction({ action: 'resolved_offline', note: '已电话沟通，企业改为线下办理' }).ok).toBe(true);
    expect(parseEscalationAction({ action: 'close', outcome: 'financed_elsewhere' }).ok).toBe(true);
  });

  it('names the field at fault, in Chinese and English', () => {
    const cases: [unknown, string, string][] = [
      [{ action: 'fly' }, '/action', 'escalation.action'],
      [{ action: 'amend', need: { amountYuan: 5 }, agreement: { how: 'phone' } }, '/need/amountYuan', 'amount.range'],
      [{ action: 'amend', need: { amountYuan: 300_000 }, agreement: { how: 'telepathy' } }, '/agreement/how', 'escalation.agreement'],
      [{ action: 'amend', need: { amountYuan: 300_000 } }, '/agreement', 'required'],
      [{ action: 'hand_to_bank', bankId: 'Not A Bank!' }, '/bankId', 'escalation.bank_id'],
      [{ action: 'resolved_offline', note: '   ' }, '/note', 'escalation.note_required'],
      [{ action: 'close', outcome: 'bored' }, '/outcome', 'escalation.outcome'],
      [{ action: 'close', outcome: 'unreachable', note: 'x'.repeat(501) }, '/note', 'escalation.note'],
      [{ action: 'close', outcome: 'unreachable', extra: 1 }, '/extra', 'unknown_field'],
    ];
    for (const [body, pointer, code] of cases) {
      const parsed = parseEscalationAction(body);
      expect(parsed.ok, JSON.stringify(body)).toBe(false);
      if (parsed.ok) continue;
      expect(parsed.errors[0], JSON.stringify(body)).toMatchObject({ pointer, code, message: { zh: expect.any(String), en: expect.any(String) } });
    }
  });
});

describe('the task force’s actions', () => {
  it('resolved_offline: resolved with the note, taken up and resolved on the timeline, counted and audited (the audit without the note)', async () => {
    const { store, deps, calls } = setup(need('unmatched'));
    const outcome = await act(deps, { action: 'resolved_offline', note: '企业已在线下签约' });
    expect(outcome).toMatchObject({ kind: 'done', escalation: { state: 'resolved', resolution: { action: 'resolved_offline', resolution: 'resolved_offline', who: 'officer-1', note: '企业已在线下签约' } } });
    expect(codes(store.needs.get(NEED_ID)).slice(-2)).toEqual(['task_force_taken_up', 'task_force_resolved_offline']);
    expect(store.needs.get(NEED_ID)!.status).toBe('unmatched');
    expect(store.counters).toEqual({ escalationsResolved: 1, escalationsResolvedBy_resolved_offline: 1 });
    expect(store.audits).toEqual([{ kind: 'escalation-action', at: later.toISOString(), who: 'officer-1', countyCode: COUNTY, needId: NEED_ID, action: 'resolved_offline', escalationKind: 'unmatched' }]);
    expect(calls).toEqual({ fail: [], start: [] });
  });

  it('close: with its outcome on the timeline, which reads it in both languages', async () => {
    const { store, deps } = setup(need('unmatched'));
    expect(await act(deps, { action: 'close', outcome: 'financed_elsewhere' })).toMatchObject({ kind: 'done', escalation: { resolution: { outcome: 'financed_elsewhere' } } });
    const entry = store.needs.get(NEED_ID)!.timeline.at(-1)!;
    expect(entry).toMatchObject({ code: 'task_force_closed', params: { outcome: 'financed_elsewhere' } });
    expect(timelineText(entry, 'zh')).toContain('其他渠道');
    expect(timelineText(entry, 'en')).toContain('financed elsewhere');
    expect(store.counters).toEqual({ escalationsResolved: 1, escalationsResolvedBy_closed: 1 });
  });

  it('amend, no bank matched: the amended need in a new round (a new execution), with the agreement on the timeline', async () => {
    const n = need('unmatched');
    const { store, deps, calls } = setup(n);
    const outcome = await act(deps, { action: 'amend', need: { amountYuan: 300_000, termMonths: n.need.termMonths }, agreement: { how: 'phone', note: '电话确认' } });
    expect(outcome).toMatchObject({ kind: 'done', escalation: { state: 'resolved', resolution: { action: 'amend', resolution: 'amended', fields: ['/need/amountYuan'], agreement: { how: 'phone' } } } });
    const after = store.needs.get(NEED_ID)!;
    expect(after).toMatchObject({ status: 'submitted', routingRound: 1, need: { amountYuan: 300_000 } });
    expect(after.timeline.at(-1)).toMatchObject({ code: 'task_force_amended', status: 'submitted', params: { fields: ['/need/amountYuan'], agreement: 'phone' } });
    expect(calls.start).toEqual([[NEED_ID, `${NEED_ID}-a1`]]);
    expect(store.counters).toEqual({ escalationsResolved: 1, escalationsResolvedBy_amended: 1 });
    expect(store.audits[0]).toMatchObject({ action: 'amend', agreement: 'phone', fields: ['/need/amountYuan'] });
  });

  it('amend while the next bank holds the offer after a repairable decline: that offer is withdrawn (its wait fails NeedAmended)', async () => {
    const declined = referral('declined', { referralId: 'r-1', decline: { reasonCode: 'collateral_insufficient', repairable: true } });
    const offered = referral('offered', { referralId: 'r-2', bankId: 'changjiang-bank', taskToken: 'token-2', waitingFor: 'offer' });
    const { store, deps, calls } = setup(need('offered'), opened('declined_repairable'), [declined, offered]);
    expect((await act(deps, { action: 'amend', need: { guarantee: 'guarantor' }, agreement: { how: 'in_person' } })).kind).toBe('done');
    expect(store.rerouted[0]!.change).toMatchObject({ round: 0, retracted: { referralId: 'r-2' } });
    expect(calls).toEqual({ fail: [['token-2', NEED_AMENDED_ERROR]], start: [] });
  });

  it('amend that changes nothing: 400, nothing written', async () => {
    const n = need('unmatched');
    const { store, deps } = setup(n);
    const outcome = await act(deps, { action: 'amend', need: { amountYuan: n.need.amountYuan }, agreement: { how: 'written' } });
    expect(outcome).toMatchObject({ kind: 'invalid', errors: [{ pointer: '/need', code: 'escalation.nothing_changed' }] });
    expect(store.escalations.get(`${COUNTY}#${NEED_ID}`)!.state).toBe('open');
    expect(store.audits).toEqual([]);
  });

  it('hand_to_bank: a new round handed to that bank alone; the timeline does not name it', async () => {
    const { store, deps, calls } = setup(need('unmatched'));
    const outcome = await act(deps, { action: 'hand_to_bank', bankId: 'huimin-bank' });
    expect(outcome).toMatchObject({ kind: 'done', escalation: { resolution: { resolution: 'handed_to_bank', bankId: 'huimin-bank' } } });
    const after = store.needs.get(NEED_ID)!;
    expect(after.timeline.at(-1)).toEqual({ at: later.toISOString(), status: 'submitted', code: 'task_force_handed_to_bank' });
    expect(JSON.stringify(after.timeline)).not.toContain('huimin');
    expect(handedBankOf(after)).toBe('huimin-bank');
    expect(calls.start).toEqual([[NEED_ID, `${NEED_ID}-a1`]]);
    expect(store.counters).toEqual({ escalationsResolved: 1, escalationsResolvedBy_handed_to_bank: 1 });
    // A later round (an amendment after it) is no longer handed.
    expect(handedBankOf({ ...after, routingRound: 2 })).toBeUndefined();
  });

  it('hand_to_bank to a bank not serving the county, or not named by the consent: 400 at /bankId, nothing written', async () => {
    const n = need('unmatched');
    expect(handToBankErrors('far-away-bank', n, recipients)[0]).toMatchObject({ pointer: '/bankId', code: 'escalation.bank_not_serving' });
    expect(handToBankErrors('changjiang-bank', n, recipients)[0]).toMatchObject({ pointer: '/bankId', code: 'escalation.bank_not_consented' });
    const { store, deps, calls } = setup(n);
    expect(await act(deps, { action: 'hand_to_bank', bankId: 'changjiang-bank' })).toMatchObject({ kind: 'invalid', errors: [{ pointer: '/bankId' }] });
    expect(store.audits).toEqual([]);
    expect(calls.start).toEqual([]);
  });

  it('404 for no escalation, and for a need of another county (nothing revealed)', async () => {
    const { deps } = setup(need('unmatched'), null);
    expect(await act(deps, { action: 'close', outcome: 'unreachable' })).toEqual({ kind: 'not_found' });
    const other = setup(need('unmatched'));
    // The escalation filed under 330106, asked for from 330108.
    other.store.escalations.set(`330108#${NEED_ID}`, { ...opened(), countyCode: '330108' });
    expect(await act(other.deps, { action: 'close', outcome: 'unreachable' }, '330108')).toEqual({ kind: 'not_found' });
  });

  it('409 when the escalation is resolved already, or the need’s state does not allow rerouting', async () => {
    const resolved = resolveEscalation(opened(), { action: 'close', resolution: 'closed', at: now.toISOString(), who: 'o', outcome: 'unreachable' }).escalation;
    const { deps } = setup(need('unmatched'), resolved);
    expect(await act(deps, { action: 'resolved_offline', note: 'x' })).toEqual({ kind: 'conflict', reason: 'escalation_resolved' });
    const accepted = setup(need('accepted'), opened('late_answer'));
    expect(await act(accepted.deps, { action: 'hand_to_bank', bankId: 'huimin-bank' })).toEqual({ kind: 'conflict', reason: 'bank_deciding' });
    const taken = setup(need('unmatched'));
    taken.store.claimTaken = true;
    expect(await act(taken.deps, { action: 'hand_to_bank', bankId: 'huimin-bank' })).toEqual({ kind: 'conflict', reason: 'open_need_exists' });
  });

  it('two officers at once: the first action is written, the second finds it resolved (409), nothing counted twice', async () => {
    const { store, deps } = setup(need('unmatched'));
    store.beforeWrite = () => {
      const current = store.escalations.get(`${COUNTY}#${NEED_ID}`)!;
      const other = resolveEscalation(current, { action: 'close', resolution: 'closed', at: now.toISOString(), who: 'officer-2', outcome: 'unreachable' });
      store.escalations.set(`${COUNTY}#${NEED_ID}`, other.escalation);
    };
    expect(await act(deps, { action: 'resolved_offline', note: 'x' })).toEqual({ kind: 'conflict', reason: 'escalation_changed' });
    expect(store.audits).toEqual([]);
    expect(store.counters).toEqual({});
  });

  it('an event that updates the open escalation meanwhile (another decline): read again, then written', async () => {
    const { store, deps } = setup(need('unmatched'));
    store.beforeWrite = () => {
      const current = store.escalations.get(`${COUNTY}#${NEED_ID}`)!;
      store.escalations.set(`${COUNTY}#${NEED_ID}`, openEscalation(current, { needId: NEED_ID, countyCode: COUNTY, kind: 'late_answer' }, now).escalation);
    };
    expect(await act(deps, { action: 'close', outcome: 'no_longer_needed' })).toMatchObject({ kind: 'done', escalation: { version: 3, kind: 'late_answer' } });
    expect(store.audits).toHaveLength(1);
  });

  it('the need moved between read and write (routing went on): read again and decided on the new state', async () => {
    const { store, deps } = setup(need('unmatched'));
    store.beforeWrite = () => {
      const current = store.needs.get(NEED_ID)!;
      store.needs.set(NEED_ID, { ...current, status: 'accepted', updatedAt: now.toISOString() + 'x' });
    };
    expect(await act(deps, { action: 'amend', need: { amountYuan: 300_000 }, agreement: { how: 'phone' } })).toEqual({ kind: 'conflict', reason: 'bank_deciding' });
    expect(store.counters).toEqual({});
  });
});

describe('the recompute audit', () => {
  it('counts each opening and resolution of an escalation item on its day, and unmatched only from the escalation’s own entries', async () => {
    const { recomputeCounters, splitItems } = await import('../../shared/domain/recompute');
    const first = openEscalation(undefined, { needId: NEED_ID, countyCode: COUNTY, kind: 'declined_repairable' }, now).escalation;
    const resolved = resolveEscalation(first, { action: 'close', resolution: 'closed', at: now.toISOString(), who: 'o', outcome: 'unreachable' }).escalation;
    const reopened = openEscalation(resolved, { needId: NEED_ID, countyCode: COUNTY, kind: 'unmatched' }, later).escalation;
    const unmatched = need('unmatched', {
      timeline: [
        timelineEntry('submitted', now.toISOString(), 'submitted'),
        timelineEntry('unmatched', later.toISOString(), 'unmatched'),
        // The task force's entries on an unmatched need carry its status: not another `unmatched`.
        timelineEntry('task_force_taken_up', later.toISOString(), 'unmatched'),
        timelineEntry('task_force_resolved_offline', later.toISOString(), 'unmatched'),
      ],
    });
    const items = [
      { pk: `COUNTY#${COUNTY}`, sk: `ESCALATION#${NEED_ID}`, itemType: 'escalation', ...reopened },
      { pk: `NEED#${NEED_ID}`, sk: 'NEED', itemType: 'need', ...unmatched, screening: { recommended: true, reasons: [], at: now.toISOString() } },
    ];
    const split = splitItems(items);
    expect(split.escalations).toHaveLength(1);
    const rows = recomputeCounters(split);
    expect(rows.find((r) => r.day === '2026-11-20')?.counters).toMatchObject({ escalationsOpened: 1, escalationsOpenedBy_declined_repairable: 1, escalationsResolved: 1, escalationsResolvedBy_closed: 1 });
    expect(rows.find((r) => r.day === '2026-11-21')?.counters).toEqual({ escalationsOpened: 1, escalationsOpenedBy_unmatched: 1, unmatched: 1 });
  });
});
