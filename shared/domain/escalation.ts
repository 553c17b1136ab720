// The county task force's escalation inbox (issue 8): one escalation per need, opened in the write
// of the event that calls for the task force — no bank matched (routing-store `escalate`), a bank
// declined for a repairable reason, a bank answered after its deadline while the need still needs a
// bank, a manual review past its deadline — and resolved by one of the task force's actions:
// - `amend`: the need amended with the enterprise's agreement (amount, term, guarantee, purpose) and
//   routed again, by the owner's amendment path (need-changes.ts: a new round, or the offer a bank
//   holds after a repairable decline withdrawn);
// - `hand_to_bank`: a new routing round that offers the need to one named bank only (it must serve
//   the county and be among the banks the consent names);
// - `resolved_offline`: resolved with the enterprise outside the platform (a note);
// - `close`: closed with an outcome code (a note optional).
// Each action is one write conditional on the escalation as read (its `version`) and, for the two
// that route again, on the need as read: a lost race re-reads and decides again, or answers 409 with
// why. The need's timeline says what the task force did (`task_force_*`), the counters count each
// opening and resolution on its CST day (`escalationsOpened…`, `escalationsResolved…`), and every
// action is audited in the same write. Pure: the store, the workflow and the bank registry are ports.
import { consentedBankIds } from './consent';
import type { ConsentRecipient } from './consent-recipients';
import type { NeedStatus } from './need-record';
import { needActions } from './need-actions';
import {
  amendmentPlan,
  applyAmendment,
  NEED_AMENDED_ERROR,
  type AmendmentWrite,
  type ChangeableNeed,
  type NeedChangeWorkflow,
  type RefusalReason,
} from './need-changes';
import type { FieldError, LocalizedText } from './problem';
import { declineReason, declineRepair } from './reasons';
import type { Referral } from './referral';
import { routingExecutionName } from './routing-execution';
import { timelineEntry, type TimelineEntry } from './timeline';
import type { HandedTo } from './escalation-handoff';

export { handedBankOf, type HandedTo } from './escalation-handoff';

export * from './escalation-opening';
import {
  ESCALATION_KIND_LABELS,
  RESOLUTION_OF,
  resolveEscalation,
  type AgreementMethod,
  type CloseOutcome,
  type Escalation,
  type EscalationAction,
  type EscalationKind,
  type EscalationResolutionRecord,
  type EscalationState,
  type EscalationWrite,
} from './escalation-opening';

// ---------------------------------------------------------------------------------------------
// The inbox

/** What the inbox reads of a need. */
export interface InboxNeed {
  needId: string;
  status: NeedStatus;
  submittedAt: string;
  enterprise: { name: string; countyCode: string };
  need: { amountYuan: number; termMonths: number; purpose: string; guarantee: string };
  timeline: readonly TimelineEntry[];
  routingRound?: number;
  consent?: { recipients?: unknown };
  /** The task force's review (review.ts, status in_review): when it is due, and when it was found overdue. */
  review?: { dueAt?: string; overdueAt?: string };
}

export interface InboxItem {
  needId: string;
  kind: EscalationKind;
  kindLabel: LocalizedText;
  state: EscalationState;
  openedAt: string;
  updatedAt: string;
  /** The bank's reason with its texts, and what would repair it (declined_repairable). */
  reason?: { code: string; zh: string; en: string; repairable: boolean; repair?: LocalizedText };
  /** The bank of the decline or late answer (the task force may see it). */
  bank?: { bankId: string; zh?: string; en?: string };
  lateEvent?: string;
  reviewDueAt?: string;
  resolution?: EscalationResolutionRecord;
  need?: {
    status: NeedStatus;
    submittedAt: string;
    enterpriseName: string;
    amountYuan: number;
    termMonths: number;
    purpose: string;
    guarantee: string;
    /** The banks the consent names (hand_to_bank may name only one of them); absent: any bank serving the county. */
    consentBankIds?: string[];
  };
  /** What the task force may do now (a stale page still gets a 409 when the state moved). */
  actions: EscalationAction[];
}

