// A county's needs in some statuses, for the two lists (shared/domain/lists.ts): `GET /v1/lists/{countyCode}`
// and `npm run lists`. Reads the GSI byCountyStatus (gsi1pk = COUNTY#<code>, gsi1sk =
// <submittedAt>#<needId>: a county's needs by time; it carries needId, submittedAt, status, sizeClass
// and updatedAt) a page at a time, filtered on the status column, never a scan; then the fields a
// list shows of each need from the table (BatchGetItem, those fields only: the contact only when
// asked for).
import { BatchGetCommand, QueryCommand, type BatchGetCommandOutput, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ListedNeed, ListedReview } from '../domain/lists';
import type { ReviewDecision } from '../domain/review';
import type { NeedStatus } from '../domain/need-record';
import { needKey } from './need-repository';

export const COUNTY_INDEX = 'byCountyStatus';
const BATCH = 100;
const MAX_ROUNDS = 10;

type IndexRow = Pick<ListedNeed, 'needId' | 'submittedAt' | 'status' | 'sizeClass'>;
type Details = Omit<ListedNeed, keyof IndexRow>;

const text = (value: unknown): string => (typeof value === 'string' ? value : '');
const number = (value: unknown): number => (typeof value === 'number' ? value : Number(value ?? 0));

/** The reason codes of the need's (latest) not_recommended timeline entry. */
function reasonsOf(timeline: unknown): string[] {
  if (!Array.isArray(timeline)) return [];
  const entry = [...timeline].reverse().find((e: { code?: unknown }) => e?.code === 'not_recommended') as { params?: { reasons?: unknown } } | undefined;
  return Array.isArray(entry?.params?.reasons) ? entry.params.reasons.map(String) : [];
}

/** The review as the lists show it (overdue: marked so by the workflow's deadline step). */
function listedReview(review: Record<string, unknown>): ListedReview {
  const decision = review.decision as { decision?: ReviewDecision; reasonCodes?: unknown } | undefined;
  return {
    dueAt: text(review.dueAt),
    overdue: typeof review.overdueAt === 'string',
    ...(decision?.decision ? { decision: decision.decision, reasonCodes: Array.isArray(decision.reasonCodes) ? decision.reasonCodes.map(String) : [] } : {}),
  };
}

export class CountyListReader {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  /** The county's needs in `statuses` ('all': every status), in the index's order (oldest first). */
  async list(countyCode: string, statuses: readonly NeedStatus[] | 'all', options: { withContact: boolean }): Promise<ListedNeed[]> {
    const rows = await this.indexRows(countyCode, statuses);
    const details = await this.details(
      rows.map((row) => row.needId),
      options.withContact,
    );
    return rows.flatMap((row) => {
      const found = details.get(row.needId);
      return found ? [{ ...row, ...found }] : [];
    });
  }

  private async indexRows(countyCode: string, statuses: readonly NeedStatus[] | 'all'): Promise<IndexRow[]> {
    const rows: IndexRow[] = [];
    const wanted = statuses === 'all' ? {} : Object.fromEntries(statuses.map((status, i) => [`:s${i}`, status]));
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.table,
          IndexName: COUNTY_INDEX,
          KeyConditionExpression: '#pk = :pk',
          ...(statuses === 'all' ? {} : { FilterExpression: `#status IN (${Object.keys(wanted).join(', ')})` }),
          ExpressionAttributeNames: { '#pk': 'gsi1pk', '#needId': 'needId', '#submittedAt': 'submittedAt', '#status': 'status', '#size': 'sizeClass' },
          ExpressionAttributeValues: { ':pk': `COUNTY#${countyCode}`, ...wanted },
          ProjectionExpression: '#needId, #submittedAt, #status, #size',
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of page.Items ?? []) {
        rows.push({ needId: String(item.needId), submittedAt: String(item.submittedAt), status: item.status as NeedStatus, sizeClass: text(item.sizeClass) });
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return rows;
  }

  /** The list's fields of each need, 100 needs a request, unprocessed keys asked again (backing off). */
  private async details(needIds: string[], withContact: boolean): Promise<Map<string, Details>> {
    const details = new Map<string, Details>();
    const projection = [
      '#needId',
      '#enterprise.#name',
      '#enterprise.#creditCode',
      '#enterprise.#industryCode',
      '#need.#amount',
      '#need.#term',
      '#need.#purpose',
      '#need.#guarantee',
      '#timeline',
      '#source',
      // The review's due time, overdue mark and decision: never its task token.
      '#review.#dueAt',
      '#review.#overdueAt',
      '#review.#decision.#decision',
      '#review.#decision.#reasonCodes',
      ...(withContact ? ['#contact'] : []),
    ].join(', ');
    const names = {
      '#needId': 'needId',
      '#enterprise': 'enterprise',
      '#name': 'name',
      '#creditCode': 'creditCode',
      '#industryCode': 'industryCode',
      '#need': 'need',
      '#amount': 'amountYuan',
      '#term': 'termMonths',
      '#purpose': 'purpose',
      '#guarantee': 'guarantee',
      '#timeline': 'timeline',
      '#source': 'source',
      '#review': 'review',
      '#dueAt': 'dueAt',
      '#overdueAt': 'overdueAt',
      '#decision': 'decision',
      '#reasonCodes': 'reasonCodes',
      ...(withContact ? { '#contact': 'contact' } : {}),
    };
    for (let i = 0; i < needIds.length; i += BATCH) {
      let keys: Record<string, unknown>[] | undefined = needIds.slice(i, i + BATCH).map(needKey);
      for (let round = 0; keys && keys.length > 0; round++) {
        if (round >= MAX_ROUNDS) throw new Error('DynamoDB kept some reads unprocessed (throttled); try again shortly');
        if (round > 0) await new Promise((resolve) => setTimeout(resolve, Math.min(1000, 50 * 2 ** round)));
        const answer: BatchGetCommandOutput = await this.client.send(
          new BatchGetCommand({ RequestItems: { [this.table]: { Keys: keys, ProjectionExpression: projection, ExpressionAttributeNames: names } } }),
        );
        for (const item of answer.Responses?.[this.table] ?? []) {
          const enterprise = (item.enterprise ?? {}) as Record<string, unknown>;
          const need = (item.need ?? {}) as Record<string, unknown>;
          const contact = item.contact as Record<string, unknown> | undefined;
          details.set(String(item.needId), {
            enterprise: { name: text(enterprise.name), creditCode: text(enterprise.creditCode), industryCode: text(enterprise.industryCode) },
            need: { amountYuan: number(need.amountYuan), termMonths: number(need.termMonths), purpose: text(need.purpose), guarantee: text(need.guarantee) },
            reasons: reasonsOf(item.timeline),
            ...(item.source === 'visit' ? { source: 'visit' as const } : {}),
            ...(item.review ? { review: listedReview(item.review as Record<string, unknown>) } : {}),
            ...(withContact && contact ? { contact: { name: text(contact.name), mobile: text(contact.mobile) } } : {}),
          });
        }
        keys = answer.UnprocessedKeys?.[this.table]?.Keys;
      }
    }
    return details;
  }
}
