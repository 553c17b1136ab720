// DynamoDB persistence of the county's escalations (shared/domain/escalation.ts, docs/data-model.md):
// one item per need in the county's partition of the needs table,
//   pk = COUNTY#<countyCode>   sk = ESCALATION#<needId>   itemType = escalation
// written whole (Put) on the condition of the version read (or of no item yet), inside the
// transaction of the event that opens it (routing-store: no bank left, a repairable decline, a late
// answer) or of the task force's action that resolves it (with the need's timeline, the counters
// and the audit record).
import { BatchGetCommand, GetCommand, QueryCommand, TransactWriteCommand, type BatchGetCommandOutput, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { EscalationStore, HandedTo, InboxNeed, ResolutionWrite } from '../domain/escalation';
import { openEscalation, type Escalation, type EscalationOpening, type EscalationState, type EscalationWrite } from '../domain/escalation-opening';
import type { AmendmentWrite, ChangeableNeed } from '../domain/need-changes';
import { chinaDay } from '../domain/need-record';
import type { Referral } from '../domain/referral';
import type { DynamoAuditLog } from './audit-log';
import { isConditionFailure } from './condition-failure';
import type { DynamoNeedChangeStore } from './need-changes-store';
import { needKey } from './need-repository';

type TransactItem = NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']>[number];

export const ESCALATION_SK_PREFIX = 'ESCALATION#';
export const escalationKey = (countyCode: string, needId: string) => ({ pk: `COUNTY#${countyCode}`, sk: `${ESCALATION_SK_PREFIX}${needId}` });

const KEYS = new Set(['pk', 'sk', 'itemType']);
const strip = (item: Record<string, unknown>) => Object.fromEntries(Object.entries(item).filter(([key]) => !KEYS.has(key))) as unknown as Escalation;

/** The county-day counters ADDed in a transaction (the day of `now` in China time). */
export function counterAdd(table: string, countyCode: string, counters: Record<string, number>, now: Date): TransactItem {
  const names = Object.keys(counters);
  return {
    Update: {
      TableName: table,
      Key: { day: chinaDay(now), countyCode },
      UpdateExpression: `ADD ${names.map((_, i) => `#c${i} :c${i}`).join(', ')} SET updatedAt = :now`,
      ExpressionAttributeNames: Object.fromEntries(names.map((name, i) => [`#c${i}`, name])),
      ExpressionAttributeValues: { ...Object.fromEntries(names.map((name, i) => [`:c${i}`, counters[name]])), ':now': now.toISOString() },
    },
  };
}

/** An escalation's items: read one, and the Put of a write conditional on the version it expects. */
export class EscalationItems {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly needsTable: string,
  ) {}

  async get(countyCode: string, needId: string): Promise<Escalation | undefined> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.needsTable, Key: escalationKey(countyCode, needId), ConsistentRead: true }));
    return Item ? strip(Item) : undefined;
  }

  put(write: EscalationWrite): TransactItem {
    const { escalation } = write;
    return {
      Put: {
        TableName: this.needsTable,
        Item: { ...escalationKey(escalation.countyCode, escalation.needId), itemType: 'escalation', ...escalation },
        ...(write.expectedVersion === undefined
          ? { ConditionExpression: 'attribute_not_exists(pk)' }
          : { ConditionExpression: 'version = :v', ExpressionAttributeValues: { ':v': write.expectedVersion } }),
      },
    };
  }

  /**
   * What an event that calls for the task force adds to its transaction: the escalation's Put
   * (conditional on the item as read now) and the counters to merge into the event's own counter
   * update (one update per counter item in a transaction).
   */
  async opening(opening: EscalationOpening, now: Date): Promise<{ item: TransactItem; counters: Record<string, number> }> {
    const write = openEscalation(await this.get(opening.countyCode, opening.needId), opening, now);
    return { item: this.put(write), counters: write.counters };
  }

  /** A county's escalations in one state, a page at a time (by need id), with the key to go on from. */
  async list(countyCode: string, state: EscalationState, page: { limit: number; after?: string }): Promise<{ escalations: Escalation[]; after?: string }> {
    const { pk } = escalationKey(countyCode, '');
    const escalations: Escalation[] = [];
    let start: Record<string, unknown> | undefined = page.after ? { pk, sk: page.after } : undefined;
    // Filtered on the state: read on until a page is full or the partition ends.
    do {
      const answer = await this.client.send(
        new QueryCommand({
          TableName: this.needsTable,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
          FilterExpression: '#state = :state',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: { ':pk': pk, ':prefix': ESCALATION_SK_PREFIX, ':state': state },
          Limit: page.limit - escalations.length,
          ExclusiveStartKey: start,
        }),
      );
      escalations.push(...(answer.Items ?? []).map(strip));
      start = answer.LastEvaluatedKey;
    } while (start && escalations.length < page.limit);
    return { escalations, ...(start ? { after: String(start.sk) } : {}) };
  }
}

