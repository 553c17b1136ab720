// A small API Gateway (REST, Lambda proxy integration) emulator: HTTP requests become the same event
// objects API Gateway sends, go to the same handler functions, and their results become HTTP
// responses. Static web pages are served next to the API, as CloudFront does in AWS. The gateway's
// own answers (no route, 401, 413, a failed or timed-out function, a path that does not decode) are
// the problem+json bodies the GatewayResponses of lib/api.ts give in AWS (shared/domain/gateway-problems.ts).
import { randomUUID } from 'node:crypto';
import { createReadStream, existsSync, readFileSync, statSync } from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import { brotliCompressSync, constants as zlibConstants, gzipSync } from 'node:zlib';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { BINARY_MEDIA_TYPES, type RouteDefinition } from '../lib/routes';
import { ENV } from '../shared/domain/environment';
import {
  GATEWAY_ANSWERS,
  gatewayProblem,
  gatewayResponseHeaders,
  gatewayStatus,
  MALFORMED_PATH,
  type GatewayAnswer,
} from '../shared/domain/gateway-problems';
import type { GatewayAuthorizer } from './gateway-authorizer';

export type LambdaHandler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

export interface LocalRoute {
  definition: RouteDefinition;
  functionName: string;
  handler: LambdaHandler;
  timeoutSeconds: number;
}

export interface ApiServerOptions {
  /** Folder of built web pages. */
  webDir: string;
  /** Extra files served at the web root, e.g. config.json. */
  webFiles: Record<string, { contentType: string; body: string }>;
  /** Headers CloudFront adds to web pages (security headers policy). */
  webHeaders: Record<string, string>;
  /** API Gateway's own payload limit (10 MB). */
  maxPayloadBytes?: number;
  /** The API's Lambda authorizer (local/gateway-authorizer.ts), for the routes marked `auth`. */
  authorizer?: GatewayAuthorizer;
  /** Local-only control endpoints under `/_local/` (invoking a function, like Lambda's Invoke API). */
  control?: (method: string, path: string, body: Buffer) => Promise<{ status: number; body: unknown } | undefined>;
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
};

interface CompiledRoute extends LocalRoute {
  pattern: RegExp;
  parameterNames: string[];
}

function compile(route: LocalRoute): CompiledRoute {
  const parameterNames: string[] = [];
  const source = route.definition.path
    .split('/')
    .map((part) => {
      const match = /^\{(\w+)\+?\}$/.exec(part);
      if (!match) return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      parameterNames.push(match[1]!);
      return '([^/]+)';
    })
    .join('/');
  return { ...route, pattern: new RegExp(`^${source}$`), parameterNames };
}

/** API Gateway's own limit on waiting for an integration (REST APIs: 29 seconds). */
const INTEGRATION_TIMEOUT_SECONDS = 29;

/** One of API Gateway's own answers, as the GatewayResponse of that type gives it in AWS. */
function gatewayAnswer(res: http.ServerResponse, answer: GatewayAnswer, requestId: string = randomUUID()): void {
  const body = JSON.stringify(gatewayProblem(answer, requestId));
  res.writeHead(gatewayStatus(answer) ?? 500, {
    ...gatewayResponseHeaders(process.env[ENV.allowedOrigin]),
    'Content-Length': Buffer.byteLength(body),
    'x-amzn-RequestId': requestId,
  });
  res.end(body);
}

function plainText(res: http.ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', ...headers });
  res.end(text);
}

/** Whether a path's percent-encoding decodes (to UTF-8): `%ZZ` or a cut sequence does not. */
function decodes(pathname: string): boolean {
  try {
    decodeURIComponent(pathname);
    return true;
  } catch {
    return false;
  }
}

/** What API Gateway accepts from a proxy integration; anything else is a 502. */
function isProxyResult(value: unknown): value is APIGatewayProxyResult {
  if (typeof value !== 'object' || value === null) return false;
  const { statusCode, body } = value as { statusCode?: unknown; body?: unknown };
  return Number.isInteger(statusCode) && (body === undefined || body === null || typeof body === 'string');
}

