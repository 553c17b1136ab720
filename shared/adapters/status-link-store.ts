// DynamoDB implementation of StatusLinkStore (shared/domain/status-link.ts). Items in the needs table
// (docs/data-model.md):
//   CREDITCODE#<code>      LATEST_NEED   the need last declared under the code (written with it)
//   CREDITCODE#<code>      OPEN_NEED     the open-need claim (needs declared before LATEST_NEED existed)
//   STATUSCODE#<needId>    STATUSCODE    the need's one-time code: hash, expiry, wrong tries (TTL)
//   RATELIMIT#<window key> RATELIMIT     one counting window of a limit (TTL)
// No key or attribute holds a mobile number or a code: windows are keyed by hashes, codes stored hashed.
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, GetCommand, TransactWriteCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { NeedRecord } from '../domain/need-record';
import { STATUS_LINK_RULES, type RateWindow, type StatusLinkStore, type StoredCode } from '../domain/status-link';
import { isConditionFailure } from './condition-failure';
import { latestNeedKey, needKey, openNeedClaimKey } from './need-repository';

const codeKey = (needId: string) => ({ pk: `STATUSCODE#${needId}`, sk: 'STATUSCODE' });
const windowKey = (key: string) => ({ pk: `RATELIMIT#${key}`, sk: 'RATELIMIT' });
/** A need id no need has: the read a request without a match makes, so both do the same work. */
const NO_NEED = 'none';

const epochSeconds = (instant: Date) => Math.floor(instant.getTime() / 1000);

export class DynamoStatusLinkStore implements StatusLinkStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async latestNeed(creditCode: string) {
    const keys = [latestNeedKey(creditCode), openNeedClaimKey(creditCode)];
    const answer = await this.client.send(
      new BatchGetCommand({ RequestItems: { [this.table]: { Keys: keys, ConsistentRead: true, ProjectionExpression: 'sk, needId' } } }),
    );
    const found = answer.Responses?.[this.table] ?? [];
    const needId = (found.find((item) => item.sk === 'LATEST_NEED') ?? found.find((item) => item.sk === 'OPEN_NEED'))?.needId as string | undefined;
    const { Item } = await this.client.send(
      new GetCommand({
        TableName: this.table,
        Key: needKey(needId ?? NO_NEED),
        ConsistentRead: true,
        ProjectionExpression: 'needId, #status, updatedAt, contact',
        ExpressionAttributeNames: { '#status': 'status' },
      }),
    );
    return needId && Item ? (Item as Pick<NeedRecord, 'needId' | 'status' | 'updatedAt' | 'contact'>) : undefined;
  }

  async count(windows: readonly RateWindow[], now: Date, code?: { needId: string; codeHash: string; expiresAt: Date }) {
    try {
      await this.client.send(
        new TransactWriteCommand({
          TransactItems: [
            ...windows.map((window) => ({
              Update: {
                TableName: this.table,
                Key: windowKey(window.key),
                UpdateExpression: 'ADD #n :one SET itemType = :type, expiresAt = :expires',
                ConditionExpression: 'attribute_not_exists(#n) OR #n < :max',
                ExpressionAttributeNames: { '#n': 'n' },
                ExpressionAttributeValues: { ':one': 1, ':max': window.max, ':type': 'rate-window', ':expires': epochSeconds(window.endsAt) },
              },
            })),
            ...(code
              ? [
                  {
                    Put: {
                      TableName: this.table,
                      Item: {
                        ...codeKey(code.needId),
                        itemType: 'status-code',
                        codeHash: code.codeHash,
                        codeExpiresAt: code.expiresAt.toISOString(),
                        wrongTries: 0,
                        createdAt: now.toISOString(),
                        expiresAt: epochSeconds(code.expiresAt),
                      },
                    },
                  },
                ]
              : []),
          ],
        }),
      );
      return { ok: true as const };
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error;
      const reasons = error.CancellationReasons ?? [];
      const full = windows.filter((_, i) => reasons[i]?.Code === 'ConditionalCheckFailed');
      if (full.length === 0) throw error;
      return { ok: false as const, full };
    }
  }

  async getCode(needId: string): Promise<StoredCode | undefined> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.table, Key: codeKey(needId), ConsistentRead: true }));
    return Item ? { codeHash: Item.codeHash as string, expiresAt: Item.codeExpiresAt as string, wrongTries: Item.wrongTries as number } : undefined;
  }

  async recordWrongTry(needId: string, codeHash: string): Promise<void> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.table,
          Key: codeKey(needId),
          UpdateExpression: 'ADD wrongTries :one',
          ConditionExpression: 'codeHash = :hash',
          ExpressionAttributeValues: { ':one': 1, ':hash': codeHash },
        }),
      );
    } catch (error) {
      // The code was replaced or used meanwhile: nothing to count.
      if (!isConditionFailure(error)) throw error;
    }
  }

  async redeem(needId: string, codeHash: string, trackingTokenHash: string, now: Date): Promise<'redeemed' | 'gone'> {
    try {
      await this.client.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Delete: {
                TableName: this.table,
                Key: codeKey(needId),
                ConditionExpression: 'codeHash = :hash AND wrongTries < :max AND codeExpiresAt > :now',
                ExpressionAttributeValues: { ':hash': codeHash, ':max': STATUS_LINK_RULES.maxWrongTries, ':now': now.toISOString() },
              },
            },
            {
              Update: {
                TableName: this.table,
                Key: needKey(needId),
                // The fresh token replaces the old one, and the links of earlier SMS notices stop working too.
                UpdateExpression: 'SET trackingTokenHash = :token REMOVE noticeTokenHashes',
                ConditionExpression: 'attribute_exists(pk)',
                ExpressionAttributeValues: { ':token': trackingTokenHash },
              },
            },
          ],
        }),
      );
      return 'redeemed';
    } catch (error) {
      // Only a failed condition means the code is gone; a conflict or throttling is an error (503), not "wrong code".
      if (isConditionFailure(error)) return 'gone';
      throw error;
    }
  }
}
