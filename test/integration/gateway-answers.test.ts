// The local API Gateway's own answers, on the real local server: no route, a body over the 10 MB
// limit, a report route without a valid token, a path whose percent-encoding does not decode, a
// function that throws, times out or answers nonsense. Each is the problem+json body the
// GatewayResponses of lib/api.ts give in AWS (shared/domain/gateway-problems.ts), never a 5xx for
// bad input.
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createApiServer, type LambdaHandler } from '../../local/api-gateway';
import { ROUTES, type RouteDefinition } from '../../lib/routes';
import { GATEWAY_ANSWERS, gatewayProblem, MALFORMED_PATH } from '../../shared/domain/gateway-problems';

interface RawAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
}

/** A request with the path exactly as given (fetch would normalise some of it). */
function raw(base: string, method: string, path: string, options: { headers?: Record<string, string>; body?: Buffer } = {}) {
  const { hostname, port } = new URL(base);
  return new Promise<RawAnswer>((resolve, reject) => {
    const req = http.request({ hostname, port, method, path, headers: options.headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

/** The answer is the gateway problem of that kind, with the request id of the answer. */
function expectGatewayProblem(answer: RawAnswer, expected: { status: number; type: string }) {
  expect(answer.status).toBe(expected.status);
  expect(answer.headers['content-type']).toBe('application/problem+json; charset=utf-8');
  const body = JSON.parse(answer.text);
  expect(body).toMatchObject({ type: expected.type, status: expected.status });
  expect(body.title).toMatch(/[\u4e00-\u9fff].* \/ [A-Za-z]/u);
  expect(body.detail).toMatch(/[\u4e00-\u9fff].* \/ [A-Za-z]/u);
  expect(body.requestId).toBe(answer.headers['x-amzn-requestid']);
  expect(body.requestId).toMatch(/^[0-9a-f-]{36}$/);
  return body;
}

describe('the local API gateway, on the running system', () => {
  const baseUrl = inject('baseUrl');

  it('answers an unknown route, and a method the route does not have, 404 problem+json', async () => {
    for (const [method, path] of [
      ['GET', '/v1/nothing-here'],
      ['GET', '/v1/needs/01JDZ8Q8Y3M3B3X9N7W1V2C4D5/extra'],
      ['POST', '/v1/health'],
      ['DELETE', '/v1/needs'],
    ]) {
      const answer = await raw(baseUrl, method!, path!);
      const body = expectGatewayProblem(answer, { status: 404, type: '/problems/not-found' });
      expect(body).toEqual(gatewayProblem(GATEWAY_ANSWERS.MISSING_AUTHENTICATION_TOKEN, body.requestId));
    }
  });

  it('answers a body over API Gateway’s 10 MB limit 413 problem+json', async () => {
    const answer = await raw(baseUrl, 'POST', '/v1/needs', {
      headers: { 'Content-Type': 'application/json' },
      body: Buffer.alloc(10 * 1024 * 1024 + 1, 0x20),
    });
    expectGatewayProblem(answer, { status: 413, type: '/problems/payload-too-large' });
  });

  it('answers a report route without a valid token 401 problem+json', async () => {
    for (const authorization of [undefined, 'Bearer not-a-jwt', 'Bearer ', 'Basic dXNlcjpwYXNz', 'Bearer a.b.c']) {
      for (const path of ['/v1/reports?period=2026-11', '/v1/reports/2026-11/440000?format=json']) {
        const answer = await raw(baseUrl, 'GET', path, { headers: authorization ? { Authorization: authorization } : {} });
        expectGatewayProblem(answer, { status: 401, type: '/problems/unauthorized' });
      }
    }
  });

  it('answers malformed percent-encoding in a path 400 problem+json', async () => {
    for (const path of ['/v1/needs/%E0%A4%A', '/v1/needs/%ZZ', '/v1/needs/%', '/v1/reports/2026-11/%C0%80', '/v1/%ED%A0%80']) {
      const answer = await raw(baseUrl, 'GET', path);
      const body = expectGatewayProblem(answer, { status: 400, type: '/problems/bad-request' });
      expect(body).toEqual(gatewayProblem(MALFORMED_PATH, body.requestId));
    }
  });

  it('never answers a malformed path with a 5xx: 400 problem+json for every route, method and escape (fuzz)', async () => {
    const hex = (byte: number) => `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
    const badEscape = fc.oneof(
      fc.constantFrom('%', '%A', '%G0', '%ZZ', '%%', '%-1', '%g', '%0'),
      fc.integer({ min: 0x80, max: 0xbf }).map(hex), // a continuation byte alone
      fc.integer({ min: 0xf5, max: 0xff }).map(hex), // never in UTF-8
      fc.constantFrom('%C0%80', '%C1%BF', '%E0%80%80', '%F0%80%80%80', '%ED%A0%80', '%ED%BF%BF'), // overlong, surrogates
      fc
        .tuple(fc.integer({ min: 0xc2, max: 0xf4 }), fc.integer({ min: 0, max: 2 }))
        .map(([lead, continuations]) => hex(lead) + '%80'.repeat(Math.min(continuations, lead >= 0xf0 ? 2 : lead >= 0xe0 ? 1 : 0))), // cut short
      fc.tuple(fc.integer({ min: 0xe0, max: 0xef }), fc.integer({ min: 0x80, max: 0xbf })).map(([lead, next]) => `${hex(lead)}${hex(next)}%A`),
    );
    const plain = fc.stringMatching(/^[A-Za-z0-9._-]{0,8}$/);
    // '~' after the escape, so the plain text that follows cannot complete it.
    const segment = fc.tuple(plain, badEscape, plain).map(([before, bad, after]) => `${before}${bad}~${after}`);
    const target = fc.tuple(fc.constantFrom<RouteDefinition | undefined>(...ROUTES, undefined), segment, plain).map(([route, bad, good]) => {
      if (!route) return `/v1/${bad}`;
      const parts = route.path.split('/');
      const withParameters = parts.map((part) => (part.startsWith('{') ? bad : part)).join('/');
      return withParameters === route.path ? `${route.path}/${good}${bad}` : withParameters;
    });
    let runs = 0;
    await fc.assert(
      fc.asyncProperty(target, fc.constantFrom('GET', 'POST', 'PUT', 'OPTIONS'), async (path, method) => {
        runs += 1;
        const answer = await raw(baseUrl, method, path, { headers: { 'Content-Type': 'application/json' }, body: Buffer.from('{}') });
        expect(answer.status, `${method} ${path}`).toBeLessThan(500);
        expectGatewayProblem(answer, { status: 400, type: '/problems/bad-request' });
      }),
      { numRuns: 300 },
    );
    expect(runs).toBe(300);
  });
});

describe('the local API gateway, when a function fails', () => {
  let base: string;
  let server: http.Server;
  const seen: string[] = [];
  const route = (path: string, handler: LambdaHandler, timeoutSeconds = 3) => ({
    definition: { method: 'GET', path, function: 'health' } as RouteDefinition,
    functionName: 'health',
    handler: async (event: Parameters<LambdaHandler>[0], context: Parameters<LambdaHandler>[1]) => {
      seen.push(event.requestContext.requestId);
      return handler(event, context);
    },
    timeoutSeconds,
  });

  beforeAll(async () => {
    const api = createApiServer({ webDir: '/nonexistent', webFiles: {}, webHeaders: {} });
    api.setRoutes([
      route('/v1/throws', async () => {
        throw new Error('boom');
      }),
      route('/v1/hangs', () => new Promise(() => undefined), 0.2),
      route('/v1/nonsense', async () => 'not a proxy response' as never),
    ]);
    server = api.server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it.each([
    ['/v1/throws', 502, '/problems/bad-gateway'],
    ['/v1/nonsense', 502, '/problems/bad-gateway'],
    ['/v1/hangs', 504, '/problems/gateway-timeout'],
  ])('%s → %i %s, with the request id the function was given', async (path, status, type) => {
    const answer = await raw(base, 'GET', path);
    const body = expectGatewayProblem(answer, { status, type });
    expect(seen).toContain(body.requestId);
  });
});
