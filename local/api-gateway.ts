// A small API Gateway (REST, Lambda proxy integration) emulator: HTTP requests become the same event
// objects API Gateway sends, go to the same handler functions, and their results become HTTP
// responses. Static web pages are served next to the API, as CloudFront does in AWS.
import { randomUUID } from 'node:crypto';
import { createReadStream, existsSync, statSync } from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import type { RouteDefinition } from '../lib/routes';

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
  /** The Cognito authorizer, locally: verified claims of a token, or undefined. */
  authorize?: (token: string) => Promise<Record<string, unknown> | undefined>;
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

function gatewayError(res: http.ServerResponse, status: number, message: string): void {
  res.writeHead(status, { 'Content-Type': 'application/json', 'x-amzn-ErrorType': 'LocalGatewayError' });
  res.end(JSON.stringify({ message }));
}

export function toProxyEvent(
  req: http.IncomingMessage,
  url: URL,
  route: CompiledRoute,
  parameters: string[],
  body: Buffer,
  claims?: Record<string, unknown>,
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
      // As the Cognito user pool authorizer passes them: claims as strings.
      authorizer: claims ? { claims: Object.fromEntries(Object.entries(claims).map(([k, v]) => [k, String(v)])) } : null,
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

async function invoke(route: CompiledRoute, event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult | 'timeout'> {
  const context = lambdaContext(route.functionName, event.requestContext.requestId, route.timeoutSeconds);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), route.timeoutSeconds * 1000);
  });
  try {
    return await Promise.race([route.handler(event, context), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

async function readBody(req: http.IncomingMessage, limit: number): Promise<Buffer | 'too_large'> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) return 'too_large';
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function serveStatic(options: ApiServerOptions, url: URL, res: http.ServerResponse): void {
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
    res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8', ...options.webHeaders });
    res.end('Not found');
    return;
  }
  res.writeHead(200, {
    'Content-Type': CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream',
    'Cache-Control': 'no-cache',
    ...options.webHeaders,
  });
  createReadStream(file).pipe(res);
}

export interface ApiServer {
  server: http.Server;
  /** Routes are attached once the handlers are loaded (they need the server's port in their settings). */
  setRoutes(routes: LocalRoute[]): void;
}

export function createApiServer(options: ApiServerOptions): ApiServer {
  let routes: CompiledRoute[] = [];
  const maxPayload = options.maxPayloadBytes ?? 10 * 1024 * 1024;

  const server = http.createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      if (url.pathname.startsWith('/_local/') && options.control) {
        const body = await readBody(req, maxPayload);
        const answer = body === 'too_large' ? undefined : await options.control(req.method ?? 'GET', url.pathname, body);
        if (!answer) return gatewayError(res, 404, 'Not Found');
        res.writeHead(answer.status, { 'Content-Type': 'application/json' });
        return res.end(JSON.stringify(answer.body));
      }
      if (!url.pathname.startsWith('/v1/')) {
        if (req.method !== 'GET' && req.method !== 'HEAD') return gatewayError(res, 405, 'Method Not Allowed');
        return serveStatic(options, url, res);
      }
      const candidates = routes
        .map((route) => ({ route, match: route.pattern.exec(url.pathname) }))
        .filter((candidate) => candidate.match);
      if (candidates.length === 0) return gatewayError(res, 404, 'Not Found');
      if (req.method === 'OPTIONS') {
        res.writeHead(204, { Allow: candidates.map((c) => c.route.definition.method).join(', ') + ', OPTIONS' });
        return res.end();
      }
      const chosen = candidates.find((c) => c.route.definition.method === req.method);
      if (!chosen) return gatewayError(res, 405, 'Method Not Allowed');

      let claims: Record<string, unknown> | undefined;
      if (chosen.route.definition.auth) {
        const token = (req.headers.authorization ?? '').replace(/^Bearer\s+/i, '');
        claims = token && options.authorize ? await options.authorize(token) : undefined;
        if (!claims) return gatewayError(res, 401, 'Unauthorized');
      }
      const body = await readBody(req, maxPayload);
      if (body === 'too_large') return gatewayError(res, 413, 'Request Too Long');
      const event = toProxyEvent(req, url, chosen.route, chosen.match!.slice(1), body, claims);
      let result: APIGatewayProxyResult | 'timeout';
      try {
        result = await invoke(chosen.route, event);
      } catch (error) {
        console.error(`[${chosen.route.functionName}] unhandled error`, error);
        return gatewayError(res, 502, 'Internal server error');
      }
      if (result === 'timeout') return gatewayError(res, 504, 'Endpoint request timed out');
      const headers: Record<string, string | string[]> = { ...(result.headers as Record<string, string>) };
      for (const [name, values] of Object.entries(result.multiValueHeaders ?? {})) headers[name] = values.map(String);
      res.writeHead(result.statusCode, headers);
      res.end(result.isBase64Encoded ? Buffer.from(result.body, 'base64') : result.body);
    })().catch((error: unknown) => {
      console.error('local API gateway error', error);
      if (!res.headersSent) gatewayError(res, 502, 'Internal server error');
      else res.end();
    });
  });
  return { server, setRoutes: (next) => (routes = next.map(compile)) };
}
