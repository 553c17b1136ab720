// The local S3: s3rver (the objects, in the data folder) behind a front that checks requests as S3
// does. s3rver checks no Signature Version 4 and serves anonymous reads; S3 refuses both. The front
// recomputes the SigV4 signature of every request (Authorization header, or presigned query string
// with its X-Amz-Expires) with @smithy/signature-v4 — the AWS SDK's own signer — for the local key
// pair, compares it in constant time, checks a signed payload hash against the body, and answers
// S3's errors (403 SignatureDoesNotMatch, AccessDenied "Request has expired", …) before s3rver sees
// the request. s3rver listens on a socket of its own, not on a TCP port, so nothing gets around the
// front. Buckets are the template's, named by their logical ids in lower case.
import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Sha256 } from '@smithy/core/checksum';
import { SignatureV4 } from '@smithy/signature-v4';
import S3rver from 's3rver';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from './dynamodb-local';
import { corsRules, lambdaNotifications, matchCors, notificationMatches, s3Event, type CorsRule, type LambdaNotification } from './s3-events';
import { resourcesOfType, type CfnTemplate } from './synth';

export const localBucketName = (logicalId: string) => logicalId.toLowerCase();

export interface RunningS3 {
  endpoint: string;
  buckets: string[];
  /**
   * Where the template's event notifications go (local/s3-events.ts): the function's logical id and
   * the S3 event, once an object was created (set by the runtime once its handlers are loaded).
   */
  setNotifier(notify: (functionLogicalId: string, event: unknown) => void): void;
  /** The local pages' origins: what a CORS rule naming the stack's web origin allows. */
  setWebOrigins(origins: readonly string[]): void;
  stop(): Promise<void>;
}

/** What the front knows of the template's buckets beyond their names. */
interface BucketSettings {
  notifications: Map<string, LambdaNotification[]>;
  cors: Map<string, CorsRule[]>;
  webOrigins: string[];
  notify?: (functionLogicalId: string, event: unknown) => void;
  region: string;
}

export interface S3LocalOptions {
  /** Key pairs S3 accepts (default: the local credentials the runtime gives every SDK client). */
  credentials?: { accessKeyId: string; secretAccessKey: string }[];
  /** Default: the local region. */
  region?: string;
}

export async function startS3Local(dataDir: string, template: CfnTemplate, options: S3LocalOptions = {}): Promise<RunningS3> {
  const directory = path.join(dataDir, 's3');
  mkdirSync(directory, { recursive: true });
  const buckets = resourcesOfType(template, 'AWS::S3::Bucket').map(([logicalId]) => localBucketName(logicalId));
  const store = new S3rver({
    directory,
    silent: true,
    vhostBuckets: false,
    configureBuckets: buckets.map((name) => ({ name, configs: [] })),
  });
  await store.configureBuckets();
  const socket = socketPath();
  const backend = await store.listen(socket);

  const verifier = new SigV4Verifier(options.credentials ?? [LOCAL_CREDENTIALS], options.region ?? LOCAL_REGION);
  const byName = <T>(entries: Iterable<[string, T]>) => new Map([...entries].map(([logicalId, value]) => [localBucketName(logicalId), value]));
  const notifications = new Map<string, LambdaNotification[]>();
  for (const notification of lambdaNotifications(template)) {
    const name = localBucketName(notification.bucketLogicalId);
    notifications.set(name, [...(notifications.get(name) ?? []), notification]);
  }
  const settings: BucketSettings = { notifications, cors: byName(corsRules(template)), webOrigins: [], region: options.region ?? LOCAL_REGION };
  const front = http.createServer((req, res) => {
    void serve(verifier, socket, req, res, settings).catch((error: unknown) => {
      console.error('local S3 error', error);
      if (!res.headersSent) sendError(res, req.method, { status: 500, code: 'InternalError', message: 'We encountered an internal error.' });
      else res.destroy();
    });
  });
  const port = await new Promise<number>((resolve, reject) => {
    front.once('error', reject);
    front.listen(0, '127.0.0.1', () => resolve((front.address() as AddressInfo).port));
  });
  const close = (server: http.Server) =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  return {
    endpoint: `http://127.0.0.1:${port}`,
    buckets,
    setNotifier: (notify) => {
      settings.notify = notify;
    },
    setWebOrigins: (origins) => {
      settings.webOrigins = [...origins];
    },
    stop: async () => {
      await close(front);
      await close(backend);
      if (process.platform !== 'win32') rmSync(socket, { force: true });
    },
  };
}

