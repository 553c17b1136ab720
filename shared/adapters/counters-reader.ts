// Reads the county-day counters of given days: one Query per day, so the cost follows the number of
// counties with activity and days, never the number of needs.
import { QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { CounterRow } from '../domain/rollup';

export async function readCounterRows(
  client: DynamoDBDocumentClient,
  table: string,
  days: readonly string[],
): Promise<{ rows: CounterRow[]; itemsRead: number; lastUpdatedAt?: string }> {
  const rows: CounterRow[] = [];
  let lastUpdatedAt: string | undefined;
  for (const day of days) {
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await client.send(
        new QueryCommand({
          TableName: table,
          KeyConditionExpression: '#day = :day',
          ExpressionAttributeNames: { '#day': 'day' },
          ExpressionAttributeValues: { ':day': day },
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
