// The visit store's failure paths (aws-sdk-client-mock): the enterprise's month marker already there
// → the visit written again without it, counting no visited entity; the natural key taken (in either
// attempt) → the visit there, nothing written; any other refusal (a transaction conflict, throttling)
// is an error that says nothing was written, never "already recorded".
import { DynamoDBClient, TransactionCanceledException, type CancellationReason } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { VisitStore } from '../../shared/adapters/visit-store';
import { NothingWrittenError } from '../../shared/adapters/write-outcome';
import { createVisit, parseVisit } from '../../shared/domain/visit';

const document = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'cn-north-1' }));
const mock = mockClient(document);
afterEach(() => mock.reset());

const store = new VisitStore(document, { needs: 'needs', counters: 'counters' });
const parsed = parseVisit({ creditCode: '9133010652601815X8', name: '测试企业', visitedOn: '2026-11-30', method: 'phone', outcome: 'no_need' }, '2026-12-01');
if (!parsed.ok) throw new Error('fixture');
const visit = createVisit(parsed.visit, { visitId: 'V1', countyCode: '330106', officer: 'officer-1', now: new Date('2026-12-01T01:00:00Z') });

type Reason = CancellationReason;
const cancelled = (...reasons: Reason[]) => new TransactionCanceledException({ message: 'Transaction cancelled', $metadata: {}, CancellationReasons: reasons });
const NONE: Reason = { Code: 'None' };
const FAILED: Reason = { Code: 'ConditionalCheckFailed' };
const transactions = () => mock.commandCalls(TransactWriteCommand).map((call) => call.args[0].input.TransactItems!);

describe('VisitStore.record', () => {
  it('writes the visit, its month marker and both counters in one transaction, on the visit day', async () => {
    mock.on(TransactWriteCommand).resolves({});
    expect(await store.record(visit)).toEqual({ kind: 'created', visit });
    const [items] = transactions();
    expect(items!.map((item) => item.Put?.Item?.itemType ?? 'counters')).toEqual(['visit', 'visited-entity', 'counters']);
    expect(items![0]!.Put!.Item).toMatchObject({ pk: 'VISITS#330106#2026-11', sk: 'VISIT#2026-11-30#9133010652601815X8', countedEntity: true });
    expect(items![1]!.Put!.Item).toMatchObject({ pk: 'VISITS#330106#2026-11', sk: 'VISITED#9133010652601815X8', visitedOn: '2026-11-30' });
    expect(items![2]!.Update).toMatchObject({ Key: { day: '2026-11-30', countyCode: '330106' }, ExpressionAttributeValues: { ':c0': 1, ':c1': 1 } });
    expect(items![2]!.Update!.ExpressionAttributeNames).toEqual({ '#c0': 'visits', '#c1': 'visitedEntities' });
  });

  it('writes again without the marker when the enterprise was visited earlier that month: one visit, no visited entity', async () => {
    mock.on(TransactWriteCommand).rejectsOnce(cancelled(NONE, FAILED, NONE)).resolves({});
    expect(await store.record(visit)).toEqual({ kind: 'created', visit });
    const [, second] = transactions();
    expect(second!.map((item) => item.Put?.Item?.itemType ?? 'counters')).toEqual(['visit', 'counters']);
    expect(second![0]!.Put!.Item).toMatchObject({ countedEntity: false });
    expect(second![1]!.Update!.ExpressionAttributeNames).toEqual({ '#c0': 'visits' });
  });

  it('answers the visit there when the natural key is taken, in the first attempt or the second', async () => {
    const there = { pk: 'VISITS#330106#2026-11', sk: 'VISIT#2026-11-30#9133010652601815X8', itemType: 'visit', countedEntity: true, ...visit, visitId: 'V0', outcome: 'need_found' };
    mock.on(TransactWriteCommand).rejects(cancelled({ Code: 'ConditionalCheckFailed', Item: marshall(there) }, FAILED, NONE));
    expect(await store.record(visit)).toEqual({ kind: 'exists', visit: { ...visit, visitId: 'V0', outcome: 'need_found' } });
    expect(transactions()).toHaveLength(1);

    mock.reset();
    mock
      .on(TransactWriteCommand)
      .rejectsOnce(cancelled(NONE, FAILED, NONE))
      .rejectsOnce(cancelled({ Code: 'ConditionalCheckFailed', Item: marshall(there) }, NONE));
    expect(await store.record(visit)).toMatchObject({ kind: 'exists', visit: { visitId: 'V0' } });
  });

  it('throws "nothing written" on a transaction conflict or throttling, never taking it for a visit there', async () => {
    mock.on(TransactWriteCommand).rejects(cancelled({ Code: 'TransactionConflict' }, NONE, NONE));
    await expect(store.record(visit)).rejects.toBeInstanceOf(NothingWrittenError);
    mock.on(TransactWriteCommand).rejectsOnce(cancelled(NONE, FAILED, NONE)).rejects(cancelled(NONE, { Code: 'TransactionConflict' }));
    await expect(store.record(visit)).rejects.toBeInstanceOf(NothingWrittenError);
    mock.on(TransactWriteCommand).rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException', $metadata: { httpStatusCode: 400, attempts: 1 } }));
    await expect(store.record(visit)).rejects.toBeInstanceOf(NothingWrittenError);
  });
});
