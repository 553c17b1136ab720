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
import { resourcesOfType, type CfnTemplate } from './synth';

export const localBucketName = (logicalId: string) => logicalId.toLowerCase();

export interface RunningS3 {
  endpoint: string;
  buckets: string[];
  stop(): Promise<void>;
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
  const front = http.createServer((req, res) => {
    void serve(verifier, socket, req, res).catch((error: unknown) => {
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
}

async function serve(verifier: SigV4Verifier, socket: string, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  const body = await readAll(req);
  // CORS preflights carry no credentials, in S3 too; s3rver answers them from the bucket's CORS rules.
  if (req.method !== 'OPTIONS') {
    const denial = await verifier.verify(req, body, new Date());
    if (denial) return sendError(res, req.method, denial);
  }
  const headers = { ...req.headers };
  for (const name of ['connection', 'keep-alive', 'expect', 'transfer-encoding']) delete headers[name];
  if (body.length > 0 || req.headers['content-length'] !== undefined) headers['content-length'] = String(body.length);
  await new Promise<void>((resolve, reject) => {
    const upstream = http.request({ socketPath: socket, method: req.method, path: req.url, headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
      answer.on('end', resolve);
      answer.on('error', reject);
    });
    upstream.on('error', reject);
    upstream.end(body);
  });
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
  res.writeHead(denial.status, { 'Content-Type': 'application/xml', 'Content-Length': Buffer.byteLength(xml), 'x-amz-request-id': requestId });
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
