// The counties' review settings (`review: manual|auto`, shared/domain/review.ts) in the needs table:
// partition REVIEW_SETTINGS, one item per county that has its own setting (docs/data-model.md);
// counties without one follow the stage's default. Written by `npm run task-force -- review` and the
// local seed, read by the route step (once per need the screening recommends).
import { DeleteCommand, GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { isReviewMode, type ReviewMode } from '../domain/review';
import { queryPartition } from './partition-query';

export const REVIEW_SETTINGS_PARTITION = 'REVIEW_SETTINGS';
export const reviewSettingKey = (countyCode: string) => ({ pk: REVIEW_SETTINGS_PARTITION, sk: `COUNTY#${countyCode}` });

export interface StoredReviewSetting {
  countyCode: string;
  review: ReviewMode;
  updatedAt: string;
}

export class ReviewSettingsStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly needsTable: string,
  ) {}

  /** The county's own setting, or undefined (the stage default applies). */
  async get(countyCode: string, options: { consistent?: boolean } = {}): Promise<ReviewMode | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.needsTable, Key: reviewSettingKey(countyCode), ConsistentRead: options.consistent ?? false }),
    );
    return isReviewMode(Item?.review) ? Item.review : undefined;
  }

  async list(): Promise<StoredReviewSetting[]> {
    return (await queryPartition(this.client, this.needsTable, REVIEW_SETTINGS_PARTITION, true))
      .filter((item) => isReviewMode(item.review))
      .map((item) => ({ countyCode: String(item.countyCode), review: item.review as ReviewMode, updatedAt: String(item.updatedAt ?? '') }))
      .sort((a, b) => (a.countyCode < b.countyCode ? -1 : 1));
  }

  async put(countyCode: string, review: ReviewMode, now: Date): Promise<void> {
    await this.client.send(
      new PutCommand({
        TableName: this.needsTable,
        Item: { ...reviewSettingKey(countyCode), itemType: 'review-setting', countyCode, review, updatedAt: now.toISOString() },
      }),
    );
  }

  /** Back to the stage default; whether the county had a setting. */
  async remove(countyCode: string): Promise<boolean> {
    const { Attributes } = await this.client.send(new DeleteCommand({ TableName: this.needsTable, Key: reviewSettingKey(countyCode), ReturnValues: 'ALL_OLD' }));
    return Attributes !== undefined;
  }
}
