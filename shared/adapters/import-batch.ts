// Many new items at once, each written whole or not at all, with counters that end exact: what the
// bulk import writes (visits with their month markers, plan entries).
//
// - Items are grouped so that one TransactWriteItems (at most 100 actions) carries up to ~49 visits
//   and their markers (or ~98 plan entries) plus one ledger item: the group's county-day counter
//   deltas, under the import's own key (`IMPORT#<importId>` / `DELTA#<chunk>#<group>`). No two
//   groups touch the same item, so groups are written in parallel (DynamoDB Local, like DynamoDB,
//   refuses concurrent transactions on one item: the shared counter item would serialise them).
// - Then one transaction per ≤ 90 ledger items ADDs their summed deltas to the counters and deletes
//   them (conditional on their existence): a delta is counted exactly once. A crash between the two
//   leaves the ledger items; the chunk's re-run finds its items written (it writes nothing new) and
//   applies the ledger left over. Until then the counters lag behind the items by that chunk.
// - Before each group, one consistent BatchGetItem tells which items and markers exist: those are
//   not written again (a repeated natural key writes nothing), and the transaction's conditions
//   (attribute_not_exists) normally hold; when one fails after all, the group is read and written again.
// Write and read units are counted by DynamoDB's rules (a transactional write: 2 per KB of each
// item; a consistent read: 1 per 4 KB), since DynamoDB Local reports a flat 2 per table for any
// transaction, whatever its items (measured in bench/import.bench.ts).
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, QueryCommand, TransactWriteCommand, type DynamoDBDocumentClient, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { writeFailure } from './write-outcome';

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];
type Key = { pk: string; sk: string };

export interface NewItem {
  /** The item, keys included; written only when its key is free. */
  item: Key & Record<string, unknown>;
  /** A marker written with the first item of its key (the month's visited enterprise), or none. */
  marker?: Key & Record<string, unknown>;
  /** The attribute of the item that says whether its marker was written with it. */
  markerFlag?: string;
  /** The counters of the county-day the item adds to (given whether its marker was written). */
  day: string;
  countyCode: string;
  counters(withMarker: boolean): Record<string, number>;
}

/** Where a batch keeps its counter deltas until they are applied: the import's partition and the chunk. */
export interface Ledger {
  pk: string;
  /** Unique per chunk, e.g. `DELTA#0003#`. */
  skPrefix: string;
}

export interface BatchOutcome {
  /** For each item given, in order: written now (false: already there, or repeated earlier in the batch). */
  created: boolean[];
  writeUnits: number;
  readUnits: number;
}

const MAX_ACTIONS = 100;
const MAX_KEYS = 100;
const MAX_ROUNDS = 4;
/** Groups written at once. */
const PARALLEL_GROUPS = 8;
/** Ledger items applied per transaction (with up to 10 counter cells). */
const LEDGER_PER_APPLY = 90;

const keyOf = (key: Key) => `${key.pk}\u0000${key.sk}`;
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** DynamoDB's size of an item: attribute names and values (UTF-8 strings, numbers about 1 byte per 2 digits, 3 bytes per list or map). */
export function itemBytes(value: unknown): number {
  if (value === null || value === undefined || typeof value === 'boolean') return 1;
  if (typeof value === 'string') return Buffer.byteLength(value, 'utf8');
  if (typeof value === 'number') return Math.ceil(String(value).replace(/^-/, '').length / 2) + 1;
  if (Array.isArray(value)) return 3 + value.reduce((sum: number, v) => sum + 1 + itemBytes(v), 0);
  if (typeof value === 'object') return 3 + Object.entries(value).reduce((sum, [k, v]) => sum + Buffer.byteLength(k, 'utf8') + itemBytes(v), 0);
  return 0;
}

/** Write units of an item in a transaction: 2 per started KB. */
export const transactionalWriteUnits = (item: Record<string, unknown>): number => 2 * Math.max(1, Math.ceil(itemBytes(item) / 1024));

