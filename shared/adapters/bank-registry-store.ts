// The bank registry in the needs table (partition BANKS; docs/data-model.md): each bank's profile with
// its load (open referrals, last offer), and a version item every profile change bumps. Routing reads
// the whole registry per need; a warm function keeps it for a few seconds and reads only the version
// item meanwhile, so a bank added or changed is seen at once. The load items move inside the routing
// store's transactions (routing-store.ts bankLoad); this store reads them and counts its own offers.
import { GetCommand, TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Bank } from '../domain/bank';
import { queryPartition } from './partition-query';

export interface BankState {
  bank: Bank;
  openReferrals: number;
  lastOfferedAt?: string;
}

export const bankKey = (bankId: string) => ({ pk: 'BANKS', sk: `BANK#${bankId}` });
/** The bank registry's version, bumped by every change of a bank's profile: a cached registry is current while it matches. */
export const bankRegistryVersionKey = { pk: 'BANKS', sk: 'REGISTRY' } as const;

export interface BankRegistryOptions {
  /**
   * Seconds a warm function keeps the bank registry it read (0: read it whole, consistently, every
   * time). While cached, each use reads only the registry's version item (eventually consistent,
   * 0.5 read units): a bank added or changed is seen at once, the banks' load figures (open referrals,
   * last offer) are at most this old, except this function's own offers, which it counts in.
   */
  bankCacheSeconds?: number;
  /** The clock of the cache (milliseconds); tests pass their own. */
  clock?: () => number;
}

export class BankRegistryStore {
  private bankCache?: { version: number; readAt: number; banks: BankState[] };
  private readonly bankCacheMs: number;
  private readonly clock: () => number;

  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly needsTable: string,
    options: BankRegistryOptions = {},
  ) {
    this.bankCacheMs = Math.max(0, options.bankCacheSeconds ?? 0) * 1000;
    this.clock = options.clock ?? Date.now;
  }

  /** Every bank with its load: from the cache while it is young and the registry's version unchanged (see {@link BankRegistryOptions}). */
  async listBanks(): Promise<BankState[]> {
    const cached = this.bankCache;
    if (this.bankCacheMs === 0) return this.readBanks(true);
    const version = await this.registryVersion();
    if (cached && cached.version === version && this.clock() - cached.readAt < this.bankCacheMs) return structuredClone(cached.banks);
    const readAt = this.clock();
    const banks = await this.readBanks(false);
    // The version read before the banks: a change in between makes the next use read them again.
    this.bankCache = { version, readAt, banks };
    return structuredClone(banks);
  }

  private async readBanks(consistent: boolean): Promise<BankState[]> {
    return (await queryPartition(this.client, this.needsTable, 'BANKS', consistent))
      .filter((item) => String(item.sk).startsWith('BANK#'))
      .map((item) => ({
        bank: item.bank as Bank,
        openReferrals: Number(item.openReferrals ?? 0),
        lastOfferedAt: item.lastOfferedAt as string | undefined,
      }));
  }

  private async registryVersion(): Promise<number> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.needsTable, Key: bankRegistryVersionKey }));
    return Number(Item?.version ?? 0);
  }

  /** This function's own offer, counted into its cached load figures; a failed write forgets the cache. */
  noteOffer(bankId: string, written: 'written' | 'condition_failed', now: Date): void {
    if (written === 'condition_failed') {
      this.bankCache = undefined;
      return;
    }
    const state = this.bankCache?.banks.find((b) => b.bank.bankId === bankId);
    if (!state) return;
    state.openReferrals += 1;
    state.lastOfferedAt = now.toISOString();
  }

  async getBank(bankId: string): Promise<Bank | undefined> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.needsTable, Key: bankKey(bankId), ConsistentRead: true }));
    return Item?.bank as Bank | undefined;
  }

  /** Adds or replaces a bank's profile, keeping its load; the registry's version moves with it (cached registries read it again). */
  async putBank(bank: Bank, now: Date): Promise<void> {
    await this.client.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Update: {
              TableName: this.needsTable,
              Key: bankKey(bank.bankId),
              UpdateExpression: 'SET bank = :bank, itemType = :type, updatedAt = :now, openReferrals = if_not_exists(openReferrals, :zero)',
              ExpressionAttributeValues: { ':bank': bank, ':type': 'bank', ':now': now.toISOString(), ':zero': 0 },
            },
          },
          {
            Update: {
              TableName: this.needsTable,
              Key: bankRegistryVersionKey,
              UpdateExpression: 'ADD version :one SET itemType = :type, updatedAt = :now',
              ExpressionAttributeValues: { ':one': 1, ':type': 'bank-registry-version', ':now': now.toISOString() },
            },
          },
        ],
      }),
    );
  }
}
