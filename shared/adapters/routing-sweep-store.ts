// Needs by status and submission time, for the routing sweeper and the redrive command: the needs
// table's sparse GSI `byStatus` (partition key `itemType`, sort key `gsi1sk` =
// `<status>#<submittedAt>#<needId>`, keys only). Only need items carry `gsi1sk`, so the index holds
// needs and nothing else, and a status's needs in submission order are one key range: the sweep
// reads the needs it may act on, never the table (see docs/data-model.md).
import type { SFNClient } from '@aws-sdk/client-sfn';
import { QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { NeedStatus } from '../domain/need-record';
import type { SweepPorts } from '../domain/routing-sweep';
import { ENV, requiredEnv } from './config';
import { documentDbClient } from './dynamodb';
import { executionKnown, sfnClient, startRouting } from './workflow';

export const NEEDS_BY_STATUS_INDEX = 'byStatus';

export class NeedStatusIndex {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly needsTable: string,
  ) {}

  /** Ids of needs in `status` with `from ≤ submittedAt < to` (either bound optional), oldest first. */
  async inStatus(status: NeedStatus, limit: number, window: { from?: Date; to?: Date } = {}): Promise<string[]> {
    const low = `${status}#${window.from?.toISOString() ?? ''}`;
    // '$' sorts right after '#': the end of the status's range when there is no upper bound.
    const high = window.to ? `${status}#${window.to.toISOString()}` : `${status}$`;
    const ids: string[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.needsTable,
          IndexName: NEEDS_BY_STATUS_INDEX,
          KeyConditionExpression: 'itemType = :need AND gsi1sk BETWEEN :low AND :high',
          ExpressionAttributeValues: { ':need': 'need', ':low': low, ':high': high },
          Limit: Math.min(limit - ids.length, 1000),
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      for (const item of page.Items ?? []) {
        const key = String(item.gsi1sk);
        // BETWEEN includes `high`; a need submitted exactly at `to` is outside [from, to).
        if (window.to && key >= high) continue;
        ids.push(key.slice(key.lastIndexOf('#') + 1));
      }
      start = page.LastEvaluatedKey;
    } while (start && ids.length < limit);
    return ids.slice(0, limit);
  }
}

/** The sweeper's ports on DynamoDB and Step Functions. */
export function sweepPorts(index: NeedStatusIndex, sfn: SFNClient, stateMachineArn: string): SweepPorts {
  return {
    submittedBefore: (before, limit) => index.inStatus('submitted', limit, { to: before }),
    needsInStatus: async (statuses, limit) => {
      const ids: string[] = [];
      for (const status of statuses) {
        if (ids.length >= limit) break;
        ids.push(...(await index.inStatus(status, limit - ids.length)));
      }
      return ids;
    },
    executionKnown: (needId) => executionKnown(sfn, stateMachineArn, needId),
    startRouting: (needId) => startRouting(sfn, stateMachineArn, needId),
  };
}

/** The sweeper's ports from the function's settings (the needs table and the routing state machine). */
export function routingSweepPorts(): SweepPorts {
  return sweepPorts(new NeedStatusIndex(documentDbClient(), requiredEnv(ENV.needsTable)), sfnClient(), requiredEnv(ENV.stateMachineArn));
}