/** The task force's actions (escalation.ts EscalationStore): resolutions, and reroutes through the owner's amendment write. */
export class DynamoEscalationStore implements EscalationStore {
  readonly items: EscalationItems;

  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tables: { needs: string; counters: string },
    private readonly needChanges: DynamoNeedChangeStore,
    private readonly audit: Pick<DynamoAuditLog, 'transactionItem'>,
  ) {
    this.items = new EscalationItems(client, tables.needs);
  }

  getEscalation(countyCode: string, needId: string): Promise<Escalation | undefined> {
    return this.items.get(countyCode, needId);
  }

  getNeed(needId: string): Promise<ChangeableNeed | undefined> {
    return this.needChanges.getNeed(needId);
  }

  getReferral(referralId: string): Promise<Referral | undefined> {
    return this.needChanges.getReferral(referralId);
  }

  /** The escalation, counters and audit record of a resolution (the items every action writes). */
  private resolutionItems(write: ResolutionWrite, now: Date): TransactItem[] {
    return [this.items.put(write), counterAdd(this.tables.counters, write.escalation.countyCode, write.counters, now), this.audit.transactionItem(write.audit)];
  }

  async resolve(need: ChangeableNeed, write: ResolutionWrite, now: Date): Promise<'written' | 'condition_failed'> {
    try {
      await this.client.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: this.tables.needs,
                Key: needKey(need.needId),
                UpdateExpression: 'SET updatedAt = :now, timeline = list_append(timeline, :entries)',
                ConditionExpression: 'attribute_exists(pk)',
                ExpressionAttributeValues: { ':now': now.toISOString(), ':entries': write.entries },
              },
            },
            ...this.resolutionItems(write, now),
          ],
        }),
      );
      return 'written';
    } catch (error) {
      if (isConditionFailure(error)) return 'condition_failed';
      throw error;
    }
  }

  reroute(need: ChangeableNeed, change: AmendmentWrite, write: ResolutionWrite, now: Date, handedTo?: HandedTo): Promise<'written' | 'condition_failed' | 'claim_taken'> {
    return this.needChanges.amend(need, change, now, { entries: write.entries, items: this.resolutionItems(write, now), ...(handedTo ? { handedTo } : {}) });
  }
}

/** What the inbox shows of each need (never the contact details): its summary, read in batches. */
const INBOX_NEED_FIELDS = ['needId', 'status', 'submittedAt', 'enterprise', 'need', 'timeline', 'routingRound', 'consent'] as const;
/** The review's due time, not its task token (review.ts). */
const REVIEW_FIELDS = '#review.#dueAt, #review.#overdueAt';

/** The needs of a page of escalations (BatchGetItem, 100 a request; keys left unprocessed asked again). */
export async function inboxNeeds(client: DynamoDBDocumentClient, needsTable: string, needIds: readonly string[]): Promise<Map<string, InboxNeed>> {
  const found = new Map<string, InboxNeed>();
  const fields = Object.fromEntries(INBOX_NEED_FIELDS.map((field, i) => [`#f${i}`, field]));
  const names = { ...fields, '#review': 'review', '#dueAt': 'dueAt', '#overdueAt': 'overdueAt' };
  const projection = [...Object.keys(fields), REVIEW_FIELDS].join(', ');
  for (let i = 0; i < needIds.length; i += 100) {
    let keys: Record<string, unknown>[] | undefined = needIds.slice(i, i + 100).map(needKey);
    for (let round = 0; keys && keys.length > 0; round++) {
      if (round >= 5) throw new Error('DynamoDB kept some reads unprocessed (throttled); try again shortly');
      if (round > 0) await new Promise((resolve) => setTimeout(resolve, 50 * 2 ** round));
      const answer: BatchGetCommandOutput = await client.send(
        new BatchGetCommand({ RequestItems: { [needsTable]: { Keys: keys, ProjectionExpression: projection, ExpressionAttributeNames: names } } }),
      );
      for (const item of answer.Responses?.[needsTable] ?? []) found.set(String(item.needId), item as InboxNeed);
      keys = answer.UnprocessedKeys?.[needsTable]?.Keys;
    }
  }
  return found;
}
