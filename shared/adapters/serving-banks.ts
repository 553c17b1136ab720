// The banks serving a county, names only, from the bank registry (bank-registry-store.ts) as a
// function reads it: the needs table of its environment, the registry cached per
// BANK_REGISTRY_CACHE_SECONDS (a bank added or changed is seen at once: the cache checks the
// registry's version). For the consent's list of recipients (county-banks, submit-need).
import { servingRecipients, type ConsentRecipient } from '../domain/consent-recipients';
import { BankRegistryStore } from './bank-registry-store';
import { ENV, numberEnv, requiredEnv } from './config';
import { documentDbClient } from './dynamodb';

export type ServingBanks = (countyCode: string) => Promise<ConsentRecipient[]>;

export function servingBanks(): ServingBanks {
  const registry = new BankRegistryStore(documentDbClient(), requiredEnv(ENV.needsTable), { bankCacheSeconds: numberEnv(ENV.bankCacheSeconds, 30) });
  return async (countyCode) => servingRecipients((await registry.listBanks()).map((state) => state.bank), countyCode);
}