/** The actions open to the task force on an escalation, given its need now. */
export function availableActions(escalation: Pick<Escalation, 'state'>, need: Pick<InboxNeed, 'status' | 'timeline' | 'routingRound'> | undefined): EscalationAction[] {
  if (escalation.state !== 'open' || !need) return [];
  // Routed again only where the owner could amend it (no match, not recommended, a repairable decline).
  const reroutable = needActions(need).amend;
  return reroutable ? ['amend', 'hand_to_bank', 'resolved_offline', 'close'] : ['resolved_offline', 'close'];
}

function consentBankIds(consent: InboxNeed['consent']): string[] | undefined {
  const recipients = consent?.recipients;
  return Array.isArray(recipients) ? recipients.map((r: { bankId: string }) => r.bankId) : undefined;
}

/** An escalation as the inbox lists it, with its need's summary (none if the need is gone). */
export function inboxItem(escalation: Escalation, need: InboxNeed | undefined): InboxItem {
  const facts = escalation.facts;
  const decline = facts.reasonCode ? declineReason(facts.reasonCode) : undefined;
  const repair = facts.reasonCode ? declineRepair(facts.reasonCode) : undefined;
  const bankIds = need ? consentBankIds(need.consent) : undefined;
  return {
    needId: escalation.needId,
    kind: escalation.kind,
    kindLabel: ESCALATION_KIND_LABELS[escalation.kind],
    state: escalation.state,
    openedAt: escalation.openedAt,
    updatedAt: escalation.updatedAt,
    ...(facts.reasonCode
      ? {
          reason: {
            code: facts.reasonCode,
            zh: decline?.zh ?? facts.reasonCode,
            en: decline?.en ?? facts.reasonCode,
            repairable: decline?.repairable ?? false,
            ...(repair ? { repair } : {}),
          },
        }
      : {}),
    ...(facts.bankId
      ? { bank: { bankId: facts.bankId, ...(facts.bankNameZh ? { zh: facts.bankNameZh } : {}), ...(facts.bankNameEn ? { en: facts.bankNameEn } : {}) } }
      : {}),
    ...(facts.lateEvent ? { lateEvent: facts.lateEvent } : {}),
    ...(facts.reviewDueAt ?? need?.review?.dueAt ? { reviewDueAt: facts.reviewDueAt ?? need?.review?.dueAt } : {}),
    ...(escalation.resolution ? { resolution: escalation.resolution } : {}),
    ...(need
      ? {
          need: {
            status: need.status,
            submittedAt: need.submittedAt,
            enterpriseName: need.enterprise.name,
            amountYuan: need.need.amountYuan,
            termMonths: need.need.termMonths,
            purpose: need.need.purpose,
            guarantee: need.need.guarantee,
            ...(bankIds ? { consentBankIds: bankIds } : {}),
          },
        }
      : {}),
    actions: availableActions(escalation, need),
  };
}

// ---------------------------------------------------------------------------------------------
// The actions

/** An action's body, validated (escalation-schema.ts). */
export type EscalationCommand =
  | { action: 'amend'; need: { amountYuan?: number; termMonths?: number; purpose?: ChangeableNeed['need']['purpose']; guarantee?: ChangeableNeed['need']['guarantee'] }; agreement: { how: AgreementMethod; note?: string } }
  | { action: 'hand_to_bank'; bankId: string; note?: string }
  | { action: 'resolved_offline'; note: string }
  | { action: 'close'; outcome: CloseOutcome; note?: string };

/** The audit record of an action (audit.ts `escalation-action`): who did what to which need; never a note's text. */
export interface EscalationActionAudit {
  kind: 'escalation-action';
  at: string;
  who: string;
  countyCode: string;
  needId: string;
  action: EscalationAction;
  escalationKind: EscalationKind;
  outcome?: CloseOutcome;
  bankId?: string;
  agreement?: AgreementMethod;
  fields?: string[];
}

/** A resolution's write: the escalation resolved, the need's new timeline entries, the counters, the audit record. */
export interface ResolutionWrite extends EscalationWrite {
  entries: TimelineEntry[];
  audit: EscalationActionAudit;
}

