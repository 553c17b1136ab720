// The negative-list store's paths (aws-sdk-client-mock): a new entry is its register item,
// screening's item and its audit record in one transaction; the same entry again writes nothing;
// a changed one is a second transaction conditional on the version read (the first recording kept),
// retried after a racing change; an import's new rows a group per transaction, one by one when one
// was there; a withdrawal deletes screening's item; a refusal is an error that
// says nothing was written, an expiry that lost a race writes nothing and says so.
import { DynamoDBClient, TransactionCanceledException, type CancellationReason } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { DynamoAuditLog } from '../../shared/adapters/audit-log';
import { negativeListEntryId, NegativeListStore } from '../../shared/adapters/negative-list-store';
import { NothingWrittenError } from '../../shared/adapters/write-outcome';
import type { NegativeListEntry, NegativeListRecord } from '../../shared/domain/negative-list';

const document = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'cn-north-1' }));
const mock = mockClient(document);
afterEach(() => mock.reset());

const store = new NegativeListStore(document, 'needs', new DynamoAuditLog(document, 'audit', () => 'ULID'));
const entry: NegativeListEntry = { creditCode: '9133010652601815X8', jurisdiction: '330106', reasonCode: 'other', source: '通报', validFrom: '2026-11-01' };
const entryId = negativeListEntryId(entry);
const context = { who: 'officer-2', at: new Date('2026-12-01T02:00:00Z'), via: { channel: 'import' as const, importId: 'IMP1' } };
const stored: NegativeListRecord = { entryId, entry, note: '旧备注', recordedAt: '2026-11-01T00:00:00.000Z', recordedBy: 'officer-1', updatedAt: '2026-11-01T00:00:00.000Z', updatedBy: 'officer-1', version: 3 };
const storedItem = { pk: 'NEGLIST#330106', sk: `ENTRY#${entryId}`, itemType: 'negative-list-record', record: stored };

const cancelled = (...reasons: CancellationReason[]) => new TransactionCanceledException({ message: 'Transaction cancelled', $metadata: {}, CancellationReasons: reasons });
const exists = (item: Record<string, unknown>) => cancelled({ Code: 'ConditionalCheckFailed', Item: marshall(item, { removeUndefinedValues: true }) }, { Code: 'None' }, { Code: 'None' });
const transactions = () => mock.commandCalls(TransactWriteCommand).map((call) => call.args[0].input.TransactItems!);

describe('NegativeListStore.record', () => {
  it('adds: the register item (if none), screening’s item and the audit record in one transaction', async () => {
    mock.on(TransactWriteCommand).resolves({});
    const outcome = await store.record({ entry }, context);
    expect(outcome).toMatchObject({ kind: 'added', record: { entryId, entry, recordedBy: 'officer-2', version: 1 } });
    const [items] = transactions();
    expect(items).toHaveLength(3);
    expect(items![0]!.Put).toMatchObject({ TableName: 'needs', Item: { pk: 'NEGLIST#330106', sk: `ENTRY#${entryId}` }, ConditionExpression: 'attribute_not_exists(pk)' });
    expect(items![1]!.Put).toMatchObject({ TableName: 'needs', Item: { pk: 'NEGATIVE#9133010652601815X8', sk: '330106#other#2026-11-01', entry, entryId } });
    expect(items![2]!.Put).toMatchObject({ TableName: 'audit', Item: { pk: 'COUNTY#330106', kind: 'negative-list-change', action: 'add', who: 'officer-2', via: 'import', importId: 'IMP1', entryId } });
    expect(JSON.stringify(items![2])).not.toContain(entry.creditCode);
  });

  it('the same entry again: nothing more written, the stored record answered', async () => {
    mock.on(TransactWriteCommand).rejects(exists(storedItem));
    expect(await store.record({ entry: { ...entry } }, context)).toEqual({ kind: 'unchanged', record: stored });
    expect(transactions()).toHaveLength(1);
  });

  it('a changed entry: replaced on the version read, the first recording and the note kept, audited as update', async () => {
    mock.on(TransactWriteCommand).rejectsOnce(exists(storedItem)).resolves({});
    const outcome = await store.record({ entry: { ...entry, validTo: '2026-12-31' } }, context);
    expect(outcome).toMatchObject({ kind: 'updated', record: { recordedBy: 'officer-1', updatedBy: 'officer-2', note: '旧备注', version: 4, entry: { validTo: '2026-12-31' } } });
    const [, second] = transactions();
    expect(second![0]!.Put).toMatchObject({ ConditionExpression: '#record.#version = :version', ExpressionAttributeValues: { ':version': 3 } });
    expect(second![2]!.Put!.Item).toMatchObject({ action: 'update', validTo: '2026-12-31' });
  });

  it('another change in between: read again and retried on the new version', async () => {
    mock
      .on(TransactWriteCommand)
      .rejectsOnce(exists(storedItem))
      .rejectsOnce(cancelled({ Code: 'ConditionalCheckFailed' }, { Code: 'None' }, { Code: 'None' }))
      .resolves({});
    mock.on(GetCommand).resolves({ Item: { ...storedItem, record: { ...stored, version: 4, entry: { ...entry, source: '别的' } } } });
    const outcome = await store.record({ entry: { ...entry, source: '新的' } }, context);
    expect(outcome).toMatchObject({ kind: 'updated', record: { version: 5 } });
    expect(transactions()[2]![0]!.Put).toMatchObject({ ExpressionAttributeValues: { ':version': 4 } });
  });

  it('throttling or a conflict is an error that says nothing was written', async () => {
    mock.on(TransactWriteCommand).rejects(cancelled({ Code: 'TransactionConflict' }, { Code: 'None' }, { Code: 'None' }));
    await expect(store.record({ entry }, context)).rejects.toBeInstanceOf(NothingWrittenError);
  });
});

