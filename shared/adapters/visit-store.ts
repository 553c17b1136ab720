// The task force's visits in the needs table (docs/data-model.md): one partition per county and CST
// month, a visit per natural key (county + credit code + day), a marker per enterprise visited that
// month. A new visit, its marker (the first of the enterprise that month) and the county-day counters
// go in one transaction: written whole or not at all, O(1) whatever the number of visits.
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { QueryCommand, TransactWriteCommand, type DynamoDBDocumentClient, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { visitCounters, visitMonth, type Visit } from '../domain/visit';
import { NewItemsWriter, type BatchOutcome, type Ledger } from './import-batch';
import { writeFailure } from './write-outcome';

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

const KEY_ATTRIBUTES = ['pk', 'sk', 'itemType'] as const;

/** The partition of a county's visits in a month. */
export function visitPartition(countyCode: string, month: string): string {
  return `VISITS#${countyCode}#${month}`;
}

/** The visit's item key: its natural key. */
export function visitKey(visit: Pick<Visit, 'countyCode' | 'creditCode' | 'visitedOn'>): { pk: string; sk: string } {
  return { pk: visitPartition(visit.countyCode, visitMonth(visit.visitedOn)), sk: `VISIT#${visit.visitedOn}#${visit.creditCode}` };
}

/** The marker of an enterprise visited in the county that month (at most one visitedEntities per month). */
export function visitedEntityKey(visit: Pick<Visit, 'countyCode' | 'creditCode' | 'visitedOn'>): { pk: string; sk: string } {
  return { pk: visitPartition(visit.countyCode, visitMonth(visit.visitedOn)), sk: `VISITED#${visit.creditCode}` };
}

export type RecordVisitOutcome = { kind: 'created'; visit: Visit } | { kind: 'exists'; visit: Visit };

export interface VisitPage {
  visits: Visit[];
  /** The sort key to continue after, when there are more. */
  after?: string;
}

function visitOf(item: Record<string, unknown>): Visit {
  const rest: Record<string, unknown> = { ...item };
  for (const key of [...KEY_ATTRIBUTES, 'countedEntity']) delete rest[key];
  return rest as unknown as Visit;
}

export class VisitStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tables: { needs: string; counters: string },
  ) {}

  private put(visit: Visit, countedEntity: boolean): TransactItem {
    return {
      Put: {
        TableName: this.tables.needs,
        Item: { ...visitKey(visit), itemType: 'visit', countedEntity, ...visit },
        ConditionExpression: 'attribute_not_exists(pk)',
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      },
    };
  }

  private marker(visit: Visit): TransactItem {
    return {
      Put: {
        TableName: this.tables.needs,
        Item: { ...visitedEntityKey(visit), itemType: 'visited-entity', countyCode: visit.countyCode, creditCode: visit.creditCode, visitedOn: visit.visitedOn, visitId: visit.visitId },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    };
  }

  private counters(visit: Visit, firstOfMonth: boolean): TransactItem {
    const counters = visitCounters(firstOfMonth);
    const names = Object.keys(counters);
    return {
      Update: {
        TableName: this.tables.counters,
        Key: { day: visit.visitedOn, countyCode: visit.countyCode },
        UpdateExpression: `ADD ${names.map((_, i) => `#c${i} :c${i}`).join(', ')} SET updatedAt = :now`,
        ExpressionAttributeNames: Object.fromEntries(names.map((name, i) => [`#c${i}`, name])),
        ExpressionAttributeValues: { ...Object.fromEntries(names.map((name, i) => [`:c${i}`, counters[name]])), ':now': visit.recordedAt },
      },
    };
  }

  /**
   * Records the visit unless its natural key is taken (then the visit already there). First with
   * the enterprise's marker for the month; when the marker exists (visited earlier that month),
   * again without it, counting the visit alone.
   */
  async record(visit: Visit, signal?: AbortSignal): Promise<RecordVisitOutcome> {
    for (const firstOfMonth of [true, false]) {
      const items = [this.put(visit, firstOfMonth), ...(firstOfMonth ? [this.marker(visit)] : []), this.counters(visit, firstOfMonth)];
      try {
        await this.client.send(new TransactWriteCommand({ TransactItems: items }), { abortSignal: signal });
        return { kind: 'created', visit };
      } catch (error) {
        if (!(error instanceof TransactionCanceledException)) throw writeFailure(error, 'the visit transaction');
        const [own, marker] = error.CancellationReasons ?? [];
        if (own?.Code === 'ConditionalCheckFailed' && own.Item) {
          return { kind: 'exists', visit: visitOf(unmarshall(own.Item as Parameters<typeof unmarshall>[0])) };
        }
        if (!(firstOfMonth && marker?.Code === 'ConditionalCheckFailed')) throw writeFailure(error, 'the visit transaction');
      }
    }
    throw new Error('unreachable: the second attempt writes no marker');
  }

  /**
   * Many visits at once (the bulk import, shared/adapters/import-batch.ts): the same items, markers
   * and counters as {@link record}, a group of visits per transaction and the counters through the import's
   * ledger (exact once applied); a taken natural key writes nothing.
   */
  recordBatch(visits: readonly Visit[], now: Date, ledger: Ledger): Promise<BatchOutcome> {
    return new NewItemsWriter(this.client, this.tables).write(
      visits.map((visit) => ({
        item: { ...visitKey(visit), itemType: 'visit', ...visit },
        marker: this.marker(visit).Put!.Item as ReturnType<typeof visitKey> & Record<string, unknown>,
        markerFlag: 'countedEntity',
        day: visit.visitedOn,
        countyCode: visit.countyCode,
        counters: visitCounters,
      })),
      now,
      ledger,
    );
  }

  /** A county's visits of a month, by day then credit code, a page at a time. */
  async listMonth(countyCode: string, month: string, options: { after?: string; limit: number }): Promise<VisitPage> {
    const pk = visitPartition(countyCode, month);
    const page = await this.client.send(
      new QueryCommand({
        TableName: this.tables.needs,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :visit)',
        ExpressionAttributeValues: { ':pk': pk, ':visit': 'VISIT#' },
        Limit: options.limit,
        ...(options.after ? { ExclusiveStartKey: { pk, sk: options.after } } : {}),
      }),
    );
    const visits = (page.Items ?? []).map((item) => visitOf(item));
    const last = page.LastEvaluatedKey?.sk;
    return { visits, ...(typeof last === 'string' ? { after: last } : {}) };
  }
}
