// The API's Lambda authorizer on the real local parts: the local gateway runs the template's REQUEST
// authorizer with the real handler (functions/authorizer), which verifies tokens against the local
// OpenID Provider's real discovery document and JWKS (<url>/oidc); the report functions decide
// through the one authorization function. Tokens forged each way → 401 problem+json; a valid token
// of the wrong role or outside the jurisdiction → 403; never a 5xx for a token. An issuer whose JWKS
// cannot be fetched is a jose-served one (test/support/test-issuer.ts) behind the same local gateway
// and the real report-list handler: keys fetched earlier keep working, else 503 problem+json.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { exportSPKI, generateKeyPair, importJWK, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiServer, lambdaContext, type ApiServer } from '../../local/api-gateway';
import { gatewayAuthorizer, type AuthorizerHandler } from '../../local/gateway-authorizer';
import { publicJwk, readKeys, WEB_CLIENT_ID } from '../../local/jwt-issuer';
import { startLocalRuntime, type LocalRuntime } from '../../local/runtime';
import { ROUTES } from '../../lib/routes';
import { DEFAULT_CLAIM_NAMES } from '../../shared/domain/claims';
import { lambdaAuthorizer } from '../../shared/adapters/lambda-authorizer';
import { oidcVerifier } from '../../shared/adapters/oidc-verifier';
import { TestIssuer } from '../support/test-issuer';
import { rollUp } from '../support/rollup';

const MONTH = '2026-10';
const dataDir = mkdtempSync(path.join(tmpdir(), 'smefin-authz-'));
let runtime: LocalRuntime;