/** Groups of items whose transaction (items, markers, the ledger item) fits one TransactWriteItems, and their BatchGetItem. */
export function groupsOf(items: readonly NewItem[]): NewItem[][] {
  const groups: NewItem[][] = [];
  let group: NewItem[] = [];
  let actions = 1; // the ledger item
  for (const entry of items) {
    const size = entry.marker ? 2 : 1;
    if (group.length > 0 && (actions + size > MAX_ACTIONS || actions - 1 + size > MAX_KEYS)) {
      groups.push(group);
      group = [];
      actions = 1;
    }
    group.push(entry);
    actions += size;
  }
  if (group.length > 0) groups.push(group);
  return groups;
}

type Deltas = Record<string, { day: string; countyCode: string; counters: Record<string, number> }>;

function addDeltas(into: Deltas, day: string, countyCode: string, counters: Record<string, number>): void {
  const cell = (into[`${day}#${countyCode}`] ??= { day, countyCode, counters: {} });
  for (const [name, value] of Object.entries(counters)) cell.counters[name] = (cell.counters[name] ?? 0) + value;
}

export class NewItemsWriter {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tables: { needs: string; counters: string },
  ) {}

  /** The keys among `keys` that exist (one consistent BatchGetItem, unprocessed keys asked again). */
  private async existing(keys: readonly Key[], units: { read: number }): Promise<Set<string>> {
    const found = new Set<string>();
    let pending: Key[] = [...new Map(keys.map((k) => [keyOf(k), { pk: k.pk, sk: k.sk }])).values()];
    units.read += pending.length;
    for (let round = 0; pending.length > 0; round += 1) {
      if (round > 0) await pause(Math.min(1_000, 50 * 2 ** round));
      const answer = await this.db.send(
        new BatchGetCommand({ RequestItems: { [this.tables.needs]: { Keys: pending, ConsistentRead: true, ProjectionExpression: 'pk, sk' } } }),
      );
      for (const item of answer.Responses?.[this.tables.needs] ?? []) found.add(keyOf(item as Key));
      pending = (answer.UnprocessedKeys?.[this.tables.needs]?.Keys ?? []) as Key[];
    }
    return found;
  }

  /** One group: its new items and markers, and the ledger item of its counter deltas, in one transaction. */
  private async writeGroup(group: readonly NewItem[], ledgerKey: Key, now: Date, units: { read: number; write: number }): Promise<Set<NewItem>> {
    for (let round = 1; ; round += 1) {
      const found = await this.existing(group.flatMap((e) => [e.item, ...(e.marker ? [e.marker] : [])]), units);
      const fresh = group.filter((e) => !found.has(keyOf(e.item)));
      if (fresh.length === 0) return new Set();
      const markers = new Set<string>();
      const actions: TransactItem[] = [];
      const deltas: Deltas = {};
      let writeUnits = 0;
      for (const entry of fresh) {
        const withMarker = entry.marker !== undefined && !found.has(keyOf(entry.marker)) && !markers.has(keyOf(entry.marker));
        const item = entry.markerFlag ? { ...entry.item, [entry.markerFlag]: withMarker } : entry.item;
        actions.push({ Put: { TableName: this.tables.needs, Item: item, ConditionExpression: 'attribute_not_exists(pk)' } });
        writeUnits += transactionalWriteUnits(item);
        if (withMarker) {
          markers.add(keyOf(entry.marker!));
          actions.push({ Put: { TableName: this.tables.needs, Item: entry.marker!, ConditionExpression: 'attribute_not_exists(pk)' } });
          writeUnits += transactionalWriteUnits(entry.marker!);
        }
        addDeltas(deltas, entry.day, entry.countyCode, entry.counters(withMarker));
      }
      const ledger = { ...ledgerKey, itemType: 'import-delta', deltas, at: now.toISOString() };
      actions.push({ Put: { TableName: this.tables.needs, Item: ledger, ConditionExpression: 'attribute_not_exists(pk)' } });
      writeUnits += transactionalWriteUnits(ledger);
      try {
        await this.db.send(new TransactWriteCommand({ TransactItems: actions }));
        units.write += writeUnits;
        return new Set(fresh);
      } catch (error) {
        // A condition that failed (written meanwhile, or the ledger of a run that crashed) or a conflict: read and try again.
        const retry =
          error instanceof TransactionCanceledException &&
          (error.CancellationReasons ?? []).some((r) => r.Code === 'ConditionalCheckFailed' || r.Code === 'TransactionConflict');
        if (!retry || round >= MAX_ROUNDS) throw writeFailure(error, 'the import transaction');
        if ((error.CancellationReasons ?? []).at(-1)?.Code === 'ConditionalCheckFailed') {
          // This group's ledger is there from an earlier run: that run wrote the group; nothing more to write.
          return new Set();
        }
        await pause(20 * 2 ** round);
      }
    }
  }

  /** Adds the ledger's deltas to the counters and deletes them, each exactly once. */
  async applyLedger(ledger: Ledger, now: Date, units: { read: number; write: number } = { read: 0, write: 0 }): Promise<void> {
    for (let round = 1; ; round += 1) {
      const answer = await this.db.send(
        new QueryCommand({
          TableName: this.tables.needs,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
          ExpressionAttributeValues: { ':pk': ledger.pk, ':prefix': ledger.skPrefix },
          ConsistentRead: true,
          Limit: LEDGER_PER_APPLY,
        }),
      );
      const page = (answer.Items ?? []) as (Key & { deltas: Deltas })[];
      if (page.length === 0) return;
      // As many ledger items as fit one transaction beside the counter cells they add to.
      const entries: typeof page = [];
      let sum: Deltas = {};
      for (const entry of page) {
        const trial: Deltas = structuredClone(sum);
        for (const cell of Object.values(entry.deltas)) addDeltas(trial, cell.day, cell.countyCode, cell.counters);
        if (entries.length > 0 && entries.length + 1 + Object.keys(trial).length > MAX_ACTIONS) break;
        entries.push(entry);
        sum = trial;
      }
      units.read += entries.length;
      const cells = Object.values(sum).filter((cell) => Object.keys(cell.counters).length > 0);
      const actions: TransactItem[] = [
        ...entries.map((entry): TransactItem => ({ Delete: { TableName: this.tables.needs, Key: { pk: entry.pk, sk: entry.sk }, ConditionExpression: 'attribute_exists(pk)' } })),
        ...cells.map((cell): TransactItem => {
          const names = Object.keys(cell.counters);
          return {
            Update: {
              TableName: this.tables.counters,
              Key: { day: cell.day, countyCode: cell.countyCode },
              UpdateExpression: `ADD ${names.map((_, i) => `#c${i} :c${i}`).join(', ')} SET updatedAt = :now`,
              ExpressionAttributeNames: Object.fromEntries(names.map((name, i) => [`#c${i}`, name])),
              ExpressionAttributeValues: { ...Object.fromEntries(names.map((name, i) => [`:c${i}`, cell.counters[name]])), ':now': now.toISOString() },
            },
          };
        }),
      ];
      try {
        await this.db.send(new TransactWriteCommand({ TransactItems: actions }));
        // Counter items of up to 1 KB (a county-day's counters); each ledger item's delete.
        units.write += 2 * cells.length + entries.reduce((sum, entry) => sum + transactionalWriteUnits(entry), 0);
      } catch (error) {
        const retry = error instanceof TransactionCanceledException;
        if (!retry || round >= MAX_ROUNDS * 2) throw writeFailure(error, 'the counters of an import');
        await pause(20 * 2 ** Math.min(round, 6));
      }
    }
  }

  /** Writes the items whose keys are free, with their markers, then their counters (the ledger). */
  async write(items: readonly NewItem[], now: Date, ledger: Ledger): Promise<BatchOutcome> {
    const units = { read: 0, write: 0 };
    // A key repeated in the batch: its first item writes, the others are repeats.
    const seen = new Set<string>();
    const own = items.filter((entry) => {
      const key = keyOf(entry.item);
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
    const groups = groupsOf(own);
    const written = new Set<NewItem>();
    let next = 0;
    const lane = async () => {
      while (next < groups.length) {
        const index = next++;
        const key = { pk: ledger.pk, sk: `${ledger.skPrefix}${String(index).padStart(4, '0')}` };
        for (const entry of await this.writeGroup(groups[index]!, key, now, units)) written.add(entry);
      }
    };
    await Promise.all(Array.from({ length: Math.min(PARALLEL_GROUPS, groups.length) }, lane));
    await this.applyLedger(ledger, now, units);
    return { created: items.map((entry) => written.has(entry)), writeUnits: units.write, readUnits: units.read };
  }
}
