// Reads the county-day counters of given days: one Query per day, so the cost follows the number of
// counties with activity and days, never the number of needs. A roll-up run reads each day once,
// whatever the periods that share it (on the 1st, the month and its month-to-date are the same days).
import { QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { CounterRow } from '../domain/rollup';

export async function readCounterRows(
  client: DynamoDBDocumentClient,
  table: string,
  days: readonly string[],
  /** Only the counties whose code starts so (a province's 2 digits, a prefecture's 4): read by the key, not filtered. */
  countyPrefix = '',
): Promise<{ rows: CounterRow[]; itemsRead: number; lastUpdatedAt?: string }> {
  const rows: CounterRow[] = [];
  let lastUpdatedAt: string | undefined;
  for (const day of days) {
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await client.send(
        new QueryCommand({
          TableName: table,
          KeyConditionExpression: countyPrefix ? '#day = :day AND begins_with(#county, :prefix)' : '#day = :day',
          ExpressionAttributeNames: { '#day': 'day', ...(countyPrefix ? { '#county': 'countyCode' } : {}) },
          ExpressionAttributeValues: { ':day': day, ...(countyPrefix ? { ':prefix': countyPrefix } : {}) },
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of page.Items ?? []) {
        const { day: itemDay, countyCode, updatedAt, ...counters } = item as Record<string, unknown>;
        if (typeof updatedAt === 'string' && (!lastUpdatedAt || updatedAt > lastUpdatedAt)) lastUpdatedAt = updatedAt;
        rows.push({ day: String(itemDay), countyCode: String(countyCode), counters: counters as Record<string, number> });
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey);
  }
  return { rows, itemsRead: rows.length, ...(lastUpdatedAt ? { lastUpdatedAt } : {}) };
}

/** The counter rows of some days, as {@link readCounterRows} gives them. */
export type CounterSource = (days: readonly string[]) => Promise<{ rows: CounterRow[]; itemsRead: number; lastUpdatedAt?: string }>;

/** A {@link CounterSource} that queries each day once (for one roll-up run: the counters do not change under it). */
export function counterSource(client: DynamoDBDocumentClient, table: string): CounterSource {
  const days = new Map<string, ReturnType<typeof readCounterRows>>();
  return async (wanted) => {
    const results = await Promise.all(
      wanted.map((day) => days.get(day) ?? days.set(day, readCounterRows(client, table, [day])).get(day)!),
    );
    const lastUpdatedAt = results.map((r) => r.lastUpdatedAt).reduce<string | undefined>((a, b) => (b && (!a || b > a) ? b : a), undefined);
    const rows = results.flatMap((r) => r.rows);
    return { rows, itemsRead: rows.length, ...(lastUpdatedAt ? { lastUpdatedAt } : {}) };
  };
}