export interface EscalationStore {
  getEscalation(countyCode: string, needId: string): Promise<Escalation | undefined>;
  getNeed(needId: string): Promise<ChangeableNeed | undefined>;
  getReferral(referralId: string): Promise<Referral | undefined>;
  /** The escalation resolved with the need left where it is: its timeline entries, counters and audit in one write, conditional on the escalation's version. */
  resolve(need: ChangeableNeed, write: ResolutionWrite, now: Date): Promise<'written' | 'condition_failed'>;
  /**
   * The need routed again as an amendment is (need-changes-store `amend`: conditional on the need
   * as read; a restart claims the credit code again), with the resolution in the same write.
   */
  reroute(need: ChangeableNeed, change: AmendmentWrite, write: ResolutionWrite, now: Date, handedTo?: HandedTo): Promise<'written' | 'condition_failed' | 'claim_taken'>;
}

export interface EscalationDeps {
  store: EscalationStore;
  workflow: NeedChangeWorkflow;
  /** The banks serving a county now (hand_to_bank names one of them). */
  servingBanks(countyCode: string): Promise<ConsentRecipient[]>;
}

/** Why an action is refused (409): the escalation moved, or the need's state does not allow it. */
export type EscalationConflictReason = 'escalation_resolved' | 'escalation_changed' | RefusalReason;

export const ESCALATION_CONFLICTS: Readonly<Record<'escalation_resolved' | 'escalation_changed', LocalizedText>> = {
  escalation_resolved: { zh: '该事项已办结，无需再处理', en: 'The escalation is resolved already' },
  escalation_changed: { zh: '该事项刚刚发生变化，请刷新后重试', en: 'The escalation changed just now; reload and try again' },
};

export type EscalationOutcome =
  | { kind: 'done'; escalation: Escalation; need: ChangeableNeed }
  | { kind: 'not_found' }
  | { kind: 'invalid'; errors: FieldError[] }
  | { kind: 'conflict'; reason: EscalationConflictReason };

export interface EscalationRequest {
  countyCode: string;
  needId: string;
  /** The officer (token `sub`). */
  who: string;
  command: EscalationCommand;
}

const ATTEMPTS = 3;

/** The timeline entries an action appends: taken up, then what it did. */
function actionEntries(command: EscalationCommand, at: string, status: NeedStatus, fields: string[]): TimelineEntry[] {
  const taken = timelineEntry('task_force_taken_up', at, status);
  switch (command.action) {
    case 'amend':
      return [taken, timelineEntry('task_force_amended', at, status, { fields, agreement: command.agreement.how })];
    case 'hand_to_bank':
      return [taken, timelineEntry('task_force_handed_to_bank', at, status)];
    case 'resolved_offline':
      return [taken, timelineEntry('task_force_resolved_offline', at, status)];
    case 'close':
      return [taken, timelineEntry('task_force_closed', at, status, { outcome: command.outcome })];
  }
}

function resolutionRecord(command: EscalationCommand, who: string, at: string, fields: string[]): EscalationResolutionRecord {
  const base = { action: command.action, resolution: RESOLUTION_OF[command.action], at, who };
  switch (command.action) {
    case 'amend':
      return { ...base, agreement: command.agreement, fields };
    case 'hand_to_bank':
      return { ...base, bankId: command.bankId, ...(command.note ? { note: command.note } : {}) };
    case 'resolved_offline':
      return { ...base, note: command.note };
    case 'close':
      return { ...base, outcome: command.outcome, ...(command.note ? { note: command.note } : {}) };
  }
}

function actionAudit(escalation: Escalation, record: EscalationResolutionRecord): EscalationActionAudit {
  return {
    kind: 'escalation-action',
    at: record.at,
    who: record.who,
    countyCode: escalation.countyCode,
    needId: escalation.needId,
    action: record.action,
    escalationKind: escalation.kind,
    ...(record.outcome ? { outcome: record.outcome } : {}),
    ...(record.bankId ? { bankId: record.bankId } : {}),
    ...(record.agreement ? { agreement: record.agreement.how } : {}),
    ...(record.fields ? { fields: record.fields } : {}),
  };
}

/** A bank the need may be handed to: serving the county now, and among the banks the consent names (when it names any). */
export function handToBankErrors(bankId: string, need: Pick<ChangeableNeed, 'consent'>, serving: readonly ConsentRecipient[]): FieldError[] {
  if (!serving.some((bank) => bank.bankId === bankId)) {
    return [{ pointer: '/bankId', code: 'escalation.bank_not_serving', message: { zh: `该银行不服务本区县：${bankId}`, en: `The bank does not serve the county: ${bankId}` } }];
  }
  const consented = consentedBankIds(need.consent);
  if (consented && !consented.has(bankId)) {
    return [
      {
        pointer: '/bankId',
        code: 'escalation.bank_not_consented',
        message: {
          zh: `企业的授权同意未列明该银行：${bankId}（可请企业在需求页面更新授权）`,
          en: `The enterprise's consent does not name this bank: ${bankId} (the enterprise can renew its consent on the status page)`,
        },
      },
    ];
  }
  return [];
}

