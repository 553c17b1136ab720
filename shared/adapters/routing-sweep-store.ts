// Open needs by routing phase and submission time, for the routing sweeper and the redrive command:
// the needs table's sparse GSI `byRouting` (shared/adapters/routing-phase.ts: partition key
// `itemType`, sort key `routingPhase` = `<waiting|routed>#<submittedAt>#<needId>`, keys only). A need
// is in it only while open, and its key moves only when routing starts and when the need closes: the
// needs waiting for their workflow are one key range, so the sweep reads the needs it may act on
// (normally none), never the table, and the later status changes write nothing to the index.
import type { SFNClient } from '@aws-sdk/client-sfn';
import { QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { SweepPorts } from '../domain/routing-sweep';
import { ENV, requiredEnv } from './config';
import { documentDbClient } from './dynamodb';
import { NEED_ITEM_TYPE, NEEDS_BY_ROUTING_INDEX, ROUTING_PHASE_ATTRIBUTE, type RoutingPhase } from './routing-phase';
import { executionKnown, sfnClient, startRouting } from './workflow';
import { needIdOfExecution } from '../domain/routing-execution';

export class NeedRoutingIndex {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly needsTable: string,
  ) {}

  /**
   * Routing executions (need ids, or `<needId>-a<round>` after an amendment) of needs waiting for
   * their workflow with `from ≤ submittedAt < to` (either bound optional), oldest first.
   */
  waiting(limit: number, window: { from?: Date; to?: Date } = {}): Promise<string[]> {
    return this.inPhase('waiting', limit, window);
  }

  /** Ids of every open need (waiting, then routed), at most `limit`. */
  async open(limit: number): Promise<string[]> {
    const waiting = await this.inPhase('waiting', limit);
    return waiting.length >= limit ? waiting : [...waiting, ...(await this.inPhase('routed', limit - waiting.length))];
  }

  private async inPhase(phase: RoutingPhase, limit: number, window: { from?: Date; to?: Date } = {}): Promise<string[]> {
    const low = `${phase}#${window.from?.toISOString() ?? ''}`;
    // '$' sorts right after '#': the end of the phase's range when there is no upper bound.
    const high = window.to ? `${phase}#${window.to.toISOString()}` : `${phase}$`;
    const ids: string[] = [];
    let start: Record<string, unknown> | undefined;
    while (ids.length < limit) {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.needsTable,
          IndexName: NEEDS_BY_ROUTING_INDEX,
          KeyConditionExpression: 'itemType = :need AND #phase BETWEEN :low AND :high',
          ExpressionAttributeNames: { '#phase': ROUTING_PHASE_ATTRIBUTE },
          ExpressionAttributeValues: { ':need': NEED_ITEM_TYPE, ':low': low, ':high': high },
          Limit: Math.min(limit - ids.length, 1000),
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      for (const item of page.Items ?? []) {
        const key = String(item[ROUTING_PHASE_ATTRIBUTE]);
        // BETWEEN includes `high`; a need submitted exactly at `to` is outside [from, to).
        if (window.to && key >= high) continue;
        ids.push(key.slice(key.lastIndexOf('#') + 1));
      }
      start = page.LastEvaluatedKey;
      if (!start) break;
    }
    return ids.slice(0, limit);
  }
}

/** The sweeper's ports on DynamoDB and Step Functions. */
export function sweepPorts(index: NeedRoutingIndex, sfn: SFNClient, stateMachineArn: string): SweepPorts {
  return {
    submittedBefore: (before, limit) => index.waiting(limit, { to: before }),
    openNeeds: (limit) => index.open(limit),
    // The index names executions: a need's id, or `<needId>-a<round>` for a round after an amendment.
    executionKnown: (execution) => executionKnown(sfn, stateMachineArn, execution),
    startRouting: (execution) => startRouting(sfn, stateMachineArn, needIdOfExecution(execution), execution),
  };
}

/** The sweeper's ports from the function's settings (the needs table and the routing state machine). */
export function routingSweepPorts(): SweepPorts {
  return sweepPorts(new NeedRoutingIndex(documentDbClient(), requiredEnv(ENV.needsTable)), sfnClient(), requiredEnv(ENV.stateMachineArn));
}