export function toProxyEvent(
  req: http.IncomingMessage,
  url: URL,
  route: CompiledRoute,
  parameters: string[],
  body: Buffer,
): APIGatewayProxyEvent {
  const headers: Record<string, string> = {};
  const multiValueHeaders: Record<string, string[]> = {};
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i]!;
    const value = req.rawHeaders[i + 1]!;
    headers[name] = value;
    (multiValueHeaders[name] ??= []).push(value);
  }
  const query: Record<string, string> = {};
  const multiQuery: Record<string, string[]> = {};
  for (const [key, value] of url.searchParams) {
    query[key] = value;
    (multiQuery[key] ??= []).push(value);
  }
  const hasQuery = Object.keys(query).length > 0;
  const pathParameters = Object.fromEntries(
    route.parameterNames.map((name, i) => [name, decodeURIComponent(parameters[i] ?? '')]),
  );
  return {
    resource: route.definition.path,
    path: url.pathname,
    httpMethod: req.method ?? 'GET',
    headers,
    multiValueHeaders,
    queryStringParameters: hasQuery ? query : null,
    multiValueQueryStringParameters: hasQuery ? multiQuery : null,
    pathParameters: route.parameterNames.length > 0 ? pathParameters : null,
    stageVariables: null,
    body: body.length > 0 ? body.toString('utf8') : null,
    isBase64Encoded: false,
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      // Set by the Lambda authorizer on the routes marked `auth`.
      authorizer: null,
      protocol: `HTTP/${req.httpVersion}`,
      httpMethod: req.method ?? 'GET',
      path: `/api${url.pathname}`,
      stage: 'api',
      requestId: randomUUID(),
      requestTimeEpoch: Date.now(),
      resourceId: 'local',
      resourcePath: route.definition.path,
      identity: {
        sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
        userAgent: req.headers['user-agent'] ?? null,
        accessKey: null,
        accountId: null,
        apiKey: null,
        apiKeyId: null,
        caller: null,
        clientCert: null,
        cognitoAuthenticationProvider: null,
        cognitoAuthenticationType: null,
        cognitoIdentityId: null,
        cognitoIdentityPoolId: null,
        principalOrgId: null,
        user: null,
        userArn: null,
      },
    },
  };
}

