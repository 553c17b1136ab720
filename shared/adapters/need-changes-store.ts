// DynamoDB persistence of the owner's changes to a need (shared/domain/need-changes.ts): each change
// is one transaction conditional on the need as it was read (status and updatedAt) and, where a bank
// holds the need, on its referral still waiting as read — so a bank's answer or a workflow step that
// lands first makes the change re-read and decide again, never half-apply.
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { GetCommand, TransactWriteCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ERASED_MARKER, type PersonalField } from '../domain/data-retention';
import type { AmendmentWrite, ChangeableNeed, NeedChangeStore } from '../domain/need-changes';
import type { NeedConsent } from '../domain/consent';
import { routingExecutionName } from '../domain/routing-execution';
import type { Referral } from '../domain/referral';
import { OPEN_STATUSES } from '../domain/need-record';
import { timelineEntry, type TimelineEntry } from '../domain/timeline';
import type { HandedTo } from '../domain/escalation-handoff';
import type { DynamoAuditLog } from './audit-log';
import { bankKey } from './bank-registry-store';
import { isConditionFailure } from './condition-failure';
import { needKey, openNeedClaimKey, referralKey } from './need-repository';
import { ROUTING_PHASE_ATTRIBUTE, routingPhaseValue } from './routing-phase';

type TransactItem = NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']>[number];

/**
 * An amendment by the county task force (shared/domain/escalation.ts): its own timeline entries, the
 * escalation's resolution in the same write, and the bank the round is handed to.
 */
export interface TaskForceAmendment {
  entries: TimelineEntry[];
  items: TransactItem[];
  handedTo?: HandedTo;
}

const ITEM_ATTRIBUTES = new Set(['pk', 'sk', 'gsi1pk', 'gsi1sk', 'itemType', ROUTING_PHASE_ATTRIBUTE, 'pdShard']);
const strip = <T>(item: Record<string, unknown>) => Object.fromEntries(Object.entries(item).filter(([key]) => !ITEM_ATTRIBUTES.has(key))) as T;

/** The need unchanged since it was read. */
const unchanged = (need: ChangeableNeed) => ({
  condition: '#status = :readStatus AND updatedAt = :readUpdatedAt',
  values: { ':readStatus': need.status, ':readUpdatedAt': need.updatedAt },
});

/** The round's review as kept beside the need once a new round starts: without its (used) task token. */
function earlierReview(need: ChangeableNeed): unknown[] {
  const review = (need as { review?: Record<string, unknown> }).review;
  if (!review) return [];
  const { taskToken: _taskToken, ...kept } = review;
  return [kept];
}