describe('NegativeListStore.expire', () => {
  it('an expiry rewrites both items; a withdrawal deletes screening’s item; both audited', async () => {
    mock.on(TransactWriteCommand).resolves({});
    const expired = await store.expire(stored, { kind: 'expire', entry: { ...entry, validTo: '2026-11-30' } }, context);
    expect(expired).toMatchObject({ version: 4, entry: { validTo: '2026-11-30' }, updatedBy: 'officer-2' });
    const withdrawn = await store.expire(stored, { kind: 'withdraw' }, context);
    expect(withdrawn).toMatchObject({ withdrawnAt: '2026-12-01T02:00:00.000Z' });
    const [first, second] = transactions();
    expect(first![1]!.Put!.Item).toMatchObject({ entry: { validTo: '2026-11-30' } });
    expect(first![2]!.Put!.Item).toMatchObject({ action: 'expire' });
    expect(second![1]!.Delete).toEqual({ TableName: 'needs', Key: { pk: 'NEGATIVE#9133010652601815X8', sk: '330106#other#2026-11-01' } });
    expect(second![2]!.Put!.Item).toMatchObject({ action: 'withdraw' });
  });

  it('an entry changed since it was read: nothing written, undefined', async () => {
    mock.on(TransactWriteCommand).rejects(cancelled({ Code: 'ConditionalCheckFailed' }, { Code: 'None' }, { Code: 'None' }));
    expect(await store.expire(stored, { kind: 'withdraw' }, context)).toBeUndefined();
  });
});

describe('NegativeListStore.recordMany', () => {
  const others = (n: number) => Array.from({ length: n }, (_, i) => ({ entry: { ...entry, validFrom: `2026-10-${String(i + 1).padStart(2, '0')}` } }));

  it('new entries: one transaction with each one’s three items, at most 33 of them', async () => {
    mock.on(TransactWriteCommand).resolves({});
    const outcomes = await store.recordMany(others(3), context);
    expect(outcomes.map((o) => o.kind)).toEqual(['added', 'added', 'added']);
    expect(transactions()).toHaveLength(1);
    expect(transactions()[0]).toHaveLength(9);
    expect(store.groupSize).toBe(33);
    await expect(store.recordMany(others(34), context)).rejects.toBeInstanceOf(RangeError);
  });

  it('one of them there already: each on its own, a row that fails then is failed and the others stand', async () => {
    mock
      .on(TransactWriteCommand)
      .rejectsOnce(cancelled({ Code: 'None' }, { Code: 'None' }, { Code: 'None' }, { Code: 'ConditionalCheckFailed' }))
      .resolvesOnce({})
      .rejectsOnce(cancelled({ Code: 'ThrottlingError' }))
      .resolves({});
    const outcomes = await store.recordMany(others(3), context);
    expect(outcomes.map((o) => o.kind)).toEqual(['added', 'failed', 'added']);
    expect(transactions().map((items) => items.length)).toEqual([9, 3, 3, 3]);
  });

  it('a group refused otherwise: an error, none of it written', async () => {
    mock.on(TransactWriteCommand).rejects(cancelled({ Code: 'TransactionConflict' }));
    await expect(store.recordMany(others(2), context)).rejects.toBeInstanceOf(NothingWrittenError);
  });
});
