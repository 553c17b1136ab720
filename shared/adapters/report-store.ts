// Reports in S3: one object per period, division, edition and format; an index per period; links
// presigned for a few minutes. Path-style addressing only where the environment asks for it (the
// local S3 emulator).
import { GetObjectCommand, HeadObjectCommand, NoSuchKey, NotFound, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { ENV, requiredEnv } from './config';

let client: S3Client | undefined;
export function s3Client(): S3Client {
  client ??= new S3Client({ maxAttempts: 3, forcePathStyle: process.env[ENV.s3ForcePathStyle] === 'true' });
  return client;
}

export interface ReportIndexEntry {
  code: string;
  name: string;
  level: string;
}

export const indexKey = (period: string) => `reports/${period}/index.json`;

export class ReportStore {
  constructor(
    private readonly s3: S3Client,
    private readonly bucket: string,
  ) {}

  async put(key: string, body: Buffer, contentType: string): Promise<void> {
    await this.s3.send(new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: body, ContentType: contentType }));
  }

  async exists(key: string): Promise<boolean> {
    try {
      await this.s3.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return true;
    } catch (error) {
      if (error instanceof NotFound || error instanceof NoSuchKey || (error as { name?: string }).name === 'NotFound') return false;
      throw error;
    }
  }

  async getIndex(period: string): Promise<ReportIndexEntry[] | undefined> {
    try {
      const answer = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: indexKey(period) }));
      return JSON.parse(await answer.Body!.transformToString('utf-8')) as ReportIndexEntry[];
    } catch (error) {
      if (error instanceof NoSuchKey || (error as { name?: string }).name === 'NoSuchKey') return undefined;
      throw error;
    }
  }

  async putIndex(period: string, entries: ReportIndexEntry[]): Promise<void> {
    await this.put(indexKey(period), Buffer.from(JSON.stringify(entries, null, 2) + '\n'), 'application/json');
  }

  /** A link valid for `seconds` that downloads (or, `inline`, shows) the object under `filename`. */
  presignedGet(key: string, seconds: number, filename: string, disposition: 'attachment' | 'inline' = 'attachment'): Promise<string> {
    return getSignedUrl(
      this.s3,
      new GetObjectCommand({
        Bucket: this.bucket,
        Key: key,
        ResponseContentDisposition: `${disposition}; filename="${filename}"`,
      }),
      { expiresIn: seconds },
    );
  }
}

/** The reports bucket this function was given (REPORTS_BUCKET_NAME). */
export function reportStore(): ReportStore {
  return new ReportStore(s3Client(), requiredEnv(ENV.reportsBucket));
}
