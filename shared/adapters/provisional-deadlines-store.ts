// The open referrals whose deadline is provisional (a year without an official holiday arrangement),
// for the calendar CLI: after a year's arrangement is loaded, their deadlines are recomputed
// (shared/domain/routing.ts recomputeProvisionalDeadlines). The index items are written and removed
// by the routing store in the transactions that open and end a referral.
import { DeleteCommand, GetCommand, TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Referral } from '../domain/referral';
import type { ProvisionalDeadlinesPort } from '../domain/routing';
import { isConditionFailure } from './condition-failure';
import { PROVISIONAL_DEADLINES_PARTITION, provisionalKey, queryPartition, referralKey } from './routing-store';

export class ProvisionalDeadlinesStore implements ProvisionalDeadlinesPort {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly needsTable: string,
  ) {}

  async provisionalReferralIds(): Promise<string[]> {
    return (await queryPartition(this.client, this.needsTable, PROVISIONAL_DEADLINES_PARTITION, false)).map((item) => String(item.referralId));
  }

  async getReferral(referralId: string): Promise<Referral | undefined> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.needsTable, Key: referralKey(referralId), ConsistentRead: true }));
    return Item as Referral | undefined;
  }

  /** A recomputed offer deadline, while the referral still waits for the offer's answer. */
  async moveDeadline(referralId: string, deadline: string, provisional: boolean, now: Date): Promise<'written' | 'condition_failed'> {
    try {
      await this.client.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: this.needsTable,
                Key: referralKey(referralId),
                UpdateExpression: provisional
                  ? 'SET deadline = :d, deadlineProvisional = :true, deadlineRecomputedAt = :now'
                  : 'SET deadline = :d, deadlineRecomputedAt = :now REMOVE deadlineProvisional',
                ConditionExpression: '#stage = :offered',
                ExpressionAttributeNames: { '#stage': 'stage' },
                ExpressionAttributeValues: { ':d': deadline, ':now': now.toISOString(), ':offered': 'offered', ...(provisional ? { ':true': true } : {}) },
              },
            },
            ...(provisional ? [] : [{ Delete: { TableName: this.needsTable, Key: provisionalKey(referralId) } }]),
          ],
        }),
      );
      return 'written';
    } catch (error) {
      if (isConditionFailure(error)) return 'condition_failed';
      throw error;
    }
  }

  /** Forgets a referral that no longer waits for its offer's answer. */
  async forgetProvisional(referralId: string): Promise<void> {
    await this.client.send(new DeleteCommand({ TableName: this.needsTable, Key: provisionalKey(referralId) }));
  }
}