/** A short path (sockets allow about 100 bytes) that no other run uses. */
function socketPath(): string {
  const name = `smefin-s3-${process.pid}-${randomBytes(4).toString('hex')}`;
  return process.platform === 'win32' ? `\\\\.\\pipe\\${name}` : path.join(tmpdir(), `${name}.sock`);
}

interface S3Denial {
  status: number;
  code: string;
  message: string;
  headers?: Record<string, string>;
}

/** Bucket and key of a path-style request (`/bucket/key…`), the key decoded. */
function target(url: string | undefined): { bucket: string; key: string } {
  const pathname = (url ?? '/').split('?')[0]!;
  const [, bucket = '', ...rest] = pathname.split('/');
  return { bucket, key: decodeURIComponent(rest.join('/')) };
}

/** A CORS preflight, answered from the bucket's CorsConfiguration as S3 does (403 when no rule allows it). */
function preflight(settings: BucketSettings, req: http.IncomingMessage, res: http.ServerResponse): void {
  const origin = req.headers.origin ?? '';
  const method = String(req.headers['access-control-request-method'] ?? '');
  const requested = String(req.headers['access-control-request-headers'] ?? '')
    .split(',')
    .map((h) => h.trim())
    .filter((h) => h !== '');
  const rule = matchCors(settings.cors.get(target(req.url).bucket) ?? [], settings.webOrigins, origin, method, requested);
  if (!origin || !method || !rule) {
    return sendError(res, 'OPTIONS', { status: 403, code: 'AccessForbidden', message: 'CORSResponse: This CORS request is not allowed. This is usually because the evalution of Origin, request method / Access-Control-Request-Method or Access-Control-Request-Headers are not whitelisted by the resource\'s CORS spec.' });
  }
  res.writeHead(200, {
    'Access-Control-Allow-Origin': origin,
    'Access-Control-Allow-Methods': rule.methods.join(', '),
    ...(requested.length > 0 ? { 'Access-Control-Allow-Headers': requested.join(', ') } : {}),
    ...(rule.exposeHeaders.length > 0 ? { 'Access-Control-Expose-Headers': rule.exposeHeaders.join(', ') } : {}),
    ...(rule.maxAgeSeconds !== undefined ? { 'Access-Control-Max-Age': String(rule.maxAgeSeconds) } : {}),
    Vary: 'Origin, Access-Control-Request-Headers, Access-Control-Request-Method',
    'Content-Length': '0',
  });
  res.end();
}

/** The CORS headers S3 adds to an answer to a request with an Origin a rule allows. */
function corsHeadersFor(settings: BucketSettings, req: http.IncomingMessage): Record<string, string> {
  const origin = req.headers.origin;
  if (!origin) return {};
  const rule = matchCors(settings.cors.get(target(req.url).bucket) ?? [], settings.webOrigins, origin, req.method ?? 'GET', []);
  if (!rule) return {};
  return {
    'access-control-allow-origin': origin,
    'access-control-allow-methods': rule.methods.join(', '),
    ...(rule.exposeHeaders.length > 0 ? { 'access-control-expose-headers': rule.exposeHeaders.join(', ') } : {}),
    vary: 'Origin, Access-Control-Request-Headers, Access-Control-Request-Method',
  };
}

/** The ObjectCreated event of a successful write, if the request was one: Put, Copy, or CompleteMultipartUpload. */
function createdEventName(req: http.IncomingMessage): string | undefined {
  const query = new URLSearchParams((req.url ?? '').split('?')[1] ?? '');
  if (req.method === 'PUT' && !query.has('partNumber') && !query.has('tagging') && !query.has('acl')) {
    return req.headers['x-amz-copy-source'] ? 'ObjectCreated:Copy' : 'ObjectCreated:Put';
  }
  if (req.method === 'POST' && query.has('uploadId')) return 'ObjectCreated:CompleteMultipartUpload';
  return undefined;
}

/** The object's size and ETag, as s3rver has them. */
function headObject(socket: string, bucket: string, key: string): Promise<{ size: number; eTag: string }> {
  return new Promise((resolve, reject) => {
    const request = http.request({ socketPath: socket, method: 'HEAD', path: `/${bucket}/${key.split('/').map(encodeURIComponent).join('/')}` }, (answer) => {
      answer.resume();
      resolve({ size: Number(answer.headers['content-length'] ?? 0), eTag: String(answer.headers.etag ?? '') });
    });
    request.on('error', reject);
    request.end();
  });
}

