// Reports in S3 (layout: shared/domain/report-publication.ts): the files of each published version,
// one manifest per period that says which version is current, the roll-up's staging objects; links
// presigned for a few minutes. Path-style addressing only where the environment asks for it (the
// local S3 emulator).
import { GetObjectCommand, HeadObjectCommand, NoSuchKey, NotFound, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { manifestKey, manifestSchema, type Manifest } from '../domain/report-publication';
import { ENV, requiredEnv } from './config';

let client: S3Client | undefined;
export function s3Client(): S3Client {
  // Adaptive retries: the roll-up's workers PUT thousands of files at once, and S3 answers 503
  // SlowDown while a prefix scales; the client then slows down instead of failing the batch.
  client ??= new S3Client({ maxAttempts: 5, retryMode: 'adaptive', forcePathStyle: process.env[ENV.s3ForcePathStyle] === 'true' });
  return client;
}

/** What the roll-up needs of a bucket: put an object, get one back (undefined when absent). */
export interface ReportObjects {
  put(key: string, body: Buffer, contentType: string): Promise<void>;
  get(key: string): Promise<Buffer | undefined>;
}

export class ReportStore implements ReportObjects {
  constructor(
    private readonly s3: S3Client,
    private readonly bucket: string,
  ) {}

  async put(key: string, body: Buffer, contentType: string): Promise<void> {
    await this.s3.send(new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: body, ContentType: contentType }));
  }

  async get(key: string): Promise<Buffer | undefined> {
    try {
      const answer = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      return answer?.Body ? Buffer.from(await answer.Body.transformToByteArray()) : undefined;
    } catch (error) {
      if (error instanceof NoSuchKey || (error as { name?: string }).name === 'NoSuchKey') return undefined;
      throw error;
    }
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

  /**
   * The period's current manifest, or undefined when nothing is published. Read on every request (one
   * small GET), not cached: a regulator sees a period as soon as Publish has made it current.
   */
  async getManifest(period: string): Promise<Manifest | undefined> {
    return readManifest(this, period);
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

/** A period's current manifest in any store, or undefined. */
export async function readManifest(store: ReportObjects, period: string): Promise<Manifest | undefined> {
  const body = await store.get(manifestKey(period));
  return body && manifestSchema.parse(JSON.parse(body.toString('utf8')));
}

/** The reports bucket this function was given (REPORTS_BUCKET_NAME). */
export function reportStore(): ReportStore {
  return new ReportStore(s3Client(), requiredEnv(ENV.reportsBucket));
}
