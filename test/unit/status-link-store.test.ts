// The status-link store's failure paths (aws-sdk-client-mock): only a failed condition means a code
// is gone; a transaction conflict or throttling is an error for the caller (503), never "wrong code".
import { DynamoDBClient, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { DynamoStatusLinkStore } from '../../shared/adapters/status-link-store';

const document = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'cn-north-1' }));
const mock = mockClient(document);
afterEach(() => mock.reset());

const cancelled = (...codes: string[]) =>
  new TransactionCanceledException({ message: 'cancelled', $metadata: {}, CancellationReasons: codes.map((Code) => ({ Code })) });

describe('DynamoStatusLinkStore.redeem', () => {
  const store = new DynamoStatusLinkStore(document, 'needs');
  const now = new Date('2026-12-01T02:00:00Z');

  it('says the code is gone when its condition failed', async () => {
    mock.on(TransactWriteCommand).rejects(cancelled('ConditionalCheckFailed', 'None'));
    expect(await store.redeem('n1', 'h', 't', now)).toBe('gone');
  });

  it('throws on a transaction conflict or throttling instead of refusing the code', async () => {
    mock.on(TransactWriteCommand).rejects(cancelled('TransactionConflict', 'None'));
    await expect(store.redeem('n1', 'h', 't', now)).rejects.toThrow(TransactionCanceledException);
    mock.on(TransactWriteCommand).rejects(cancelled('ThrottlingError', 'None'));
    await expect(store.redeem('n1', 'h', 't', now)).rejects.toThrow(TransactionCanceledException);
  });
});