/** S3's notifications of a created object: the event to each function whose configuration wants it. */
async function notifyCreated(settings: BucketSettings, socket: string, req: http.IncomingMessage): Promise<void> {
  const eventName = createdEventName(req);
  const { bucket, key } = target(req.url);
  const wanted = (settings.notifications.get(bucket) ?? []).filter((n) => eventName !== undefined && notificationMatches(n, eventName, key));
  if (!eventName || wanted.length === 0 || !settings.notify) return;
  const { size, eTag } = await headObject(socket, bucket, key);
  for (const notification of wanted) {
    settings.notify(notification.functionLogicalId, s3Event({ region: settings.region, bucket, key, size, eTag, eventName, now: new Date() }));
  }
}

async function serve(verifier: SigV4Verifier, socket: string, req: http.IncomingMessage, res: http.ServerResponse, settings: BucketSettings): Promise<void> {
  const body = await readAll(req);
  // CORS preflights carry no credentials, in S3 too: answered from the bucket's CORS rules.
  if (req.method === 'OPTIONS') return preflight(settings, req, res);
  const denial = await verifier.verify(req, body, new Date());
  if (denial) return sendError(res, req.method, { ...denial, headers: corsHeadersFor(settings, req) });
  const headers = { ...req.headers };
  for (const name of ['connection', 'keep-alive', 'expect', 'transfer-encoding']) delete headers[name];
  if (body.length > 0 || req.headers['content-length'] !== undefined) headers['content-length'] = String(body.length);
  const status = await new Promise<number>((resolve, reject) => {
    const upstream = http.request({ socketPath: socket, method: req.method, path: req.url, headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, { ...answer.headers, ...corsHeadersFor(settings, req) });
      answer.pipe(res);
      answer.on('end', () => resolve(answer.statusCode ?? 502));
      answer.on('error', reject);
    });
    upstream.on('error', reject);
    upstream.end(body);
  });
  if (status === 200) await notifyCreated(settings, socket, req);
}

function readAll(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

const xmlEscape = (text: string) =>
  text.replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c]!);

function sendError(res: http.ServerResponse, method: string | undefined, denial: S3Denial): void {
  const requestId = randomUUID();
  const xml =
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    `<Error><Code>${denial.code}</Code><Message>${xmlEscape(denial.message)}</Message><RequestId>${requestId}</RequestId></Error>`;
  res.writeHead(denial.status, { 'Content-Type': 'application/xml', 'Content-Length': Buffer.byteLength(xml), 'x-amz-request-id': requestId, ...denial.headers });
  res.end(method === 'HEAD' ? undefined : xml);
}

const ALGORITHM = 'AWS4-HMAC-SHA256';
const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD';
const PAYLOAD_HASH_HEADER = 'x-amz-content-sha256';
const MAX_SKEW_MS = 15 * 60 * 1000;
const MAX_PRESIGNED_SECONDS = 7 * 24 * 3600;

type SignableRequest = Parameters<SignatureV4['presign']>[0];
type Query = Record<string, string | string[]>;

const denied = (message = 'Access Denied'): S3Denial => ({ status: 403, code: 'AccessDenied', message });
const mismatch: S3Denial = {
  status: 403,
  code: 'SignatureDoesNotMatch',
  message: 'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
};
const malformed = (code: string, message: string): S3Denial => ({ status: 400, code, message });

/** `20261130T101500Z` → the instant, or undefined when it is not that form. */
function parseAmzDate(value: string | undefined): Date | undefined {
  const match = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value ?? '');
  if (!match) return undefined;
  const [, y, mo, d, h, mi, s] = match.map(Number) as [number, number, number, number, number, number, number];
  const date = new Date(Date.UTC(y, mo - 1, d, h, mi, s));
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/** The query string as the signer takes it: decoded keys and values, repeated keys as arrays; `+` is a plus. */
function parseQuery(search: string): Query | undefined {
  const query: Query = {};
  try {
    for (const pair of search.split('&')) {
      if (!pair) continue;
      const equals = pair.indexOf('=');
      const key = decodeURIComponent(equals < 0 ? pair : pair.slice(0, equals));
      const value = equals < 0 ? '' : decodeURIComponent(pair.slice(equals + 1));
      const existing = query[key];
      query[key] = existing === undefined ? value : [...(Array.isArray(existing) ? existing : [existing]), value];
    }
  } catch {
    return undefined;
  }
  return query;
}

function headerValues(req: http.IncomingMessage): Map<string, string> {
  const values = new Map<string, string[]>();
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i]!.toLowerCase();
    values.set(name, [...(values.get(name) ?? []), req.rawHeaders[i + 1]!]);
  }
  return new Map([...values].map(([name, list]) => [name, list.join(',')]));
}