const NOTHING_CHANGED: FieldError = {
  pointer: '/need',
  code: 'escalation.nothing_changed',
  message: { zh: '修改内容与原需求相同：请至少修改一项', en: 'The amendment changes nothing: change at least one field' },
};

/**
 * Applies one task-force action to a need's open escalation. 404 (`not_found`) for no escalation,
 * or a need of another county; 409 (`conflict`) when the escalation is resolved already or the
 * need's state does not allow the action; `invalid` with field errors and nothing written.
 */
export async function actOnEscalation(deps: EscalationDeps, request: EscalationRequest, now: Date): Promise<EscalationOutcome> {
  const { store } = deps;
  const { command } = request;
  const at = now.toISOString();
  let moved = false;
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const escalation = await store.getEscalation(request.countyCode, request.needId);
    const need = escalation && (await store.getNeed(request.needId));
    if (!escalation || !need || need.enterprise.countyCode !== request.countyCode) return { kind: 'not_found' };
    if (escalation.state !== 'open') return { kind: 'conflict', reason: moved ? 'escalation_changed' : 'escalation_resolved' };

    if (command.action === 'resolved_offline' || command.action === 'close') {
      const record = resolutionRecord(command, request.who, at, []);
      const write: ResolutionWrite = { ...resolveEscalation(escalation, record), entries: actionEntries(command, at, need.status, []), audit: actionAudit(escalation, record) };
      if ((await store.resolve(need, write, now)) === 'condition_failed') {
        moved = true;
        continue;
      }
      return { kind: 'done', escalation: write.escalation, need: (await store.getNeed(request.needId)) ?? need };
    }

    // amend and hand_to_bank route the need again, as the owner's amendment does.
    const applied = command.action === 'amend' ? applyAmendment(need, { need: command.need }) : applyAmendment(need, {});
    if (command.action === 'amend' && applied.changed.length === 0) return { kind: 'invalid', errors: [NOTHING_CHANGED] };
    if (command.action === 'hand_to_bank') {
      const errors = handToBankErrors(command.bankId, need, await deps.servingBanks(request.countyCode));
      if (errors.length > 0) return { kind: 'invalid', errors };
    }
    const referrals = await Promise.all((need.referralIds ?? []).map((id) => store.getReferral(id)));
    const plan = amendmentPlan(need, referrals);
    if (plan.kind === 'refused') return { kind: 'conflict', reason: plan.reason };
    const round = plan.kind === 'restart' ? plan.round : (need.routingRound ?? 0);
    const retracted = plan.kind === 'retract' ? plan.referral : undefined;
    const record = resolutionRecord(command, request.who, at, applied.changed);
    const write: ResolutionWrite = { ...resolveEscalation(escalation, record), entries: actionEntries(command, at, 'submitted', applied.changed), audit: actionAudit(escalation, record) };
    const change: AmendmentWrite = { ...applied, round, ...(retracted ? { retracted } : {}) };
    const handedTo = command.action === 'hand_to_bank' ? { bankId: command.bankId, round, at } : undefined;
    const written = await store.reroute(need, change, write, now, handedTo);
    if (written === 'claim_taken') return { kind: 'conflict', reason: 'open_need_exists' };
    if (written === 'condition_failed') {
      moved = true;
      continue;
    }
    if (retracted) {
      // The offer the bank holds is withdrawn: its wait ends and the workflow routes the need again.
      await deps.workflow.fail(retracted.taskToken, NEED_AMENDED_ERROR, 'the county task force routed the need again');
    } else {
      await deps.workflow.start(request.needId, routingExecutionName({ needId: request.needId, routingRound: round }));
    }
    return { kind: 'done', escalation: write.escalation, need: (await store.getNeed(request.needId)) ?? need };
  }
  return { kind: 'conflict', reason: 'busy' };
}
