// DynamoDB implementation of NeedRepository. Key design (see docs/data-model.md):
//   needs table     pk NEED#<needId>        sk NEED        the need; GSI byCountyStatus lists a county's needs by time
//                   pk CREDITCODE#<code>    sk OPEN_NEED   claim: one open need per credit code
//                   pk SUBMISSION#<hash of the Idempotency-Key>  sk SUBMISSION   the need a key created (24 h)
//                   pk CREDITCODE#<code>    sk LATEST_NEED the need last declared under the code
//   counters table  day <YYYY-MM-DD CST>    countyCode     ADD counters, written in the same transaction
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { GetCommand, TransactWriteCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { NeedRecord } from '../domain/need-record';
import type { Referral } from '../domain/referral';
import type { CreateNeedOptions, CreateNeedOutcome, NeedRepository } from '../domain/ports';
import { ENV, requiredEnv } from './config';
import { documentDbClient } from './dynamodb';
import { OutcomeUnknownError, writeFailure } from './write-outcome';
import { ROUTING_PHASE_ATTRIBUTE, routingPhaseKey } from './routing-phase';

export const needKey = (needId: string) => ({ pk: `NEED#${needId}`, sk: 'NEED' });
export const referralKey = (referralId: string) => ({ pk: `REFERRAL#${referralId}`, sk: 'REFERRAL' });

/** What the status page shows of a referral: its bank, stage, deadlines and terms (never the task token). */
const REFERRAL_VIEW_FIELDS = ['referralId', 'bankId', 'bankNameZh', 'bankNameEn', 'stage', 'deadline', 'decisionDeadline', 'grant', 'disbursement', 'branch'];
export const openNeedClaimKey = (creditCode: string) => ({ pk: `CREDITCODE#${creditCode}`, sk: 'OPEN_NEED' });
export const submissionKeyItem = (keyHash: string) => ({ pk: `SUBMISSION#${keyHash}`, sk: 'SUBMISSION' });
/** The need last declared under a credit code, open or closed: where a status-link request looks (status-link-store.ts). */
export const latestNeedKey = (creditCode: string) => ({ pk: `CREDITCODE#${creditCode}`, sk: 'LATEST_NEED' });

/** As long as Powertools keeps the first answer for the key (idempotency.ts): the key's promise lasts that long. */
export const SUBMISSION_KEY_SECONDS = 24 * 60 * 60;

/** Positions in the submission transaction. */
const CLAIM = 0;
const SUBMISSION_KEY = 3;
/**
 * The need's place in `byCountyStatus`: its county, then submission time and id. Written once with
 * the need and never changed (the status is a projected column, not part of the key), so a status
 * change rewrites the small index item in place instead of deleting and putting it.
 */
export const countyStatusKey = (record: Pick<NeedRecord, 'submittedAt' | 'needId'> & { enterprise: Pick<NeedRecord['enterprise'], 'countyCode'> }) => ({
  gsi1pk: `COUNTY#${record.enterprise.countyCode}`,
  gsi1sk: `${record.submittedAt}#${record.needId}`,
});

type TransactItem = NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']>[number];

/**
 * The items a new need is written with, in one transaction: the credit code's open-need claim (the
 * first), the need, its county-day counters (`declared`, and `extraCounters`), the latest-need
 * pointer (put last in the transaction). A need entered from a visit adds its own (visit-need-store.ts).
 */
export function newNeedItems(
  record: NeedRecord,
  tables: { needs: string; counters: string },
  extraCounters: Readonly<Record<string, number>> = {},
): [claim: TransactItem, need: TransactItem, counters: TransactItem, latest: TransactItem] {
  const counters = { declared: 1, ...extraCounters };
  const names = Object.keys(counters);
  return [
    {
      Put: {
        TableName: tables.needs,
        Item: { ...openNeedClaimKey(record.enterprise.creditCode), itemType: 'open-need-claim', needId: record.needId, claimedAt: record.submittedAt },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    },
    {
      Put: {
        TableName: tables.needs,
        // Not yet in byPersonalData (a need enters it when it closes); in byRouting as waiting (not while it awaits its consent).
        Item: { ...needKey(record.needId), ...countyStatusKey(record), ...routingPhaseKey(record), itemType: 'need', ...record },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    },
    {
      Update: {
        TableName: tables.counters,
        Key: { day: record.submittedDay, countyCode: record.enterprise.countyCode },
        UpdateExpression: `ADD ${names.map((_, i) => `#c${i} :c${i}`).join(', ')} SET updatedAt = :now`,
        ExpressionAttributeNames: Object.fromEntries(names.map((name, i) => [`#c${i}`, name])),
        ExpressionAttributeValues: { ...Object.fromEntries(names.map((name, i) => [`:c${i}`, counters[name as keyof typeof counters]])), ':now': record.submittedAt },
      },
    },
    { Put: { TableName: tables.needs, Item: { ...latestNeedKey(record.enterprise.creditCode), itemType: 'latest-need', needId: record.needId } } },
  ];
}

const ITEM_TYPE_ATTRIBUTES = new Set(['pk', 'sk', 'gsi1pk', 'gsi1sk', 'pdShard', 'itemType', ROUTING_PHASE_ATTRIBUTE]);

export class DynamoNeedRepository implements NeedRepository {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    /** `counters` only where the function writes needs; readers are not given that table. */
    private readonly tables: { needs: string; counters?: string },
  ) {}

  /**
   * With `submission`, the transaction also records which need the Idempotency-Key created. A retry
   * of a request whose need was stored (but whose answer was lost: a timeout, the function ending)
   * finds that record instead of the open-need claim, and the need is given the new record's
   * tracking token: the owner gets a working receipt, never "a need is already open".
   */
  async create(record: NeedRecord, options: CreateNeedOptions = {}): Promise<CreateNeedOutcome> {
    if (!this.tables.counters) throw new Error('the counters table is needed to create needs');
    const { submission, signal } = options;
    const [claim, need, counter, latest] = newNeedItems(record, { needs: this.tables.needs, counters: this.tables.counters });
    try {
      await this.client.send(
        new TransactWriteCommand({
          TransactItems: [
            claim,
            need,
            counter,
            ...(submission
              ? [
                  {
                    Put: {
                      TableName: this.tables.needs,
                      Item: {
                        ...submissionKeyItem(submission.keyHash),
                        itemType: 'submission-key',
                        needId: record.needId,
                        requestHash: submission.requestHash,
                        submittedAt: record.submittedAt,
                        expiresAt: epochSeconds(record.submittedAt) + SUBMISSION_KEY_SECONDS,
                      },
                      // TTL deletes late: an expired record counts as absent.
                      ConditionExpression: 'attribute_not_exists(pk) OR expiresAt < :now',
                      ExpressionAttributeValues: { ':now': epochSeconds(record.submittedAt) },
                      ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const,
                    },
                  },
                ]
              : []),
            // Last, so the positions above stay: the need a status-link request finds under the code.
            latest,
          ],
        }),
        { abortSignal: signal },
      );
      return { kind: 'created' };
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw writeFailure(error, 'the submission transaction');
      const reasons = error.CancellationReasons ?? [];
      const earlier = reasons[SUBMISSION_KEY];
      if (submission && earlier?.Code === 'ConditionalCheckFailed') {
        const needId = earlier.Item?.needId?.S;
        if (!needId || earlier.Item?.requestHash?.S !== submission.requestHash) return { kind: 'key_reused' };
        return this.reissueTrackingToken(needId, record.trackingTokenHash, signal);
      }
      if (reasons[CLAIM]?.Code === 'ConditionalCheckFailed') return { kind: 'open_need_exists' };
      throw writeFailure(error, 'the submission transaction');
    }
  }

  /** The need an earlier attempt stored now answers to a new tracking token (the old one was never delivered). */
  private async reissueTrackingToken(needId: string, trackingTokenHash: string, signal?: AbortSignal): Promise<CreateNeedOutcome> {
    try {
      const { Attributes } = await this.client.send(
        new UpdateCommand({
          TableName: this.tables.needs,
          Key: needKey(needId),
          UpdateExpression: 'SET trackingTokenHash = :hash',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':hash': trackingTokenHash },
          ReturnValues: 'ALL_NEW',
        }),
        { abortSignal: signal },
      );
      const need = Attributes as Pick<NeedRecord, 'status' | 'sizeClass'>;
      return { kind: 'already_submitted', needId, status: need.status, sizeClass: need.sizeClass };
    } catch (error) {
      // The need exists; whether it now answers to the new token is not known.
      throw new OutcomeUnknownError('the tracking token of an earlier submission could not be replaced', { cause: error });
    }
  }

  async get(needId: string): Promise<NeedRecord | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tables.needs, Key: needKey(needId), ConsistentRead: true }),
    );
    if (!Item) return undefined;
    const record: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(Item)) if (!ITEM_TYPE_ATTRIBUTES.has(key)) record[key] = value;
    return record as unknown as NeedRecord;
  }

  /** The need's latest referral (the bank that has it now, or had it last), as the status page shows it. */
  async latestReferral(record: NeedRecord & { referralIds?: string[] }): Promise<Referral | undefined> {
    const referralId = record.referralIds?.at(-1);
    if (!referralId) return undefined;
    const { Item } = await this.client.send(
      new GetCommand({
        TableName: this.tables.needs,
        Key: referralKey(referralId),
        ConsistentRead: true,
        ProjectionExpression: REFERRAL_VIEW_FIELDS.map((_, i) => `#f${i}`).join(', '),
        ExpressionAttributeNames: Object.fromEntries(REFERRAL_VIEW_FIELDS.map((field, i) => [`#f${i}`, field])),
      }),
    );
    return Item as Referral | undefined;
  }

  async ping(): Promise<void> {
    await this.client.send(new GetCommand({ TableName: this.tables.needs, Key: needKey('health-check') }));
  }
}

/**
 * The repository on the tables this function was given: NEEDS_TABLE_NAME always, COUNTERS_TABLE_NAME
 * where it writes needs (the status and health functions are not given it).
 */
export function needRepository(): DynamoNeedRepository {
  const counters = process.env[ENV.countersTable];
  return new DynamoNeedRepository(documentDbClient(), { needs: requiredEnv(ENV.needsTable), ...(counters ? { counters } : {}) });
}

const epochSeconds = (iso: string) => Math.floor(Date.parse(iso) / 1000);
