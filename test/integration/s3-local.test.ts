// The local S3 refuses what S3 refuses: a presigned report link edited to another division, an
// unsigned read of the reports bucket, an expired link, a wrong key, a body that is not the one
// signed. What the report functions and the CLI do through the SDK still works, and so do presigned
// uploads (the import feature will use them). The real local S3 (the verifying front and s3rver),
// the real SDK clients, and the report store adapter the functions use.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import {
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  type S3ClientConfig,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { Sha256 } from '@smithy/core/checksum';
import { SignatureV4 } from '@smithy/signature-v4';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../local/dynamodb-local';
import { startS3Local, type RunningS3 } from '../../local/s3-local';
import { ReportStore } from '../../shared/adapters/report-store';

const dataDir = mkdtempSync(path.join(tmpdir(), 'smefin-s3-'));
let s3Local: RunningS3;
let s3: S3Client;
let store: ReportStore;
const BUCKET = 'reportstoragereportsbucket';
const KEY = 'reports/2026-11/440000.json';
const OTHER_KEY = 'reports/2026-11/450000.json';

const clientConfig = (overrides: Partial<S3ClientConfig> = {}): S3ClientConfig => ({
  region: LOCAL_REGION,
  credentials: LOCAL_CREDENTIALS,
  endpoint: s3Local.endpoint,
  forcePathStyle: true,
  requestChecksumCalculation: 'WHEN_REQUIRED',
  responseChecksumValidation: 'WHEN_REQUIRED',
  maxAttempts: 1,
  ...overrides,
});

/** S3's error code from an XML error body. */
async function errorCode(response: Response): Promise<string | undefined> {
  return /<Code>([^<]+)<\/Code>/.exec(await response.text())?.[1];
}

beforeAll(async () => {
  s3Local = await startS3Local(dataDir, { Resources: { ReportStorageReportsBucket: { Type: 'AWS::S3::Bucket' } } });
  s3 = new S3Client(clientConfig());
  store = new ReportStore(s3, BUCKET);
  await store.put(KEY, Buffer.from('{"division":"440000"}'), 'application/json');
  await store.put(OTHER_KEY, Buffer.from('{"division":"450000"}'), 'application/json');
});

afterAll(async () => {
  s3?.destroy();
  await s3Local?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('the SDK, signing with the local key pair', () => {
  it('puts, heads, gets and lists objects as the report functions do', async () => {
    const key = 'reports/2026-11/index 索引 (1)+x.json';
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: Buffer.from('[1]'), ContentType: 'application/json' }));
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'reports/2026-11/stream.csv', Body: 'a,b\r\n1,2\r\n', ContentType: 'text/csv' }));
    const head = await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: key }));
    expect(head.ContentType).toBe('application/json');
    const got = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
    expect(await got.Body!.transformToString()).toBe('[1]');
    const { Contents = [] } = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'reports/2026-11/' }));
    expect(Contents.map((o) => o.Key)).toEqual(expect.arrayContaining([KEY, OTHER_KEY, key, 'reports/2026-11/stream.csv']));
  });

  it('reads and writes through the report store adapter', async () => {
    expect(await store.exists(KEY)).toBe(true);
    expect(await store.exists('reports/2026-11/000000.json')).toBe(false);
    const manifest = { period: '2026-11', version: 'v0123456789abcdef', generatedAt: '2026-11-30T10:00:00.000Z', files: 8, reports: [{ code: '440000', name: '广东省', level: 'province' as const }] };
    await store.put('report-manifests/2026-11.json', Buffer.from(JSON.stringify(manifest)), 'application/json');
    expect(await store.getManifest('2026-11')).toEqual(manifest);
    expect(await store.getManifest('2020-01')).toBeUndefined();
    expect((await store.get('report-manifests/2026-11.json'))?.toString('utf8')).toBe(JSON.stringify(manifest));
  });

  it('refuses a wrong secret (SignatureDoesNotMatch) and an unknown key id (InvalidAccessKeyId)', async () => {
    const wrongSecret = new S3Client(clientConfig({ credentials: { ...LOCAL_CREDENTIALS, secretAccessKey: 'not-the-secret' } }));
    const unknownKey = new S3Client(clientConfig({ credentials: { accessKeyId: 'AKIDUNKNOWN', secretAccessKey: 'x' } }));
    try {
      await expect(wrongSecret.send(new GetObjectCommand({ Bucket: BUCKET, Key: KEY }))).rejects.toMatchObject({
        name: 'SignatureDoesNotMatch',
        $metadata: { httpStatusCode: 403 },
      });
      await expect(unknownKey.send(new ListObjectsV2Command({ Bucket: BUCKET }))).rejects.toMatchObject({
        name: 'InvalidAccessKeyId',
        $metadata: { httpStatusCode: 403 },
      });
      await expect(
        wrongSecret.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'reports/2026-11/forged.json', Body: Buffer.from('{}') })),
      ).rejects.toMatchObject({ name: 'SignatureDoesNotMatch' });
    } finally {
      wrongSecret.destroy();
      unknownKey.destroy();
    }
    expect(await store.exists('reports/2026-11/forged.json')).toBe(false);
  });

  it('refuses a body other than the one whose hash was signed (XAmzContentSHA256Mismatch)', async () => {
    const signer = new SignatureV4({ credentials: LOCAL_CREDENTIALS, region: LOCAL_REGION, service: 's3', sha256: Sha256, uriEscapePath: false });
    const url = new URL(`${s3Local.endpoint}/${BUCKET}/reports/2026-11/swapped.json`);
    const signed = await signer.sign({
      method: 'PUT',
      protocol: 'http:',
      hostname: url.hostname,
      port: Number(url.port),
      path: url.pathname,
      headers: { host: url.host, 'content-type': 'application/json' },
      body: '{"signed":true}',
    });
    const response = await fetch(url, {
      method: 'PUT',
      headers: Object.fromEntries(Object.entries(signed.headers).filter(([name]) => name !== 'host')),
      body: '{"swapped":true}',
    });
    expect(response.status).toBe(400);
    expect(await errorCode(response)).toBe('XAmzContentSHA256Mismatch');
    expect(await store.exists('reports/2026-11/swapped.json')).toBe(false);
  });
});

