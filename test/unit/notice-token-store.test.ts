// The notice-token store's failure paths (aws-sdk-client-mock): a list that changed between the read
// and the write (another notice, a recovery) is read again and written on top of what is there now;
// a need that lost its mobile number keeps nothing; other failures are errors, not "gone".
import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { NoticeTokenStore } from '../../shared/adapters/notice-token-store';

const document = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'cn-north-1' }));
const mock = mockClient(document);
afterEach(() => mock.reset());

const MOBILE = '13912345678';
const store = new NoticeTokenStore(document, 'needs');
const conditionFailed = () => new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });
const writes = () => mock.commandCalls(UpdateCommand).map((call) => call.args[0].input);

describe('NoticeTokenStore.keep', () => {
  it('writes the newest three on the condition that the list and the mobile are as read', async () => {
    mock.on(GetCommand).resolves({ Item: { contact: { mobile: MOBILE }, noticeTokenHashes: ['a', 'b', 'c'] } });
    mock.on(UpdateCommand).resolves({});
    expect(await store.keep('N1', MOBILE, 'd')).toBe('kept');
    const [write] = writes();
    expect(write!.ExpressionAttributeValues).toEqual({ ':kept': ['b', 'c', 'd'], ':mobile': MOBILE, ':seen': ['a', 'b', 'c'] });
    expect(write!.ConditionExpression).toBe('#contact.#mobile = :mobile AND noticeTokenHashes = :seen');
    expect(write!.Key).toEqual({ pk: 'NEED#N1', sk: 'NEED' });
  });

  it('reads again when the list changed meanwhile (a recovery dropped it), and keeps the new hash on what is there', async () => {
    mock
      .on(GetCommand)
      .resolvesOnce({ Item: { contact: { mobile: MOBILE }, noticeTokenHashes: ['a'] } })
      .resolvesOnce({ Item: { contact: { mobile: MOBILE } } });
    mock.on(UpdateCommand).rejectsOnce(conditionFailed()).resolves({});
    expect(await store.keep('N1', MOBILE, 'b')).toBe('kept');
    const [first, second] = writes();
    expect(first!.ExpressionAttributeValues![':kept']).toEqual(['a', 'b']);
    expect(second!.ExpressionAttributeValues![':kept']).toEqual(['b']);
    expect(second!.ConditionExpression).toBe('#contact.#mobile = :mobile AND attribute_not_exists(noticeTokenHashes)');
  });

  it('keeps nothing when the need no longer has that mobile number (erased, withdrawn) or is gone', async () => {
    mock.on(GetCommand).resolvesOnce({ Item: { contact: { mobile: '[已删除 erased]' } } }).resolvesOnce({});
    expect(await store.keep('N1', MOBILE, 'b')).toBe('gone');
    expect(await store.keep('N1', MOBILE, 'b')).toBe('gone');
    expect(writes()).toEqual([]);
  });

  it('throws on any other failure, and after five changed lists in a row', async () => {
    mock.on(GetCommand).resolves({ Item: { contact: { mobile: MOBILE } } });
    mock.on(UpdateCommand).rejects(Object.assign(new Error('Rate exceeded'), { name: 'ProvisionedThroughputExceededException' }));
    await expect(store.keep('N1', MOBILE, 'b')).rejects.toThrow('Rate exceeded');
    mock.on(UpdateCommand).rejects(conditionFailed());
    await expect(store.keep('N1', MOBILE, 'b')).rejects.toThrow(/kept changing/);
  });
});
