// Visit plans in the needs table (docs/data-model.md): the enterprises a county plans to visit in a
// CST month, one entry per county, month and credit code (`PLANS#<countyCode>#<YYYY-MM>` /
// `PLANNED#<creditCode>`), written with the county-day counter `plannedEntities` (distinct per county
// and month: an entry already there writes and counts nothing) in the import's transactions.
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { NewItemsWriter, type BatchOutcome, type Ledger } from './import-batch';

export function planPartition(countyCode: string, month: string): string {
  return `PLANS#${countyCode}#${month}`;
}

export interface PlanEntry {
  countyCode: string;
  creditCode: string;
  name: string;
  /** The CST month planned (the import's), and the CST day the entry was written on (its counter's day). */
  month: string;
  plannedOn: string;
  importId: string;
  officer: string;
  recordedAt: string;
}

/** What a new plan entry adds to its county-day counters. */
export const PLAN_COUNTERS = { plannedEntities: 1 } as const;

export class PlanStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tables: { needs: string; counters: string },
  ) {}

  recordBatch(entries: readonly PlanEntry[], now: Date, ledger: Ledger): Promise<BatchOutcome> {
    return new NewItemsWriter(this.db, this.tables).write(
      entries.map((entry) => ({
        item: { pk: planPartition(entry.countyCode, entry.month), sk: `PLANNED#${entry.creditCode}`, itemType: 'planned-entity', ...entry },
        day: entry.plannedOn,
        countyCode: entry.countyCode,
        counters: () => ({ ...PLAN_COUNTERS }),
      })),
      now,
      ledger,
    );
  }
}
