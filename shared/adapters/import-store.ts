// Imports in the needs table and the imports bucket (docs/data-model.md). The import item
// `IMPORT#<importId>/IMPORT` holds the state, the counts and the cursor; `IMPORTS_OPEN/<importId>`
// marks it open for the sweep until it is done or failed (removed in the same transaction). Every
// state change is conditional on the state it expects, so a duplicate S3 event, a retried
// invocation or the sweep's resumption never moves an import twice: a chunk is committed once (the
// cursor), and a worker holds the import through a lease (an invocation's deadline).
//
// The bucket: `uploads/<importId>` (the user's file, through the presigned PUT; its ObjectCreated
// event starts the worker), `staging/<importId>/<chunk>.json` (the parsed rows, a chunk each),
// `errors/<importId>/part-<chunk>.csv` and `errors/<importId>.csv` (the rejected rows). Everything
// expires by the bucket's lifecycle rules (lib/imports.ts).
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, HeadObjectCommand, NoSuchKey, NotFound, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { DeleteCommand, GetCommand, QueryCommand, TransactWriteCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { IMPORT_LIMITS, type ImportFailure, type ImportRecord, type ImportRow } from '../domain/import';

export const IMPORT_KEYS = {
  upload: (importId: string) => `uploads/${importId}`,
  staging: (importId: string, chunk: number) => `staging/${importId}/${String(chunk).padStart(4, '0')}.json`,
  errorPart: (importId: string, chunk: number) => `errors/${importId}/part-${String(chunk).padStart(4, '0')}.csv`,
  errors: (importId: string) => `errors/${importId}.csv`,
} as const;
/** The prefixes of the bucket (its notification filter and lifecycle rules). */
export const IMPORT_PREFIXES = { uploads: 'uploads/', staging: 'staging/', errors: 'errors/' } as const;

/** The import id in an upload's key, or undefined for any other key. */
export function importIdOfKey(key: string): string | undefined {
  return /^uploads\/([0-9A-HJKMNP-TV-Z]{26})$/.exec(key)?.[1];
}

const importKey = (importId: string) => ({ pk: `IMPORT#${importId}`, sk: 'IMPORT' });
const openKey = (importId: string) => ({ pk: 'IMPORTS_OPEN', sk: importId });
const OPEN = ['queued', 'running'];

const isConditionFailure = (error: unknown) =>
  error instanceof ConditionalCheckFailedException ||
  (error instanceof TransactionCanceledException && (error.CancellationReasons ?? []).some((r) => r.Code === 'ConditionalCheckFailed'));

function recordOf(item: Record<string, unknown> | undefined): ImportRecord | undefined {
  if (!item) return undefined;
  const { pk: _pk, sk: _sk, itemType: _type, ...record } = item;
  return record as unknown as ImportRecord;
}

export interface ChunkCommit {
  chunk: number;
  rows: number;
  accepted: number;
  rejected: number;
  created: number;
  writeUnits: number;
  readUnits: number;
  /** The rejected-rows file, when this chunk or an earlier one had rejections. */
  errorsKey?: string;
  /** This chunk had rejections (its part is in the bucket). */
  errorPart: boolean;
  last: boolean;
}

export class ImportStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async create(record: ImportRecord): Promise<void> {
    await this.db.send(
      new TransactWriteCommand({
        TransactItems: [
          { Put: { TableName: this.table, Item: { ...importKey(record.importId), itemType: 'import', ...record }, ConditionExpression: 'attribute_not_exists(pk)' } },
          { Put: { TableName: this.table, Item: { ...openKey(record.importId), itemType: 'import-open', importId: record.importId, createdAt: record.createdAt } } },
        ],
      }),
    );
  }

  async get(importId: string): Promise<ImportRecord | undefined> {
    const answer = await this.db.send(new GetCommand({ TableName: this.table, Key: importKey(importId), ConsistentRead: true }));
    return recordOf(answer.Item);
  }

  /** An update conditional on `condition`: the new record, or undefined when the condition failed. */
  private async update(importId: string, expression: string, condition: string, values: Record<string, unknown>, names: Record<string, string> = {}): Promise<ImportRecord | undefined> {
    try {
      const answer = await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: importKey(importId),
          UpdateExpression: expression,
          ConditionExpression: `attribute_exists(pk) AND ${condition}`,
          ExpressionAttributeNames: { '#status': 'status', ...names },
          ExpressionAttributeValues: values,
          ReturnValues: 'ALL_NEW',
        }),
      );
      return recordOf(answer.Attributes);
    } catch (error) {
      if (isConditionFailure(error)) return undefined;
      throw error;
    }
  }

  /** queued → running (the file arrived); undefined when it was not queued (a repeated event). */
  start(importId: string, now: Date): Promise<ImportRecord | undefined> {
    return this.update(importId, 'SET #status = :running, updatedAt = :now', '#status = :queued', { ':running': 'running', ':queued': 'queued', ':now': now.toISOString() });
  }

  /** The worker's hold on a running import until `until`, one more attempt of its step; undefined when held or not running. */
  acquire(importId: string, now: Date, until: Date): Promise<ImportRecord | undefined> {
    return this.update(
      importId,
      'SET leaseUntil = :until, attempts = attempts + :one, updatedAt = :now',
      '#status = :running AND (attribute_not_exists(leaseUntil) OR leaseUntil < :now)',
      { ':until': until.toISOString(), ':now': now.toISOString(), ':one': 1, ':running': 'running' },
    );
  }

  /** Lets go of the import after a fault (the step runs again: a retry or the sweep). */
  async release(importId: string, now: Date): Promise<void> {
    await this.update(importId, 'SET updatedAt = :now REMOVE leaseUntil', '#status = :running', { ':now': now.toISOString(), ':running': 'running' });
  }

  /** The file parsed: rows, chunks, header; the first chunk next. */
  saveParsed(importId: string, parsed: { rowsTotal: number; chunks: number; header: string[]; columns: Record<string, number>; encoding: string }, now: Date): Promise<ImportRecord | undefined> {
    return this.update(
      importId,
      'SET rowsTotal = :total, chunks = :chunks, #header = :header, #columns = :columns, encoding = :encoding, #cursor = :zero, attempts = :zero, updatedAt = :now REMOVE leaseUntil',
      '#status = :running AND attribute_not_exists(#cursor)',
      { ':total': parsed.rowsTotal, ':chunks': parsed.chunks, ':header': parsed.header, ':columns': parsed.columns, ':encoding': parsed.encoding, ':zero': 0, ':now': now.toISOString(), ':running': 'running' },
      { '#header': 'header', '#columns': 'columns', '#cursor': 'cursor' },
    );
  }

  /** A chunk's counts, once: conditional on the cursor still at the chunk. The last one closes the import. */
  async commitChunk(importId: string, commit: ChunkCommit, now: Date): Promise<boolean> {
    const values: Record<string, unknown> = {
      ':chunk': commit.chunk,
      ':next': commit.chunk + 1,
      ':rows': commit.rows,
      ':accepted': commit.accepted,
      ':rejected': commit.rejected,
      ':created': commit.created,
      ':wcu': commit.writeUnits,
      ':rcu': commit.readUnits,
      ':zero': 0,
      ':now': now.toISOString(),
      ':running': 'running',
    };
    let expression =
      'SET #cursor = :next, rowsDone = rowsDone + :rows, rowsAccepted = rowsAccepted + :accepted, rowsRejected = rowsRejected + :rejected, rowsCreated = rowsCreated + :created, writeUnits = writeUnits + :wcu, readUnits = readUnits + :rcu, attempts = :zero, updatedAt = :now';
    if (commit.errorsKey) {
      expression += ', errorsKey = :errorsKey';
      values[':errorsKey'] = commit.errorsKey;
    }
    if (commit.errorPart) {
      expression += ', errorParts = list_append(if_not_exists(errorParts, :none), :part)';
      values[':none'] = [];
      values[':part'] = [commit.chunk];
    }
    if (commit.last) {
      expression += ', #status = :done, finishedAt = :now';
      values[':done'] = 'done';
    }
    expression += ' REMOVE leaseUntil';
    const update = {
      TableName: this.table,
      Key: importKey(importId),
      UpdateExpression: expression,
      ConditionExpression: '#status = :running AND #cursor = :chunk',
      ExpressionAttributeNames: { '#status': 'status', '#cursor': 'cursor' },
      ExpressionAttributeValues: values,
    };
    try {
      if (commit.last) {
        await this.db.send(new TransactWriteCommand({ TransactItems: [{ Update: update }, { Delete: { TableName: this.table, Key: openKey(importId) } }] }));
      } else {
        await this.db.send(new UpdateCommand(update));
      }
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  /** Fails an open import with its reason (and it leaves the open list); false when it was not open. */
  async fail(importId: string, failure: ImportFailure, now: Date): Promise<boolean> {
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: this.table,
                Key: importKey(importId),
                UpdateExpression: 'SET #status = :failed, failure = :failure, updatedAt = :now, finishedAt = :now REMOVE leaseUntil',
                ConditionExpression: '#status IN (:queued, :running)',
                ExpressionAttributeNames: { '#status': 'status' },
                ExpressionAttributeValues: { ':failed': 'failed', ':failure': failure, ':now': now.toISOString(), ':queued': OPEN[0], ':running': OPEN[1] },
              },
            },
            { Delete: { TableName: this.table, Key: openKey(importId) } },
          ],
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  /** The sweep's resumption of a stalled import (conditional on what it saw: one sweep resumes it once). */
  resume(importId: string, seenUpdatedAt: string, now: Date): Promise<ImportRecord | undefined> {
    return this.update(importId, 'SET resumes = resumes + :one, attempts = :zero, updatedAt = :now', '#status = :running AND updatedAt = :seen', {
      ':one': 1,
      ':zero': 0,
      ':now': now.toISOString(),
      ':seen': seenUpdatedAt,
      ':running': 'running',
    });
  }

  /** The open imports (the sweep), oldest first. */
  async listOpen(): Promise<string[]> {
    const ids: string[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.db.send(
        new QueryCommand({ TableName: this.table, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': 'IMPORTS_OPEN' }, ExclusiveStartKey: start }),
      );
      for (const item of page.Items ?? []) ids.push(String(item.sk));
      start = page.LastEvaluatedKey;
    } while (start);
    return ids;
  }

  async forget(importId: string): Promise<void> {
    await this.db.send(new DeleteCommand({ TableName: this.table, Key: openKey(importId) }));
  }
}

/** The imports bucket: the presigned upload, the file, the staged chunks, the rejected rows. */
export class ImportObjects {
  constructor(
    private readonly s3: S3Client,
    private readonly bucket: string,
  ) {}

  /** A presigned PUT of the file; with the size, Content-Length is signed (a larger body is refused by S3). */
  uploadUrl(importId: string, sizeBytes: number | undefined): Promise<string> {
    return getSignedUrl(
      this.s3,
      new PutObjectCommand({ Bucket: this.bucket, Key: IMPORT_KEYS.upload(importId), ...(sizeBytes ? { ContentLength: sizeBytes } : {}) }),
      { expiresIn: IMPORT_LIMITS.uploadUrlSeconds, ...(sizeBytes ? { signableHeaders: new Set(['content-length']) } : {}) },
    );
  }

  errorsUrl(key: string, importId: string): Promise<string> {
    return getSignedUrl(
      this.s3,
      new GetObjectCommand({ Bucket: this.bucket, Key: key, ResponseContentDisposition: `attachment; filename="rejected-${importId}.csv"`, ResponseContentType: 'text/csv; charset=utf-8' }),
      { expiresIn: IMPORT_LIMITS.errorsUrlSeconds },
    );
  }

  /** The uploaded file's size, or undefined when nothing was uploaded. */
  async uploadedSize(importId: string): Promise<number | undefined> {
    try {
      const head = await this.s3.send(new HeadObjectCommand({ Bucket: this.bucket, Key: IMPORT_KEYS.upload(importId) }));
      return head.ContentLength ?? 0;
    } catch (error) {
      if (error instanceof NotFound || error instanceof NoSuchKey || (error as { name?: string }).name === 'NotFound') return undefined;
      throw error;
    }
  }

  async get(key: string): Promise<Buffer> {
    const answer = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
    return Buffer.from(await answer.Body!.transformToByteArray());
  }

  async put(key: string, body: Buffer, contentType: string): Promise<void> {
    await this.s3.send(new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: body, ContentType: contentType }));
  }

  async putChunk(importId: string, chunk: number, rows: readonly ImportRow[]): Promise<void> {
    await this.put(IMPORT_KEYS.staging(importId, chunk), Buffer.from(JSON.stringify(rows), 'utf8'), 'application/json');
  }

  async getChunk(importId: string, chunk: number): Promise<ImportRow[]> {
    return JSON.parse((await this.get(IMPORT_KEYS.staging(importId, chunk))).toString('utf8')) as ImportRow[];
  }
}
