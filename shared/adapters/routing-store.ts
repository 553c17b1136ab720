// DynamoDB persistence of the referral workflow (see docs/data-model.md). Every state change is one
// transaction: the referral, the need's status and timeline, the bank's load and the county-day
// counters move together, conditionally on the stage they expect, so a change happens once.
import {
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import type { DisclosureAudit } from '../domain/audit';
import type { Bank } from '../domain/bank';
import { counterKey } from '../domain/counters';
import type { NeedRecord, NeedStatus } from '../domain/need-record';
import { bankOf, timelineEntry, type TimelineEntry } from '../domain/timeline';
import { chinaDay } from '../domain/need-record';
import { WAITING_STEP, type Referral, type ReferralTransition, type SkipReason } from '../domain/referral';
import type { Screening } from '../domain/routing';
import type { NegativeListEntry } from '../domain/screening';
import type { DynamoAuditLog } from './audit-log';
import { isClosed } from '../domain/data-retention';
import { needKey, openNeedClaimKey, referralKey } from './need-repository';
import { personalDataIndexKey } from './personal-data-index';
import { ROUTING_PHASE_ATTRIBUTE, routingPhaseKey } from './routing-phase';
import { isConditionFailure } from './condition-failure';
import { bankKey, BankRegistryStore, type BankRegistryOptions, type BankState } from './bank-registry-store';
import { FUNNEL_VISIT_CLAIMED } from '../domain/counters';
import { funnelCounters, reachedStages, stagesToAdd, type FunnelCohortStage } from '../domain/funnel';
import { visitedEntityKey } from './visit-store';
import { DECIDED_STATUS, decisionCounters, type ReviewDecisionRecord, type ReviewMode, type ReviewRecord } from '../domain/review';
import { ReviewSettingsStore } from './review-settings-store';
import { NEGATIVE_LIST_KEYS, negativeScreeningKey as negativeKey } from './negative-list-store';
import { lateAnswerEscalates } from '../domain/escalation-opening';
import { EscalationItems } from './escalation-store';

/** The bank of a referral, as an escalation keeps it. */
const bankFacts = (referral: Referral) => ({ bankId: referral.bankId, bankNameZh: referral.bankNameZh, bankNameEn: referral.bankNameEn, referralId: referral.referralId });

type TransactItem = NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']>[number];

export { referralKey } from './need-repository';
export { queryPartition } from './partition-query';
export { isConditionFailure } from './condition-failure';
export { bankKey, bankRegistryVersionKey, type BankState } from './bank-registry-store';
/** Open referrals whose deadline is provisional (a year without an official holiday arrangement). */
export const PROVISIONAL_DEADLINES_PARTITION = 'PROVISIONAL_DEADLINES';
export const provisionalKey = (referralId: string) => ({ pk: PROVISIONAL_DEADLINES_PARTITION, sk: `REFERRAL#${referralId}` });

const STRIP = new Set(['pk', 'sk', 'gsi1pk', 'gsi1sk', 'itemType', ROUTING_PHASE_ATTRIBUTE]);
function strip<T>(item: Record<string, unknown>): T {
  return Object.fromEntries(Object.entries(item).filter(([key]) => !STRIP.has(key))) as T;
}


/** The timeline of a screening: screening, then its outcome (with the reason codes of a need not recommended). */
const screeningEntries = (at: string, recommended: boolean, reasons: readonly { code: string }[]): TimelineEntry[] => [
  timelineEntry('screening', at, 'screening'),
  recommended ? timelineEntry('recommended', at, 'recommended') : timelineEntry('not_recommended', at, 'not_recommended', { reasons: reasons.map((r) => r.code) }),
];

/** The screening's attribute on the need, conditional on the need still `submitted`: counted once, a retried or racing run writes nothing. */
const screeningSet = (screening: { recommended: boolean; reasons: { code: string }[]; at: string }) => ({
  set: 'screening = :screening',
  values: { ':screening': screening, ':submitted': 'submitted' },
  condition: '#status = :submitted',
});

/** A `REMOVE` clause of the attributes given (none: nothing). */
const removal = (attributes: string[], more?: string) => {
  const all = [...attributes, ...(more ? [more] : [])];
  return all.length > 0 ? ` REMOVE ${all.join(', ')}` : '';
};

const waitingStage = (step: 'offer' | 'decision') =>
  (Object.entries(WAITING_STEP) as [string, string][]).find(([, waiting]) => waiting === step)![0];

/** How the store keeps the bank registry (bank-registry-store.ts). */
export type RoutingStoreOptions = BankRegistryOptions;

export class RoutingStore {
  /** The banks and their load (profiles, open referrals, last offer), cached per warm function. */
  readonly registry: BankRegistryStore;
  /** The counties' review settings (review-settings-store.ts). */
  readonly reviewSettings: ReviewSettingsStore;

  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tables: { needs: string; counters: string },
    /** Where disclosures are audited (the bank webhook); the other users of the store disclose nothing. */
    private readonly audit?: Pick<DynamoAuditLog, 'append' | 'transactionItem'>,
    options: RoutingStoreOptions = {},
  ) {
    this.registry = new BankRegistryStore(client, tables.needs, options);
    this.escalations = new EscalationItems(client, tables.needs);
    this.reviewSettings = new ReviewSettingsStore(client, tables.needs);
  }

  /** The county's escalations, opened in the writes of the events that call for the task force. */
  private readonly escalations: EscalationItems;

  private auditLog() {
    if (!this.audit) throw new Error('this routing store has no audit log: disclosures cannot be audited');
    return this.audit;
  }

  // ---- reads ----------------------------------------------------------------------------------

  async getNeed(needId: string): Promise<(NeedRecord & { referralIds?: string[] }) | undefined> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.tables.needs, Key: needKey(needId), ConsistentRead: true }));
    return Item ? strip(Item) : undefined;
  }

  async getReferral(referralId: string): Promise<Referral | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tables.needs, Key: referralKey(referralId), ConsistentRead: true }),
    );
    return Item ? strip(Item) : undefined;
  }

  listBanks(): Promise<BankState[]> {
    return this.registry.listBanks();
  }

  getBank(bankId: string): Promise<Bank | undefined> {
    return this.registry.getBank(bankId);
  }

  async negativeEntries(creditCode: string): Promise<NegativeListEntry[]> {
    const { Items = [] } = await this.client.send(
      new QueryCommand({
        TableName: this.tables.needs,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': `${NEGATIVE_LIST_KEYS.screening}${creditCode}` },
      }),
    );
    return Items.map((item) => item.entry as NegativeListEntry);
  }

  async auditDisclosure(audit: DisclosureAudit): Promise<void> {
    await this.auditLog().append(audit);
  }

  // ---- registry (CLI) ---------------------------------------------------------------------------

  putBank(bank: Bank, now: Date): Promise<void> {
    return this.registry.putBank(bank, now);
  }

  async putNegativeEntries(entries: NegativeListEntry[], now: Date): Promise<void> {
    for (let i = 0; i < entries.length; i += 25) {
      await this.client.send(
        new TransactWriteCommand({
          TransactItems: entries.slice(i, i + 25).map((entry) => ({
            Put: {
              TableName: this.tables.needs,
              Item: { ...negativeKey(entry), itemType: 'negative-list-entry', entry, loadedAt: now.toISOString() },
            },
          })),
        }),
      );
    }
  }

  // ---- workflow steps ---------------------------------------------------------------------------

  private needUpdate(
    need: NeedRecord,
    status: NeedStatus,
    entries: TimelineEntry[],
    now: Date,
    extra: { set?: string; values?: Record<string, unknown>; condition?: string; remove?: string } = {},
  ): TransactItem {
    // The index keys follow the status without moving at every change (docs/data-model.md):
    // byCountyStatus's key never changes (its status column is rewritten in place); byRouting's
    // attribute is the same value until routing starts or the need closes (an unchanged key is no
    // index write); a closed need that still holds personal data is in byPersonalData, by its last
    // change (an erased need is not put back).
    const phase = routingPhaseKey({ ...need, status });
    const indexKeys: Record<string, unknown> = { ...(phase.routingPhase ? { ':phase': phase.routingPhase } : {}) };
    const holdsPersonalData = isClosed(status) && (need as { personalDataErasedAt?: string }).personalDataErasedAt === undefined;
    if (holdsPersonalData) indexKeys[':pdShard'] = personalDataIndexKey(need.needId).pdShard;
    const sets = [
      '#status = :status',
      'updatedAt = :now',
      'timeline = list_append(timeline, :entries)',
      ...(phase.routingPhase ? [`${ROUTING_PHASE_ATTRIBUTE} = :phase`] : []),
      ...(holdsPersonalData ? ['pdShard = :pdShard'] : []),
      ...(extra.set ? [extra.set] : []),
    ];
    return {
      Update: {
        TableName: this.tables.needs,
        Key: needKey(need.needId),
        UpdateExpression: `SET ${sets.join(', ')}${removal(phase.routingPhase ? [] : [ROUTING_PHASE_ATTRIBUTE], extra.remove)}`,
        ConditionExpression: extra.condition ?? 'attribute_exists(pk)',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':status': status,
          ':now': now.toISOString(),
          ':entries': entries,
          ...indexKeys,
          ...extra.values,
        },
      },
    };
  }

  private counterUpdate(need: Pick<NeedRecord, 'enterprise'>, now: Date, counters: Record<string, number>): TransactItem {
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = { ':now': now.toISOString() };
    const adds = Object.entries(counters).map(([name, value], i) => {
      names[`#c${i}`] = name;
      values[`:c${i}`] = value;
      return `#c${i} :c${i}`;
    });
    return {
      Update: {
        TableName: this.tables.counters,
        Key: { day: chinaDay(now), countyCode: need.enterprise.countyCode },
        UpdateExpression: `ADD ${adds.join(', ')} SET updatedAt = :now`,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      },
    };
  }

  private releaseClaim(need: NeedRecord): TransactItem {
    return {
      Delete: {
        TableName: this.tables.needs,
        Key: openNeedClaimKey(need.enterprise.creditCode),
        ConditionExpression: 'attribute_not_exists(pk) OR needId = :needId',
        ExpressionAttributeValues: { ':needId': need.needId },
      },
    };
  }

  private bankLoad(bankId: string, delta: number, now: Date, offered: boolean): TransactItem {
    return {
      Update: {
        TableName: this.tables.needs,
        Key: bankKey(bankId),
        UpdateExpression: offered ? 'ADD openReferrals :d SET lastOfferedAt = :now' : 'ADD openReferrals :d',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: offered ? { ':d': delta, ':now': now.toISOString() } : { ':d': delta },
      },
    };
  }

  /**
   * The funnel (shared/domain/funnel.ts) when the need reaches `stage`: the need's stages (SET with
   * the stage change, merged into its `extra`) and the cohort counters on the county-day of its
   * declaration — one counter item with `counters` when that is today's, else a second one.
   */
  private funnel(
    need: NeedRecord,
    stage: FunnelCohortStage | undefined,
    now: Date,
    counters: Record<string, number>,
    extra: { set?: string; values?: Record<string, unknown>; condition?: string } = {},
  ): { extra: { set?: string; values?: Record<string, unknown>; condition?: string }; counterItems: TransactItem[] } {
    const reached = reachedStages((need as { funnelStages?: unknown }).funnelStages);
    const added = stage ? stagesToAdd(reached, stage) : [];
    if (added.length === 0) return { extra, counterItems: [this.counterUpdate(need, now, counters)] };
    const all = [...reached, ...added].sort();
    const merged = {
      ...extra,
      set: [...(extra.set ? [extra.set] : []), 'funnelStages = :funnelStages'].join(', '),
      values: { ...extra.values, ':funnelStages': all },
    };
    const cohort = funnelCounters(added);
    const day = need.submittedDay ?? chinaDay(new Date(need.submittedAt));
    const counterItems =
      day === chinaDay(now)
        ? [this.counterUpdate(need, now, { ...counters, ...cohort })]
        : [this.counterUpdate(need, now, counters), this.counterUpdateOn(day, need.enterprise.countyCode, now, cohort)];
    return { extra: merged, counterItems };
  }

  private counterUpdateOn(day: string, countyCode: string, now: Date, counters: Record<string, number>): TransactItem {
    const item = this.counterUpdate({ enterprise: { countyCode } } as Pick<NeedRecord, 'enterprise'>, now, counters);
    return { Update: { ...item.Update!, Key: { day, countyCode } } };
  }

  /**
   * The funnel's first step (funnel.ts): the need claims the month marker of its enterprise's visit
   * in its county and declaration month, once per marker, counting `funnelVisitClaimed` on the
   * visit's day. Best effort, after the screening: when it fails the enterprise is counted once
   * more in `reached` (never less).
   */
  private async claimVisit(need: NeedRecord, now: Date): Promise<void> {
    const key = visitedEntityKey({ countyCode: need.enterprise.countyCode, creditCode: need.enterprise.creditCode, visitedOn: need.submittedDay });
    try {
      const { Item } = await this.client.send(new GetCommand({ TableName: this.tables.needs, Key: key, ConsistentRead: true }));
      if (!Item || Item.funnelNeedId !== undefined || typeof Item.visitedOn !== 'string') return;
      await this.write([
        {
          Update: {
            TableName: this.tables.needs,
            Key: key,
            UpdateExpression: 'SET funnelNeedId = :needId',
            ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(funnelNeedId)',
            ExpressionAttributeValues: { ':needId': need.needId },
          },
        },
        this.counterUpdateOn(Item.visitedOn, need.enterprise.countyCode, now, { [FUNNEL_VISIT_CLAIMED]: 1 }),
      ]);
    } catch {
      // Not claimed: `reached` counts the enterprise twice, which keeps it ≥ declared.
    }
  }

  async write(items: TransactItem[]): Promise<'written' | 'condition_failed'> {
    try {
      await this.client.send(new TransactWriteCommand({ TransactItems: items }));
      return 'written';
    } catch (error) {
      if (isConditionFailure(error)) return 'condition_failed';
      throw error;
    }
  }

  async recordScreening(
    need: NeedRecord,
    recommended: boolean,
    reasons: { code: string }[],
    now: Date,
  ): Promise<void> {
    if (need.status !== 'submitted') return; // screened already (a retried step)
    const at = now.toISOString();
    const status: NeedStatus = recommended ? 'recommended' : 'not_recommended';
    const counters: Record<string, number> = recommended ? { recommended: 1 } : { notRecommended: 1 };
    for (const reason of reasons) counters[counterKey('notRecommended', reason.code)] = 1;
    const funnel = this.funnel(need, recommended ? 'recommended' : undefined, now, counters, screeningSet({ recommended, reasons, at }));
    const screened = this.needUpdate(need, status, screeningEntries(at, recommended, reasons), now, funnel.extra);
    const written = await this.write([
      screened,
      ...funnel.counterItems,
      ...(recommended ? [] : [this.releaseClaim(need)]),
    ]);
    if (written === 'written') await this.claimVisit(need, now);
  }

  async createReferral(
    need: NeedRecord,
    referral: Referral,
    counters: Record<string, number>,
    now: Date,
    screening?: Screening,
  ): Promise<'written' | 'condition_failed'> {
    const at = now.toISOString();
    const screened = screening && screeningSet({ recommended: screening.recommended, reasons: screening.reasons, at });
    const offered = timelineEntry('offered', at, 'offered');
    const funnel = this.funnel(need, 'offered', now, counters, {
      set: ['referralIds = list_append(if_not_exists(referralIds, :none), :ref)', ...(screened ? [screened.set] : [])].join(', '),
      values: { ':none': [], ':ref': [referral.referralId], ...screened?.values },
      condition: screened?.condition,
    });
    const written = await this.write([
      {
        Put: {
          TableName: this.tables.needs,
          Item: { ...referralKey(referral.referralId), itemType: 'referral', ...referral },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
      this.needUpdate(need, 'offered', [...(screening ? screeningEntries(at, true, screening.reasons) : []), offered], now, funnel.extra),
      this.bankLoad(referral.bankId, 1, now, true),
      ...funnel.counterItems,
      ...(referral.deadlineProvisional
        ? [{ Put: { TableName: this.tables.needs, Item: { ...provisionalKey(referral.referralId), itemType: 'provisional-deadline', referralId: referral.referralId } } }]
        : []),
    ]);
    this.registry.noteOffer(referral.bankId, written, now);
    if (written === 'written' && screening) await this.claimVisit(need, now);
    return written;
  }

  /**
   * Keeps the task token the workflow waits on, while the referral is in the expected stage, and how
   * that wait takes a decline (as task failure, or as its output in executions of the earlier definition).
   */
  async saveTaskToken(
    referralId: string,
    waitingFor: 'offer' | 'decision',
    taskToken: string,
    declineAsFailure = false,
  ): Promise<'written' | 'condition_failed'> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tables.needs,
          Key: referralKey(referralId),
          UpdateExpression: declineAsFailure
            ? 'SET waitingFor = :w, taskToken = :t, declineAsFailure = :f REMOVE resumePending'
            : 'SET waitingFor = :w, taskToken = :t REMOVE resumePending, declineAsFailure',
          ConditionExpression: 'stage = :stage',
          ExpressionAttributeValues: {
            ':w': waitingFor,
            ':t': taskToken,
            ':stage': waitingFor === 'offer' ? 'offered' : 'accepted',
            ...(declineAsFailure ? { ':f': true } : {}),
          },
        }),
      );
      return 'written';
    } catch (error) {
      if (isConditionFailure(error)) return 'condition_failed';
      throw error;
    }
  }

  /** The workflow took the answer: the used token goes (unless a newer wait has replaced it). */
  async completeResume(referralId: string, taskToken: string): Promise<void> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tables.needs,
          Key: referralKey(referralId),
          UpdateExpression: 'REMOVE taskToken, waitingFor, resumePending',
          ConditionExpression: 'taskToken = :t',
          ExpressionAttributeValues: { ':t': taskToken },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }

  async recordDeliveryAttempt(referralId: string, attempt: { at: string; status?: number; error?: string; webhookId: string }): Promise<void> {
    await this.client.send(
      new UpdateCommand({
        TableName: this.tables.needs,
        Key: referralKey(referralId),
        UpdateExpression: 'SET deliveries = list_append(if_not_exists(deliveries, :none), :attempt)',
        ExpressionAttributeValues: { ':none': [], ':attempt': [attempt] },
      }),
    );
  }

  /**
   * Applies a bank's answer once: conditional on the referral's stage and, when the answer resumes the
   * workflow, on the task token it will resume and on no other answer waiting to be taken.
   */
  async applyTransition(
    referral: Referral,
    need: NeedRecord,
    transition: ReferralTransition,
    now: Date,
    audit?: DisclosureAudit,
    taskToken?: string,
  ) {
    const names: Record<string, string> = { '#stage': 'stage' };
    const values: Record<string, unknown> = { ':to': transition.toStage, ':from': transition.fromStage, ':now': now.toISOString() };
    if (transition.resumesWorkflow) {
      if (!taskToken) throw new Error('a transition that resumes the workflow needs the task token it resumes');
      values[':true'] = true;
      values[':token'] = taskToken;
    }
    const sets = ['#stage = :to', 'updatedAt = :now'];
    Object.entries(transition.referralUpdate).forEach(([key, value], i) => {
      names[`#u${i}`] = key;
      values[`:u${i}`] = value;
      sets.push(`#u${i} = :u${i}`);
    });
    if (transition.toStage === 'accepted') sets.push('acceptedAt = :now');
    if (['granted', 'declined'].includes(transition.toStage)) sets.push('decidedAt = :now');
    if (transition.toStage === 'disbursed') sets.push('disbursedAt = :now');
    const stage = (['accepted', 'granted', 'disbursed'] as const).find((s) => s === transition.toStage);
    // A decline for a repairable reason opens the county's escalation in the same write (escalation.ts).
    const escalation =
      transition.toStage === 'declined' && transition.referralUpdate.decline?.repairable
        ? await this.escalations.opening(
            { needId: need.needId, countyCode: need.enterprise.countyCode, kind: 'declined_repairable', facts: { ...bankFacts(referral), reasonCode: transition.referralUpdate.decline.reasonCode } },
            now,
          )
        : undefined;
    const funnel = this.funnel(need, stage, now, { ...transition.counters, ...escalation?.counters });
    return this.write([
      {
        Update: {
          TableName: this.tables.needs,
          Key: referralKey(referral.referralId),
          // The token stays until the workflow has taken the answer (completeResume), so a bank's
          // retry after a failed resume can resume again instead of being refused.
          UpdateExpression: transition.resumesWorkflow ? `SET ${sets.join(', ')}, resumePending = :true` : `SET ${sets.join(', ')}`,
          ConditionExpression: transition.resumesWorkflow
            ? '#stage = :from AND taskToken = :token AND attribute_not_exists(resumePending)'
            : '#stage = :from',
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        },
      },
      this.needUpdate(need, transition.needStatus, [transition.timelineEntry], now, funnel.extra),
      ...funnel.counterItems,
      ...(escalation ? [escalation.item] : []),
      ...(transition.releasesBankCapacity ? [this.bankLoad(referral.bankId, -1, now, false)] : []),
      ...(transition.closesNeed ? [this.releaseClaim(need)] : []),
      // The disclosure's audit record lands with the acceptance, or neither does.
      ...(audit ? [this.auditLog().transactionItem(audit)] : []),
      ...(referral.deadlineProvisional && transition.fromStage === 'offered' ? [this.dropProvisional(referral.referralId)] : []),
    ]);
  }

  private dropProvisional(referralId: string): TransactItem {
    return { Delete: { TableName: this.tables.needs, Key: provisionalKey(referralId) } };
  }

  /**
   * The bank missed its deadline: the referral expires, unless it has left the stage that waits for
   * `step` or an answer was applied meanwhile (then the condition fails and the caller re-reads).
   */
  async expireReferral(referral: Referral, need: NeedRecord, step: 'offer' | 'decision', now: Date): Promise<'written' | 'condition_failed'> {
    const at = now.toISOString();
    return this.write([
      {
        Update: {
          TableName: this.tables.needs,
          Key: referralKey(referral.referralId),
          UpdateExpression: 'SET #stage = :expired, expiredAt = :now, missedDeadline = :which REMOVE taskToken, waitingFor',
          ConditionExpression: '#stage = :waiting AND attribute_not_exists(resumePending)',
          ExpressionAttributeNames: { '#stage': 'stage' },
          ExpressionAttributeValues: { ':expired': 'expired', ':now': at, ':which': step, ':waiting': waitingStage(step) },
        },
      },
      this.needUpdate(
        need,
        'recommended',
        [timelineEntry('bank_deadline_missed', at, 'recommended', { bank: bankOf(referral) })],
        now,
      ),
      this.bankLoad(referral.bankId, -1, now, false),
      this.counterUpdate(need, now, { deadlinesMissed: 1, [counterKey('deadlinesMissed', referral.bankId)]: 1 }),
      ...(referral.deadlineProvisional && step === 'offer' ? [this.dropProvisional(referral.referralId)] : []),
    ]);
  }

  async releaseWait(referralId: string, step: 'offer' | 'decision'): Promise<'written' | 'condition_failed'> {
    return this.conditionalUpdate({
      Key: referralKey(referralId),
      UpdateExpression: 'REMOVE taskToken, waitingFor',
      ConditionExpression: '#stage = :waiting AND attribute_not_exists(resumePending)',
      ExpressionAttributeNames: { '#stage': 'stage' },
      ExpressionAttributeValues: { ':waiting': waitingStage(step) },
    });
  }

  /** The offer was never sent: the referral ends with its reason, the need is routed on, the bank's load goes back. */
  async skipReferral(referral: Referral, need: NeedRecord, reason: SkipReason, now: Date): Promise<'written' | 'condition_failed'> {
    const at = now.toISOString();
    return this.write([
      {
        Update: {
          TableName: this.tables.needs,
          Key: referralKey(referral.referralId),
          UpdateExpression: 'SET #stage = :skipped, skipped = :why, updatedAt = :now REMOVE taskToken, waitingFor',
          ConditionExpression: '#stage = :offered',
          ExpressionAttributeNames: { '#stage': 'stage' },
          ExpressionAttributeValues: { ':skipped': 'skipped', ':why': { reason, at }, ':now': at, ':offered': 'offered' },
        },
      },
      this.needUpdate(
        need,
        'recommended',
        [timelineEntry('bank_unavailable', at, 'recommended', { bank: bankOf(referral) })],
        now,
      ),
      // A bank that left the registry has no load to give back.
      ...(reason === 'bank_not_in_registry' ? [] : [this.bankLoad(referral.bankId, -1, now, false)]),
      ...(referral.deadlineProvisional ? [this.dropProvisional(referral.referralId)] : []),
    ]);
  }

  private async conditionalUpdate(update: Omit<ConstructorParameters<typeof UpdateCommand>[0], 'TableName'>): Promise<'written' | 'condition_failed'> {
    try {
      await this.client.send(new UpdateCommand({ TableName: this.tables.needs, ...update }));
      return 'written';
    } catch (error) {
      if (isConditionFailure(error)) return 'condition_failed';
      throw error;
    }
  }

  async recordLateAnswer(referral: Referral, need: NeedRecord, event: unknown, counters: Record<string, number>, now: Date): Promise<void> {
    const type = (event as { type?: unknown } | undefined)?.type;
    // An acceptance after the deadline while the need still has no bank: to the county's escalations (escalation.ts).
    const escalates = typeof type === 'string' && lateAnswerEscalates(type, need.status);
    for (let attempt = 0; attempt < 3; attempt++) {
      const escalation = escalates
        ? await this.escalations.opening(
            { needId: need.needId, countyCode: need.enterprise.countyCode, kind: 'late_answer', facts: { ...bankFacts(referral), lateEvent: type as string } },
            now,
          )
        : undefined;
      const written = await this.write([
        {
          Update: {
            TableName: this.tables.needs,
            Key: referralKey(referral.referralId),
            UpdateExpression: 'SET lateAnswers = list_append(if_not_exists(lateAnswers, :none), :event)',
            ExpressionAttributeValues: { ':none': [], ':event': [{ at: now.toISOString(), event }] },
          },
        },
        this.counterUpdate(need, now, { ...counters, ...escalation?.counters }),
        ...(escalation ? [escalation.item] : []),
      ]);
      if (written === 'written') return;
    }
    throw new Error(`late answer to ${referral.referralId} could not be recorded: the need's escalation kept changing`);
  }

  async escalate(need: NeedRecord, now: Date): Promise<void> {
    if (need.status === 'unmatched') return;
    // The county's escalation (escalation-store.ts) opens in the same write; a race on it is read again.
    for (let attempt = 0; attempt < 3; attempt++) {
      const escalation = await this.escalations.opening({ needId: need.needId, countyCode: need.enterprise.countyCode, kind: 'unmatched' }, now);
      const written = await this.write([
        this.needUpdate(
          need,
          'unmatched',
          [timelineEntry('unmatched', now.toISOString(), 'unmatched')],
          now,
        ),
        this.counterUpdate(need, now, { unmatched: 1, ...escalation.counters }),
        this.releaseClaim(need),
        escalation.item,
      ]);
      if (written === 'written') return;
    }
    throw new Error(`need ${need.needId} could not be escalated: its escalation kept changing`);
  }

  // ---- the task force's review (shared/domain/review.ts) ------------------------------------------

  /** The county's own review setting (stage default when undefined). */
  reviewMode(countyCode: string): Promise<ReviewMode | undefined> {
    return this.reviewSettings.get(countyCode);
  }

  /**
   * The screening (recommended; its counter waits for the review's decision) and the review, with
   * its due time beside (`reviewDueAt`, for the lists), in one write conditional on the need still `submitted`.
   */
  startReview(need: NeedRecord, screening: { recommended: true; reasons: { code: string }[] }, review: ReviewRecord, now: Date): Promise<'written' | 'condition_failed'> {
    const at = now.toISOString();
    const screened = screeningSet({ recommended: true, reasons: screening.reasons, at });
    return this.write([
      this.needUpdate(
        need,
        'in_review',
        [timelineEntry('screening', at, 'screening'), timelineEntry('in_review', at, 'in_review', { workingDays: review.workingDays, dueAt: review.dueAt })],
        now,
        {
          set: `${screened.set}, review = :review, reviewDueAt = :due`,
          // `reviewed`: the screening recommended it to the review; `recommended` is counted by the decision.
          values: { ...screened.values, ':screening': { ...screened.values[':screening'], reviewed: true }, ':review': review, ':due': review.dueAt },
          condition: screened.condition,
        },
      ),
    ]);
  }

  /** Keeps the workflow's task token on the need while it is in review. */
  saveReviewToken(needId: string, taskToken: string): Promise<'written' | 'condition_failed'> {
    return this.conditionalUpdate({
      Key: needKey(needId),
      UpdateExpression: 'SET review.taskToken = :t',
      ConditionExpression: '#status = :inReview AND attribute_exists(review)',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':t': taskToken, ':inReview': 'in_review' },
    });
  }

  /**
   * The review is past its deadline: marked (`reviewOverdue`, `review.overdueAt`), counted once on
   * this CST day, and the county's escalation opened (review_overdue) in the same write; a race is
   * read again by the caller.
   */
  async markReviewOverdue(need: NeedRecord & { reviewDueAt?: string }, now: Date): Promise<'written' | 'condition_failed'> {
    const escalation = await this.escalations.opening(
      { needId: need.needId, countyCode: need.enterprise.countyCode, kind: 'review_overdue', facts: need.reviewDueAt ? { reviewDueAt: need.reviewDueAt } : {} },
      now,
    );
    return this.write([
      this.needUpdate(need, 'in_review', [], now, {
        set: 'review.overdueAt = :now, reviewOverdue = :true',
        values: { ':true': true, ':inReview': 'in_review' },
        condition: '#status = :inReview AND attribute_not_exists(review.overdueAt)',
      }),
      this.counterUpdate(need, now, { reviewsOverdue: 1, ...escalation.counters }),
      escalation.item,
    ]);
  }

  /**
   * A review decision: the need's status and timeline, the decision on its review, the counters,
   * the claim released when the decision closes the need, and the audit record — in one write
   * conditional on the need still in review.
   */
  decideReview(need: NeedRecord, decision: ReviewDecisionRecord, now: Date): Promise<'written' | 'condition_failed'> {
    const status = DECIDED_STATUS[decision.decision];
    const entry =
      decision.decision === 'return'
        ? timelineEntry('returned', decision.at, status, { needed: decision.reasonCodes })
        : timelineEntry('review_decided', decision.at, status, { decision: decision.decision, reasons: decision.reasonCodes });
    // A recommendation reaches the funnel's `recommended` stage (funnel.ts), as a recommending screening does elsewhere.
    const funnel = this.funnel(need, decision.decision === 'recommend' ? 'recommended' : undefined, now, decisionCounters(decision), {
      set: 'review.decision = :decision',
      values: { ':decision': decision, ':inReview': 'in_review' },
      condition: '#status = :inReview',
    });
    return this.write([
      this.needUpdate(need, status, [entry], now, { ...funnel.extra, remove: 'reviewOverdue, reviewDueAt' }),
      ...funnel.counterItems,
      ...(isClosed(status) ? [this.releaseClaim(need)] : []),
      this.auditLog().transactionItem({
        kind: 'review-decision',
        at: decision.at,
        needId: need.needId,
        countyCode: need.enterprise.countyCode,
        who: decision.by,
        decision: decision.decision,
        reasonCodes: decision.reasonCodes,
      }),
    ]);
  }

  async recordFailure(need: NeedRecord, error: string, now: Date): Promise<void> {
    await this.write([
      this.needUpdate(
        need,
        need.status,
        [timelineEntry('routing_failed', now.toISOString(), need.status)],
        now,
        { set: 'routingFailure = :failure', values: { ':failure': { error, at: now.toISOString() } } },
      ),
      this.counterUpdate(need, now, { routingFailures: 1 }),
    ]);
  }
}
