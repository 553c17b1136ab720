// The need's notice tokens (shared/domain/notifications.ts), kept on the need item as
// `noticeTokenHashes`: the newest NOTICE_TOKENS_KEPT hashes. DynamoDB cannot trim a list in the
// update that appends to it, so the list is read and written back on the condition that it is
// unchanged (another notice, or a recovery that dropped them, makes the write try again), and on
// the condition that the need still has the mobile number the notice goes to (erased or withdrawn
// meanwhile: nothing is kept, and nothing sent). Nothing else of the need is written.
import { GetCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { keptNoticeTokens } from '../domain/notifications';
import { isConditionFailure } from './condition-failure';
import { needKey } from './need-repository';

const ATTEMPTS = 5;

export class NoticeTokenStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async keep(needId: string, mobile: string, hash: string): Promise<'kept' | 'gone'> {
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      const { Item } = await this.client.send(
        new GetCommand({
          TableName: this.table,
          Key: needKey(needId),
          ConsistentRead: true,
          ProjectionExpression: 'noticeTokenHashes, #contact.#mobile',
          ExpressionAttributeNames: { '#contact': 'contact', '#mobile': 'mobile' },
        }),
      );
      if ((Item?.contact as { mobile?: string } | undefined)?.mobile !== mobile) return 'gone';
      const seen = Item!.noticeTokenHashes as string[] | undefined;
      try {
        await this.client.send(
          new UpdateCommand({
            TableName: this.table,
            Key: needKey(needId),
            UpdateExpression: 'SET noticeTokenHashes = :kept',
            ConditionExpression: `#contact.#mobile = :mobile AND ${seen ? 'noticeTokenHashes = :seen' : 'attribute_not_exists(noticeTokenHashes)'}`,
            ExpressionAttributeNames: { '#contact': 'contact', '#mobile': 'mobile' },
            ExpressionAttributeValues: { ':kept': keptNoticeTokens(seen, hash), ':mobile': mobile, ...(seen ? { ':seen': seen } : {}) },
          }),
        );
        return 'kept';
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
      }
    }
    throw new Error(`the notice tokens of need ${needId} kept changing (${ATTEMPTS} tries)`);
  }
}
