// The bank registry as a warm routing function keeps it: read whole once, then only its version item
// (eventually consistent) while the cache is young; read again when a bank changed (the version moved),
// when the cache is older than its TTL, or after a write that found a bank gone. Reads counted on a
// mocked document client: what each use costs is the point.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import type { NeedRecord } from '../../shared/domain/need-record';
import type { Referral } from '../../shared/domain/referral';
import { bankKey, bankRegistryVersionKey, RoutingStore } from '../../shared/adapters/routing-store';

const client = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'cn-northwest-1' }));
const mock = mockClient(client);
let version = 1;
let now = 0;
const banks = [
  { ...bankKey('bank-a'), bank: { bankId: 'bank-a' }, openReferrals: 2 },
  { ...bankKey('bank-b'), bank: { bankId: 'bank-b' }, openReferrals: 0 },
];

beforeEach(() => {
  mock.reset();
  version = 1;
  now = 0;
  mock.on(GetCommand).callsFake((input: { Key: unknown; ConsistentRead?: boolean }) => {
    expect(input.Key).toEqual(bankRegistryVersionKey);
    expect(input.ConsistentRead).toBeUndefined(); // eventually consistent: half a read unit
    return { Item: { ...bankRegistryVersionKey, version } };
  });
  mock.on(QueryCommand).callsFake(() => ({ Items: [...banks, { ...bankRegistryVersionKey, version }] }));
});

const store = (seconds: number) => new RoutingStore(client, { needs: 'needs', counters: 'counters' }, undefined, { bankCacheSeconds: seconds, clock: () => now });
const queries = () => mock.commandCalls(QueryCommand).length;

describe('bank registry cache', () => {
  it('reads the registry once, then only its version while young; the version item is not a bank', async () => {
    const routing = store(30);
    expect((await routing.listBanks()).map((b) => b.bank.bankId)).toEqual(['bank-a', 'bank-b']);
    now += 29_000;
    expect((await routing.listBanks()).map((b) => b.openReferrals)).toEqual([2, 0]);
    expect(queries()).toBe(1);
    expect(mock.commandCalls(GetCommand)).toHaveLength(2);
    expect(mock.commandCalls(QueryCommand)[0]!.args[0].input.ConsistentRead).toBe(false);
  });

  it('reads again when a bank changed (the version moved) or the cache is older than its TTL', async () => {
    const routing = store(30);
    await routing.listBanks();
    version = 2;
    await routing.listBanks();
    expect(queries()).toBe(2);
    now += 30_000;
    await routing.listBanks();
    expect(queries()).toBe(3);
  });

  it("counts the function's own offers into the cached load, and forgets the cache when an offer's write fails", async () => {
    const routing = store(30);
    await routing.listBanks();
    const need = { needId: 'n', enterprise: { countyCode: '330106', creditCode: 'c' }, status: 'recommended', submittedAt: '2026-11-30T02:00:00.000Z' } as unknown as NeedRecord;
    const referral = { referralId: 'r', bankId: 'bank-b', stage: 'offered' } as unknown as Referral;
    let bankGone = false;
    mock.on(TransactWriteCommand).callsFake(() => {
      if (bankGone) throw new TransactionCanceledException({ message: 'cancelled', $metadata: {}, CancellationReasons: [{ Code: 'ConditionalCheckFailed' }] });
      return {};
    });
    expect(await routing.createReferral(need, referral, { offers: 1 }, new Date(5_000))).toBe('written');
    const after = await routing.listBanks();
    expect(after.find((b) => b.bank.bankId === 'bank-b')).toMatchObject({ openReferrals: 1, lastOfferedAt: new Date(5_000).toISOString() });
    expect(queries()).toBe(1);

    bankGone = true; // removed from the registry by hand: the load update's condition fails
    expect(await routing.createReferral(need, { ...referral, referralId: 'r2' }, { offers: 1 }, new Date(6_000))).toBe('condition_failed');
    await routing.listBanks();
    expect(queries()).toBe(2);
  });

  it('without a TTL (the CLIs, tests) reads the whole registry consistently every time', async () => {
    const routing = store(0);
    await routing.listBanks();
    await routing.listBanks();
    expect(queries()).toBe(2);
    expect(mock.commandCalls(QueryCommand)[0]!.args[0].input.ConsistentRead).toBe(true);
    expect(mock.commandCalls(GetCommand)).toHaveLength(0);
  });
});