export class DynamoNeedChangeStore implements NeedChangeStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly needsTable: string,
    private readonly audit: DynamoAuditLog,
  ) {}

  async getNeed(needId: string): Promise<ChangeableNeed | undefined> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.needsTable, Key: needKey(needId), ConsistentRead: true }));
    return Item ? strip<ChangeableNeed>(Item) : undefined;
  }

  async getReferral(referralId: string): Promise<Referral | undefined> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.needsTable, Key: referralKey(referralId), ConsistentRead: true }));
    return Item ? strip<Referral>(Item) : undefined;
  }

  /**
   * The amended fields, status `submitted` with a fresh round (the earlier referrals and screening
   * kept beside), the `amended` entry, the need waiting for its workflow again; a restart claims the
   * credit code again (the need had closed); a retraction withdraws the offer the bank had.
   */
  async amend(need: ChangeableNeed, change: AmendmentWrite, now: Date, by?: TaskForceAmendment): Promise<'written' | 'condition_failed' | 'claim_taken'> {
    const at = now.toISOString();
    const read = unchanged(need);
    const restart = change.retracted === undefined;
    const items: TransactItem[] = [
      {
        Update: {
          TableName: this.needsTable,
          Key: needKey(need.needId),
          UpdateExpression:
            `SET #need = :need, enterprise.hasFixedPremises = :premises, #status = :submitted, updatedAt = :now, ${change.consent ? 'consent = :consent, ' : ''}` +
            'timeline = list_append(timeline, :entries), routingRound = :round, #phase = :phase, ' +
            'earlierReferralIds = list_append(if_not_exists(earlierReferralIds, :none), if_not_exists(referralIds, :none)), referralIds = :none, ' +
            'earlierScreenings = list_append(if_not_exists(earlierScreenings, :none), :screening), ' +
            // The review of the round before (a returned need, review.ts), kept beside like its screening.
            'earlierReviews = list_append(if_not_exists(earlierReviews, :none), :review) ' +
            (by?.handedTo ? ', handedTo = :handedTo ' : '') +
            // Open again: out of the closed needs' index until it closes again (and no earlier round's bank handed to).
            `REMOVE screening, pdShard, review, reviewDueAt, reviewOverdue${by?.handedTo ? '' : ', handedTo'}`,
          ConditionExpression: read.condition,
          ExpressionAttributeNames: { '#need': 'need', '#status': 'status', '#phase': ROUTING_PHASE_ATTRIBUTE },
          ExpressionAttributeValues: {
            ...read.values,
            ':need': change.need,
            ':premises': change.hasFixedPremises,
            ':submitted': 'submitted',
            ':now': at,
            ...(by?.handedTo ? { ':handedTo': by.handedTo } : {}),
            ':entries': by?.entries ?? [
              ...(change.consentConfirmed ? [timelineEntry('consent_confirmed', at, 'submitted')] : []),
              ...(change.consentConfirmed && change.changed.length === 0 ? [] : [timelineEntry('amended', at, 'submitted', { fields: change.changed })]),
            ],
            ':round': change.round,
            ...(change.consent ? { ':consent': change.consent } : {}),
            ':phase': routingPhaseValue('waiting', { submittedAt: need.submittedAt, needId: routingExecutionName({ needId: need.needId, routingRound: change.round }) }),
            ':none': [],
            ':screening': (need as { screening?: unknown }).screening ? [(need as { screening?: unknown }).screening] : [],
            ':review': earlierReview(need),
          },
        },
      },
      restart
        ? {
            Put: {
              TableName: this.needsTable,
              Item: { ...openNeedClaimKey(need.enterprise.creditCode), itemType: 'open-need-claim', needId: need.needId, claimedAt: at },
              ConditionExpression: 'attribute_not_exists(pk) OR needId = :needId',
              ExpressionAttributeValues: { ':needId': need.needId },
            },
          }
        : this.withdrawReferral(change.retracted!, 'need_amended', at, true),
      ...(by?.items ?? []),
    ];
    try {
      await this.client.send(new TransactWriteCommand({ TransactItems: items }));
    } catch (error) {
      if (restart && error instanceof TransactionCanceledException && error.CancellationReasons?.[1]?.Code === 'ConditionalCheckFailed') return 'claim_taken';
      if (isConditionFailure(error)) return 'condition_failed';
      throw error;
    }
    if (change.retracted) await this.releaseBankLoad(change.retracted.bankId);
    return 'written';
  }

  /** The renewed consent and its `amended` entry; status, round and routing as they are. */
  async recordConsent(need: ChangeableNeed, consent: NeedConsent, now: Date): Promise<'written' | 'condition_failed'> {
    const at = now.toISOString();
    const read = unchanged(need);
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.needsTable,
          Key: needKey(need.needId),
          UpdateExpression: 'SET consent = :consent, updatedAt = :now, timeline = list_append(timeline, :entries)',
          ConditionExpression: read.condition,
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ...read.values, ':consent': consent, ':now': at, ':entries': [timelineEntry('amended', at, need.status, { fields: ['/consent'] })] },
        }),
      );
      return 'written';
    } catch (error) {
      if (isConditionFailure(error)) return 'condition_failed';
      throw error;
    }
  }

  /**
   * The need withdrawn: its personal fields replaced by the erasure marker, out of the routing and
   * closed-needs indexes, the consent marked withdrawn; the bank's referral withdrawn; the credit
   * code free for a new need; the audit record — all in one write.
   */
  async withdraw(need: ChangeableNeed, referral: Referral | undefined, erase: readonly PersonalField[], now: Date): Promise<'written' | 'condition_failed'> {
    const at = now.toISOString();
    const read = unchanged(need);
    const names: Record<string, string> = { '#status': 'status', '#phase': ROUTING_PHASE_ATTRIBUTE };
    const path = (field: PersonalField) =>
      field
        .split('.')
        .map((part) => ((names[`#${part}`] = part), `#${part}`))
        .join('.');
    const sets = [
      '#status = :withdrawn',
      'updatedAt = :now',
      'timeline = list_append(timeline, :entries)',
      'withdrawnAt = :now',
      'consent.withdrawnAt = :now',
      ...(erase.length > 0 ? [...erase.map((field) => `${path(field)} = :erased`), 'personalDataErasedAt = :now'] : []),
    ];
    const items: TransactItem[] = [
      {
        Update: {
          TableName: this.needsTable,
          Key: needKey(need.needId),
          UpdateExpression: `SET ${sets.join(', ')} REMOVE #phase, pdShard`,
          ConditionExpression: read.condition,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: {
            ...read.values,
            ':withdrawn': 'withdrawn',
            ':now': at,
            ':entries': [timelineEntry('withdrawn', at, 'withdrawn')],
            ...(erase.length > 0 ? { ':erased': ERASED_MARKER } : {}),
          },
        },
      },
      // An open need holds the credit code's claim; a closed one released it (and a newer need may hold it now).
      ...(OPEN_STATUSES.has(need.status)
        ? [
            {
              Delete: {
                TableName: this.needsTable,
                Key: openNeedClaimKey(need.enterprise.creditCode),
                ConditionExpression: 'attribute_not_exists(pk) OR needId = :needId',
                ExpressionAttributeValues: { ':needId': need.needId },
              },
            },
          ]
        : []),
      ...(referral ? [this.withdrawReferral(referral, 'need_withdrawn', at, false)] : []),
      this.audit.transactionItem({
        kind: 'need-withdrawn',
        at,
        needId: need.needId,
        erased: [...erase],
        ...(referral ? { referralId: referral.referralId, bankId: referral.bankId } : {}),
      }),
    ];
    try {
      await this.client.send(new TransactWriteCommand({ TransactItems: items }));
    } catch (error) {
      if (isConditionFailure(error)) return 'condition_failed';
      throw error;
    }
    if (referral) await this.releaseBankLoad(referral.bankId);
    return 'written';
  }

  /** The referral withdrawn from its bank, conditional on it still in the stage read, with no answer pending (and, for a retraction, the same wait). */
  private withdrawReferral(referral: Referral, reason: 'need_amended' | 'need_withdrawn', at: string, sameWait: boolean): TransactItem {
    return {
      Update: {
        TableName: this.needsTable,
        Key: referralKey(referral.referralId),
        UpdateExpression: 'SET #stage = :withdrawn, withdrawn = :why, updatedAt = :now REMOVE waitingFor',
        ConditionExpression: `#stage = :stage AND attribute_not_exists(resumePending)${sameWait ? ' AND taskToken = :token' : ''}`,
        ExpressionAttributeNames: { '#stage': 'stage' },
        ExpressionAttributeValues: {
          ':withdrawn': 'withdrawn',
          ':why': { reason, at, fromStage: referral.stage },
          ':now': at,
          ':stage': referral.stage,
          ...(sameWait ? { ':token': referral.taskToken } : {}),
        },
      },
    };
  }

  /** The bank has one referral fewer (best effort: a bank that left the registry has no load to give back). */
  private async releaseBankLoad(bankId: string): Promise<void> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.needsTable,
          Key: bankKey(bankId),
          UpdateExpression: 'ADD openReferrals :d',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':d': -1 },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }
}