function sameSignature(provided: string, computed: string): boolean {
  const a = Buffer.from(provided, 'utf8');
  const b = Buffer.from(computed, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

/** What is signed, as the client claims it. */
interface Claim {
  accessKeyId: string;
  scope: string[];
  signedHeaders: string[];
  signature: string;
  date: Date;
}

class SigV4Verifier {
  private readonly secrets: Map<string, string>;

  constructor(
    credentials: { accessKeyId: string; secretAccessKey: string }[],
    private readonly region: string,
  ) {
    this.secrets = new Map(credentials.map((c) => [c.accessKeyId, c.secretAccessKey]));
  }

  /** Undefined when S3 would accept the request; else S3's answer. */
  async verify(req: http.IncomingMessage, body: Buffer, now: Date): Promise<S3Denial | undefined> {
    const url = req.url ?? '/';
    const question = url.indexOf('?');
    const rawPath = question < 0 ? url : url.slice(0, question);
    const query = parseQuery(question < 0 ? '' : url.slice(question + 1));
    if (!query) return malformed('InvalidArgument', 'The query string is not valid percent-encoding.');
    const headers = headerValues(req);
    const authorization = headers.get('authorization');
    const presigned = 'X-Amz-Algorithm' in query || 'X-Amz-Signature' in query;
    if (authorization !== undefined && presigned) {
      return malformed('InvalidArgument', 'Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter or the Authorization header should be specified');
    }
    if ((authorization !== undefined && !authorization.startsWith(`${ALGORITHM} `)) || 'Signature' in query || 'AWSAccessKeyId' in query) {
      // Signature Version 2 is not accepted in the China regions (nor in newer regions anywhere).
      return malformed('InvalidRequest', `The authorization mechanism you have provided is not supported. Please use ${ALGORITHM}.`);
    }
    if (authorization === undefined && !presigned) return denied(); // anonymous: the buckets are private

    const claim = authorization !== undefined ? this.headerClaim(authorization, headers) : this.queryClaim(query);
    if ('status' in claim) return claim;
    const secretAccessKey = this.secrets.get(claim.accessKeyId);
    if (secretAccessKey === undefined) {
      return { status: 403, code: 'InvalidAccessKeyId', message: 'The AWS Access Key Id you provided does not exist in our records.' };
    }
    const [shortDate, region, service, terminator] = claim.scope;
    if (claim.scope.length !== 4 || shortDate !== claim.date.toISOString().slice(0, 10).replace(/-/g, '') || service !== 's3' || terminator !== 'aws4_request') {
      return malformed(presigned ? 'AuthorizationQueryParametersError' : 'AuthorizationHeaderMalformed', 'The credential scope is malformed.');
    }
    if (region !== this.region) {
      return malformed(
        presigned ? 'AuthorizationQueryParametersError' : 'AuthorizationHeaderMalformed',
        `The authorization header is malformed; the region '${region}' is wrong; expecting '${this.region}'`,
      );
    }

    const signer = new SignatureV4({
      credentials: { accessKeyId: claim.accessKeyId, secretAccessKey },
      region: this.region,
      service: 's3',
      sha256: Sha256,
      uriEscapePath: false, // S3 signs the path as sent
      applyChecksum: false,
    });
    const signed = new Set(claim.signedHeaders);
    const request: SignableRequest = {
      method: req.method ?? 'GET',
      protocol: 'http:',
      hostname: (headers.get('host') ?? '').replace(/:\d+$/, ''),
      path: rawPath,
      query: Object.fromEntries(Object.entries(query).filter(([key]) => key !== 'X-Amz-Signature')),
      headers: {},
    };
    for (const name of signed) {
      const value = headers.get(name);
      if (value === undefined) return mismatch;
      request.headers[name] = value;
    }
    // The payload hash goes into the signature without being a signed header unless it is one.
    const payloadHash = presigned ? UNSIGNED_PAYLOAD : headers.get(PAYLOAD_HASH_HEADER)!;
    if (!signed.has(PAYLOAD_HASH_HEADER)) request.headers[PAYLOAD_HASH_HEADER] = payloadHash;
    const unsignable = new Set(signed.has(PAYLOAD_HASH_HEADER) ? [] : [PAYLOAD_HASH_HEADER]);

    let computed: string | undefined;
    if (presigned) {
      const expiresIn = Number(query['X-Amz-Expires']);
      const result = await signer.presign(request, {
        signingDate: claim.date,
        expiresIn,
        signableHeaders: signed,
        unsignableHeaders: unsignable,
        unhoistableHeaders: new Set([...signed, PAYLOAD_HASH_HEADER]),
      });
      computed = String(result.query?.['X-Amz-Signature'] ?? '');
    } else {
      const result = await signer.sign(request, { signingDate: claim.date, signableHeaders: signed, unsignableHeaders: unsignable });
      computed = /Signature=([0-9a-f]+)/.exec(String(result.headers.authorization ?? ''))?.[1];
    }
    if (!computed || !sameSignature(claim.signature, computed)) return mismatch;

    if (/^[0-9a-f]{64}$/i.test(payloadHash) && createHash('sha256').update(body).digest('hex') !== payloadHash.toLowerCase()) {
      return malformed('XAmzContentSHA256Mismatch', "The provided 'x-amz-content-sha256' header does not match what was computed.");
    }
    if (presigned) {
      const expires = claim.date.getTime() + Number(query['X-Amz-Expires']) * 1000;
      if (now.getTime() > expires) return denied('Request has expired');
    } else if (Math.abs(now.getTime() - claim.date.getTime()) > MAX_SKEW_MS) {
      return { status: 403, code: 'RequestTimeTooSkewed', message: 'The difference between the request time and the current time is too large.' };
    }
    return undefined;
  }

  private headerClaim(authorization: string, headers: Map<string, string>): Claim | S3Denial {
    const parts = new Map(
      authorization
        .slice(ALGORITHM.length + 1)
        .split(',')
        .map((part) => part.trim())
        .map((part) => [part.slice(0, part.indexOf('=')), part.slice(part.indexOf('=') + 1)] as const),
    );
    const credential = parts.get('Credential');
    const signedHeaders = parts.get('SignedHeaders');
    const signature = parts.get('Signature');
    if (!credential || !signedHeaders || !signature) {
      return malformed(
        'AuthorizationHeaderMalformed',
        'The authorization header is malformed; the authorization header requires three components: Credential, SignedHeaders, and Signature.',
      );
    }
    const date = parseAmzDate(headers.get('x-amz-date'));
    if (!date) return denied('AWS authentication requires a valid Date or x-amz-date header');
    const payloadHash = headers.get(PAYLOAD_HASH_HEADER);
    if (payloadHash === undefined) return malformed('InvalidRequest', `Missing required header for this request: ${PAYLOAD_HASH_HEADER}`);
    if (payloadHash.startsWith('STREAMING-')) {
      // aws-chunked bodies: the runtime sets AWS_REQUEST_CHECKSUM_CALCULATION=WHEN_REQUIRED so the SDK sends none.
      return { status: 501, code: 'NotImplemented', message: 'The local S3 does not take aws-chunked (streaming) uploads.' };
    }
    if (payloadHash !== UNSIGNED_PAYLOAD && !/^[0-9a-f]{64}$/i.test(payloadHash)) {
      return malformed('InvalidArgument', `${PAYLOAD_HASH_HEADER} must be UNSIGNED-PAYLOAD, or a valid sha256 value.`);
    }
    const [accessKeyId = '', ...scope] = credential.split('/');
    return { accessKeyId, scope, signedHeaders: signedHeaders.split(';'), signature, date };
  }

  private queryClaim(query: Query): Claim | S3Denial {
    const single = (name: string) => (typeof query[name] === 'string' ? (query[name] as string) : undefined);
    const [algorithm, credential, amzDate, expires, signedHeaders, signature] = [
      'X-Amz-Algorithm',
      'X-Amz-Credential',
      'X-Amz-Date',
      'X-Amz-Expires',
      'X-Amz-SignedHeaders',
      'X-Amz-Signature',
    ].map(single);
    if (algorithm !== ALGORITHM) return malformed('AuthorizationQueryParametersError', `X-Amz-Algorithm only supports "${ALGORITHM}"`);
    if (!credential || !amzDate || !expires || !signedHeaders || !signature) {
      return malformed(
        'AuthorizationQueryParametersError',
        'Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.',
      );
    }
    const date = parseAmzDate(amzDate);
    if (!date) return malformed('AuthorizationQueryParametersError', "X-Amz-Date must be in the ISO8601 Long Format \"yyyyMMdd'T'HHmmss'Z'\"");
    if (!/^\d+$/.test(expires) || Number(expires) < 1 || Number(expires) > MAX_PRESIGNED_SECONDS) {
      return malformed('AuthorizationQueryParametersError', 'X-Amz-Expires must be a number of seconds from 1 to 604800 (a week).');
    }
    const [accessKeyId = '', ...scope] = credential.split('/');
    return { accessKeyId, scope, signedHeaders: signedHeaders.split(';'), signature, date };
  }
}
