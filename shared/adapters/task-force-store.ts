// The county task forces' contacts in the needs table (partition TASKFORCE, one item per county;
// docs/data-model.md), beside the bank registry: written by the operator CLI (scripts/task-force.ts)
// and the local seed, read by need-status for the need's county. Validation happens before a
// contact is written (shared/domain/task-force.ts); this store only keeps and reads, so the status
// function loads no schema library.
import { DeleteCommand, GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { TaskForceContact } from '../domain/task-force';
import { queryPartition } from './partition-query';

export const TASK_FORCE_PARTITION = 'TASKFORCE';
export const taskForceKey = (countyCode: string) => ({ pk: TASK_FORCE_PARTITION, sk: `COUNTY#${countyCode}` });

export interface StoredTaskForceContact {
  contact: TaskForceContact;
  updatedAt: string;
}

export class TaskForceStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly needsTable: string,
  ) {}

  /** The county's contact, or undefined when none is loaded. */
  async get(countyCode: string, options: { consistent?: boolean } = {}): Promise<TaskForceContact | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.needsTable, Key: taskForceKey(countyCode), ConsistentRead: options.consistent ?? false }),
    );
    return Item?.contact as TaskForceContact | undefined;
  }

  /** Every county's contact, by county code. */
  async list(): Promise<StoredTaskForceContact[]> {
    return (await queryPartition(this.client, this.needsTable, TASK_FORCE_PARTITION, true))
      .map((item) => ({ contact: item.contact as TaskForceContact, updatedAt: String(item.updatedAt ?? '') }))
      .sort((a, b) => (a.contact.countyCode < b.contact.countyCode ? -1 : 1));
  }

  /** Adds or replaces the county's contact (validated by the caller). */
  async put(contact: TaskForceContact, now: Date): Promise<void> {
    await this.client.send(
      new PutCommand({
        TableName: this.needsTable,
        Item: { ...taskForceKey(contact.countyCode), itemType: 'task-force-contact', contact, updatedAt: now.toISOString() },
      }),
    );
  }

  /** Removes the county's contact; whether there was one. */
  async remove(countyCode: string): Promise<boolean> {
    const { Attributes } = await this.client.send(
      new DeleteCommand({ TableName: this.needsTable, Key: taskForceKey(countyCode), ReturnValues: 'ALL_OLD' }),
    );
    return Attributes !== undefined;
  }
}
