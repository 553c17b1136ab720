// Needs entered by the county task force from a visit (shared/domain/visit-need.ts), in the needs
// table: the visit found by its county, day and id (one query of that day's visits in the county's
// month partition), then one transaction — the credit code's open-need claim, the need, the
// county-day counters (`declared`, `declaredFromVisits`), the latest-need pointer, and the visit's
// link to its need (conditional on the visit being the one read and linking no need yet): written
// whole or not at all.
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { QueryCommand, TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { NeedRecord } from '../domain/need-record';
import type { Visit } from '../domain/visit';
import { VISIT_NEED_COUNTERS } from '../domain/visit-need';
import { newNeedItems } from './need-repository';
import { visitKey, visitPartition } from './visit-store';
import { writeFailure } from './write-outcome';

/** A visit as stored, with the need entered from it (if any). */
export type LinkedVisit = Visit & { needId?: string };

export type EnterVisitNeedOutcome =
  | { kind: 'created' }
  /** The enterprise has another open need (the credit code's claim is taken). */
  | { kind: 'open_need_exists' }
  /** The visit links to a need already (entered before, e.g. by a retry whose answer was lost). */
  | { kind: 'visit_has_need'; needId?: string };

const KEY_ATTRIBUTES = new Set(['pk', 'sk', 'itemType', 'countedEntity']);

/** Positions in the transaction. */
const CLAIM = 0;
const VISIT_LINK = 4;

export class VisitNeedStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tables: { needs: string; counters: string },
  ) {}

  /** The county's visit of that day with this id, or undefined (a consistent read of the day's visits). */
  async findVisit(countyCode: string, visitedOn: string, visitId: string, signal?: AbortSignal): Promise<LinkedVisit | undefined> {
    const pk = visitPartition(countyCode, visitedOn.slice(0, 7));
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.tables.needs,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :day)',
          FilterExpression: 'visitId = :visitId',
          ExpressionAttributeValues: { ':pk': pk, ':day': `VISIT#${visitedOn}#`, ':visitId': visitId },
          ConsistentRead: true,
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
        { abortSignal: signal },
      );
      const item = page.Items?.[0];
      if (item) return Object.fromEntries(Object.entries(item).filter(([key]) => !KEY_ATTRIBUTES.has(key))) as LinkedVisit;
      start = page.LastEvaluatedKey;
    } while (start);
    return undefined;
  }

  /** The need, its claim, counters and pointer, and the visit's link to it, in one transaction. */
  async create(record: NeedRecord, visit: Visit, signal?: AbortSignal): Promise<EnterVisitNeedOutcome> {
    const items = [
      ...newNeedItems(record, this.tables, { declaredFromVisits: VISIT_NEED_COUNTERS.declaredFromVisits }),
      {
        Update: {
          TableName: this.tables.needs,
          Key: visitKey(visit),
          UpdateExpression: 'SET needId = :needId',
          ConditionExpression: 'attribute_exists(pk) AND visitId = :visitId AND attribute_not_exists(needId)',
          ExpressionAttributeValues: { ':needId': record.needId, ':visitId': visit.visitId },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const,
        },
      },
    ];
    try {
      await this.client.send(new TransactWriteCommand({ TransactItems: items }), { abortSignal: signal });
      return { kind: 'created' };
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw writeFailure(error, 'the visit-need transaction');
      const reasons = error.CancellationReasons ?? [];
      const link = reasons[VISIT_LINK];
      if (link?.Code === 'ConditionalCheckFailed') {
        const needId = link.Item?.needId?.S;
        return { kind: 'visit_has_need', ...(needId ? { needId } : {}) };
      }
      if (reasons[CLAIM]?.Code === 'ConditionalCheckFailed') return { kind: 'open_need_exists' };
      throw writeFailure(error, 'the visit-need transaction');
    }
  }
}