describe('presigned links', () => {
  it('a valid presigned GET works, with the disposition it was signed with', async () => {
    const link = await store.presignedGet(KEY, 300, 'smefin-2026-11-440000.json');
    const response = await fetch(link);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-disposition')).toContain('attachment');
    expect(await response.text()).toBe('{"division":"440000"}');
  });

  it('the same link edited to another division, or with any signed part changed, is refused 403 SignatureDoesNotMatch', async () => {
    const link = await store.presignedGet(KEY, 300, 'smefin-2026-11-440000.json');
    const edits = [
      link.replace('/440000.json', '/450000.json'),
      link.replace('X-Amz-Expires=300', 'X-Amz-Expires=600'),
      link.replace(/response-content-disposition=[^&]+/, 'response-content-disposition=inline'),
      link.replace(/X-Amz-Signature=([0-9a-f])/, (_, c: string) => `X-Amz-Signature=${c === '0' ? '1' : '0'}`),
      `${link}&extra=1`,
    ];
    for (const edited of edits) {
      expect(edited).not.toBe(link);
      const response = await fetch(edited);
      expect(`${response.status} ${await errorCode(response)}`, edited).toBe('403 SignatureDoesNotMatch');
    }
  });

  it('an expired presigned link is refused 403 AccessDenied "Request has expired"', async () => {
    const link = await getSignedUrl(s3, new GetObjectCommand({ Bucket: BUCKET, Key: KEY }), {
      expiresIn: 60,
      signingDate: new Date(Date.now() - 10 * 60_000),
    });
    const response = await fetch(link);
    expect(response.status).toBe(403);
    const text = await response.text();
    expect(text).toContain('<Code>AccessDenied</Code>');
    expect(text).toContain('Request has expired');
  });

  it('a presigned PUT uploads; edited to another key, it is refused', async () => {
    const link = await getSignedUrl(s3, new PutObjectCommand({ Bucket: BUCKET, Key: 'imports/330106/batch-1.csv' }), { expiresIn: 300 });
    const upload = await fetch(link, { method: 'PUT', headers: { 'Content-Type': 'text/csv' }, body: 'creditCode\r\n9133010652601815X8\r\n' });
    expect(upload.status).toBe(200);
    const stored = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'imports/330106/batch-1.csv' }));
    expect(await stored.Body!.transformToString()).toBe('creditCode\r\n9133010652601815X8\r\n');

    const elsewhere = await fetch(link.replace('/imports/330106/', '/reports/2026-11/'), { method: 'PUT', body: 'x' });
    expect(elsewhere.status).toBe(403);
    expect(await errorCode(elsewhere)).toBe('SignatureDoesNotMatch');
  });
});

describe('unsigned requests', () => {
  it.each([
    ['GET', `/${BUCKET}/${KEY}`],
    ['HEAD', `/${BUCKET}/${KEY}`],
    ['GET', `/${BUCKET}?list-type=2`],
    ['GET', `/${BUCKET}/${KEY}?X-Amz-Expires=300`],
    ['PUT', `/${BUCKET}/reports/2026-11/anonymous.json`],
    ['DELETE', `/${BUCKET}/${KEY}`],
  ])('%s %s → 403 AccessDenied', async (method, target) => {
    const response = await fetch(`${s3Local.endpoint}${target}`, { method, ...(method === 'PUT' ? { body: '{}' } : {}) });
    expect(response.status).toBe(403);
    if (method !== 'HEAD') expect(await errorCode(response)).toBe('AccessDenied');
  });

  it('changed nothing', async () => {
    expect(await store.exists(KEY)).toBe(true);
    expect(await store.exists('reports/2026-11/anonymous.json')).toBe(false);
  });
});