beforeAll(async () => {
  runtime = await startLocalRuntime({ port: 0, dataDir, logLevel: 'ERROR', schedules: false });
  // A month's reports: national always, and the divisions with counters (none here: national only).
  await rollUp(runtime, [MONTH]);
});
afterAll(async () => {
  await runtime?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

async function call(base: string, pathAndQuery: string, token?: string, method: 'GET' | 'POST' = 'GET') {
  const response = await fetch(`${base}${pathAndQuery}`, {
    method,
    redirect: 'manual',
    headers: { ...(token === undefined ? {} : { Authorization: `Bearer ${token}` }), ...(method === 'POST' ? { 'Content-Type': 'application/json' } : {}) },
    ...(method === 'POST' ? { body: '{}' } : {}),
  });
  const text = await response.text();
  return { status: response.status, type: response.headers.get('content-type') ?? '', body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

/** Tokens signed with the local provider's own key but wrong in one claim, and tokens forged outright. */
async function forgedAgainstProvider(): Promise<Record<string, string>> {
  const keys = readKeys(dataDir)!;
  const key = await importJWK(keys.signingJwk, 'RS256');
  const kid = keys.signingJwk.kid!;
  const now = Math.floor(Date.now() / 1000);
  const claims = { sub: 'forger', 'custom:role': 'regulator', 'custom:jurisdiction': '330000' };
  const sign = (payload: Record<string, unknown>, header: Record<string, unknown> = { alg: 'RS256', kid }, signingKey: Parameters<SignJWT['sign']>[0] = key) =>
    new SignJWT({ iss: runtime.oidcIssuer, aud: WEB_CLIENT_ID, iat: now, exp: now + 600, ...claims, ...payload }).setProtectedHeader(header as { alg: string }).sign(signingKey);
  const good = await sign({});
  const [header, payload, signature] = good.split('.') as [string, string, string];
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const decoded = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
  const publicPem = await exportSPKI((await importJWK(publicJwk(keys), 'RS256')) as CryptoKey);
  const { privateKey: foreign } = await generateKeyPair('RS256');
  return {
    expired: await sign({ iat: now - 7200, exp: now - 3600 }),
    'not yet valid': await sign({ nbf: now + 600 }),
    'wrong issuer': await sign({ iss: 'https://idp.example.com/realms/smefin' }),
    'wrong audience': await sign({ aud: 'another-client' }),
    'alg none': `${encode({ alg: 'none' })}.${payload}.`,
    'HS256 signed with the public key': await sign({}, { alg: 'HS256', kid }, new TextEncoder().encode(publicPem)),
    'tampered payload': `${header}.${encode({ ...decoded, 'custom:jurisdiction': '000000' })}.${signature}`,
    'unknown kid': await sign({}, { alg: 'RS256', kid: 'not-a-published-kid' }, foreign),
    'published kid, foreign key': await sign({}, { alg: 'RS256', kid }, foreign),
    'no signature': `${header}.${payload}.`,
    'not a JWT': 'not-a-jwt',
  };
}

describe('the authorizer behind the local gateway, against the local OpenID Provider', () => {
  it("verifies against the provider's published keys", async () => {
    const discovery = (await (await fetch(`${runtime.oidcIssuer}/.well-known/openid-configuration`)).json()) as { issuer: string; jwks_uri: string };
    expect(discovery.issuer).toBe(runtime.oidcIssuer);
    const jwks = (await (await fetch(discovery.jwks_uri)).json()) as { keys: { kid: string }[] };
    expect(jwks.keys.map((k) => k.kid)).toContain(readKeys(dataDir)!.signingJwk.kid);
  });

  it('lets a valid regulator token reach the report list of its jurisdiction', async () => {
    const answer = await call(runtime.url, `/v1/reports?period=${MONTH}`, await runtime.mintToken({ jurisdiction: '000000' }));
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ period: MONTH, jurisdiction: '000000' });
    expect((answer.body.reports as { division: { code: string } }[]).map((r) => r.division.code)).toContain('000000');
  });

  it('answers 401 problem+json to no token and to every forged token, on every route marked auth', async () => {
    const forged = await forgedAgainstProvider();
    // Each route with its own method: a path without that method is no endpoint at all (404), whatever the token.
    const authRoutes = ROUTES.filter((route) => route.auth).map((route) => ({ method: route.method, path: route.path.replace('{period}', MONTH).replace('{divisionCode}', '000000') }));
    expect(authRoutes.length).toBeGreaterThan(0);
    for (const { method, path: route } of authRoutes) {
      for (const [how, token] of [['no token', undefined], ['empty bearer', ''], ...Object.entries(forged)] as [string, string | undefined][]) {
        const answer = await call(runtime.url, `${route}?period=${MONTH}&format=json`, token, method);
        expect(`${method} ${route} ${how}: ${answer.status}`).toBe(`${method} ${route} ${how}: 401`);
        expect(answer.type).toMatch(/^application\/problem\+json/);
        expect(answer.body).toMatchObject({ type: '/problems/unauthorized', status: 401 });
      }
    }
  });

  it('answers 403 problem+json to a valid token of the wrong role, or outside the jurisdiction', async () => {
    // A role that is no official's: the authorizer's Deny (API Gateway's ACCESS_DENIED).
    const bank = await call(runtime.url, `/v1/reports?period=${MONTH}`, await runtime.mintToken({ jurisdiction: '330000', role: 'bank' }));
    expect(bank).toMatchObject({ status: 403, body: { type: '/problems/forbidden', status: 403 } });
    // An official, but no regulator: the function's decision.
    for (const role of ['task_force', 'admin']) {
      const answer = await call(runtime.url, `/v1/reports/${MONTH}/000000?format=json`, await runtime.mintToken({ jurisdiction: '000000', role }));
      expect(`${role}: ${answer.status}`).toBe(`${role}: 403`);
      expect(answer.type).toMatch(/^application\/problem\+json/);
      expect(answer.body.type).toBe('/problems/forbidden');
    }
    // A county regulator asking for the national report.
    const county = await call(runtime.url, `/v1/reports/${MONTH}/000000?format=json`, await runtime.mintToken({ jurisdiction: '330106' }));
    expect(county).toMatchObject({ status: 403, body: { type: '/problems/forbidden' } });
    // The national regulator gets it.
    const national = await call(runtime.url, `/v1/reports/${MONTH}/000000?format=json`, await runtime.mintToken({ jurisdiction: '000000' }));
    expect(national.status).toBe(302);
  });
});

describe('an issuer whose JWKS cannot be fetched, behind the local gateway and the real report-list handler', () => {
  const issuer = new TestIssuer(WEB_CLIENT_ID);
  let gateway: ApiServer;
  let base = '';
  let invocations = 0;
  let current: AuthorizerHandler;
  const newAuthorizer = (): AuthorizerHandler => {
    // Keys count as fresh for no time: every token not in the gateway's cache fetches them again.
    const authorize = lambdaAuthorizer({ verifier: oidcVerifier({ issuer: issuer.issuer, audiences: [WEB_CLIENT_ID] }, { keysMaxAgeMs: 0 }), claimNames: DEFAULT_CLAIM_NAMES, log: { info: () => undefined, error: () => undefined } });
    return (event) => {
      invocations += 1;
      return authorize(event);
    };
  };

  beforeAll(async () => {
    await issuer.start();
    current = newAuthorizer();
    const reportList = (await import('../../functions/report-list/index')).handler as unknown as (e: APIGatewayProxyEvent, c: Context) => Promise<APIGatewayProxyResult>;
    gateway = createApiServer({
      webDir: dataDir,
      webFiles: {},
      webHeaders: {},
      authorizer: gatewayAuthorizer({ settings: { identityHeader: 'authorization', ttlSeconds: 300 }, handler: () => current, context: (id) => lambdaContext('authorizer', id, 10) }),
    });
    gateway.setRoutes([{ definition: ROUTES.find((r) => r.function === 'report-list')!, functionName: 'report-list', handler: reportList, timeoutSeconds: 10 }]);
    await new Promise<void>((resolve) => gateway.server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(gateway.server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    gateway.server.closeAllConnections();
    await new Promise<void>((resolve) => gateway.server.close(() => resolve()));
    await issuer.stop();
  });

  it('keeps working on cached results and cached keys, refuses forged tokens, and answers 503 only without keys', async () => {
    const list = `/v1/reports?period=${MONTH}`;
    const first = await issuer.token();
    expect((await call(base, list, first)).status).toBe(200);
    const calls = invocations;

    issuer.mode = 'down';
    // The gateway's cache by token, as API Gateway's: the authorizer is not even called.
    expect((await call(base, list, first)).status).toBe(200);
    expect(invocations).toBe(calls);
    // A new token: verified with the keys fetched before.
    expect((await call(base, list, await issuer.token({ claims: { sub: 'second' } }))).status).toBe(200);
    // Forged tokens stay 401 while the issuer is down.
    for (const [how, token] of Object.entries(await issuer.forged())) {
      const answer = await call(base, list, token);
      expect(`${how}: ${answer.status}`).toBe(`${how}: 401`);
    }

    // An authorizer that never got the keys (a new Lambda container): 503 problem+json.
    current = newAuthorizer();
    const unavailable = await call(base, list, await issuer.token({ claims: { sub: 'third' } }));
    expect(unavailable.status).toBe(503);
    expect(unavailable.type).toMatch(/^application\/problem\+json/);
    expect(unavailable.body).toMatchObject({ type: '/problems/unavailable', status: 503 });
    // …but a bad token is still a 401, not a 5xx.
    expect((await call(base, list, 'not-a-jwt')).status).toBe(401);

    issuer.mode = 'up';
    expect((await call(base, list, await issuer.token({ claims: { sub: 'fourth' } }))).status).toBe(200);
  });
});
