// The negative list in the needs table (docs/data-model.md): what screening reads, one item per entry
// under the credit code (NEGATIVE#<creditCode>, unchanged), and the register the workspace pages
// through, one item per entry under its jurisdiction (NEGLIST#<jurisdiction>, ENTRY#<entryId>). Each
// change writes both items and, from the workspace, its audit record in one transaction,
// conditional on the register item as it was read: whole or not at all. Used by the workspace's
// function and by the operator CLI (scripts/negative-list.ts), which writes no audit record.
import { createHash } from 'node:crypto';
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { GetCommand, QueryCommand, TransactWriteCommand, type DynamoDBDocumentClient, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { AuditRecord } from '../domain/audit';
import { sameRecording, type NegativeListAddition, type NegativeListEntry, type NegativeListRecord } from '../domain/negative-list';
import { writeFailure } from './write-outcome';

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/** The partition prefixes: screening's items (by credit code) and the register (by jurisdiction). */
export const NEGATIVE_LIST_KEYS = { screening: 'NEGATIVE#', register: 'NEGLIST#' } as const;

/** The item screening reads: one per entry, under the credit code. */
export function negativeScreeningKey(entry: Pick<NegativeListEntry, 'creditCode' | 'jurisdiction' | 'reasonCode' | 'validFrom'>): { pk: string; sk: string } {
  return { pk: `${NEGATIVE_LIST_KEYS.screening}${entry.creditCode}`, sk: `${entry.jurisdiction}#${entry.reasonCode}#${entry.validFrom}` };
}

/** The register's partition of a jurisdiction's entries. */
export const negativeRegisterPartition = (jurisdiction: string): string => `${NEGATIVE_LIST_KEYS.register}${jurisdiction}`;

export function negativeRegisterKey(jurisdiction: string, entryId: string): { pk: string; sk: string } {
  return { pk: negativeRegisterPartition(jurisdiction), sk: `ENTRY#${entryId}` };
}

/** An entry's id: 32 hex digits derived from its key, so a second recording of the entry is the same entry. */
export function negativeListEntryId(entry: Pick<NegativeListEntry, 'creditCode' | 'jurisdiction' | 'reasonCode' | 'validFrom'>): string {
  return createHash('sha256').update(`${entry.jurisdiction}#${entry.creditCode}#${entry.reasonCode}#${entry.validFrom}`).digest('hex').slice(0, 32);
}

export const ENTRY_ID_PATTERN = /^[0-9a-f]{32}$/;

/** Who changes the list, when, and how (the audit record's `via`; none for the CLI). */
export interface ChangeContext {
  who: string;
  at: Date;
  via?: { channel: 'form' | 'import'; importId?: string };
}

export type RecordOutcome = { kind: 'added' | 'updated' | 'unchanged'; record: NegativeListRecord };

export class NegativeListConflictError extends Error {
  override readonly name = 'NegativeListConflictError';
}

const recordOf = (item: Record<string, unknown>): NegativeListRecord => item.record as NegativeListRecord;

export class NegativeListStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly table: string,
    /** Where workspace changes are audited; the operator CLI has none. */
    private readonly audit?: { transactionItem(record: AuditRecord): TransactItem },
  ) {}

  private registerPut(record: NegativeListRecord, previous: number | undefined): TransactItem {
    return {
      Put: {
        TableName: this.table,
        Item: { ...negativeRegisterKey(record.entry.jurisdiction, record.entryId), itemType: 'negative-list-record', record },
        ...(previous === undefined
          ? { ConditionExpression: 'attribute_not_exists(pk)', ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const }
          : { ConditionExpression: '#record.#version = :version', ExpressionAttributeNames: { '#record': 'record', '#version': 'version' }, ExpressionAttributeValues: { ':version': previous } }),
      },
    };
  }

  private screeningPut(record: NegativeListRecord): TransactItem {
    return {
      Put: {
        TableName: this.table,
        Item: { ...negativeScreeningKey(record.entry), itemType: 'negative-list-entry', entry: record.entry, entryId: record.entryId, loadedAt: record.updatedAt },
      },
    };
  }

  private auditItems(record: NegativeListRecord, action: 'add' | 'update' | 'expire' | 'withdraw', context: ChangeContext): TransactItem[] {
    if (!this.audit) return [];
    const { entry } = record;
    return [
      this.audit.transactionItem({
        kind: 'negative-list-change',
        at: context.at.toISOString(),
        who: context.who,
        countyCode: entry.jurisdiction,
        action,
        entryId: record.entryId,
        reasonCode: entry.reasonCode,
        validFrom: entry.validFrom,
        ...(entry.validTo !== undefined ? { validTo: entry.validTo } : {}),
        via: context.via?.channel ?? 'form',
        ...(context.via?.importId ? { importId: context.via.importId } : {}),
      }),
    ];
  }

  private async transact(items: TransactItem[], signal?: AbortSignal): Promise<'done' | 'condition'> {
    try {
      await this.client.send(new TransactWriteCommand({ TransactItems: items }), signal ? { abortSignal: signal } : {});
      return 'done';
    } catch (error) {
      if (error instanceof TransactionCanceledException && error.CancellationReasons?.[0]?.Code === 'ConditionalCheckFailed') return 'condition';
      throw writeFailure(error, 'the negative-list change');
    }
  }

  /**
   * Records the entry: added when its key is new; the same entry again (same source, window, note)
   * writes nothing; otherwise the stored one is replaced (updated; a withdrawn entry is back in
   * force), its first recording kept. Retried when another change came in between.
   */
  async record(addition: NegativeListAddition, context: ChangeContext, signal?: AbortSignal): Promise<RecordOutcome> {
    const entryId = negativeListEntryId(addition.entry);
    const at = context.at.toISOString();
    const fresh = this.fresh(addition, context);
    const first = await this.tryAdd(fresh, context, signal);
    if (first.kind === 'added') return { kind: 'added', record: fresh };
    let stored = first.stored;
    for (let attempt = 0; attempt < 3; attempt++) {
      if (sameRecording(stored, addition)) return { kind: 'unchanged', record: stored };
      // A new recording keeps the first one's who and when, and its note unless it brings one.
      const { withdrawnAt: _withdrawn, note: _note, ...kept } = stored;
      const note = addition.note ?? stored.note;
      const next: NegativeListRecord = { ...kept, entry: addition.entry, ...(note ? { note } : {}), updatedAt: at, updatedBy: context.who, version: stored.version + 1 };
      const outcome = await this.transact([this.registerPut(next, stored.version), this.screeningPut(next), ...this.auditItems(next, 'update', context)], signal);
      if (outcome === 'done') return { kind: 'updated', record: next };
      const again = await this.get(addition.entry.jurisdiction, entryId);
      if (!again) {
        const retried = await this.tryAdd(fresh, context, signal);
        if (retried.kind === 'added') return { kind: 'added', record: fresh };
        stored = retried.stored;
      } else {
        stored = again;
      }
    }
    throw new NegativeListConflictError('the entry kept changing while it was recorded');
  }

  private fresh(addition: NegativeListAddition, context: ChangeContext): NegativeListRecord {
    const at = context.at.toISOString();
    return {
      entryId: negativeListEntryId(addition.entry),
      entry: addition.entry,
      ...(addition.note ? { note: addition.note } : {}),
      recordedAt: at,
      recordedBy: context.who,
      updatedAt: at,
      updatedBy: context.who,
      version: 1,
    };
  }

  /** How many new entries fit one transaction (100 items): 33 with their audit records, 50 without. */
  get groupSize(): number {
    return Math.floor(100 / (this.audit ? 3 : 2));
  }

  /**
   * Records entries of different keys (at most {@link groupSize}): first all as new ones in one
   * transaction — each entry's items and audit record whole, the group whole or not at all — and,
   * when any of them was there already, each on its own ({@link record}; one that fails then is
   * `failed`, nothing of it written). What an import does with its rows: one transaction per group
   * of new rows instead of one per row. A group refused otherwise throws: none of it written.
   */
  async recordMany(additions: readonly NegativeListAddition[], context: ChangeContext, signal?: AbortSignal): Promise<(RecordOutcome | { kind: 'failed'; error: unknown })[]> {
    if (additions.length > this.groupSize) throw new RangeError(`at most ${this.groupSize} entries at once`);
    const records = additions.map((addition) => this.fresh(addition, context));
    try {
      await this.client.send(
        new TransactWriteCommand({ TransactItems: records.flatMap((record) => [this.registerPut(record, undefined), this.screeningPut(record), ...this.auditItems(record, 'add', context)]) }),
        signal ? { abortSignal: signal } : {},
      );
      return records.map((record) => ({ kind: 'added', record }));
    } catch (error) {
      const known = error instanceof TransactionCanceledException && (error.CancellationReasons ?? []).some((reason) => reason.Code === 'ConditionalCheckFailed');
      if (!known) throw writeFailure(error, 'the negative-list entries');
    }
    // One by one: a row that fails is reported as failed (nothing of it written), the others stand.
    const outcomes: (RecordOutcome | { kind: 'failed'; error: unknown })[] = [];
    for (const addition of additions) outcomes.push(await this.record(addition, context, signal).catch((error: unknown) => ({ kind: 'failed' as const, error })));
    return outcomes;
  }

  private async tryAdd(fresh: NegativeListRecord, context: ChangeContext, signal?: AbortSignal): Promise<{ kind: 'added' } | { kind: 'exists'; stored: NegativeListRecord }> {
    try {
      await this.client.send(
        new TransactWriteCommand({ TransactItems: [this.registerPut(fresh, undefined), this.screeningPut(fresh), ...this.auditItems(fresh, 'add', context)] }),
        signal ? { abortSignal: signal } : {},
      );
      return { kind: 'added' };
    } catch (error) {
      const own = error instanceof TransactionCanceledException ? error.CancellationReasons?.[0] : undefined;
      if (own?.Code === 'ConditionalCheckFailed' && own.Item) {
        return { kind: 'exists', stored: recordOf(unmarshall(own.Item as Parameters<typeof unmarshall>[0])) };
      }
      throw writeFailure(error, 'the negative-list entry');
    }
  }

  /** The register's entry of a jurisdiction (consistent read); undefined when that jurisdiction has no such entry. */
  async get(jurisdiction: string, entryId: string): Promise<NegativeListRecord | undefined> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.table, Key: negativeRegisterKey(jurisdiction, entryId), ConsistentRead: true }));
    return Item ? recordOf(Item) : undefined;
  }

  /**
   * Applies an expiry decided on `stored` (shared/domain/negative-list.ts decideExpiry): the new last
   * day on both items, or, for a withdrawal, the screening item removed; conditional on the version
   * read. False when the entry changed in between (nothing written).
   */
  async expire(stored: NegativeListRecord, change: { kind: 'expire'; entry: NegativeListEntry } | { kind: 'withdraw' }, context: ChangeContext, signal?: AbortSignal): Promise<NegativeListRecord | undefined> {
    const at = context.at.toISOString();
    const next: NegativeListRecord = {
      ...stored,
      ...(change.kind === 'expire' ? { entry: change.entry } : { withdrawnAt: at }),
      updatedAt: at,
      updatedBy: context.who,
      version: stored.version + 1,
    };
    const screening: TransactItem =
      change.kind === 'expire' ? this.screeningPut(next) : { Delete: { TableName: this.table, Key: negativeScreeningKey(stored.entry) } };
    const outcome = await this.transact([this.registerPut(next, stored.version), screening, ...this.auditItems(next, change.kind, context)], signal);
    return outcome === 'done' ? next : undefined;
  }

  /** A jurisdiction's register, a page at a time (in entry-id order); optionally one credit code's entries. */
  async list(jurisdiction: string, options: { limit: number; after?: string; creditCode?: string }): Promise<{ records: NegativeListRecord[]; after?: string }> {
    const pk = negativeRegisterPartition(jurisdiction);
    const page = await this.client.send(
      new QueryCommand({
        TableName: this.table,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :entry)',
        ExpressionAttributeValues: { ':pk': pk, ':entry': 'ENTRY#', ...(options.creditCode ? { ':code': options.creditCode } : {}) },
        ...(options.creditCode ? { FilterExpression: '#record.#entry.creditCode = :code', ExpressionAttributeNames: { '#record': 'record', '#entry': 'entry' } } : {}),
        Limit: options.limit,
        ...(options.after ? { ExclusiveStartKey: { pk, sk: options.after } } : {}),
      }),
    );
    const last = page.LastEvaluatedKey?.sk;
    return { records: (page.Items ?? []).map(recordOf), ...(typeof last === 'string' ? { after: last } : {}) };
  }
}