export function lambdaContext(functionName: string, requestId: string, timeoutSeconds: number): Context {
  const deadline = Date.now() + timeoutSeconds * 1000;
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:${functionName}`,
    memoryLimitInMB: '512',
    awsRequestId: requestId,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

async function invoke(route: CompiledRoute, event: APIGatewayProxyEvent): Promise<unknown> {
  const context = lambdaContext(route.functionName, event.requestContext.requestId, route.timeoutSeconds);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), Math.min(route.timeoutSeconds, INTEGRATION_TIMEOUT_SECONDS) * 1000);
  });
  try {
    return await Promise.race([route.handler(event, context), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** The body, or 'too_large' once it is over the limit (read to the end all the same, so the client can read the answer). */
async function readBody(req: http.IncomingMessage, limit: number): Promise<Buffer | 'too_large'> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size <= limit) chunks.push(chunk as Buffer);
  }
  return size > limit ? 'too_large' : Buffer.concat(chunks);
}

/** What CloudFront compresses: text types of its list, from 1,000 bytes to 10,000,000 bytes. */
const COMPRESSIBLE_TYPE = /^(text\/|application\/(json|javascript)|image\/svg\+xml)/;
const COMPRESS_MIN_BYTES = 1_000;
const COMPRESS_MAX_BYTES = 10_000_000;

/** The encoding CloudFront picks for a viewer: Brotli when it is accepted, else gzip, else none. */
export function contentEncodingFor(acceptEncoding: string | undefined): 'br' | 'gzip' | undefined {
  const accepted = new Set(
    (acceptEncoding ?? '')
      .split(',')
      .map((part) => part.trim().toLowerCase().split(';'))
      .filter(([, ...params]) => !params.some((p) => /^\s*q\s*=\s*0(\.0*)?\s*$/.test(p)))
      .map(([coding]) => coding?.trim()),
  );
  return accepted.has('br') ? 'br' : accepted.has('gzip') ? 'gzip' : undefined;
}

/** Compressed files by path, kept while the file is unchanged (the pages are built once per start). */
const compressed = new Map<string, { mtimeMs: number; size: number; body: Buffer }>();

function compressedFile(file: string, encoding: 'br' | 'gzip', stat: { mtimeMs: number; size: number }): Buffer {
  const key = `${encoding}:${file}`;
  const cached = compressed.get(key);
  if (cached && cached.mtimeMs === stat.mtimeMs && cached.size === stat.size) return cached.body;
  const raw = readFileSync(file);
  const body =
    encoding === 'br'
      ? brotliCompressSync(raw, { params: { [zlibConstants.BROTLI_PARAM_QUALITY]: 11, [zlibConstants.BROTLI_PARAM_SIZE_HINT]: raw.length } })
      : gzipSync(raw, { level: 9 });
  compressed.set(key, { mtimeMs: stat.mtimeMs, size: stat.size, body });
  return body;
}

function serveStatic(options: ApiServerOptions, req: http.IncomingMessage, url: URL, res: http.ServerResponse): void {
  const name = url.pathname === '/' ? '/index.html' : decodeURIComponent(url.pathname);
  const extra = options.webFiles[name.slice(1)];
  if (extra) {
    res.writeHead(200, { 'Content-Type': extra.contentType, 'Cache-Control': 'no-store', ...options.webHeaders });
    res.end(extra.body);
    return;
  }
  const root = path.resolve(options.webDir);
  const file = path.resolve(root, `.${name}`);
  if (!file.startsWith(root + path.sep) || !existsSync(file) || !statSync(file).isFile()) {
    return plainText(res, 404, 'Not found', options.webHeaders);
  }
  const contentType = CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream';
  const headers = { 'Content-Type': contentType, 'Cache-Control': 'no-cache', ...options.webHeaders };
  // Compressed as CloudFront compresses at the edge (lib/web.ts: compress on, CachingOptimized).
  const stat = statSync(file);
  const compressible = COMPRESSIBLE_TYPE.test(contentType) && stat.size >= COMPRESS_MIN_BYTES && stat.size <= COMPRESS_MAX_BYTES;
  const encoding = compressible ? contentEncodingFor(req.headers['accept-encoding']) : undefined;
  if (encoding) {
    const body = compressedFile(file, encoding, stat);
    res.writeHead(200, { ...headers, 'Content-Encoding': encoding, 'Content-Length': body.length, Vary: 'Accept-Encoding' });
    res.end(req.method === 'HEAD' ? undefined : body);
    return;
  }
  res.writeHead(200, { ...headers, 'Content-Length': stat.size, ...(compressible ? { Vary: 'Accept-Encoding' } : {}) });
  if (req.method === 'HEAD') return void res.end();
  createReadStream(file).pipe(res);
}

export interface ApiServer {
  server: http.Server;
  /** Routes are attached once the handlers are loaded (they need the server's port in their settings). */
  setRoutes(routes: LocalRoute[]): void;
  /** The OpenID Provider on this port (local/oidc-provider.ts): it gets every request under `/oidc`. */
  setOidc(handler: http.RequestListener): void;
  /** Local stand-ins of outside services under `/local/` (the SMS provider and its outbox); false: not theirs. */
  setLocalPages(handler: (req: http.IncomingMessage, res: http.ServerResponse, pathname: string) => Promise<boolean>): void;
}

export function createApiServer(options: ApiServerOptions): ApiServer {
  let routes: CompiledRoute[] = [];
  let oidc: http.RequestListener | undefined;
  let localPages: Parameters<ApiServer['setLocalPages']>[0] | undefined;
  const maxPayload = options.maxPayloadBytes ?? 10 * 1024 * 1024;

  const server = http.createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const api = url.pathname.startsWith('/v1/');
      // Refused before any route is matched, as API Gateway (and CloudFront for the pages) do.
      if (!decodes(url.pathname)) return api ? gatewayAnswer(res, MALFORMED_PATH) : plainText(res, 400, 'Bad request');
      if (oidc && (url.pathname === '/oidc' || url.pathname.startsWith('/oidc/'))) return oidc(req, res);
      if (localPages && url.pathname.startsWith('/local/') && (await localPages(req, res, url.pathname))) return;
      if (url.pathname.startsWith('/_local/') && options.control) {
        const body = await readBody(req, maxPayload);
        const answer = body === 'too_large' ? undefined : await options.control(req.method ?? 'GET', url.pathname, body);
        if (!answer) return gatewayAnswer(res, GATEWAY_ANSWERS.RESOURCE_NOT_FOUND);
        res.writeHead(answer.status, { 'Content-Type': 'application/json' });
        return res.end(JSON.stringify(answer.body));
      }
      if (!api) {
        if (req.method !== 'GET' && req.method !== 'HEAD') return plainText(res, 405, 'Method not allowed', options.webHeaders);
        return serveStatic(options, req, url, res);
      }
      const candidates = routes
        .map((route) => ({ route, match: route.pattern.exec(url.pathname) }))
        .filter((candidate) => candidate.match);
      if (candidates.length === 0) return gatewayAnswer(res, GATEWAY_ANSWERS.MISSING_AUTHENTICATION_TOKEN);
      if (req.method === 'OPTIONS') {
        res.writeHead(204, { Allow: candidates.map((c) => c.route.definition.method).join(', ') + ', OPTIONS' });
        return res.end();
      }
      // A method the path does not have is the same answer as no path at all in API Gateway.
      const chosen = candidates.find((c) => c.route.definition.method === req.method);
      if (!chosen) return gatewayAnswer(res, GATEWAY_ANSWERS.MISSING_AUTHENTICATION_TOKEN);

      const event = toProxyEvent(req, url, chosen.route, chosen.match!.slice(1), Buffer.alloc(0));
      const requestId = event.requestContext.requestId;
      if (chosen.route.definition.auth) {
        const outcome = options.authorizer ? await options.authorizer.authorize(event) : ({ allowed: false, answer: GATEWAY_ANSWERS.UNAUTHORIZED } as const);
        if (!outcome.allowed) return gatewayAnswer(res, outcome.answer, requestId);
        event.requestContext.authorizer = outcome.context;
      }
      const body = await readBody(req, maxPayload);
      if (body === 'too_large') return gatewayAnswer(res, GATEWAY_ANSWERS.REQUEST_TOO_LARGE, requestId);
      // As API Gateway does: a body of a binary media type reaches the function base64-encoded, as bytes.
      const binary = (BINARY_MEDIA_TYPES as readonly string[]).includes((req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase());
      event.body = body.length > 0 ? body.toString(binary ? 'base64' : 'utf8') : null;
      event.isBase64Encoded = binary && body.length > 0;
      let result: unknown;
      try {
        result = await invoke(chosen.route, event);
      } catch (error) {
        console.error(`[${chosen.route.functionName}] unhandled error`, error);
        return gatewayAnswer(res, GATEWAY_ANSWERS.INTEGRATION_FAILURE, requestId);
      }
      if (result === 'timeout') return gatewayAnswer(res, GATEWAY_ANSWERS.INTEGRATION_TIMEOUT, requestId);
      if (!isProxyResult(result)) {
        console.error(`[${chosen.route.functionName}] answered something that is not a proxy response`);
        return gatewayAnswer(res, GATEWAY_ANSWERS.INTEGRATION_FAILURE, requestId);
      }
      const headers: Record<string, string | string[]> = { ...(result.headers as Record<string, string>) };
      for (const [name, values] of Object.entries(result.multiValueHeaders ?? {})) headers[name] = values.map(String);
      res.writeHead(result.statusCode, headers);
      res.end(result.isBase64Encoded ? Buffer.from(result.body, 'base64') : result.body);
    })().catch((error: unknown) => {
      console.error('local API gateway error', error);
      if (!res.headersSent) gatewayAnswer(res, GATEWAY_ANSWERS.DEFAULT_5XX);
      else res.end();
    });
  });
  return {
    server,
    setRoutes: (next) => (routes = next.map(compile)),
    setOidc: (handler) => (oidc = handler),
    setLocalPages: (handler) => (localPages = handler),
  };
}
