// Many new items at once, each written whole or not at all with its counters: what the bulk import
// writes (visits with their month markers, plan entries). The items are grouped so that one
// TransactWriteItems (at most 100 actions) carries up to ~48 visits, their markers and the group's
// county-day counters ADDed once per county and day (not once per item, as one transaction per
// visit does). Before each group, one consistent BatchGetItem tells which items and markers exist
// already: those are not written again (a repeat of a natural key writes nothing), so the
// transaction's conditions (attribute_not_exists, kept against a concurrent writer) normally hold;
// when one fails after all (a visit recorded between the read and the write), the group is read and
// written again. Consumed capacity is returned (ReturnConsumedCapacity) for the bench and the import.
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, TransactWriteCommand, type DynamoDBDocumentClient, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
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

export interface BatchOutcome {
  /** For each item given, in order: written now, or already there (or repeated earlier in the batch). */
  created: boolean[];
  writeUnits: number;
  readUnits: number;
}

const MAX_ACTIONS = 100;
const MAX_KEYS = 100;
const MAX_ROUNDS = 4;

const keyOf = (key: Key) => `${key.pk}\u0000${key.sk}`;

/** Groups of items whose transaction (items, markers, one counter update per county-day) fits in one TransactWriteItems. */
export function groupsOf(items: readonly NewItem[]): NewItem[][] {
  const groups: NewItem[][] = [];
  let group: NewItem[] = [];
  let actions = 0;
  let keys = 0;
  let cells = new Set<string>();
  for (const entry of items) {
    const size = entry.marker ? 2 : 1;
    const cell = `${entry.day}#${entry.countyCode}`;
    const extra = cells.has(cell) ? 0 : 1;
    if (group.length > 0 && (actions + size + extra > MAX_ACTIONS || keys + size > MAX_KEYS)) {
      groups.push(group);
      group = [];
      actions = 0;
      keys = 0;
      cells = new Set();
    }
    group.push(entry);
    actions += size + (cells.has(cell) ? 0 : 1);
    keys += size;
    cells.add(cell);
  }
  if (group.length > 0) groups.push(group);
  return groups;
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
    for (let round = 0; pending.length > 0; round += 1) {
      if (round > 0) await new Promise((resolve) => setTimeout(resolve, Math.min(1_000, 50 * 2 ** round)));
      const answer = await this.db.send(
        new BatchGetCommand({
          RequestItems: { [this.tables.needs]: { Keys: pending, ConsistentRead: true, ProjectionExpression: 'pk, sk' } },
          ReturnConsumedCapacity: 'TOTAL',
        }),
      );
      for (const c of answer.ConsumedCapacity ?? []) units.read += c.CapacityUnits ?? 0;
      for (const item of answer.Responses?.[this.tables.needs] ?? []) found.add(keyOf(item as Key));
      pending = (answer.UnprocessedKeys?.[this.tables.needs]?.Keys ?? []) as Key[];
    }
    return found;
  }

  /** Writes the items whose keys are free, with their markers and counters, group by group. */
  async write(items: readonly NewItem[], now: Date): Promise<BatchOutcome> {
    const created = new Array<boolean>(items.length).fill(false);
    const units = { read: 0, write: 0 };
    const index = new Map(items.map((item, i) => [item, i]));
    const seen = new Set<string>();
    for (const group of groupsOf(items)) {
      // A key repeated in the file: its first row writes, the others are repeats.
      const own = group.filter((entry) => {
        const key = keyOf(entry.item);
        if (seen.has(key)) return false;
        seen.add(key);
        return true;
      });
      for (let round = 1; ; round += 1) {
        const found = await this.existing(own.flatMap((e) => [e.item, ...(e.marker ? [e.marker] : [])]), units);
        const fresh = own.filter((e) => !found.has(keyOf(e.item)));
        if (fresh.length === 0) break;
        const markers = new Set<string>();
        const actions: TransactItem[] = [];
        const cells = new Map<string, { day: string; countyCode: string; counters: Record<string, number> }>();
        for (const entry of fresh) {
          const withMarker = entry.marker !== undefined && !found.has(keyOf(entry.marker)) && !markers.has(keyOf(entry.marker));
          if (withMarker) markers.add(keyOf(entry.marker!));
          const item = entry.markerFlag ? { ...entry.item, [entry.markerFlag]: withMarker } : entry.item;
          actions.push({ Put: { TableName: this.tables.needs, Item: item, ConditionExpression: 'attribute_not_exists(pk)' } });
          if (withMarker) actions.push({ Put: { TableName: this.tables.needs, Item: entry.marker!, ConditionExpression: 'attribute_not_exists(pk)' } });
          const cellKey = `${entry.day}#${entry.countyCode}`;
          const cell = cells.get(cellKey) ?? { day: entry.day, countyCode: entry.countyCode, counters: {} };
          for (const [name, value] of Object.entries(entry.counters(withMarker))) cell.counters[name] = (cell.counters[name] ?? 0) + value;
          cells.set(cellKey, cell);
        }
        for (const cell of cells.values()) {
          const names = Object.keys(cell.counters);
          actions.push({
            Update: {
              TableName: this.tables.counters,
              Key: { day: cell.day, countyCode: cell.countyCode },
              UpdateExpression: `ADD ${names.map((_, i) => `#c${i} :c${i}`).join(', ')} SET updatedAt = :now`,
              ExpressionAttributeNames: Object.fromEntries(names.map((name, i) => [`#c${i}`, name])),
              ExpressionAttributeValues: { ...Object.fromEntries(names.map((name, i) => [`:c${i}`, cell.counters[name]])), ':now': now.toISOString() },
            },
          });
        }
        try {
          const answer = await this.db.send(new TransactWriteCommand({ TransactItems: actions, ReturnConsumedCapacity: 'TOTAL' }));
          for (const c of answer.ConsumedCapacity ?? []) units.write += c.CapacityUnits ?? 0;
          for (const entry of fresh) created[index.get(entry)!] = true;
          break;
        } catch (error) {
          // A condition that failed (written meanwhile) or a conflicting transaction: read and try the group again.
          const retry =
            error instanceof TransactionCanceledException &&
            (error.CancellationReasons ?? []).some((r) => r.Code === 'ConditionalCheckFailed' || r.Code === 'TransactionConflict');
          if (!retry || round >= MAX_ROUNDS) throw writeFailure(error, 'the import transaction');
          await new Promise((resolve) => setTimeout(resolve, 20 * 2 ** round));
        }
      }
    }
    return { created, writeUnits: units.write, readUnits: units.read };
  }
}
